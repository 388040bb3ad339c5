"""A real CityLine web server (gunicorn, over HTTP) for whole calls walked by the local caller."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ivr import db
from ivr.launcher import gunicorn_command
from ivr.local_caller import CallTranscript, LocalCall, ScriptedCaller, parse_script
from ivr.private_redis import free_port
from tests.conftest import AUTH_TOKEN

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class LiveServer:
    url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes]

    def call(self, script: str, *, from_number: str = "+13125550199", token: str | None = AUTH_TOKEN,
             signing_base_url: str | None = None, max_hold_loops: int = 2) -> CallTranscript:
        return LocalCall(
            base_url=self.url, caller=ScriptedCaller(parse_script(script)), auth_token=token,
            signing_base_url=signing_base_url, from_number=from_number, to_number="+13125550311",
            max_hold_loops=max_hold_loops,
        ).run()

    def run_worker(self) -> None:
        """Drain the job queue with the real worker command, as the Procfile runs it."""
        subprocess.run([sys.executable, "-m", "ivr.cli", "worker", "--burst"], env=self.env, cwd=ROOT,
                       check=True, timeout=60, capture_output=True)


def start_server(env: dict[str, str], log: Path) -> LiveServer:
    db.upgrade(db.make_engine(env["DATABASE_URL"]))
    port = free_port()
    env = {**env, "PORT": str(port), "PATH": _path()}
    with log.open("wb") as output:
        process = subprocess.Popen(
            gunicorn_command("127.0.0.1", port, workers=2, threads=8),  # the Procfile's web line
            env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    _wait_for(url + "/healthz", process, log)
    _wait_for_intents(url + "/healthz", process, log)
    return LiveServer(url, env, process)


def _wait_for_intents(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 120,
                      in_a_row: int = 10) -> None:
    """Until both web processes have trained the main menu's classifier (each trains as it starts; a caller
    speaking before that hears the menu again): `in_a_row` health checks in a row say so."""
    deadline, ready = time.monotonic() + timeout, 0
    while ready < in_a_row:
        if time.monotonic() > deadline or process.poll() is not None:
            pytest.fail(f"the web server's classifier was not ready within {timeout} s: {log.read_text()}")
        with urllib.request.urlopen(url, timeout=5) as response:
            ready = ready + 1 if json.loads(response.read())["intents"] == "ready" else 0
        if ready == 0:
            time.sleep(0.2)


def _path() -> str:
    import os

    return os.environ.get("PATH", "/usr/bin:/bin")


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the web server exited: {log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    process.kill()
    pytest.fail(f"the web server did not answer within {timeout} s: {log.read_text()}")


def stop_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="module")
def server_env(redis_url: str, tmp_path_factory) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'cityline.sqlite3'}",
        "REDIS_URL": redis_url,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "CITY_TIMEZONE": "America/New_York",
        "OFFICE_HOURS": "mon-sun 00:00-24:00",
        "LOG_LEVEL": "WARNING",
    }


@pytest.fixture(scope="module")
def server(server_env, tmp_path_factory) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    live = start_server(server_env, tmp_path_factory.mktemp("log") / "web.log")
    yield live
    stop_server(live)


@pytest.fixture(scope="module")
def city_server(server_env, tmp_path_factory) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    """A server of the module's own with the sample city loaded (streets, schedules, holidays)."""
    env = {**server_env, "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('city') / 'cityline.sqlite3'}"}
    db.upgrade(db.make_engine(env["DATABASE_URL"]))
    subprocess.run([sys.executable, "-m", "ivr.cli", "import", "sample"], env={**env, "PATH": "/usr/bin:/bin"},
                   cwd=ROOT, check=True, timeout=120, capture_output=True)
    live = start_server(env, tmp_path_factory.mktemp("city-log") / "web.log")
    yield live
    stop_server(live)

"""The README's first command: `cityline run` with nothing configured answers a call, then stops cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from ivr.local_caller import LocalCall, ScriptedCaller, parse_script
from ivr.private_redis import free_port
from ivr.settings import DEVELOPMENT_AUTH_TOKEN

pytestmark = pytest.mark.e2e


def wait_for(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"cityline run exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail("cityline run did not answer")


def test_cityline_run_starts_everything_and_answers_a_trash_day_call(tmp_path):
    port = free_port()
    env = {key: value for key, value in os.environ.items()
           if key not in ("REDIS_URL", "DATABASE_URL", "TWILIO_AUTH_TOKEN")}
    env.update(PORT=str(port), OFFICE_HOURS="mon-sun 00:00-24:00", LOG_LEVEL="WARNING")
    process = subprocess.Popen([sys.executable, "-m", "ivr.cli", "run", "--web-workers", "1"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", process)
        caller = ScriptedCaller(parse_script("press 1\npress 1\npress 1200#\nsay Elm Street\npress 2\n"))
        transcript = LocalCall(f"http://127.0.0.1:{port}", caller, auth_token=DEVELOPMENT_AUTH_TOKEN).run()
        assert transcript.errors == []
        assert "Here is the collection schedule for 1200 Elm Street." in transcript.heard
        assert any(line.startswith("Your next trash pickup is ") for line in transcript.heard)
        announced = json.loads((tmp_path / "var" / "running.json").read_text())  # for `cityline call` and --answer
        assert announced["url"] == f"http://127.0.0.1:{port}" and announced["redis_url"].startswith("redis://")
        (tmp_path / "hangup.txt").write_text("hangup\n")
        called = subprocess.run([sys.executable, "-m", "ivr.cli", "call", "--script", str(tmp_path / "hangup.txt")],
                                cwd=tmp_path, env={**env, "PORT": ""}, capture_output=True, text=True, timeout=60,
                                check=False)
        assert called.returncode == 0, called.stdout + called.stderr
        assert "Thank you for calling City 3-1-1." in called.stdout  # no --url, no PORT: where run said it listens
    finally:
        process.send_signal(signal.SIGINT)
        output = process.communicate(timeout=30)[0].decode()
    assert process.returncode == 0, output
    assert "started a private Redis" in output and "loading the sample city" in output
    assert (tmp_path / "var" / "cityline.sqlite3").exists()
    assert not (tmp_path / "var" / "running.json").exists()  # gone when it stops

"""The agent console in a real browser: Debian's chromium driven by Playwright, against gunicorn and a worker.

The set-up installs chromium with apt when it is missing and we are root (once
per run); without root and without chromium the browser tests are skipped,
except under CI=true, where that is a failure.  Screenshots go to docs/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from redis import Redis
from sqlalchemy import select

from agents.auth.passwords import hash_password
from ivr import db
from ivr.cli import main
from ivr.local_caller import CallTranscript, LocalCall, ScriptedCaller, parse_script
from ivr.local_caller.replies import Reply
from ivr.models.agent import Agent
from tests.conftest import AUTH_TOKEN, LOCK_KEY
from tests.e2e import console_client
from tests.e2e.conftest import ROOT, LiveServer, start_server, stop_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = ROOT / "docs" / "screenshots"
SUPERVISOR_LOGIN = "sam"
#: Short offers and wrap-ups, so a missed offer and a wrap-up countdown are seen in seconds.
ROUTING = """
languages: [en, es]
defaults: {reservation_timeout: 8, wrap_up: 25}
queues:
  general: {}
  trash: {}
  potholes: {}
  streetlights: {}
  noise: {}
"""

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def chromium() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if os.geteuid() != 0:
        message = f"the browser tests need {CHROMIUM} (apt-get install chromium, as root)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True, timeout=600)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env, capture_output=True,
                   timeout=1200)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Desk:
    """The running center: web server, worker (with the routing sweep) and helpers to drive them."""

    server: LiveServer
    worker: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def server_root(self) -> Path:
        return ROOT

    def add_agent(self, login: str, *skills: str) -> None:
        args = ["agents", "add", login, "--name", login.title(), "--language", "en"]
        for skill in skills or ("general=5",):
            args += ["--skill", skill]
        added = CliRunner().invoke(main, args, env=self.server.env)
        assert added.exit_code == 0, added.output

    def api(self, login: str, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        return console_client.console(self.server, login, method, path, body)

    def deactivate(self, login: str) -> None:
        engine = db.make_engine(self.server.env["DATABASE_URL"])
        with db.unit_of_work(db.make_session_factory(engine)) as session:
            session.scalar(select(Agent).where(Agent.login == login)).active = False  # type: ignore[union-attr]
        engine.dispose()

    def agent_state(self, login: str) -> str:
        """The agent's state as the supervisor sees it (asking as the agent would renew their presence)."""
        agents = self.api(SUPERVISOR_LOGIN, "GET", "/api/queues")["agents"]
        return next((agent["state"] for agent in agents if agent["login"] == login), "unknown")

    def open_console(self, browser: Any, login: str, *, width: int = 1100, scale: float = 1,
                     bypass_csp: bool = False) -> Any:
        console_client.session_for(self.server, login)  # the account and its password
        context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=scale,
                                      bypass_csp=bypass_csp)  # only to inject axe-core
        page = context.new_page()
        page.goto(f"{self.url}/agents/login")
        page.fill("[name=login]", login)
        page.fill("[name=password]", console_client.PASSWORD)
        page.click("[type=submit]")
        page.goto(f"{self.url}/agents/")
        page.wait_for_selector("#live:has-text('Live updates on')")
        return page

    def start_call(self, script: str, from_number: str = "+13125550199") -> PendingCall:
        return PendingCall.start(self.url, script, from_number)


class PatientCaller(ScriptedCaller):
    """Holds (checking every half second, as the hold loop does) until an agent takes the call."""

    def hold_decision(self, position: int) -> Reply:
        if position > 0:
            time.sleep(0.5)
            return Reply.wait()
        return super().hold_decision(position)


@dataclass
class PendingCall:
    thread: threading.Thread
    result: dict[str, CallTranscript]

    @classmethod
    def start(cls, url: str, script: str, from_number: str) -> PendingCall:
        result: dict[str, CallTranscript] = {}
        call = LocalCall(base_url=url, caller=PatientCaller(parse_script(script)), auth_token=AUTH_TOKEN,
                         from_number=from_number, to_number="+13125550311", max_hold_loops=200)
        thread = threading.Thread(target=lambda: result.update(transcript=call.run()), daemon=True)
        thread.start()
        return cls(thread, result)

    def transcript(self, timeout: float = 60) -> CallTranscript:
        self.thread.join(timeout=timeout)
        assert not self.thread.is_alive(), "the caller is still on the line"
        return self.result["transcript"]


@pytest.fixture(scope="module")
def desk(request: pytest.FixtureRequest, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    _forget_other_tests(redis_url)
    folder = tmp_path_factory.mktemp("desk")
    routing = folder / "routing.yaml"
    routing.write_text(getattr(request.module, "DESK_ROUTING", ROUTING))  # a test module may bring its own
    env = {"DATABASE_URL": f"sqlite:///{folder / 'cityline.sqlite3'}", "REDIS_URL": redis_url,
           "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "CITY_TIMEZONE": "America/New_York",
           "OFFICE_HOURS": "mon-sun 00:00-24:00", "LOG_LEVEL": "WARNING", "ROUTING_FILE": str(routing)}
    server = start_server(env, folder / "web.log")
    _make_supervisor(env["DATABASE_URL"])
    log = (folder / "worker.log").open("wb")
    worker = subprocess.Popen([sys.executable, "-m", "ivr.cli", "worker"], env=server.env, cwd=ROOT,
                              stdout=log, stderr=subprocess.STDOUT)
    yield Desk(server, worker)
    worker.terminate()
    worker.wait(timeout=15)
    log.close()
    stop_server(server)


def _make_supervisor(database_url: str) -> None:
    engine = db.make_engine(database_url)
    with db.unit_of_work(db.make_session_factory(engine)) as session:
        session.add(Agent(login=SUPERVISOR_LOGIN, name="Sam", skills={}, languages=["en"], active=True,
                          role="supervisor", password_hash=hash_password(console_client.PASSWORD)))
    engine.dispose()


def _forget_other_tests(redis_url: str) -> None:
    """Agents and callers other test modules left in this run's Redis database must not take our calls."""
    redis = Redis.from_url(redis_url)
    for key in redis.scan_iter(count=1000):
        if key.decode() != LOCK_KEY:
            redis.delete(key)


@pytest.fixture
def screenshot() -> Any:
    def take(page: Any, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def chromium_available() -> bool:
    return shutil.which("chromium") is not None

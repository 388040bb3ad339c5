"""Whole calls through gunicorn while the server's Redis (a private redis-server) is down.

What a caller says must survive: the message is stored while Redis is away, the caller hears the truth,
and once Redis is back the sweep turns it into a case with a number.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from redis import Redis
from sqlalchemy import select

from ivr import db
from ivr.cli import main
from ivr.local_caller import LocalCall, ScriptedCaller, parse_script
from ivr.local_caller.replies import Reply
from ivr.models.call import Call
from ivr.models.case import Case
from tests.conftest import AUTH_TOKEN
from tests.e2e.conftest import ROOT, start_server, stop_server
from tests.e2e.test_agent_calls import console
from tests.redis_server import PrivateRedis, RedisProxy

pytestmark = pytest.mark.e2e

LEAVES_A_MESSAGE = "press 1\npress 2\npress 2\npress 1\nrecord my streetlight is out on Elm\n"


@pytest.fixture(scope="module")
def private_redis(tmp_path_factory):  # type: ignore[no-untyped-def]
    server = PrivateRedis(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def closed_server(server_env, private_redis, tmp_path_factory):  # type: ignore[no-untyped-def]
    """After hours (open one minute a week, three days from now), on the private Redis."""
    today = datetime.now(ZoneInfo("America/New_York")).date()
    day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[(today + timedelta(days=3)).weekday()]
    env = {**server_env, "OFFICE_HOURS": f"{day} 03:00-03:01", "REDIS_URL": private_redis.url,
           "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'cityline.sqlite3'}"}
    live = start_server(env, tmp_path_factory.mktemp("log") / "web.log")
    yield live
    stop_server(live)


def test_a_message_left_while_redis_is_down_becomes_a_case_when_it_returns(closed_server, private_redis):
    private_redis.stop()
    transcript = closed_server.call(LEAVES_A_MESSAGE)
    assert transcript.errors == []
    assert not any("Sorry" in line for line in transcript.heard)  # no apology for a failure the caller never had
    assert ("Your message has been saved. We could not create a case number right now; the 3-1-1 team will give "
            "you one when they follow up.") in transcript.heard
    engine = db.make_engine(closed_server.env["DATABASE_URL"])
    sessions = db.make_session_factory(engine)
    with sessions() as session:
        call = session.scalar(select(Call).where(Call.call_sid == transcript.call_sid))
        assert call is not None and call.recording_url and call.recording_url.startswith("http")

    private_redis.start()  # back, and empty
    swept = subprocess.run([sys.executable, "-m", "ivr.cli", "routing", "sweep"], env=closed_server.env, cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    assert swept.returncode == 0, swept.stderr
    with sessions() as session:
        case = session.scalar(select(Case).where(Case.source_key == f"call:{transcript.call_sid}:message"))
        assert case is not None and len(case.reference) == 10 and case.media_url == call.recording_url
        assert case.contact_phone == "+13125550199"
    engine.dispose()


class HangsUpDuringTheOutage(ScriptedCaller):
    """Goes through the menus to a queue; on hold, Redis goes away and the caller hangs up."""

    def __init__(self, script: str, proxy: RedisProxy) -> None:
        super().__init__(parse_script(script))
        self.proxy = proxy

    def hold_decision(self, position: int) -> Reply:
        self.proxy.cut()
        return Reply.hangup("tired of waiting, while Redis is away")


@pytest.fixture(scope="module")
def proxy(private_redis):  # type: ignore[no-untyped-def]
    proxy = RedisProxy(private_redis.port)
    proxy.restore()
    yield proxy
    proxy.cut()


@pytest.fixture(scope="module")
def open_server(server_env, proxy, tmp_path_factory):  # type: ignore[no-untyped-def]
    """Open at all hours, on Redis through the proxy."""
    env = {**server_env, "REDIS_URL": proxy.url,
           "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'cityline.sqlite3'}"}
    live = start_server(env, tmp_path_factory.mktemp("log") / "web.log")
    yield live
    stop_server(live)


def test_a_caller_who_hangs_up_while_redis_is_away_is_never_offered_to_an_agent(open_server, proxy,
                                                                                 private_redis):
    if private_redis.process is None:
        private_redis.start()
    added = CliRunner().invoke(main, ["agents", "add", "alice", "--name", "Alice", "--skill", "potholes=8",
                                      "--language", "en"], env=open_server.env)
    assert added.exit_code == 0, added.output
    call = LocalCall(base_url=open_server.url, caller=HangsUpDuringTheOutage("press 1\npress 2\npress 1\n", proxy),
                     auth_token=AUTH_TOKEN, from_number="+13125550199", max_hold_loops=3)
    transcript = call.run()
    assert transcript.errors == []
    with Redis.from_url(private_redis.url) as redis:  # Redis itself never heard of the hang-up
        assert redis.hget(f"cityline:call:{transcript.call_sid}", "status") == b"waiting"

    proxy.restore()
    swept = subprocess.run([sys.executable, "-m", "ivr.cli", "routing", "sweep"], env=open_server.env, cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    assert swept.returncode == 0, swept.stderr
    with Redis.from_url(private_redis.url) as redis:
        assert redis.hget(f"cityline:call:{transcript.call_sid}", "status") == b"abandoned"
    me = console(open_server, "alice", "POST", "/api/me/state", {"state": "available"})
    assert me["state"] == "available" and not console(open_server, "alice", "GET", "/api/me")["offer"]

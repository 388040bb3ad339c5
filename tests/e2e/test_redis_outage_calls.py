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
from sqlalchemy import select

from ivr import db
from ivr.models.call import Call
from ivr.models.case import Case
from tests.e2e.conftest import ROOT, start_server, stop_server
from tests.redis_server import PrivateRedis

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

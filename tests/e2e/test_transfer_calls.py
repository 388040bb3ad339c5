"""A caller walked by the local caller is moved by the call controls: to another queue, then hung up."""

from __future__ import annotations

import threading
import time

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from ivr import db
from ivr.cli import main
from ivr.local_caller import LocalCall, ScriptedCaller, parse_script
from ivr.local_caller.replies import Reply
from ivr.models.call import Call
from tests.conftest import AUTH_TOKEN
from tests.e2e.console_client import console

pytestmark = pytest.mark.e2e


class StaysOnTheLine(ScriptedCaller):
    def hold_decision(self, position: int) -> Reply:
        time.sleep(0.2)
        return Reply.wait()


def until(check, timeout: float = 20):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (value := check()):
            return value
        time.sleep(0.1)
    pytest.fail(f"not true within {timeout} s")


def test_a_caller_transferred_to_another_queue_is_answered_there(server):
    for login, skill in (("tess", "potholes=8"), ("uma", "trash=8")):
        added = CliRunner().invoke(main, ["agents", "add", login, "--name", login.title(), "--skill", skill,
                                          "--language", "en"], env=server.env)
        assert added.exit_code == 0, added.output
        console(server, login, "POST", "/api/me/state", {"state": "available"})
    result: dict = {}
    call = LocalCall(base_url=server.url, caller=StaysOnTheLine(parse_script("press 1\npress 2\npress 1\n")),
                     auth_token=AUTH_TOKEN, from_number="+13125550166", max_hold_loops=400, max_requests=3000)
    thread = threading.Thread(target=lambda: result.update(transcript=call.run()), daemon=True)
    thread.start()

    offer = until(lambda: console(server, "tess", "GET", "/api/me")["offer"])
    console(server, "tess", "POST", f"/api/offers/{offer['id']}/accept")
    sid = until(lambda: (c := console(server, "tess", "GET", "/api/call")["call"]) and c["call"])
    time.sleep(1)  # tess and the caller talk (the caller leaves the queue and joins the conference)
    moved = console(server, "tess", "POST", "/api/call/transfer", {"call": sid, "to": "queue", "target": "trash"})
    assert moved["queue"] == "trash-en"
    assert console(server, "tess", "GET", "/api/me")["state"] == "wrap_up"

    offer = until(lambda: console(server, "uma", "GET", "/api/me")["offer"])
    assert offer["call_sid"] == sid and offer["skill"] == "trash"
    console(server, "uma", "POST", f"/api/offers/{offer['id']}/accept")
    until(lambda: console(server, "uma", "GET", "/api/call")["call"])
    time.sleep(1)  # uma and the caller talk
    assert console(server, "uma", "POST", "/api/call/hangup", {"call": sid})["result"] == "ended"
    thread.join(timeout=60)
    assert not thread.is_alive(), "the caller is still on the line after the agent hung up"
    transcript = result["transcript"]
    assert transcript.errors == []
    assert "Please hold while you are being transferred." in transcript.heard
    assert [e.detail for e in transcript.events if e.kind == "connected"] == ["tess", "uma"]
    assert transcript.heard[-1] == "Thank you for calling City 3-1-1. Goodbye."

    server.run_worker()
    engine = db.make_engine(server.env["DATABASE_URL"])
    with db.make_session_factory(engine)() as session:
        row = session.scalar(select(Call).where(Call.call_sid == sid))
        assert row.agents == ["tess", "uma"]
        assert [(t["mode"], t["from"], t["to_kind"], t["to"]) for t in row.transfers] == [
            ("cold", "tess", "queue", "trash-en")]
    engine.dispose()

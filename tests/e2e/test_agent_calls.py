"""A caller waits in a skill queue, hears where they stand, and is connected when an agent takes the call."""

from __future__ import annotations

import json
import threading
import urllib.request

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from ivr import db
from ivr.cli import main
from ivr.local_caller import LocalCall, ScriptedCaller, parse_script
from ivr.local_caller.replies import Reply
from ivr.models.agent import Agent
from ivr.models.call import Call
from ivr.models.case import Case
from tests.conftest import AUTH_TOKEN
from tests.e2e.console_client import console

pytestmark = pytest.mark.e2e


class PatientCaller(ScriptedCaller):
    """Stays on hold until told the agent has answered, then follows the rest of the script."""

    def __init__(self, script: str, answered: threading.Event) -> None:
        super().__init__(parse_script(script))
        self.answered = answered
        self.holds = 0

    def hold_decision(self, position: int) -> Reply:
        if position > 0:  # still in the queue: wait for the agent, as a real caller would
            self.holds += 1
            self.answered.wait(timeout=20)
            return Reply.wait()
        return super().hold_decision(position)


def wait_for_offer(server, login: str) -> dict:  # type: ignore[no-untyped-def]
    for _ in range(200):
        me = console(server, login, "GET", "/api/me")
        if me["offer"]:
            return me["offer"]
        threading.Event().wait(0.05)
    pytest.fail("no call was offered to the agent")


def test_a_caller_is_connected_when_an_agent_takes_the_call(server):
    added = CliRunner().invoke(main, ["agents", "add", "alice", "--name", "Alice Rivera", "--skill", "potholes=8",
                                      "--language", "en", "--language", "es"], env=server.env)
    assert added.exit_code == 0, added.output
    assert console(server, "alice", "POST", "/api/me/state", {"state": "available"})["state"] == "available"

    answered = threading.Event()
    caller = PatientCaller("press 1\npress 2\npress 1\nsay there is a pothole on Elm\nhangup\n", answered)
    result = {}
    call = LocalCall(base_url=server.url, caller=caller, auth_token=AUTH_TOKEN, from_number="+13125550199",
                     max_hold_loops=3)
    thread = threading.Thread(target=lambda: result.update(transcript=call.run()))
    thread.start()
    offer = wait_for_offer(server, "alice")
    assert (offer["skill"], offer["language"], offer["kind"]) == ("potholes", "en", "call")
    assert console(server, "alice", "POST", f"/api/offers/{offer['id']}/accept")["state"] == "on_call"
    answered.set()
    thread.join(timeout=30)
    transcript = result["transcript"]

    assert transcript.errors == []
    assert "Please hold for the next available agent." in transcript.heard
    assert any(line.startswith("You are next in line") for line in transcript.heard)
    assert "Thank you for waiting. Connecting you to an agent now." in transcript.heard
    assert ("connected", "alice") in [(e.kind, e.detail) for e in transcript.events]
    after = console(server, "alice", "GET", "/api/me")
    assert after["state"] == "wrap_up" and after["calls_today"] == 1
    noted = console(server, "alice", "POST", "/api/me/note", {"text": "Pothole by 125 Elm, about a foot wide."})
    assert noted["saved"] is True and noted["call"] == transcript.call_sid

    server.run_worker()
    engine = db.make_engine(server.env["DATABASE_URL"])
    with db.make_session_factory(engine)() as session:
        row = session.scalar(select(Call).where(Call.call_sid == transcript.call_sid))
        alice = session.scalar(select(Agent).where(Agent.login == "alice"))
        assert (row.disposition, row.queue, row.agent_id, row.talk_seconds) == (
            "answered_by_agent", "potholes-en", alice.id, 20)
        [case] = session.scalars(select(Case).where(Case.source_key == f"call:{row.call_sid}:agent")).all()
        assert (case.service_type.code, case.contact_phone, [a.login for a in case.agents]) == (
            "potholes", "+13125550199", ["alice"])
        assert case.description == "Call taken by Alice Rivera."
        assert [(u.note, u.public, u.agent_id) for u in case.updates][-1] == (
            "Pothole by 125 Elm, about a foot wide.", False, alice.id)
    engine.dispose()


def test_the_console_needs_a_login(server):
    request = urllib.request.Request(f"{server.url}/agents/api/me")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 401
    refused.value.close()


def test_there_is_no_softphone_token_when_calls_are_connected_locally(server):
    with pytest.raises(urllib.error.HTTPError) as refused:
        console(server, "alice", "GET", "/api/token")
    assert refused.value.code == 404
    assert "TELEPHONY=local" in json.loads(refused.value.read())["error"]
    refused.value.close()


def test_a_note_needs_text_and_a_call(server):
    CliRunner().invoke(main, ["agents", "add", "bob", "--name", "Bob", "--skill", "general=3", "--language", "en"],
                       env=server.env)
    console(server, "bob", "POST", "/api/me/state", {"state": "available"})
    for body, code in (({"text": ""}, 400), ({"text": "x" * 2001}, 400), ({"text": "no call yet"}, 409)):
        with pytest.raises(urllib.error.HTTPError) as refused:
            console(server, "bob", "POST", "/api/me/note", body)
        assert refused.value.code == code
        refused.value.close()

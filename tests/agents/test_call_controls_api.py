"""The call controls API: an agent works only their own call; refusals are JSON with the server's words."""

from __future__ import annotations

import pytest

from ivr.app import create_app
from ivr.conference import conference_name
from ivr.telephony import TelephonyError
from routing.calls import CallRequest
from tests.agents.login import log_in

SID = "CA" + "7" * 32


@pytest.fixture
def desk(env):  # type: ignore[no-untyped-def]
    app = create_app({**env, "INTERPRETER_NUMBER": "+18005550199", "INTERPRETER_ACCESS_CODE": "4242#"})
    alice = log_in(app.test_client(), "alice", skills={"general": 5})
    bob = log_in(app.test_client(), "bob", skills={"trash": 5})
    for agent in (alice, bob):
        assert agent.post("/agents/api/me/state", json={"state": "available"}).status_code == 200
    yield app, alice, bob
    app.extensions["cityline"].sql.dispose()


def on_a_call(app, alice):  # type: ignore[no-untyped-def]
    """A caller queues for general; alice is offered it and accepts (bridged into the call's conference)."""
    ticket = app.extensions["cityline"].router.enqueue(CallRequest(SID, "general", "en"))
    assert ticket.offer.agent_id == "alice"
    assert alice.post(f"/agents/api/offers/{ticket.offer.id}/accept").get_json()["state"] == "on_call"
    app.extensions["cityline"].telephony.join(conference_name(SID), SID)


def test_the_agent_sees_their_call_and_holds_it(desk):
    app, alice, _ = desk
    assert alice.get("/agents/api/call").get_json() == {"call": None}
    on_a_call(app, alice)
    view = alice.get("/agents/api/call").get_json()["call"]
    assert view["call"] == SID and view["yours"] and view["interpreter"] is True
    held = alice.post("/agents/api/call/hold", json={"call": SID, "on": True})
    assert held.status_code == 200
    assert next(p for p in held.get_json()["call"]["participants"] if p["role"] == "caller")["held"] is True


def test_another_agents_call_is_refused(desk):
    app, alice, bob = desk
    on_a_call(app, alice)
    for path, body in (("/agents/api/call/hold", {"on": True}), ("/agents/api/call/hangup", {}),
                       ("/agents/api/call/transfer", {"to": "queue", "target": "trash"})):
        refused = bob.post(path, json={"call": SID, **body})
        assert refused.status_code == 403, path
        assert "not yours" in refused.get_json()["error"]
    assert bob.get("/agents/api/call").get_json() == {"call": None}  # nor can bob read it
    assert app.extensions["cityline"].router.agent("alice").state.value == "on_call"


def test_a_move_without_the_csrf_token_is_refused(desk):
    app, alice, _ = desk
    on_a_call(app, alice)
    refused = alice.client.post("/agents/api/call/hangup", json={"call": SID})
    assert refused.status_code == 400
    assert app.extensions["cityline"].router.agent("alice").state.value == "on_call"


def test_a_warm_transfer_offers_the_call_to_a_colleague_with_who_it_comes_from(desk):
    app, alice, bob = desk
    on_a_call(app, alice)
    transfer = alice.post("/agents/api/call/transfer", json={"call": SID, "to": "agent", "target": "bob",
                                                             "warm": True})
    assert transfer.status_code == 200 and transfer.get_json()["call"]["transfer"]["status"] == "pending"
    offered = bob.get("/agents/api/me").get_json()
    assert (offered["offer"]["kind"], offered["offer"]["from_agent"]) == ("transfer", "alice")
    assert offered["offer_about"] is not None  # the same caller context as the first offer
    assert bob.post(f"/agents/api/offers/{offered['offer']['id']}/accept").get_json()["state"] == "on_call"
    assert alice.get("/agents/api/call").get_json()["call"]["yours"] is False
    assert alice.post("/agents/api/call/hold", json={"call": SID, "on": True}).status_code == 403
    assert alice.post("/agents/api/call/leave", json={"call": SID}).get_json()["result"] == "left"
    assert bob.post("/agents/api/call/hangup", json={"call": SID}).get_json()["result"] == "ended"
    router = app.extensions["cityline"].router
    assert router.agent("alice").state.value == router.agent("bob").state.value == "wrap_up"


def test_transfers_to_queues_and_departments_and_the_interpreter(desk):
    app, alice, _ = desk
    on_a_call(app, alice)
    targets = alice.get("/agents/api/call/targets").get_json()
    assert "trash" in targets["queues"] and [a["login"] for a in targets["agents"]] == ["bob"]
    department = targets["departments"][0]
    added = alice.post("/agents/api/call/interpreter", json={"call": SID})
    assert any(p["role"] == "interpreter" for p in added.get_json()["call"]["participants"])
    bad = alice.post("/agents/api/call/transfer", json={"call": SID, "to": "number", "target": "no-such-dept"})
    assert bad.status_code == 400 and "directory" in bad.get_json()["error"]
    moved = alice.post("/agents/api/call/transfer", json={"call": SID, "to": "number", "target": department["id"]})
    assert moved.get_json() == {"result": "transferred", "number": department["number"], "call": None}
    assert app.extensions["cityline"].router.agent("alice").state.value == "wrap_up"


def test_telephony_down_is_a_clear_message_not_a_500(desk, monkeypatch):
    app, alice, _ = desk
    on_a_call(app, alice)

    def down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise TelephonyError("connection refused")

    monkeypatch.setattr(app.extensions["cityline"].telephony, "hold", down)
    monkeypatch.setattr(app.extensions["cityline"].telephony, "end_conference", down)
    refused = alice.post("/agents/api/call/hold", json={"call": SID, "on": True})
    assert refused.status_code == 503 and "phone network" in refused.get_json()["error"]
    assert alice.post("/agents/api/call/hangup", json={"call": SID}).status_code == 200  # never stuck
    assert app.extensions["cityline"].router.agent("alice").state.value == "wrap_up"


def test_bad_requests_get_words(desk):
    app, alice, _ = desk
    on_a_call(app, alice)
    assert alice.post("/agents/api/call/hold", json={"on": True}).status_code == 400  # which call?
    assert alice.post("/agents/api/call/hold", json={"call": SID, "on": "yes"}).status_code == 400
    wrong = alice.post("/agents/api/call/transfer", json={"call": SID, "to": "moon", "target": "x"})
    assert wrong.status_code == 400 and wrong.get_json()["error"]
    assert alice.post("/agents/api/call/transfer", json={"call": SID, "to": "queue",
                                                         "target": "parking"}).status_code == 400


def test_telephony_down_during_accept_puts_the_caller_back_first_and_the_agent_not_ready(desk, monkeypatch):
    app, alice, _ = desk
    services = app.extensions["cityline"]

    def down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise TelephonyError("connection refused")

    monkeypatch.setattr(services.telephony, "connect_to_agent", down)
    ticket = services.router.enqueue(CallRequest(SID, "general", "en"))
    refused = alice.post(f"/agents/api/offers/{ticket.offer.id}/accept")
    assert refused.status_code == 503 and "could not be connected" in refused.get_json()["error"]
    assert services.router.agent("alice").state.value == "break"
    assert services.router.call(SID).status.value == "waiting"
    assert services.telephony.conference(conference_name(SID))["participants"] == {}  # no softphone left ringing
    assert alice.get("/agents/api/call").get_json() == {"call": None}


def test_an_agent_who_never_went_available_gets_words_not_errors(desk):
    app, _, _ = desk
    newcomer = log_in(app.test_client(), "nia", skills={"general": 5})
    assert newcomer.get("/agents/api/call").get_json() == {"call": None}
    assert newcomer.get("/agents/api/call/targets").status_code == 200
    refused = newcomer.post("/agents/api/call/hangup", json={"call": SID})
    assert refused.status_code == 403 and refused.get_json()["error"]


def test_a_softphone_that_drops_sends_the_caller_back_to_the_line_with_an_apology(desk):
    from tests.conftest import TwilioClient

    app, alice, _ = desk
    on_a_call(app, alice)
    telephony = app.extensions["cityline"].telephony
    room = telephony.conference(conference_name(SID))["participants"]
    leg, alice_leg = next((sid, p) for sid, p in room.items() if p["to"] == "client:alice")
    twilio = TwilioClient(app.test_client())
    assert twilio.post(alice_leg["on_end"], {"CallSid": leg, "CallStatus": "completed"}).status_code == 204
    assert app.extensions["cityline"].router.agent("alice").state.value == "wrap_up"
    moved_to = telephony.take_redirect(SID)
    heard = twilio.post(moved_to, {"CallSid": SID}).get_data(as_text=True)
    assert "we lost the connection to your agent" in heard and "<Enqueue" in heard
    assert alice.get("/agents/api/call").get_json() == {"call": None}
    # Twilio's later report of the same leg, and a malformed one, change nothing and are not errors
    assert twilio.post(alice_leg["on_end"], {"CallSid": leg, "CallStatus": "completed"}).status_code == 204
    assert twilio.post("/voice/agent-leg-ended?agent=alice", {"CallSid": leg}).status_code == 400


def test_a_caller_who_reaches_the_conference_after_the_agent_ended_the_call_is_not_left_alone(desk):
    from tests.conftest import TwilioClient

    app, alice, _ = desk
    ticket = app.extensions["cityline"].router.enqueue(CallRequest(SID, "general", "en"))
    alice.post(f"/agents/api/offers/{ticket.offer.id}/accept")
    join_url = app.extensions["cityline"].telephony.take_dequeue(SID)
    assert alice.post("/agents/api/call/hangup", json={"call": SID}).get_json()["result"] == "ended"
    late = TwilioClient(app.test_client()).post(join_url, {"CallSid": SID}).get_data(as_text=True)
    assert "<Conference" not in late and "Goodbye" in late and "<Hangup" in late

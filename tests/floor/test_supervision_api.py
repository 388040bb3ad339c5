"""Listen, whisper and barge through the app: supervisors only, CSRF, words for refusals, every use audited."""

from __future__ import annotations

import pytest

from agents.push import streams
from ivr.conference import conference_name
from routing.calls import CallRequest
from tests.agents.login import log_in

SID = "CA" + "8" * 32


@pytest.fixture
def floor(app):  # type: ignore[no-untyped-def]
    alice = log_in(app.test_client(), "alice", skills={"general": 5})
    assert alice.post("/agents/api/me/state", json={"state": "available"}).status_code == 200
    sam = log_in(app.test_client(), "sam", "supervisor")
    return app, alice, sam


def on_a_call(app, alice) -> None:  # type: ignore[no-untyped-def]
    ticket = app.extensions["cityline"].router.enqueue(CallRequest(SID, "general", "en"))
    assert alice.post(f"/agents/api/offers/{ticket.offer.id}/accept").get_json()["state"] == "on_call"
    app.extensions["cityline"].telephony.join(conference_name(SID), SID)


def supervisor_legs(app) -> list[dict]:  # type: ignore[no-untyped-def]
    room = app.extensions["cityline"].telephony.conference(conference_name(SID))["participants"]
    return [p for p in room.values() if p["to"] == "client:sam"]


def agent_events(app, login: str) -> list[str]:  # type: ignore[no-untyped-def]
    services = app.extensions["cityline"]
    raw = services.redis.xrange(streams.topic_key(services.router.ctx.prefix, streams.agent_topic(login)))
    return [fields[b"kind"].decode() for _, fields in raw]


def test_listen_whisper_barge_and_leave_are_each_audited_with_the_agent_call_and_mode(floor):
    app, alice, sam = floor
    on_a_call(app, alice)
    for mode in ("listen", "whisper", "barge"):
        answer = sam.post("/agents/api/floor/agents/alice/supervise", json={"mode": mode})
        assert answer.status_code == 200, answer.get_json()
        assert answer.get_json() == {"ok": True, "call": SID, "agent": "alice", "supervisor": "sam", "mode": mode}
    [leg] = supervisor_legs(app)
    assert (leg["muted"], leg["coach"]) == (False, "")
    before = len(agent_events(app, "alice"))
    assert sam.open("/agents/api/floor/agents/alice/supervise", method="DELETE").status_code == 200
    assert supervisor_legs(app) == [] and agent_events(app, "alice")[before:] == ["call"]
    actions = sam.get("/agents/api/floor/audit").get_json()["actions"]
    assert [(a["login"], a["action"], a["target"]) for a in reversed(actions)] == [
        ("sam", "listen", "alice"), ("sam", "whisper", "alice"), ("sam", "barge", "alice"),
        ("sam", "left_call", "alice")]
    assert all(a["detail"].startswith(f"call {SID}: ") for a in actions)
    assert "only the agent hears the supervisor" in actions[2]["detail"]
    page = sam.get("/agents/supervisor/audit").get_data(as_text=True)
    assert "left call" in page and "whisper" in page


def test_the_agents_console_and_the_wallboard_show_the_supervisor_and_the_mode(floor):
    app, alice, sam = floor
    on_a_call(app, alice)
    sam.post("/agents/api/floor/agents/alice/supervise", json={"mode": "whisper"})
    participants = alice.get("/agents/api/call").get_json()["call"]["participants"]
    assert [(p["role"], p["who"]) for p in participants][-1] == ("coach", "sam")
    board = sam.get("/agents/api/floor/wallboard").get_json()
    row = next(a for a in board["agents"] if a["login"] == "alice")
    assert row["supervisor"] == {"login": "sam", "mode": "whisper"}


def test_an_agent_cannot_listen_in(floor):
    app, alice, sam = floor
    bob = log_in(app.test_client(), "bob", skills={"general": 5})
    on_a_call(app, alice)
    refused = bob.post("/agents/api/floor/agents/alice/supervise", json={"mode": "listen"})
    assert refused.status_code == 403
    assert bob.open("/agents/api/floor/agents/alice/supervise", method="DELETE").status_code == 403
    assert supervisor_legs(app) == [] and sam.get("/agents/api/floor/audit").get_json()["actions"] == []


def test_without_the_csrf_token_nothing_happens(floor):
    app, alice, sam = floor
    on_a_call(app, alice)
    assert sam.client.post("/agents/api/floor/agents/alice/supervise", json={"mode": "listen"}).status_code == 400
    assert supervisor_legs(app) == []


def test_refusals_are_words_and_are_not_audited(floor):
    app, alice, sam = floor
    not_on_call = sam.post("/agents/api/floor/agents/alice/supervise", json={"mode": "listen"})
    assert not_on_call.status_code == 409 and "alice is not on a call" in not_on_call.get_json()["error"]
    unknown = sam.post("/agents/api/floor/agents/nobody/supervise", json={"mode": "listen"})
    assert unknown.status_code == 404 and "no agent nobody" in unknown.get_json()["error"]
    on_a_call(app, alice)
    assert sam.post("/agents/api/floor/agents/alice/supervise", json={"mode": "shout"}).status_code == 400
    assert sam.post("/agents/api/floor/agents/alice/supervise", json={"mode": 3}).status_code == 400
    assert sam.post("/agents/api/floor/agents/alice/supervise", data="[1]",
                    content_type="application/json").status_code == 400
    not_in = sam.open("/agents/api/floor/agents/alice/supervise", method="DELETE")
    assert not_in.status_code == 409 and "not on alice's call" in not_in.get_json()["error"]
    tia = log_in(app.test_client(), "tia", "supervisor")
    assert sam.post("/agents/api/floor/agents/alice/supervise", json={"mode": "listen"}).status_code == 200
    second = tia.post("/agents/api/floor/agents/alice/supervise", json={"mode": "barge"})
    assert second.status_code == 409 and "sam is already on alice's call" in second.get_json()["error"]
    actions = sam.get("/agents/api/floor/audit").get_json()["actions"]
    assert [(a["login"], a["action"]) for a in actions] == [("sam", "listen")]

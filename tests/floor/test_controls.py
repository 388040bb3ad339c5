"""The supervisor's controls through the app, on the real router: each acts, is audited, and is pushed."""

from __future__ import annotations

import json
import time

import pytest
import sqlalchemy as sa

from agents.push import streams
from ivr.floor.publish import publish_wallboard
from ivr.jobs.routing_jobs import RoutingServices
from ivr.jobs.sweeper import sweep_once
from ivr.models.floor import CallHandling
from routing.agents import AgentProfile, AgentState
from routing.calls import CallRequest
from tests.agents.login import log_in
from tests.conftest import CALL_SID


def _sid(n: int) -> str:
    return f"CA{n:032d}"


def _floor_events(app) -> list[tuple[str, dict]]:  # type: ignore[no-untyped-def]
    services = app.extensions["cityline"]
    raw = services.redis.xrange(streams.topic_key(services.router.ctx.prefix, streams.FLOOR_TOPIC))
    return [(fields[b"kind"].decode(), json.loads(fields[b"data"])) for _, fields in raw]


def test_moving_an_agent_is_audited_with_the_reason_and_pushed(app) -> None:  # type: ignore[no-untyped-def]
    router = app.extensions["cityline"].router
    router.register_agent(AgentProfile("ann", "Ann", {"potholes": 5}, ("en",)))
    router.set_agent_state("ann", AgentState.AVAILABLE)
    sam = log_in(app.test_client(), "sam", "supervisor")
    answer = sam.post("/agents/api/floor/agents/ann/state", json={"state": "break", "reason": "coaching at 10"})
    assert answer.status_code == 200, answer.get_json()
    agent = router.agent("ann")
    assert agent.state is AgentState.BREAK and agent.reason == "supervisor sam: coaching at 10"
    [action] = sam.get("/agents/api/floor/audit").get_json()["actions"]
    assert (action["login"], action["action"], action["target"], action["detail"], action["reason"]) == \
        ("sam", "agent_state", "ann", "break", "coaching at 10")
    kind, board = _floor_events(app)[-1]
    assert kind == "wallboard" and next(a for a in board["agents"] if a["login"] == "ann")["state"] == "break"
    page = sam.get("/agents/supervisor/audit").get_data(as_text=True)
    assert "coaching at 10" in page and "agent state" in page


def test_bad_control_requests_are_answered_in_words(app) -> None:  # type: ignore[no-untyped-def]
    sam = log_in(app.test_client(), "sam", "supervisor")
    assert sam.post("/agents/api/floor/agents/nobody/state", json={"state": "break"}).status_code == 404
    assert sam.post("/agents/api/floor/agents/ann/state", json={"state": "on_call"}).status_code == 400
    assert sam.post("/agents/api/floor/agents/ann/state", data="[1]",
                    content_type="application/json").status_code == 400
    assert sam.post(f"/agents/api/floor/calls/{_sid(1)}/priority", json={"priority": 5}).status_code == 404
    assert sam.post(f"/agents/api/floor/calls/{_sid(1)}/priority", json={"priority": "high"}).status_code == 400
    assert sam.post(f"/agents/api/floor/calls/{_sid(1)}/move", json={"queue": "moon-en"}).status_code == 400
    assert sam.post("/agents/api/floor/broadcast", json={"message_en": "  "}).status_code == 400
    assert sam.post("/agents/api/floor/broadcast", json={"message_en": "x", "minutes": 0}).status_code == 400
    assert sam.post("/agents/api/floor/closure", json={"reason": ""}).status_code == 400
    assert sam.open("/agents/api/floor/closure", method="DELETE", json={}).status_code == 404
    assert sam.get("/agents/api/floor/audit").get_json()["actions"] == []  # nothing happened, nothing audited


def test_a_raised_caller_is_answered_first_and_a_moved_caller_waits_in_the_new_queue(app) -> None:  # type: ignore[no-untyped-def]
    router = app.extensions["cityline"].router
    start = time.time() - 10  # waits far shorter than potholes' first escalation (90 s)
    for n in (1, 2, 3):
        router.enqueue(CallRequest(_sid(n), "potholes", "en"), now=start + n)
    sam = log_in(app.test_client(), "sam", "supervisor")
    assert sam.post(f"/agents/api/floor/calls/{_sid(3)}/priority",
                    json={"priority": 7, "reason": "hospital"}).status_code == 200
    assert router.ticket(_sid(3)).position == 1 and router.ticket(_sid(1)).position == 2
    assert sam.post(f"/agents/api/floor/calls/{_sid(2)}/move",
                    json={"queue": "general-en", "reason": "not a pothole"}).status_code == 200
    moved = router.call(_sid(2))
    assert (moved.queue, moved.entered) == ("general-en", pytest.approx(start + 2))
    # on the phone network too: the caller leaves the pothole line's queue for the general one
    telephony = app.extensions["cityline"].telephony
    assert telephony.take_redirect(_sid(2)) == "/voice/transferred?skill=general&lang=en"
    router.register_agent(AgentProfile("gail", "Gail", {"general": 5}, ("en",)))
    [offer] = router.set_agent_state("gail", AgentState.AVAILABLE)
    assert offer.call_sid == _sid(2)
    audit = sam.get("/agents/api/floor/audit").get_json()["actions"]
    actions = [(a["action"], a["target"], a["detail"]) for a in audit]
    assert actions == [("move", _sid(2), "general-en"), ("priority", _sid(3), "7")]
    assert sam.post(f"/agents/api/floor/calls/{_sid(2)}/move", json={"queue": "trash-en"}).status_code == 409


def test_a_broadcast_is_heard_once_on_hold_and_at_the_greeting(app, twilio) -> None:  # type: ignore[no-untyped-def]
    router = app.extensions["cityline"].router
    router.enqueue(CallRequest(CALL_SID, "potholes", "en"))
    sam = log_in(app.test_client(), "sam", "supervisor")
    sent = sam.post("/agents/api/floor/broadcast", json={
        "message_en": "We know about the water main break on Elm Street.",
        "message_es": "Sabemos de la rotura en la calle Elm.", "greeting": True, "minutes": 30})
    assert sent.status_code == 200, sent.get_json()
    first = twilio.post("/voice/hold?skill=potholes&lang=en").get_data(as_text=True)
    second = twilio.post("/voice/hold?skill=potholes&lang=en").get_data(as_text=True)
    assert "water main break on Elm Street" in first and "Elm Street" not in second
    greeting = twilio.post("/voice/incoming", {"CallSid": "CA" + "9" * 32}).get_data(as_text=True)
    assert greeting.index("water main break") < greeting.index("rotura en la calle Elm") < greeting.index("<Gather")
    board = sam.get("/agents/api/floor/wallboard").get_json()
    assert board["notices"]["broadcast"]["by"] == "sam" and board["notices"]["broadcast"]["greeting"] is True
    assert sam.open("/agents/api/floor/broadcast", method="DELETE").status_code == 200
    assert "water main" not in twilio.post("/voice/incoming", {"CallSid": "CA" + "8" * 32}).get_data(as_text=True)


def test_a_broadcast_to_one_queue_is_not_heard_in_another(app, twilio) -> None:  # type: ignore[no-untyped-def]
    app.extensions["cityline"].router.enqueue(CallRequest(CALL_SID, "potholes", "en"))
    sam = log_in(app.test_client(), "sam", "supervisor")
    assert sam.post("/agents/api/floor/broadcast", json={"message_en": "Trash pickup is a day late.",
                                                         "queue": "trash-en"}).status_code == 200
    assert "a day late" not in twilio.post("/voice/hold?skill=potholes&lang=en").get_data(as_text=True)


def test_the_emergency_closure_sends_every_new_call_to_the_message_path(app, twilio) -> None:  # type: ignore[no-untyped-def]
    sam = log_in(app.test_client(), "sam", "supervisor")
    closed = sam.post("/agents/api/floor/closure", json={"reason": "building evacuated",
                                                         "message_en": "The 3-1-1 center is evacuated."})
    assert closed.status_code == 200
    answer = twilio.post("/voice/incoming").get_data(as_text=True)
    assert answer.index("The 3-1-1 center is evacuated.") < answer.index("por una emergencia")  # es: default words
    assert "/voice/overflow-choice" in answer and "<Record" in answer  # a callback (press 1) or a message
    board = sam.get("/agents/api/floor/wallboard").get_json()
    assert (board["notices"]["closure"]["by"], board["notices"]["closure"]["reason"]) == ("sam", "building evacuated")
    assert sam.open("/agents/api/floor/closure", method="DELETE", json={"reason": "all clear"}).status_code == 200
    assert "evacuated" not in twilio.post("/voice/incoming").get_data(as_text=True)
    actions = [(a["action"], a["reason"]) for a in sam.get("/agents/api/floor/audit").get_json()["actions"]]
    assert actions == [("reopened", "all clear"), ("closure", "building evacuated")]


def test_the_wallboard_is_published_at_most_once_a_second(app) -> None:  # type: ignore[no-untyped-def]
    services = app.extensions["cityline"]
    zone = services.settings.office_hours.zone
    before = len(_floor_events(app))
    assert publish_wallboard(services.router, services.sessions, zone) is True
    assert publish_wallboard(services.router, services.sessions, zone) is False  # another sweep just did
    assert len(_floor_events(app)) == before + 1


def test_callers_already_on_hold_hear_the_closure_once_and_keep_their_place(app, twilio) -> None:  # type: ignore[no-untyped-def]
    router = app.extensions["cityline"].router
    router.enqueue(CallRequest(CALL_SID, "potholes", "es"))
    sam = log_in(app.test_client(), "sam", "supervisor")
    assert sam.post("/agents/api/floor/closure", json={"reason": "flooding"}).status_code == 200
    first = twilio.post("/voice/hold?skill=potholes&lang=es").get_data(as_text=True)
    second = twilio.post("/voice/hold?skill=potholes&lang=es").get_data(as_text=True)
    assert "por una emergencia" in first and "por una emergencia" not in second  # the default words, in Spanish
    assert router.ticket(CALL_SID).position == 1


def test_the_routing_sweep_copies_handled_calls_and_publishes_the_wallboard(app) -> None:  # type: ignore[no-untyped-def]
    services = app.extensions["cityline"]
    router = services.router
    router.register_agent(AgentProfile("ann", "Ann", {"potholes": 5}, ("en",)))
    router.set_agent_state("ann", AgentState.AVAILABLE)
    start = time.time() - 100
    offer = router.enqueue(CallRequest(_sid(1), "potholes", "en"), now=start).offer
    router.accept(offer.id, now=start + 4)
    router.complete(_sid(1), now=start + 44)  # 40 s of talk, then 30 s of wrap-up
    router.tick(now=start + 74)
    sweep_once(RoutingServices(router, services.telephony, services.sessions, services.references,
                               services.settings.office_hours.zone))
    with services.sessions() as session:
        [handled] = session.scalars(sa.select(CallHandling)).all()
    assert (handled.call_sid, handled.agent_login, handled.queue) == (_sid(1), "ann", "potholes-en")
    assert (handled.talk_hold_seconds, handled.wrap_seconds, handled.handle_seconds) == \
        (pytest.approx(40), pytest.approx(30), pytest.approx(70))
    kind, board = _floor_events(app)[-1]
    line = next(row for row in board["queues"] if row["queue"] == "potholes-en")
    assert kind == "wallboard" and (line["answered"], line["aht_seconds"]) == (1, pytest.approx(70))


def test_a_caller_moved_to_the_mandarin_line_waits_in_general_zh_cn(app) -> None:  # type: ignore[no-untyped-def]
    """Languages may hold '-' (zh-CN): the queue name splits at its first hyphen, never its last."""
    router = app.extensions["cityline"].router
    router.enqueue(CallRequest(_sid(4), "potholes", "en"), now=time.time() - 5)
    sam = log_in(app.test_client(), "sam", "supervisor")
    moved = sam.post(f"/agents/api/floor/calls/{_sid(4)}/move", json={"queue": "general-zh-CN", "reason": "普通话"})
    assert moved.status_code == 200, moved.get_json()
    call = router.call(_sid(4))
    assert (call.skill, call.language, call.queue) == ("general", "zh-CN", "general-zh-CN")
    assert app.extensions["cityline"].telephony.take_redirect(_sid(4)) == "/voice/transferred?skill=general&lang=zh-CN"
    assert sam.post(f"/agents/api/floor/calls/{_sid(4)}/move", json={"queue": "general-zh"}).status_code == 400


def test_the_broadcast_form_has_a_message_for_every_language_the_center_answers_in(app, twilio) -> None:  # type: ignore[no-untyped-def]
    sam = log_in(app.test_client(), "sam", "supervisor")
    page = sam.get("/agents/supervisor").get_data(as_text=True)
    for code, name in (("en", "English"), ("es", "Spanish"), ("zh-CN", "Chinese (Simplified, China)")):
        assert f'name="message_{code}"' in page and f"Message in {name}" in page
    assert 'data-language-es="chino (simplificado, China)"' in page  # the page in Spanish names it in Spanish
    sent = sam.post("/agents/api/floor/broadcast", json={"message_en": "Water main break on Elm.",
                                                         "message_zh-CN": "榆树街水管破裂。"})
    assert sent.status_code == 200, sent.get_json()
    app.extensions["cityline"].router.enqueue(CallRequest(CALL_SID, "general", "zh-CN"))
    held = twilio.post("/voice/hold?skill=general&lang=zh-CN").get_data(as_text=True)
    assert "榆树街水管破裂。" in held and "Elm" not in held

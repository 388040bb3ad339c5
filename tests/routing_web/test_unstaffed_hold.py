"""The found defect: with every agent on Break a caller heard only "You are next in line", again and again.
Now the hold loop says nobody is available and offers a callback (keeping the caller's place) or a message;
through the webhooks, in English and Spanish."""

from __future__ import annotations

import pytest

from routing.agents import AgentProfile, AgentState
from routing.calls import CallStatus
from tests.conftest import CALL_SID
from tests.voice_responses import heard, twiml


@pytest.fixture
def on_break(app):  # type: ignore[no-untyped-def]
    """The only pothole agent is on Break."""
    router = app.extensions["cityline"].router
    router.register_agent(AgentProfile("ann", "Ann Lee", {"potholes": 7}, ("en", "es")))
    router.set_agent_state("ann", AgentState.BREAK)
    return router


def queued(twilio, lang: str = "en", **params: str):  # type: ignore[no-untyped-def]
    twilio.post(f"/voice/step?node=report_menu&lang={lang}", {"Digits": "1", **params})  # joins potholes-<lang>
    return twiml(twilio.post(f"/voice/hold?skill=potholes&lang={lang}", {"QueuePosition": "1", **params}))


def test_with_every_agent_on_break_the_caller_hears_so_and_is_offered_a_callback_or_a_message(twilio, on_break):
    root = queued(twilio)
    [words] = heard(root)
    assert words.startswith("Nobody is available to take your call right now")
    assert "press 1" in words and "press 2" in words and "You are next in line" not in words
    gather = root.find("Gather")
    assert gather.get("action") == "/voice/unstaffed-choice?skill=potholes&lang=en"
    assert root.find("Play") is not None  # then the music, and the next loop asks again


def test_in_spanish_too(twilio, on_break):
    [words] = heard(queued(twilio, "es"))
    assert words.startswith("En este momento no hay nadie disponible")
    assert "oprima 1" in words


def test_pressing_1_keeps_the_place_as_a_callback(app, twilio, on_break):
    queued(twilio)
    root = twiml(twilio.post("/voice/unstaffed-choice?skill=potholes&lang=en", {"Digits": "1"}))
    assert heard(root)[0].startswith("Thank you. We will call you back")
    assert root.find("Leave") is not None
    call = on_break.call(CALL_SID)
    assert (call.kind.value, call.status, call.number) == ("callback", CallStatus.WAITING, "+13125550199")


def test_pressing_2_goes_to_the_message_path(app, twilio, on_break):
    queued(twilio)
    root = twiml(twilio.post("/voice/unstaffed-choice?skill=potholes&lang=en", {"Digits": "2"}))
    assert root.find("Leave") is not None
    assert on_break.call(CALL_SID).status is CallStatus.OVERFLOWED
    after = twiml(twilio.post("/voice/queue-exit?lang=en", {"QueueResult": "leave"}))
    assert after.find("Redirect").text == "/voice/overflow?skill=potholes&lang=en"
    message = twiml(twilio.post("/voice/overflow?skill=potholes&lang=en", {}))
    assert message.find("Record") is not None


def test_silence_keeps_the_caller_waiting(twilio, on_break):
    queued(twilio)
    root = twiml(twilio.post("/voice/unstaffed-choice?skill=potholes&lang=en", {}))
    assert list(root) == []  # nothing: the hold loop goes on
    assert on_break.call(CALL_SID).status is CallStatus.WAITING


def test_a_withheld_caller_is_offered_only_the_message(twilio, on_break):
    [words] = heard(queued(twilio, From="anonymous"))
    assert "press 2" in words and "press 1" not in words
    root = twiml(twilio.post("/voice/unstaffed-choice?skill=potholes&lang=en", {"Digits": "1", "From": "anonymous"}))
    assert on_break.call(CALL_SID).status is CallStatus.WAITING and root.find("Leave") is None


def test_once_an_agent_is_back_the_caller_hears_their_place_again(twilio, on_break):
    queued(twilio)
    on_break.set_agent_state("ann", AgentState.AVAILABLE)  # offered to Ann: in line, next
    root = twiml(twilio.post("/voice/hold?skill=potholes&lang=en", {"QueuePosition": "1"}))
    assert heard(root)[0].startswith("You are next in line")


def test_an_agent_opened_by_escalation_counts(app, twilio):
    """potholes escalates to general agents after 90 s: a general agent on a call covers a long-waiting caller."""
    router = app.extensions["cityline"].router
    router.register_agent(AgentProfile("gus", "Gus", {"general": 5}, ("en",)))
    router.set_agent_state("gus", AgentState.BREAK)
    queued(twilio)
    from routing.coverage import anyone_staffed_for

    call = router.call(CALL_SID)
    assert not anyone_staffed_for(router.ctx, call, call.entered + 100)
    router.set_agent_state("gus", AgentState.AVAILABLE)
    assert not anyone_staffed_for(router.ctx, router.call(CALL_SID), call.entered + 10)  # not yet escalated
    assert anyone_staffed_for(router.ctx, router.call(CALL_SID), call.entered + 100)

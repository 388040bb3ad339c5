"""What the call log says about callbacks: the disposition, and the agent, talk time and case of the conversation."""

from __future__ import annotations

import pytest
from rq import Queue, SimpleWorker
from sqlalchemy import select

from ivr import db
from ivr.jobs import call_history, event_stream
from ivr.models.agent import Agent
from ivr.models.call import Call
from ivr.models.callback import CallbackPromise
from ivr.models.case import Case
from routing.agents import AgentProfile, AgentState
from tests.conftest import CALL_SID

OUTBOUND = {"CallSid": "CA" + "d" * 32, "From": "+15555550311", "To": "+13125550199", "Direction": "outbound-api"}


@pytest.fixture
def city(app, redis):  # type: ignore[no-untyped-def]
    services = app.extensions["cityline"]
    call_history.bind(services.sessions, services.references)
    yield services
    call_history.bind(None)


def write_call_log(redis) -> None:  # type: ignore[no-untyped-def]
    event_stream.drain(redis, Queue(call_history.CALLS_QUEUE, connection=redis))  # as `cityline worker --burst` does
    SimpleWorker([Queue(call_history.CALLS_QUEUE, connection=redis)], connection=redis).work(burst=True)


def row(city) -> Call:  # type: ignore[no-untyped-def]
    with city.sessions() as session:
        return session.scalar(select(Call).where(Call.call_sid == CALL_SID))


@pytest.fixture
def asked_on_hold(city, twilio, redis):  # type: ignore[no-untyped-def]
    """The caller waited, pressed 1 for a callback and left the queue."""
    twilio.post("/voice/step?node=report_menu&lang=en", {"Digits": "1"})
    twilio.post("/voice/callback?skill=potholes&lang=en", {"Digits": "1"})
    twilio.post("/voice/step?node=report_menu&lang=en", {"QueueResult": "leave", "QueueTime": "50"})
    twilio.post("/voice/status", {"CallStatus": "completed", "CallDuration": "70"})
    write_call_log(redis)


def test_a_callback_asked_on_hold_is_recorded_as_a_callback(city, asked_on_hold):
    assert row(city).disposition == "callback"


def test_the_callback_conversation_gives_the_asking_call_its_agent_talk_time_and_case(city, asked_on_hold, twilio,
                                                                                    redis):
    with db.unit_of_work(city.sessions) as session:
        session.add(Agent(login="ann", name="Ann", skills={"potholes": 5}, languages=["en"]))
    router = city.router
    router.register_agent(AgentProfile("ann", "Ann", {"potholes": 5}, ("en",)))
    [offer] = router.set_agent_state("ann", AgentState.AVAILABLE)
    router.accept(offer.id)
    twilio.post(f"/voice/callback-answer?agent=ann&lang=en&callback={CALL_SID}", OUTBOUND)
    twilio.post(f"/voice/callback-done?agent=ann&lang=en&callback={CALL_SID}",
                {**OUTBOUND, "DialCallStatus": "completed", "DialCallDuration": "95"})
    write_call_log(redis)
    call = row(city)
    assert (call.disposition, call.talk_seconds) == ("callback", 95)
    with city.sessions() as session:
        assert session.scalar(select(Agent.login).where(Agent.id == call.agent_id)) == "ann"
        assert session.scalar(select(Case.id).where(Case.source_key == f"call:{CALL_SID}:agent")) is not None
        promise = session.scalar(select(CallbackPromise).where(CallbackPromise.callback_id == CALL_SID))
        assert promise.status == "kept"

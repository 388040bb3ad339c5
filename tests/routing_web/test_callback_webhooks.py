"""The placed callback's webhooks: what the resident hears, and how answers and no-answers reach routing."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from ivr.models.case import Case
from routing.agents import AgentProfile, AgentState
from routing.calls import CallbackRequest, CallStatus
from tests.routing_web.conftest import NUMBER, queued_jobs, run_routing_jobs
from tests.voice_responses import heard, twiml

CALLBACK = "CA" + "c" * 32
OUTBOUND = {"CallSid": "CA" + "d" * 32, "From": "+15555550311", "To": NUMBER, "Direction": "outbound-api"}
ANSWER = f"/voice/callback-answer?agent=ann&lang=en&callback={CALLBACK}"


@pytest.fixture
def router(app):  # type: ignore[no-untyped-def]
    return app.extensions["cityline"].router


@pytest.fixture
def dialing(router):  # type: ignore[no-untyped-def]
    """Ann accepted the callback; the worker has placed the call."""
    router.register_agent(AgentProfile("ann", "Ann", {"potholes": 5}, ("en", "es")))
    router.set_agent_state("ann", AgentState.AVAILABLE)
    ticket = router.request_callback(CallbackRequest(CALLBACK, "potholes", "en", NUMBER))
    router.accept(ticket.offer.id)
    return router


def status(twilio, call_status: str, attempt: int = 0):  # type: ignore[no-untyped-def]
    return twilio.post(f"/voice/callback-status?callback={CALLBACK}&attempt={attempt}",
                       {**OUTBOUND, "CallStatus": call_status, "CallDuration": "0"})


def retried(router) -> None:  # type: ignore[no-untyped-def]
    """The retry comes due and Ann accepts it again."""
    [offer] = router.tick(now=router.ctx.now() + 61).offers
    router.accept(offer.id, now=router.ctx.now() + 62)


class TestAnswered:
    def test_the_resident_hears_who_calls_and_why_and_the_agent_is_rung(self, twilio, dialing):
        root = twiml(twilio.post(ANSWER, OUTBOUND))
        assert heard(root) == ["This is City 3-1-1 returning your call about a pothole or damaged street; "
                               "connecting you to an agent."]
        dial = root.find("Dial")
        assert dial.find("Client").text == "ann"
        action = urlsplit(dial.get("action"))
        assert action.path == "/voice/callback-done"
        assert parse_qs(action.query) == {"callback": [CALLBACK], "agent": ["ann"], "lang": ["en"]}

    def test_the_wait_ends_when_the_resident_answers(self, twilio, dialing):
        twilio.post(ANSWER, OUTBOUND)
        assert dialing.call(CALLBACK).status is CallStatus.ANSWERED
        [wait] = dialing.read_waits()
        assert (wait.sid, wait.kind, wait.outcome, wait.agent) == (CALLBACK, "callback", "answered", "ann")

    def test_in_spanish(self, twilio, dialing):
        root = twiml(twilio.post(ANSWER.replace("lang=en", "lang=es"), OUTBOUND))
        assert heard(root)[0].startswith("Le llama la línea 3-1-1 de la ciudad para devolverle la llamada sobre "
                                         "un bache o una calle dañada")

    def test_a_callback_routing_no_longer_holds_is_ended_with_an_apology(self, twilio, router):
        root = twiml(twilio.post(ANSWER, OUTBOUND))
        assert heard(root)[0].endswith("please call 3-1-1 again. Goodbye.")
        assert root.find("Dial") is None and root.find("Hangup") is not None

    def test_the_agents_leg_ending_completes_the_call_and_starts_wrap_up(self, twilio, dialing):
        twilio.post(ANSWER, OUTBOUND)
        root = twiml(twilio.post(f"/voice/callback-done?callback={CALLBACK}&agent=ann&lang=en",
                                 {**OUTBOUND, "DialCallStatus": "completed", "DialCallDuration": "95"}))
        assert heard(root) == ["Thank you for calling City 3-1-1. Goodbye."]
        assert dialing.call(CALLBACK).status is CallStatus.COMPLETED
        ann = dialing.agent("ann")
        assert (ann.state, ann.calls_today) == (AgentState.WRAP_UP, 1)

    def test_an_agent_who_never_picks_up_is_apologised_for(self, twilio, dialing):
        twilio.post(ANSWER, OUTBOUND)
        root = twiml(twilio.post(f"/voice/callback-done?callback={CALLBACK}&agent=ann&lang=en",
                                 {**OUTBOUND, "DialCallStatus": "no-answer"}))
        assert heard(root) == ["Sorry, the agent could not be reached. Please call 3-1-1 again. Goodbye."]
        assert dialing.call(CALLBACK).status is CallStatus.COMPLETED


class TestStatusCallback:
    def test_answered_is_reported_by_the_status_callback_too(self, twilio, dialing):
        assert status(twilio, "in-progress").status_code == 204
        assert dialing.call(CALLBACK).status is CallStatus.ANSWERED

    def test_a_resident_who_hangs_up_before_the_agent_frees_the_agent(self, twilio, dialing):
        twilio.post(ANSWER, OUTBOUND)
        status(twilio, "completed")
        assert dialing.call(CALLBACK).status is CallStatus.COMPLETED
        assert dialing.agent("ann").state is AgentState.WRAP_UP

    def test_no_answer_schedules_another_try_and_frees_the_agent(self, twilio, dialing):
        status(twilio, "no-answer")
        call = dialing.call(CALLBACK)
        assert (call.status, call.attempts) == (CallStatus.SCHEDULED, 1)
        assert dialing.agent("ann").state is AgentState.AVAILABLE
        status(twilio, "no-answer")  # Twilio retried its report: the same attempt counts once
        assert dialing.call(CALLBACK).attempts == 1

    def test_a_report_of_an_earlier_attempt_does_not_count_against_the_next(self, twilio, dialing):
        status(twilio, "no-answer")
        retried(dialing)
        status(twilio, "busy", attempt=0)
        assert dialing.call(CALLBACK).status is CallStatus.DIALING

    def test_after_the_last_attempt_the_callback_becomes_a_case(self, app, twilio, redis, dialing, app_services):
        status(twilio, "no-answer")
        retried(dialing)
        status(twilio, "busy", attempt=1)
        assert dialing.call(CALLBACK).status is CallStatus.FAILED
        assert queued_jobs(redis) == [("ivr.jobs.routing_jobs.open_unanswered_callback_case", (CALLBACK,))]
        run_routing_jobs(redis)
        with app.extensions["cityline"].sessions() as session:
            case = session.scalar(select(Case).where(Case.source_key == f"callback:{CALLBACK}:unanswered"))
            assert (case.service_type.code, case.contact_phone) == ("potholes", NUMBER)
            assert case.description == "Callback requested on hold; 2 attempts unanswered"

    def test_ringing_changes_nothing(self, twilio, dialing):
        status(twilio, "ringing")
        assert dialing.call(CALLBACK).status is CallStatus.DIALING


@pytest.mark.parametrize(("path", "reason"), [
    ("/voice/callback-status?callback=a:b&attempt=0", "callback"),
    ("/voice/callback-status?callback=CB1&attempt=x", "attempt"),
    ("/voice/callback-answer?agent=ann&lang=fr&callback=CB1", "lang"),
])
def test_malformed_urls_get_400_with_a_reason(twilio, path, reason):
    response = twilio.post(path, OUTBOUND)
    assert response.status_code == 400 and reason in response.get_data(as_text=True)


def test_unsigned_requests_are_refused(app, dialing):
    response = app.test_client().post(ANSWER, data=OUTBOUND)
    assert response.status_code == 403
    assert dialing.call(CALLBACK).status is CallStatus.DIALING

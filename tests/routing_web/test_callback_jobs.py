"""Placing accepted callbacks and filing the ones nobody answered, run by a real RQ worker on a real Redis."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select

from ivr.cases import reference
from ivr.jobs.routing_jobs import (
    enqueue_callback_case,
    enqueue_message_case,
    enqueue_place_callback,
    open_unanswered_callback_case,
)
from ivr.models.case import Case
from ivr.telephony import TelephonyError
from ivr.telephony.local_adapter import LocalTelephony
from routing.agents import AgentProfile, AgentState
from routing.calls import CallbackRequest, CallStatus
from tests.routing_web.conftest import NUMBER, run_routing_jobs

CALLBACK = "CA" + "c" * 32


class RefusingNetwork(LocalTelephony):
    """The carrier refuses every call (a bad number, an outage)."""

    def place_call(self, to: str, url: str, status_callback: str | None = None) -> str:
        raise TelephonyError(f"carrier refused {to}")


def accepted(router, sid: str = CALLBACK, skill: str = "potholes") -> None:  # type: ignore[no-untyped-def]
    """A callback an agent has just accepted: the resident is to be dialed."""
    router.register_agent(AgentProfile("ann", "Ann", {skill: 5}, ("en", "es")))
    router.set_agent_state("ann", AgentState.AVAILABLE)
    ticket = router.request_callback(CallbackRequest(sid, skill, "es", NUMBER))
    router.accept(ticket.offer.id)


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def cases(sessions) -> list[Case]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return list(session.scalars(select(Case)))


def test_the_worker_places_the_call_with_its_answer_and_status_urls(services, redis):
    accepted(services.router)
    enqueue_place_callback(redis, CALLBACK)
    run_routing_jobs(redis)
    [placed] = LocalTelephony(redis).sent("calls")
    assert placed["to"] == NUMBER
    assert urlsplit(placed["url"]).path == "/voice/callback-answer"
    assert query(placed["url"]) == {"agent": ["ann"], "lang": ["es"], "callback": [CALLBACK]}
    assert urlsplit(placed["status_callback"]).path == "/voice/callback-status"
    assert query(placed["status_callback"]) == {"callback": [CALLBACK], "attempt": ["0"]}


def test_a_job_run_twice_rings_the_resident_once(services, redis):
    accepted(services.router)
    for _ in range(2):
        enqueue_place_callback(redis, CALLBACK)
    run_routing_jobs(redis)
    assert len(LocalTelephony(redis).sent("calls")) == 1


def test_nothing_is_placed_for_a_callback_not_waiting_to_be_dialed(services, redis):
    services.router.request_callback(CallbackRequest(CALLBACK, "potholes", "en", NUMBER))  # nobody accepted it
    enqueue_place_callback(redis, CALLBACK)
    run_routing_jobs(redis)
    assert LocalTelephony(redis).sent("calls") == []


def test_a_refused_call_counts_as_an_attempt_and_the_last_one_files_a_case(services, redis, sessions):
    from dataclasses import replace

    from ivr.jobs import routing_jobs

    routing_jobs.bind(replace(services, telephony=RefusingNetwork(redis)))
    accepted(services.router)
    enqueue_place_callback(redis, CALLBACK)
    run_routing_jobs(redis)
    call = services.router.call(CALLBACK)
    assert (call.status, call.attempts) == (CallStatus.SCHEDULED, 1)
    assert services.router.agent("ann").state is AgentState.AVAILABLE
    assert cases(sessions) == []

    [offer] = services.router.tick(now=services.router.ctx.now() + 61).offers  # due again: offered to ann
    services.router.accept(offer.id, now=services.router.ctx.now() + 62)
    enqueue_place_callback(redis, CALLBACK)
    run_routing_jobs(redis)
    assert services.router.call(CALLBACK).status is CallStatus.FAILED
    [case] = cases(sessions)
    assert case.description == "Callback requested on hold; 2 attempts unanswered"


def test_an_unanswered_callback_becomes_a_case_once(services, redis, sessions):
    accepted(services.router)
    services.router.callback_unanswered(CALLBACK)
    [offer] = services.router.tick(now=services.router.ctx.now() + 61).offers
    services.router.accept(offer.id, now=services.router.ctx.now() + 62)
    assert services.router.callback_unanswered(CALLBACK)[0] == "failed"
    for _ in range(2):
        enqueue_callback_case(redis, CALLBACK)
    run_routing_jobs(redis)
    [case] = cases(sessions)
    with sessions() as session:
        case = session.get(Case, case.id)
        assert (case.service_type.code, case.channel, case.status) == ("potholes", "phone", "open")
        assert case.description == "Callback requested on hold; 2 attempts unanswered"
        assert (case.contact_phone, case.source_key) == (NUMBER, f"callback:{CALLBACK}:unanswered")
        assert reference.is_valid(case.reference)
        assert case.expected_by - case.opened_at == case.service_type.sla
    assert open_unanswered_callback_case(CALLBACK) == case.reference


def test_a_callback_still_in_play_files_no_case(services, sessions):
    accepted(services.router)
    assert open_unanswered_callback_case(CALLBACK) is None
    assert open_unanswered_callback_case("CA" + "0" * 32) is None  # unknown to routing
    assert cases(sessions) == []


def test_a_skill_that_is_no_service_type_is_filed_as_general(services, redis, sessions):
    accepted(services.router, skill="general")
    services.router.ctx.connection.hset(services.router.ctx.keys.call(CALLBACK), "skill", "parking")
    services.router.ctx.connection.hset(services.router.ctx.keys.call(CALLBACK), "status", "failed")
    reference_number = open_unanswered_callback_case(CALLBACK)
    with sessions() as session:
        case = session.scalar(select(Case).where(Case.reference == reference_number))
        assert case.service_type.code == "general"


def test_an_overflow_message_becomes_the_case_the_caller_was_told_once(services, redis, sessions):
    ref = services.references.allocate(2026)
    message = {"call_sid": CALLBACK, "reference": ref, "skill": "noise", "language": "en", "number": NUMBER,
               "recording_url": "https://api.twilio.com/recordings/RE1", "at": "2026-12-01T10:00:00-05:00"}
    for _ in range(2):
        enqueue_message_case(redis, message)
    run_routing_jobs(redis)
    with sessions() as session:
        assert session.scalar(select(func.count(Case.id))) == 1
        case = session.scalar(select(Case))
        assert (case.reference, case.service_type.code, case.media_url) == (ref, "noise", message["recording_url"])
        assert case.description == "Voice message left after the maximum wait in queue noise-en."
        assert case.opened_at == datetime(2026, 12, 1, 15, 0, tzinfo=UTC)

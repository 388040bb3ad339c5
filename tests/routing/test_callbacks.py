"""Callbacks: a virtual place in line, reserved like a call, dialed by a job through the telephony port."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from routing.agents import AgentState
from routing.calls import CallbackRequest, CallKind, CallRequest, CallStatus
from routing.exceptions import StateConflict
from routing.jobs import place_callback
from routing.office_hours import OfficeHours, parse_weekly_hours
from routing.telephony import TelephonyError
from tests.routing.conftest import T0, staff

NUMBER = "+13125550199"
ANSWER_URL = "https://example.org/voice/callback?id=CB1"


class FakeTelephony:
    """Records the calls it is asked to place; can be told to fail like a carrier would."""

    def __init__(self, fail: bool = False) -> None:
        self.placed: list[tuple[str, str]] = []
        self.fail = fail

    def place_call(self, to: str, url: str) -> str:
        if self.fail:
            raise TelephonyError("carrier said no")
        self.placed.append((to, url))
        return f"CAout{len(self.placed)}"


def test_a_caller_converted_to_a_callback_keeps_their_place(router):
    for number, sid in enumerate(("CA1", "CA2", "CA3")):
        router.enqueue(CallRequest(sid, "noise", "en"), now=T0 + number)
    ticket = router.convert_to_callback("CA2", NUMBER, now=T0 + 30)
    assert ticket.position == 2
    call = router.call("CA2")
    assert (call.kind, call.number, call.entered) == (CallKind.CALLBACK, NUMBER, T0 + 1)
    assert [item.sid for item in router.tick(now=T0 + 10_000).overdue] == ["CA1", "CA3"]  # callbacks never overflow


def test_a_callback_reaching_the_front_reserves_an_agent_like_a_call(router):
    router.enqueue(CallRequest("CA1", "noise", "en"), now=T0)
    router.convert_to_callback("CA1", NUMBER, now=T0 + 5)
    staff(router, "ann", {"noise": 5}, free_at=None)
    [offer] = router.set_agent_state("ann", AgentState.AVAILABLE, now=T0 + 60)
    assert (offer.kind, offer.number, offer.call_sid) == ("callback", NUMBER, "CA1")
    router.accept(offer.id, now=T0 + 62)
    assert router.call("CA1").status is CallStatus.DIALING
    assert router.read_waits() == []  # the wait ends when the resident answers


def accepted_callback(router, request_id="CB1"):
    staff(router, "ann", {"noise": 5}, free_at=T0)
    ticket = router.request_callback(CallbackRequest(request_id, "noise", "en", NUMBER), now=T0 + 10)
    router.accept(ticket.offer.id, now=T0 + 12)
    return ticket


def test_the_job_places_the_callback_once_even_when_run_again(router):
    accepted_callback(router)
    port = FakeTelephony()
    assert place_callback("CB1", ANSWER_URL, router=router, telephony=port) == "CAout1"
    assert place_callback("CB1", ANSWER_URL, router=router, telephony=port) == "CAout1"
    assert port.placed == [(NUMBER, ANSWER_URL)]
    router.callback_connected("CB1", now=T0 + 40)
    [record] = router.read_waits()
    assert (record.kind, record.outcome, record.waited, record.agent) == ("callback", "answered", 30.0, "ann")
    router.complete("CB1", now=T0 + 300)
    assert router.agent("ann").state is AgentState.WRAP_UP


def test_the_job_does_nothing_for_a_callback_not_waiting_to_be_dialed(router):
    router.request_callback(CallbackRequest("CB1", "noise", "en", NUMBER), now=T0)
    port = FakeTelephony()
    assert place_callback("CB1", ANSWER_URL, router=router, telephony=port) is None
    assert place_callback("CBnope", ANSWER_URL, router=router, telephony=port) is None
    assert port.placed == []


def test_an_unanswered_callback_is_retried_later_at_the_head_of_its_queue(router):
    accepted_callback(router)
    router.enqueue(CallRequest("CA9", "noise", "en"), now=T0 + 20)
    status, offers = router.callback_unanswered("CB1", now=T0 + 50)
    assert status == "scheduled"
    assert [offer.call_sid for offer in offers] == ["CA9"]  # the agent is freed for the next caller
    call = router.call("CB1")
    assert (call.status, call.attempts) == (CallStatus.SCHEDULED, 1)
    router.enqueue(CallRequest("CA10", "noise", "en"), now=T0 + 60)
    router.tick(now=T0 + 349)
    assert router.call("CB1").status is CallStatus.SCHEDULED
    router.tick(now=T0 + 350)
    assert router.ticket("CB1").position == 1  # original entry time: ahead of CA10
    assert router.call("CB1").entered == T0 + 10


def test_a_callback_fails_for_good_after_its_last_attempt(router):
    accepted_callback(router)
    router.callback_unanswered("CB1", now=T0 + 50)
    [offer] = router.tick(now=T0 + 350).offers
    router.accept(offer.id, now=T0 + 351)
    status, _ = router.callback_unanswered("CB1", now=T0 + 400)
    assert status == "failed"  # max_attempts is 2 in the test configuration
    [record] = router.read_waits()
    assert (record.outcome, record.kind) == ("failed", "callback")
    assert router.call("CB1").status is CallStatus.FAILED


def test_a_telephony_failure_counts_as_an_unanswered_attempt(router):
    accepted_callback(router)
    assert place_callback("CB1", ANSWER_URL, router=router, telephony=FakeTelephony(fail=True)) is None
    assert router.call("CB1").status is CallStatus.SCHEDULED
    assert router.agent("ann").state is AgentState.AVAILABLE


def test_a_callback_requested_after_hours_waits_for_the_opening(make_router):
    hours = OfficeHours(ZoneInfo("UTC"), parse_weekly_hours("mon-fri 09:00-17:00"))
    router = make_router(hours=hours)  # T0 is Friday 08:00 UTC: closed until 09:00
    staff(router, "ann", {"noise": 5})
    ticket = router.request_callback(CallbackRequest("CB1", "noise", "en", NUMBER), now=T0)
    assert (ticket.position, ticket.offer) == (0, None)
    assert router.tick(now=T0 + 3599).offers == []
    [offer] = router.tick(now=T0 + 3600).offers
    assert offer.call_sid == "CB1"


def test_only_a_waiting_caller_can_switch_to_a_callback(router):
    staff(router, "ann", {"noise": 5})
    router.enqueue(CallRequest("CA1", "noise", "en"), now=T0 + 1)
    with pytest.raises(StateConflict, match="offered"):
        router.convert_to_callback("CA1", NUMBER, now=T0 + 2)


def test_a_resident_can_cancel_a_scheduled_callback(router):
    accepted_callback(router)
    router.callback_unanswered("CB1", now=T0 + 50)
    router.abandon("CB1", now=T0 + 60)
    assert router.tick(now=T0 + 400).offers == []
    assert router.call("CB1").status is CallStatus.ABANDONED

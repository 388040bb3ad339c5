"""Routing alone, with simulated time: wrap-up's More time and required codes, and the callback watchdog."""

from __future__ import annotations

import pytest

from routing import wrapups
from routing.agents import AgentState
from routing.callback_watchdog import time_out_dialing
from routing.calls import CallbackRequest, CallRequest, CallStatus
from routing.exceptions import InvalidRequest, StateConflict
from tests.routing.conftest import CONFIG, T0, config_with, staff

CODES = {"resolved": {"en": "Resolved", "es": "Resuelto"}, "case_filed": {"en": "Case filed", "es": "Caso"}}


@pytest.fixture
def router(make_router):  # type: ignore[no-untyped-def]
    raw = config_with(noise={"wrap_up": 30, "wrap_up_extend": 20, "wrap_up_max": 60,
                             "wrap_up_codes": ["resolved", "case_filed"], "wrap_up_required": True})
    return make_router({**raw, "wrap_up_codes": CODES, "callbacks": {**CONFIG["callbacks"], "dial_timeout": 45}})


def wrapping_up(router, sid: str = "CA1") -> None:  # type: ignore[no-untyped-def]
    staff(router, "ann", {"noise": 5})
    router.accept(router.enqueue(CallRequest(sid, "noise", "en"), now=T0 + 1).offer.id, now=T0 + 2)
    router.complete(sid, now=T0 + 100)


def test_more_time_stops_at_the_queues_maximum(router):
    wrapping_up(router)
    assert wrapups.current(router.ctx, "ann").ends == T0 + 130
    assert wrapups.extend(router.ctx, "ann", T0 + 110).ends == T0 + 150
    assert wrapups.extend(router.ctx, "ann", T0 + 111).ends == T0 + 160  # capped at 60 s after the call
    with pytest.raises(StateConflict, match="maximum"):
        wrapups.extend(router.ctx, "ann", T0 + 112)


def test_a_required_code_holds_the_agent_past_the_time_and_only_a_listed_code_counts(router):
    wrapping_up(router)
    router.enqueue(CallRequest("CA2", "noise", "en"), now=T0 + 120)
    report = router.tick(now=T0 + 200)
    assert router.agent("ann").state is AgentState.WRAP_UP and report.offers == []
    with pytest.raises(InvalidRequest, match="not a wrap-up code"):
        wrapups.choose_code(router.ctx, "ann", "lunch")
    assert wrapups.choose_code(router.ctx, "ann", "case_filed").code == "case_filed"
    [offer] = router.tick(now=T0 + 201).offers
    assert (offer.agent_id, offer.call_sid) == ("ann", "CA2")
    assert wrapups.code_of(router.ctx, "CA1") == "case_filed"


def test_a_callback_dialing_past_the_timeout_is_given_up_and_its_agent_freed(router):
    staff(router, "bea", {"noise": 5})
    ticket = router.request_callback(CallbackRequest("CB1", "noise", "en", "+13125550199"), now=T0 + 1)
    router.accept(ticket.offer.id, now=T0 + 2)
    assert time_out_dialing(router.ctx, T0 + 40) == ([], [])  # 38 s: still ringing
    [stuck], _ = time_out_dialing(router.ctx, T0 + 48)
    assert (stuck.callback_id, stuck.agent_id, stuck.number, stuck.result) == ("CB1", "bea", "+13125550199",
                                                                               "scheduled")
    assert router.agent("bea").state is AgentState.AVAILABLE
    assert (router.call("CB1").status, router.call("CB1").attempts) == (CallStatus.SCHEDULED, 1)
    assert time_out_dialing(router.ctx, T0 + 500) == ([], [])  # nothing dialing any more


def test_a_connected_callback_is_left_alone(router):
    staff(router, "bea", {"noise": 5})
    ticket = router.request_callback(CallbackRequest("CB1", "noise", "en", "+13125550199"), now=T0 + 1)
    router.accept(ticket.offer.id, now=T0 + 2)
    router.callback_connected("CB1", now=T0 + 10)
    assert time_out_dialing(router.ctx, T0 + 100) == ([], [])
    assert router.agent("bea").state is AgentState.ON_CALL

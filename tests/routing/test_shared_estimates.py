"""Wait estimates count agents as they really work: shared with other queues, or joining through escalation."""

from __future__ import annotations

import pytest

from routing.calls import CallRequest
from routing.estimates import EscalationCapacity, time_shares, time_to_finishes
from tests.routing.conftest import T0, staff


def test_an_agent_splits_their_time_by_the_callers_waiting_in_each_of_their_queues():
    staffed = {("noise", "en"): {"ann", "bob"}, ("trash", "en"): {"ann"}}
    waiting = {("noise", "en"): 0, ("trash", "en"): 4}
    assert time_shares({"ann", "bob"}, ("noise", "en"), staffed, waiting) == pytest.approx(1 + 1 / 5)
    assert time_shares({"ann"}, ("noise", "en"), staffed, {("trash", "en"): 0}) == 1.0  # an idle other queue


def test_escalation_adds_capacity_when_its_step_opens():
    # One agent, 240 s calls: 0.375 finishes by 90 s, then two agents' worth finish the other 0.625 in 75 s.
    assert time_to_finishes(1, 240.0, 1.0, [EscalationCapacity(90, 1.0)]) == pytest.approx(165.0)
    assert time_to_finishes(1, 240.0, 1.0, []) == pytest.approx(240.0)
    assert time_to_finishes(1, 240.0, 1.0, [EscalationCapacity(90, 1.0, available=1)]) == pytest.approx(90.0)
    assert time_to_finishes(1, 240.0, 0.0, [EscalationCapacity(60, 1.0)]) == pytest.approx(300.0)


def busy(router, *agents: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    """Put each (agent, skill) on a call of that skill."""
    for number, (agent, skill) in enumerate(agents):
        ticket = router.enqueue(CallRequest(f"CAbusy{number}", skill, "en"), now=T0 + number)
        assert ticket.offer is not None and ticket.offer.agent_id == agent
        router.accept(ticket.offer.id, now=T0 + number)


def test_an_agent_shared_with_a_busy_queue_counts_for_a_share_of_their_time(router):
    staff(router, "ann", {"noise": 5, "trash": 5})
    staff(router, "bob", {"noise": 5})
    busy(router, ("ann", "trash"), ("bob", "noise"))
    alone = router.enqueue(CallRequest("CAquiet", "noise", "en"), now=T0 + 10).estimate
    router.abandon("CAquiet", now=T0 + 11)
    for number in range(4):
        router.enqueue(CallRequest(f"CAtrash{number}", "trash", "en"), now=T0 + 20 + number)
    shared = router.enqueue(CallRequest("CAnoise", "noise", "en"), now=T0 + 30).estimate
    assert alone.expected == pytest.approx(240 / 2)  # two agents' worth of time
    assert shared.expected == pytest.approx(240 / 1.2)  # Ann gives noise 1 of her 5 waiting callers


def test_agents_reached_through_escalation_shorten_the_wait(router):
    staff(router, "pat", {"potholes": 5})
    busy(router, ("pat", "potholes"))
    without = router.enqueue(CallRequest("CAfirst", "potholes", "en"), now=T0 + 5).estimate
    router.abandon("CAfirst", now=T0 + 6)
    staff(router, "gil", {"general": 5})
    busy_general = router.enqueue(CallRequest("CAgeneral", "general", "en"), now=T0 + 7)
    router.accept(busy_general.offer.id, now=T0 + 7)
    with_escalation = router.enqueue(CallRequest("CAsecond", "potholes", "en"), now=T0 + 8).estimate
    assert without.expected == pytest.approx(240.0)
    assert with_escalation.expected == pytest.approx(165.0)  # Gil's general skill joins after 90 s


def test_a_queue_nobody_holds_but_escalation_reaches_still_gets_an_estimate(router):
    staff(router, "gil", {"general": 5})
    busy(router, ("gil", "general"))
    ticket = router.enqueue(CallRequest("CApothole", "potholes", "en"), now=T0 + 5)
    assert ticket.estimate is not None
    assert ticket.estimate.expected == pytest.approx(90 + 240)  # nothing until 90 s, then Gil's next finish

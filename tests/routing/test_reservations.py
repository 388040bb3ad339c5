"""The reservation lifecycle: offer, accept, reject or miss, abandon, complete, wrap-up."""

from __future__ import annotations

import pytest

from routing.agents import AgentState
from routing.calls import CallRequest, CallStatus
from routing.exceptions import StateConflict, UnknownAgent, UnknownCall, UnknownReservation
from routing.reservations import ReservationStatus
from tests.routing.conftest import T0, staff


def offered(router, sid="CA1", skill="noise", at=T0 + 10):
    return router.enqueue(CallRequest(sid, skill, "en"), now=at).offer


def test_accepting_puts_the_agent_on_the_call_and_records_the_answered_wait(router):
    staff(router, "ann", {"noise": 5})
    offer = offered(router)
    reservation = router.accept(offer.id, now=T0 + 14)
    assert reservation.status is ReservationStatus.ACCEPTED
    agent = router.agent("ann")
    assert (agent.state, agent.call, agent.reservation) == (AgentState.ON_CALL, "CA1", "")
    assert router.call("CA1").status is CallStatus.ANSWERED
    [record] = router.read_waits()
    assert (record.outcome, record.waited, record.agent, record.position) == ("answered", 4.0, "ann", 1)


def test_an_offer_cannot_be_accepted_twice_or_after_it_expired(router):
    staff(router, "ann", {"noise": 5})
    staff(router, "bob", {"noise": 5}, free_at=T0 + 1)
    first = offered(router, "CA1")
    second = offered(router, "CA2")
    router.accept(first.id, now=T0 + 11)
    with pytest.raises(StateConflict, match="accepted"):
        router.accept(first.id, now=T0 + 12)
    with pytest.raises(StateConflict, match="expired"):
        router.accept(second.id, now=second.expires + 0.001)
    with pytest.raises(UnknownReservation):
        router.accept("WRnope", now=T0)


def test_rejecting_sends_the_agent_on_break_and_the_call_back_to_its_place(router):
    staff(router, "ann", {"noise": 5})
    offer = offered(router, "CA1", at=T0 + 10)
    router.enqueue(CallRequest("CA2", "noise", "en"), now=T0 + 11)
    assert router.reject(offer.id, now=T0 + 15) == []  # nobody else is free
    agent = router.agent("ann")
    assert (agent.state, agent.reason) == (AgentState.BREAK, "rejected")
    call = router.call("CA1")
    assert (call.status, call.entered) == (CallStatus.WAITING, T0 + 10)
    assert router.ticket("CA1").position == 1  # ahead of CA2 again
    assert router.reservation(offer.id).status is ReservationStatus.REJECTED


def test_a_rejected_call_goes_straight_to_the_next_free_agent(router):
    staff(router, "ann", {"noise": 5}, free_at=T0 - 100)
    staff(router, "bob", {"noise": 5}, free_at=T0 - 50)
    offer = offered(router)
    [again] = router.reject(offer.id, now=T0 + 12)
    assert (offer.agent_id, again.agent_id, again.call_sid) == ("ann", "bob", "CA1")


def test_an_offer_nobody_answers_times_out_in_the_sweep(router):
    staff(router, "ann", {"noise": 5}, free_at=T0 - 100)
    offer = offered(router)
    assert router.tick(now=offer.expires - 1).timed_out == []
    staff(router, "bob", {"noise": 5}, free_at=offer.expires - 0.5)  # bob was free while ann's phone rang
    report = router.tick(now=offer.expires)
    assert report.timed_out == [offer.id]
    assert [(o.call_sid, o.agent_id) for o in report.offers] == [("CA1", "bob")]
    assert router.agent("ann").state is AgentState.BREAK
    assert router.agent("ann").reason == "timed_out"


def test_a_missed_offer_can_put_the_agent_offline_instead(make_router):
    from tests.routing.conftest import CONFIG

    router = make_router({**CONFIG, "after_missed": "offline"})
    staff(router, "ann", {"noise": 5})
    offer = offered(router)
    router.tick(now=offer.expires)
    assert router.agent("ann").state is AgentState.OFFLINE


def test_hanging_up_while_waiting_is_recorded_as_abandoned(router):
    router.enqueue(CallRequest("CA1", "noise", "en"), now=T0)
    router.abandon("CA1", now=T0 + 42)
    assert router.call("CA1").status is CallStatus.ABANDONED
    assert router.ticket("CA1").position == 0
    [record] = router.read_waits()
    assert (record.outcome, record.waited, record.agent) == ("abandoned", 42.0, "")
    assert router.queue_stats("noise", "en").abandon_rate == 1.0


def test_hanging_up_while_an_agent_is_offered_frees_the_agent_for_the_next_caller(router):
    staff(router, "ann", {"noise": 5}, free_at=T0 - 300)
    offer = offered(router, "CA1", at=T0)
    router.enqueue(CallRequest("CA2", "noise", "en"), now=T0 + 1)
    [again] = router.abandon("CA1", now=T0 + 3)
    assert router.reservation(offer.id).status is ReservationStatus.CANCELLED
    assert (again.agent_id, again.call_sid) == ("ann", "CA2")
    assert router.agent("ann").state is AgentState.AVAILABLE  # not punished for the caller's hang-up


def test_abandoning_twice_or_after_an_answer_changes_nothing(router):
    staff(router, "ann", {"noise": 5})
    offer = offered(router)
    router.accept(offer.id, now=T0 + 11)
    assert router.abandon("CA1", now=T0 + 12) == []
    assert router.call("CA1").status is CallStatus.ANSWERED
    with pytest.raises(UnknownCall):
        router.abandon("CAnope", now=T0)


def test_completing_puts_the_agent_in_wrap_up_then_free_for_the_next_call(router):
    staff(router, "ann", {"noise": 5})
    offer = offered(router, "CA1", at=T0 + 10)
    router.accept(offer.id, now=T0 + 12)
    router.enqueue(CallRequest("CA2", "noise", "en"), now=T0 + 20)
    assert router.complete("CA1", now=T0 + 200) == []
    agent = router.agent("ann")
    assert (agent.state, agent.calls_today, agent.last_call_ended) == (AgentState.WRAP_UP, 1, T0 + 200)
    assert router.tick(now=T0 + 229).offers == []
    [offer] = router.tick(now=T0 + 230).offers  # wrap-up of 30 s is over
    assert (offer.agent_id, offer.call_sid) == ("ann", "CA2")
    assert router.queue_stats("noise", "en").mean_handle_time == pytest.approx(230 - 12)


def test_an_agent_may_end_wrap_up_early(router):
    staff(router, "ann", {"noise": 5})
    router.accept(offered(router).id, now=T0 + 11)
    router.complete("CA1", now=T0 + 60)
    router.set_agent_state("ann", AgentState.AVAILABLE, now=T0 + 65)
    assert router.agent("ann").state is AgentState.AVAILABLE
    assert router.tick(now=T0 + 91).offers == []  # the old wrap-up deadline does nothing


def test_a_zero_wrap_up_frees_the_agent_at_once(make_router):
    from tests.routing.conftest import config_with

    router = make_router(config_with(noise={"wrap_up": 0}))
    staff(router, "ann", {"noise": 5})
    router.accept(offered(router).id, now=T0 + 11)
    router.enqueue(CallRequest("CA2", "noise", "en"), now=T0 + 12)
    [offer] = router.complete("CA1", now=T0 + 60)
    assert offer.call_sid == "CA2"


def test_completing_a_call_that_is_not_connected_is_refused(router):
    router.enqueue(CallRequest("CA1", "noise", "en"), now=T0)
    with pytest.raises(StateConflict, match="waiting"):
        router.complete("CA1", now=T0 + 1)


@pytest.mark.parametrize(("setup", "target"), [
    ("on_call", AgentState.BREAK),
    ("on_call", AgentState.AVAILABLE),
    ("reserved", AgentState.BREAK),
])
def test_agent_moves_that_would_lose_a_call_are_refused(router, setup, target):
    staff(router, "ann", {"noise": 5})
    offer = offered(router)
    if setup == "on_call":
        router.accept(offer.id, now=T0 + 11)
    with pytest.raises(StateConflict):
        router.set_agent_state("ann", target, now=T0 + 12)


def test_unknown_agents_are_named(router):
    with pytest.raises(UnknownAgent):
        router.set_agent_state("ghost", AgentState.AVAILABLE, now=T0)
    with pytest.raises(UnknownAgent):
        router.agent("ghost")


def test_changing_an_agents_skills_moves_it_between_pools(router):
    from routing.agents import AgentProfile

    staff(router, "ann", {"noise": 5})
    router.register_agent(AgentProfile("ann", "Ann", {"trash": 5}, ("es",)), now=T0 + 1)
    assert router.enqueue(CallRequest("CA1", "noise", "en"), now=T0 + 2).offer is None
    assert router.enqueue(CallRequest("CA2", "trash", "es"), now=T0 + 3).offer.agent_id == "ann"
    assert [agent.id for agent in router.agents()] == ["ann"]
    assert router.agent("ann").state is AgentState.AVAILABLE  # live state kept

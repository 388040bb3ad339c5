"""An agent hands a call to a named colleague: offered, accepted (warm: both on the line), then the first leaves."""

from __future__ import annotations

import pytest

from routing.agents import AgentState
from routing.calls import CallRequest
from routing.exceptions import StateConflict
from tests.routing.conftest import T0, staff


def answered_call(router, sid: str = "CA1"):  # type: ignore[no-untyped-def]
    staff(router, "ann", {"general": 5})
    ticket = router.enqueue(CallRequest(sid, "general", "en"), now=T0)
    router.accept(ticket.offer.id, now=T0 + 1)
    return sid


def test_a_warm_transfer_hands_the_call_over_and_the_first_agent_wraps_up_on_leaving(router):
    sid = answered_call(router)
    staff(router, "ben", {"trash": 5})
    offer = router.offer_transfer(sid, "ann", "ben", now=T0 + 10)
    assert (offer.kind, offer.agent_id, offer.from_agent, offer.call_sid) == ("transfer", "ben", "ann", sid)
    router.accept(offer.id, now=T0 + 12)
    assert router.call(sid).agent == "ben"
    assert router.agent("ann").state is AgentState.ON_CALL  # still talking to ben
    assert router.agent("ben").state is AgentState.ON_CALL and router.agent("ben").call == sid
    with pytest.raises(StateConflict):
        router.leave_call("ben", sid, now=T0 + 20)  # ben has the caller: he hangs up or transfers instead
    assert router.leave_call("ann", sid, now=T0 + 20) is True
    assert router.agent("ann").state is AgentState.WRAP_UP
    router.complete(sid, now=T0 + 60)
    assert router.agent("ben").state is AgentState.WRAP_UP


def test_a_declined_transfer_leaves_the_call_with_the_first_agent_and_is_not_queued(router):
    sid = answered_call(router)
    staff(router, "ben", {"trash": 5})
    offer = router.offer_transfer(sid, "ann", "ben", now=T0 + 10)
    router.reject(offer.id, now=T0 + 11)
    call = router.call(sid)
    assert (call.status.value, call.agent) == ("answered", "ann")
    assert router.agent("ben").state is AgentState.BREAK


def test_a_call_that_ends_during_a_warm_transfer_wraps_up_both_agents(router):
    sid = answered_call(router)
    staff(router, "ben", {"trash": 5})
    router.accept(router.offer_transfer(sid, "ann", "ben", now=T0 + 10).id, now=T0 + 11)
    router.complete(sid, now=T0 + 30)  # the caller hung up while ann and ben were both on
    assert router.agent("ann").state is AgentState.WRAP_UP
    assert router.agent("ben").state is AgentState.WRAP_UP


def test_only_the_agent_with_the_call_may_offer_it_and_only_to_a_free_colleague(router):
    sid = answered_call(router)
    staff(router, "ben", {"trash": 5})
    staff(router, "cat", {"trash": 5}, free_at=None)
    with pytest.raises(StateConflict):
        router.offer_transfer(sid, "ben", "ann", now=T0 + 5)  # ben is not on this call
    with pytest.raises(StateConflict):
        router.offer_transfer(sid, "ann", "cat", now=T0 + 5)  # cat is offline
    with pytest.raises(StateConflict):
        router.offer_transfer(sid, "ann", "ann", now=T0 + 5)
    router.offer_transfer(sid, "ann", "ben", now=T0 + 5)
    with pytest.raises(StateConflict):
        router.offer_transfer(sid, "ann", "ben", now=T0 + 6)  # one transfer at a time


def test_a_missed_transfer_offer_times_out_and_the_call_stays(router):
    sid = answered_call(router)
    staff(router, "ben", {"trash": 5})
    router.offer_transfer(sid, "ann", "ben", now=T0 + 10)
    router.tick(now=T0 + 10 + 21)
    assert router.call(sid).agent == "ann" and router.agent("ben").state is AgentState.BREAK

"""Matching on the real Redis: strategies, tiers, escalation steps and priorities."""

from __future__ import annotations

import pytest

from routing.agents import AgentState
from routing.calls import CallRequest
from routing.exceptions import UnknownQueue
from tests.routing.conftest import T0, staff


def call(router, sid, skill="noise", language="en", priority=0, at=T0 + 10):
    return router.enqueue(CallRequest(sid, skill, language, priority), now=at)


def serve(router, sid, at):
    """Accept the call's offer and finish it at once; the agent is in wrap-up afterwards."""
    reservation = router.call(sid).reservation
    router.accept(reservation, now=at)
    router.complete(sid, now=at + 1)


def test_a_caller_is_offered_at_once_to_a_free_agent_with_the_skill_and_language(router):
    staff(router, "english", {"noise": 5}, ("en",))
    staff(router, "spanish", {"noise": 5}, ("es",))
    staff(router, "trash", {"trash": 5}, ("es",))
    ticket = call(router, "CA1", "noise", "es")
    assert ticket.offer.agent_id == "spanish"
    assert ticket.position == 1
    assert router.agent("spanish").reservation == ticket.offer.id
    assert router.call("CA1").status == "offered"


def test_nobody_free_leaves_the_caller_waiting_with_a_position(router):
    staff(router, "busy", {"noise": 5}, free_at=None)
    call(router, "CA1")
    ticket = call(router, "CA2", at=T0 + 20)
    assert ticket.offer is None
    assert ticket.position == 2


def test_longest_idle_picks_the_agent_free_the_longest(router):
    staff(router, "recent", {"noise": 5}, free_at=T0 - 10)
    staff(router, "longest", {"noise": 5}, free_at=T0 - 500)
    staff(router, "middle", {"noise": 5}, free_at=T0 - 100)
    assert call(router, "CA1").offer.agent_id == "longest"
    assert call(router, "CA2").offer.agent_id == "middle"


def test_fewest_calls_picks_the_agent_with_fewest_calls_today(router):
    staff(router, "ann", {"trash": 5}, free_at=T0 - 1000)
    staff(router, "bob", {"trash": 5}, free_at=None)
    first = call(router, "CA1", "trash", at=T0 - 900)  # ann takes one call
    serve(router, "CA1", T0 - 890)
    router.set_agent_state("ann", AgentState.AVAILABLE, now=T0 - 800)
    router.set_agent_state("bob", AgentState.AVAILABLE, now=T0 - 10)  # bob idle for less time
    assert first.offer.agent_id == "ann"
    assert router.agent("ann").calls_today == 1
    assert call(router, "CA2", "trash").offer.agent_id == "bob"


def test_calls_today_start_again_on_a_new_city_day(router):
    staff(router, "ann", {"trash": 5}, free_at=T0)
    call(router, "CA1", "trash")
    serve(router, "CA1", T0 + 20)
    agent = router.agent("ann")
    assert agent.calls_on(agent.calls_day) == 1
    assert agent.calls_on("2027-01-16") == 0


def test_highest_proficiency_picks_the_most_skilled_agent(router):
    staff(router, "novice", {"potholes": 2}, free_at=T0 - 900)
    staff(router, "expert", {"potholes": 9}, free_at=T0 - 10)
    staff(router, "middling", {"potholes": 6}, free_at=T0 - 500)
    assert call(router, "CA1", "potholes").offer.agent_id == "expert"
    assert call(router, "CA2", "potholes").offer.agent_id == "middling"


def test_round_robin_goes_around_the_agents_in_order(router):
    for name in ("a", "b", "c"):
        staff(router, name, {"streetlights": 5})
    offered = []
    for number in range(5):
        sid = f"CA{number}"
        offered.append(call(router, sid, "streetlights", at=T0 + number).offer.agent_id)
        serve(router, sid, T0 + number)
        router.set_agent_state(offered[-1], AgentState.AVAILABLE, now=T0 + number + 2)
    assert offered == ["a", "b", "c", "a", "b"]


def test_agents_with_the_skill_come_before_agents_reached_by_escalation(router):
    staff(router, "generalist", {"general": 9}, free_at=T0 - 1000)
    staff(router, "specialist", {"potholes": 1}, free_at=T0 - 1)
    router.enqueue(CallRequest("CA1", "potholes", "en"), now=T0 - 100)  # waited 100 s: general is allowed
    assert router.call("CA1").agent == "specialist"


def test_escalation_offers_a_waiting_call_to_general_then_to_any_agent(router):
    staff(router, "general", {"general": 5}, free_at=None)
    staff(router, "trash", {"trash": 5}, free_at=T0)
    router.set_agent_state("general", AgentState.BREAK, now=T0)
    assert call(router, "CA1", "potholes", at=T0).offer is None
    assert router.tick(now=T0 + 89).offers == []
    report = router.tick(now=T0 + 239)
    assert report.offers == []  # general is on break, trash not allowed yet
    [offer] = router.tick(now=T0 + 240).offers
    assert offer.agent_id == "trash"


def test_an_agent_freed_after_the_escalation_step_takes_the_call_at_once(router):
    staff(router, "general", {"general": 5}, free_at=None)
    call(router, "CA1", "potholes", at=T0)
    assert router.set_agent_state("general", AgentState.AVAILABLE, now=T0 + 30) == []
    router.set_agent_state("general", AgentState.BREAK, now=T0 + 31)
    [offer] = router.set_agent_state("general", AgentState.AVAILABLE, now=T0 + 91)
    assert (offer.call_sid, offer.agent_id) == ("CA1", "general")


def test_a_minimum_proficiency_keeps_weak_agents_out(make_router):
    from tests.routing.conftest import config_with

    router = make_router(config_with(noise={"min_proficiency": 6}))
    staff(router, "weak", {"noise": 5})
    assert call(router, "CA1").offer is None
    staff(router, "strong", {"noise": 6})
    assert router.call("CA1").agent == "strong"


def test_higher_priority_is_served_first_then_the_longest_waiting(router):
    staff(router, "agent", {"noise": 5}, free_at=None)
    call(router, "old", at=T0 + 1)
    call(router, "newer", at=T0 + 2)
    call(router, "urgent", priority=5, at=T0 + 3)
    assert router.ticket("urgent").position == 1
    assert router.ticket("old").position == 2
    served = []
    for moment in (T0 + 10, T0 + 100, T0 + 200):
        [offer] = router.set_agent_state("agent", AgentState.AVAILABLE, now=moment)
        served.append(offer.call_sid)
        serve(router, offer.call_sid, moment + 5)
    assert served == ["urgent", "old", "newer"]


def test_a_freed_agent_takes_the_first_call_across_all_its_queues(router):
    staff(router, "multi", {"noise": 5, "trash": 5}, ("en", "es"), free_at=None)
    call(router, "noise-en", "noise", "en", at=T0 + 5)
    call(router, "trash-es", "trash", "es", at=T0 + 1)
    call(router, "urgent-noise", "noise", "en", priority=2, at=T0 + 9)
    offers = router.set_agent_state("multi", AgentState.AVAILABLE, now=T0 + 10)
    assert [offer.call_sid for offer in offers] == ["urgent-noise"]
    serve(router, "urgent-noise", T0 + 20)
    [offer] = router.set_agent_state("multi", AgentState.AVAILABLE, now=T0 + 30)
    assert offer.call_sid == "trash-es"


def test_a_freed_agent_lets_the_strategy_choose_when_others_are_free_too(router):
    staff(router, "expert", {"potholes": 9}, free_at=None)
    staff(router, "novice", {"potholes": 1}, free_at=None)
    call(router, "CA1", "potholes", at=T0)
    router.set_agent_state("novice", AgentState.BREAK, now=T0 + 1)
    router.set_agent_state("expert", AgentState.BREAK, now=T0 + 1)
    router.set_agent_state("expert", AgentState.AVAILABLE, now=T0 + 2)
    assert router.call("CA1").agent == "expert"


def test_an_unknown_queue_is_refused_by_name(router):
    with pytest.raises(UnknownQueue):
        router.enqueue(CallRequest("CA1", "graffiti", "en"), now=T0)


def test_the_sweep_escalates_from_the_calls_side_when_many_agents_are_free(router):
    for number in range(4):
        staff(router, f"trash{number}", {"trash": 5}, free_at=T0 + number)
    call(router, "young-urgent", "potholes", priority=5, at=T0 + 200)
    call(router, "old-normal", "potholes", priority=0, at=T0)
    call(router, "older-normal", "potholes", priority=0, at=T0 - 1)
    report = router.tick(now=T0 + 238)
    assert report.offers == []
    report = router.tick(now=T0 + 240)  # the normal-priority callers reach "any agent"; the urgent one not yet
    assert [(offer.call_sid, offer.agent_id) for offer in report.offers] == [
        ("older-normal", "trash0"), ("old-normal", "trash1")]


def test_the_sweep_escalates_from_the_agents_side_when_few_agents_are_free(router):
    staff(router, "trash", {"trash": 5}, free_at=T0)
    for number in range(3):
        call(router, f"CA{number}", "potholes", priority=number, at=T0 + number)
    [offer] = router.tick(now=T0 + 245).offers
    assert (offer.call_sid, offer.agent_id) == ("CA2", "trash")  # highest priority first

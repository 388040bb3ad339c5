"""The routing decisions as plain functions: strategies, escalation tiers, eligibility, serving order."""

from __future__ import annotations

import pytest

from routing.agents import AgentProfile, AgentState, allowed_from
from routing.calls import queue_score
from routing.config import EscalationStep, QueueConfig
from routing.exceptions import InvalidRequest
from routing.matching import Head, all_targets, first_served, targets_after, tier_for, wait_before_eligible
from routing.strategies import Candidate, rank

POTHOLES = QueueConfig("potholes", escalation=(
    EscalationStep(90, frozenset({"general"})), EscalationStep(240, None)))


def ids(candidates: list[Candidate]) -> list[str]:
    return [candidate.agent_id for candidate in candidates]


FREE = [
    Candidate("ann", 0, idle_since=300.0, calls_today=5, proficiency=4),
    Candidate("bob", 0, idle_since=100.0, calls_today=9, proficiency=7),
    Candidate("cat", 0, idle_since=200.0, calls_today=2, proficiency=9),
]


@pytest.mark.parametrize(("strategy", "expected"), [
    ("longest_idle", ["bob", "cat", "ann"]),
    ("fewest_calls", ["cat", "ann", "bob"]),
    ("highest_proficiency", ["cat", "bob", "ann"]),
    ("round_robin", ["ann", "bob", "cat"]),  # no cursor yet: agent-id order
])
def test_each_strategy_orders_free_agents(strategy, expected):
    assert ids(rank(FREE, strategy)) == expected


def test_round_robin_continues_after_the_agent_offered_last_and_wraps():
    assert ids(rank(FREE, "round_robin", cursor="bob")) == ["cat", "ann", "bob"]
    assert ids(rank(FREE, "round_robin", cursor="cat")) == ["ann", "bob", "cat"]


def test_ties_fall_back_to_longest_idle():
    tied = [Candidate("x", 0, 50.0, calls_today=1), Candidate("y", 0, 10.0, calls_today=1)]
    assert ids(rank(tied, "fewest_calls")) == ["y", "x"]


def test_agents_holding_the_skill_come_before_escalated_agents_whatever_the_strategy():
    escalated = Candidate("zed", 1, idle_since=0.0, calls_today=0, proficiency=10)
    for strategy in ("longest_idle", "fewest_calls", "highest_proficiency", "round_robin"):
        assert ids(rank([escalated, *FREE], strategy))[-1] == "zed"


def test_an_unknown_strategy_is_refused():
    with pytest.raises(InvalidRequest):
        rank(FREE, "ring_all")


@pytest.mark.parametrize(("waited", "skills"), [
    (0, ["potholes"]),
    (89.9, ["potholes"]),
    (90, ["potholes", "general"]),
    (240, ["potholes", "general", None]),
])
def test_escalation_widens_the_target_with_time(waited, skills):
    assert [target.skill for target in targets_after(POTHOLES, waited)] == skills


def test_tiers_follow_escalation_steps_and_respect_minimum_proficiency():
    queue = QueueConfig("potholes", min_proficiency=5, escalation=(EscalationStep(60, frozenset({"general"}), 3),))
    targets = all_targets(queue)
    assert tier_for({"potholes": 5}, targets) == 0
    assert tier_for({"potholes": 4, "general": 3}, targets) == 1
    assert tier_for({"potholes": 4, "general": 2}, targets) is None


@pytest.mark.parametrize(("skills", "language", "wait"), [
    ({"potholes": 3}, "en", 0),
    ({"general": 3}, "en", 90),
    ({"trash": 3}, "en", 240),
    ({"potholes": 3}, "es", None),  # does not speak Spanish
])
def test_how_long_a_call_waits_before_an_agent_may_take_it(skills, language, wait):
    profile = AgentProfile("a", "A", skills, ("en",))
    assert wait_before_eligible(profile, POTHOLES, language) == wait


def test_the_first_served_entry_is_highest_priority_then_longest_waiting():
    heads = [
        Head("trash", "en", "old-normal", queue_score(0, 100.0)),
        Head("noise", "en", "new-urgent", queue_score(5, 900.0)),
        Head("potholes", "en", "older-urgent", queue_score(5, 800.0)),
    ]
    assert first_served(heads).sid == "older-urgent"
    assert first_served([]) is None


def test_queue_scores_put_priority_before_entry_time():
    assert queue_score(1, 2_000_000_000.0) < queue_score(0, 1.0)
    assert queue_score(0, 1.0) < queue_score(0, 2.0)


@pytest.mark.parametrize(("target", "sources"), [
    (AgentState.AVAILABLE, {AgentState.OFFLINE, AgentState.BREAK, AgentState.WRAP_UP, AgentState.AVAILABLE}),
    (AgentState.BREAK, {AgentState.OFFLINE, AgentState.AVAILABLE, AgentState.WRAP_UP, AgentState.BREAK}),
    (AgentState.ON_CALL, {AgentState.ON_CALL}),  # only by accepting an offer
])
def test_agent_state_moves(target, sources):
    assert allowed_from(target) == sources


@pytest.mark.parametrize("profile", [
    {"id": "", "skills": {}, "languages": ("en",)},
    {"id": "a b", "skills": {}, "languages": ("en",)},
    {"id": "a", "skills": {"trash": 0}, "languages": ("en",)},
    {"id": "a", "skills": {"trash": 11}, "languages": ("en",)},
    {"id": "a", "skills": {"trash": 5}, "languages": ()},
])
def test_bad_agent_profiles_are_refused(profile):
    with pytest.raises(InvalidRequest):
        AgentProfile(name="A", **profile)

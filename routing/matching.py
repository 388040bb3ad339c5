"""Who may take which call: escalation tiers, eligibility, and which waiting call goes first.

Plain functions of configuration, profiles and time, so the rules are tested
without Redis and the dispatcher only has to read a snapshot, ask these
functions, and commit the answer atomically.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from routing.agents import AgentProfile
from routing.config import QueueConfig
from routing.strategies import Candidate


@dataclass(frozen=True)
class Target:
    """One group of agents a call may be offered to: a skill (None: any skill) at a minimum proficiency."""

    tier: int
    skill: str | None
    min_proficiency: int = 1
    after: int = 0  # seconds of waiting before this tier applies

    def admits(self, skills: Mapping[str, int]) -> bool:
        if self.skill is None:
            return True
        return skills.get(self.skill, 0) >= self.min_proficiency


@dataclass(frozen=True)
class Head:
    """The first waiting entry of a queue that a given agent may take."""

    skill: str
    language: str
    sid: str
    score: float


def all_targets(queue: QueueConfig) -> tuple[Target, ...]:
    """Every tier of a queue: its own skill, then each escalation step's skills, in order."""
    targets = [Target(0, queue.skill, queue.min_proficiency)]
    for tier, step in enumerate(queue.escalation, start=1):
        skills = sorted(step.skills) if step.skills is not None else [None]
        targets.extend(Target(tier, skill, step.min_proficiency, step.after) for skill in skills)
    return tuple(targets)


def targets_after(queue: QueueConfig, waited: float) -> tuple[Target, ...]:
    """The tiers a call that has waited `waited` seconds may be offered to (escalation only widens)."""
    return tuple(target for target in all_targets(queue) if target.after <= waited)


def tier_for(skills: Mapping[str, int], targets: Iterable[Target]) -> int | None:
    """The best (lowest) tier an agent with these skills belongs to, or None when none admits them."""
    tiers = [target.tier for target in targets if target.admits(skills)]
    return min(tiers) if tiers else None


def wait_before_eligible(profile: AgentProfile, queue: QueueConfig, language: str) -> int | None:
    """Seconds a call in this queue must have waited before this agent may take it; None: never."""
    if language not in profile.languages:
        return None
    afters = [target.after for target in all_targets(queue) if target.admits(profile.skills)]
    return min(afters) if afters else None


def candidate(agent_id: str, idle_since: float, skills: Mapping[str, int], calls_today: int,
              queue: QueueConfig, targets: Iterable[Target]) -> Candidate | None:
    """A free agent as a candidate for a call with these targets, or None when not eligible."""
    tier = tier_for(skills, targets)
    if tier is None:
        return None
    return Candidate(agent_id, tier, idle_since, calls_today, skills.get(queue.skill, 0))


def first_served(heads: Iterable[Head]) -> Head | None:
    """Across queues, the entry served first: highest priority, then longest waiting (lowest score)."""
    return min(heads, key=lambda head: (head.score, head.sid), default=None)

"""Which free agent gets a call: the per-queue strategies, as orderings of candidates.

Modelled on Asterisk app_queue (leastrecent, fewestcalls, rrmemory) and
FreeSWITCH mod_callcenter (longest-idle-agent, agent-with-fewest-calls,
tiers).  Candidates are first grouped by tier, as in mod_callcenter: agents
who hold the queue's skill (tier 0) come before agents reached through an
escalation step, whatever the strategy; the strategy orders agents within a tier.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from routing.exceptions import InvalidRequest


@dataclass(frozen=True)
class Candidate:
    """A free agent who may take the call, with what the strategies compare."""

    agent_id: str
    tier: int  # 0: holds the queue's skill; n: reached through escalation step n
    idle_since: float
    calls_today: int = 0
    proficiency: int = 0  # in the queue's skill (0 when reached only through escalation)


def _longest_idle(candidate: Candidate, cursor: str) -> tuple[Any, ...]:
    return candidate.idle_since, candidate.agent_id


def _fewest_calls(candidate: Candidate, cursor: str) -> tuple[Any, ...]:
    return candidate.calls_today, candidate.idle_since, candidate.agent_id


def _highest_proficiency(candidate: Candidate, cursor: str) -> tuple[Any, ...]:
    return -candidate.proficiency, candidate.idle_since, candidate.agent_id


def _round_robin(candidate: Candidate, cursor: str) -> tuple[Any, ...]:
    """The next agent id after the one offered last, wrapping around (Asterisk's rrmemory)."""
    return candidate.agent_id <= cursor, candidate.agent_id


ORDERS: dict[str, Callable[[Candidate, str], tuple[Any, ...]]] = {
    "longest_idle": _longest_idle,
    "fewest_calls": _fewest_calls,
    "highest_proficiency": _highest_proficiency,
    "round_robin": _round_robin,
}


def rank(candidates: Iterable[Candidate], strategy: str, cursor: str = "") -> list[Candidate]:
    """Candidates best first: by tier, then by the queue's strategy (`cursor`: last agent offered, for round robin)."""
    order = ORDERS.get(strategy)
    if order is None:
        raise InvalidRequest(f"unknown strategy {strategy!r}")
    return sorted(candidates, key=lambda candidate: (candidate.tier, *order(candidate, cursor)))

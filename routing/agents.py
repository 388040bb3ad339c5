"""Agents: who they are (skills, languages) and the states they move through.

Plain data and rules; `routing.scripts` applies a state change in Redis only
after checking the agent is still in a state the rules below allow, so two
processes acting on one agent cannot both succeed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from routing.exceptions import InvalidRequest


class AgentState(StrEnum):
    OFFLINE = "offline"
    AVAILABLE = "available"
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"
    BREAK = "break"


#: States in which an agent counts as staffing a queue for wait estimates.
STAFFED = frozenset({AgentState.AVAILABLE, AgentState.ON_CALL, AgentState.WRAP_UP})

#: Where an agent (or a supervisor) may move an agent; on_call ends only by completing the call,
#: and an agent holding an offer must accept or reject it first.
TRANSITIONS: Mapping[AgentState, frozenset[AgentState]] = {
    AgentState.OFFLINE: frozenset({AgentState.AVAILABLE, AgentState.BREAK}),
    AgentState.AVAILABLE: frozenset({AgentState.BREAK, AgentState.OFFLINE}),
    AgentState.BREAK: frozenset({AgentState.AVAILABLE, AgentState.OFFLINE}),
    AgentState.WRAP_UP: frozenset({AgentState.AVAILABLE, AgentState.BREAK, AgentState.OFFLINE}),
    AgentState.ON_CALL: frozenset(),
}


def allowed_from(target: AgentState) -> frozenset[AgentState]:
    """The states an agent may be in for a move to `target` (and `target` itself, a harmless repeat)."""
    return frozenset(state for state, goals in TRANSITIONS.items() if target in goals) | {target}


@dataclass(frozen=True)
class AgentProfile:
    """What routing needs to know about a person: skills with proficiency 1-10 and spoken languages."""

    id: str
    name: str
    skills: Mapping[str, int]
    languages: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.id or any(char in self.id for char in " :\n"):
            raise InvalidRequest(f"agent id {self.id!r} must be non-empty without spaces or colons")
        if not self.languages:
            raise InvalidRequest(f"agent {self.id} speaks no language")
        for skill, level in self.skills.items():
            if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 10:
                raise InvalidRequest(f"agent {self.id}: proficiency {level!r} in {skill} is not 1-10")


@dataclass(frozen=True)
class Agent:
    """An agent as Redis holds it now: profile plus live state."""

    profile: AgentProfile
    state: AgentState
    since: float  # when the current state began
    reason: str = ""  # why the state was entered, e.g. 'timed_out' for a missed offer
    calls_today: int = 0
    calls_day: str = ""  # the city-local date calls_today counts
    last_call_ended: float | None = None
    reservation: str = ""  # a pending offer
    call: str = ""  # the call on the line or in wrap-up

    @property
    def id(self) -> str:
        return self.profile.id

    @property
    def offerable(self) -> bool:
        """Free and not already holding an offer: the only agents a call may be offered to."""
        return self.state is AgentState.AVAILABLE and not self.reservation

    def calls_on(self, day: str) -> int:
        """Calls handled on `day`; yesterday's count no longer applies after midnight."""
        return self.calls_today if self.calls_day == day else 0

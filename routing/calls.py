"""Waiting calls and callbacks: their place in a queue and how their wait ends.

A queue orders entries by priority (higher first), then by the time they
entered (earlier first).  Both go into one sorted-set score so Redis keeps the
order, and a call offered to an agent who misses it goes back with the same
score, which is to say to the place it had.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from routing.config import MAX_PRIORITY
from routing.estimates import WaitEstimate
from routing.exceptions import InvalidRequest
from routing.reservations import Reservation

#: Width of one priority band in a queue score: ahead of any epoch-seconds timestamp until the year 2286.
PRIORITY_BAND = 10_000_000_000


class CallKind(StrEnum):
    CALL = "call"  # a caller on hold
    CALLBACK = "callback"  # a virtual place: an agent will call the number back


class CallStatus(StrEnum):
    WAITING = "waiting"
    OFFERED = "offered"  # reserved for an agent who has not answered yet
    ANSWERED = "answered"  # connected to an agent
    DIALING = "dialing"  # callback: the agent accepted, the resident's phone is being called
    SCHEDULED = "scheduled"  # callback: unanswered, waiting to be tried again
    COMPLETED = "completed"
    ABANDONED = "abandoned"
    OVERFLOWED = "overflowed"  # taken out of the queue after its maximum wait
    FAILED = "failed"  # callback: every attempt went unanswered


def queue_name(skill: str, language: str) -> str:
    """One queue per skill and language, named as the IVR names its Twilio queue."""
    return f"{skill}-{language}"


def split_queue_name(name: str) -> tuple[str, str]:
    """'general-zh-CN' -> ('general', 'zh-CN'): skills hold no '-', languages may ('' parts when there is none)."""
    skill, _, language = name.partition("-")
    return skill, language


def queue_score(priority: int, entered: float) -> float:
    """Sorted-set score: lower is served first, so higher priorities get lower bands."""
    return (MAX_PRIORITY - priority) * PRIORITY_BAND + entered


def _check_common(entry_id: str, priority: int) -> None:
    if not entry_id or any(char in entry_id for char in " :\n"):
        raise InvalidRequest(f"id {entry_id!r} must be non-empty without spaces or colons")
    if isinstance(priority, bool) or not isinstance(priority, int) or not 0 <= priority <= MAX_PRIORITY:
        raise InvalidRequest(f"priority {priority!r} is not a whole number from 0 to {MAX_PRIORITY}")


@dataclass(frozen=True)
class CallRequest:
    """A caller the IVR wants to put on hold for an agent."""

    sid: str
    skill: str
    language: str
    priority: int = 0

    def __post_init__(self) -> None:
        _check_common(self.sid, self.priority)


@dataclass(frozen=True)
class CallbackRequest:
    """A resident who asked to be called back instead of holding (from a menu, a web form, ...)."""

    id: str
    skill: str
    language: str
    number: str
    priority: int = 0

    def __post_init__(self) -> None:
        _check_common(self.id, self.priority)
        if not self.number:
            raise InvalidRequest(f"callback {self.id} has no number to call")


@dataclass(frozen=True)
class WaitingCall:
    """A queue entry as Redis holds it (calls and callbacks alike)."""

    sid: str
    kind: CallKind
    skill: str
    language: str
    priority: int
    entered: float
    status: CallStatus
    position: int = 0  # announced at entry
    estimate: float | None = None  # upper-quantile seconds announced at entry (None: not announced)
    number: str = ""
    attempts: int = 0
    reservation: str = ""
    agent: str = ""

    @property
    def queue(self) -> str:
        return queue_name(self.skill, self.language)

    @property
    def score(self) -> float:
        return queue_score(self.priority, self.entered)

    def waited(self, now: float) -> float:
        return max(0.0, now - self.entered)


@dataclass(frozen=True)
class Ticket:
    """What the IVR tells a caller who joined a queue, and the offer made at once if an agent was free."""

    sid: str
    queue: str
    position: int
    estimate: WaitEstimate | None
    offer: Reservation | None = None
    fresh: bool = False  # joined just now (False: was already waiting, or held for later)

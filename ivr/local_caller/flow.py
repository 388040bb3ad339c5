"""How control leaves a verb: go to another URL, leave the queue, or end the call.

Verb handlers return a Fetch (or LEAVE, or None to go on with the next verb) and
raise to end the call, so the document loop stays a plain for-loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Fetch:
    """Request this URL (as Twilio sees it) and continue with the TwiML it returns."""

    url: str
    method: str = "POST"
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LeaveQueue:
    """A <Leave> ran while the caller was queued."""


LEAVE = LeaveQueue()

Outcome = Fetch | LeaveQueue | None


class ApplicationError(Exception):
    """The app did something Twilio would answer with "an application error has occurred"."""


class CallEnded(Exception):
    """The call is over; `status` is the final CallStatus for the status callback."""

    def __init__(self, status: str, why: str) -> None:
        super().__init__(why)
        self.status = status
        self.why = why

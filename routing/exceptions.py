"""Named routing errors; the web layer maps them to a spoken apology or an HTTP answer at the edge.

Each error says which rule refused the request, so a caller can be told
something true ("the line is full", "we are closed until 8 AM") and a
supervisor console can show why an action did nothing.
"""

from __future__ import annotations

from datetime import datetime


class RoutingError(Exception):
    """Base of every error raised by `routing`."""


class RoutingConfigError(RoutingError, ValueError):
    """A routing configuration that cannot be used; lists every problem found, each naming where it is."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{source}: {len(problems)} problem(s) in the routing configuration:\n{lines}")


class UnknownQueue(RoutingError, LookupError):
    """A skill or language the configuration has no queue for."""

    def __init__(self, skill: str, language: str) -> None:
        self.skill = skill
        self.language = language
        super().__init__(f"no queue for skill {skill!r} in language {language!r}")


class InvalidRequest(RoutingError, ValueError):
    """A request with a malformed value (priority out of range, empty id, unknown state ...)."""


class EnqueueRefused(RoutingError):
    """A caller cannot join a queue; `reason` is a stable word the IVR chooses its message by."""

    reason = "refused"


class QueueFull(EnqueueRefused):
    reason = "full"

    def __init__(self, queue: str, max_size: int) -> None:
        self.queue = queue
        self.max_size = max_size
        super().__init__(f"queue {queue} already holds its maximum of {max_size} callers")


class QueueClosed(EnqueueRefused):
    reason = "closed"

    def __init__(self, queue: str, next_opening: datetime | None) -> None:
        self.queue = queue
        self.next_opening = next_opening
        when = next_opening.isoformat() if next_opening else "no opening scheduled"
        super().__init__(f"queue {queue} is closed (opens next: {when})")


class CallInProgress(EnqueueRefused):
    reason = "in_progress"

    def __init__(self, sid: str) -> None:
        self.sid = sid
        super().__init__(f"call {sid} is connected to an agent; complete it before queueing it again")


class UnknownAgent(RoutingError, LookupError):
    def __init__(self, agent_id: str) -> None:
        self.agent_id = agent_id
        super().__init__(f"no agent {agent_id!r}")


class UnknownCall(RoutingError, LookupError):
    def __init__(self, sid: str) -> None:
        self.sid = sid
        super().__init__(f"no call or callback {sid!r} is known to the router")


class UnknownReservation(RoutingError, LookupError):
    def __init__(self, reservation_id: str) -> None:
        self.reservation_id = reservation_id
        super().__init__(f"no reservation {reservation_id!r}")


class StateConflict(RoutingError):
    """The live state is not what the action needs (it changed meanwhile, or the action is not allowed now).

    `actual` names what was found, e.g. 'timed_out' for a reservation accepted too late
    or 'on_call' for an agent asked to go on break mid-call.
    """

    def __init__(self, subject: str, actual: str, wanted: str) -> None:
        self.subject = subject
        self.actual = actual
        self.wanted = wanted
        super().__init__(f"{subject} is {actual}; this needs {wanted}")

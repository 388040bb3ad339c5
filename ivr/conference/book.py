"""The conference book: for each call on the line, who is in its conference and as what.

Kept in Redis (one JSON document per call, changed atomically with WATCH), so
any web process can act on any call.  Roles say what a participant is to the
city, which the phone network does not know: the caller, an agent (the one
the caller is with, or one handing the call over), an interpreter, an outside
party, and a supervisor listening (monitor), heard by the agent alone (coach) or by
everyone (barge) -- see ivr.conference.supervision.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from redis import Redis
from redis.client import Pipeline

from ivr.conference import conference_name

KEY = "cityline:conference-book:"
#: A book is forgotten this long after its last change (a call longer than this is not expected).
TTL = 6 * 3600

CALLER, AGENT, INTERPRETER, OUTSIDE = "caller", "agent", "interpreter", "outside"
#: Roles a supervisor takes: listening only, heard by the agent alone, or heard by everyone.
MONITOR, COACH, BARGE = "monitor", "coach", "barge"
SUPERVISOR_ROLES = (MONITOR, COACH, BARGE)


@dataclass
class Participant:
    id: str  # the leg's call SID on the phone network
    role: str
    who: str  # agent login, or the number called
    muted: bool = False
    held: bool = False


@dataclass
class Transfer:
    """A hand-over in progress: offered to an agent (reservation), warm or cold."""

    to: str
    warm: bool
    reservation: str
    by: str


@dataclass
class CallBook:
    call_sid: str
    conference: str
    participants: list[Participant] = field(default_factory=list)
    transfer: Transfer | None = None
    started: float = 0.0  # when the first agent was bridged (the console's call timer)
    ended: bool = False

    def find(self, *, role: str | None = None, who: str | None = None) -> Participant | None:
        return next((p for p in self.participants if (role is None or p.role == role)
                     and (who is None or p.who == who)), None)

    @property
    def caller(self) -> Participant | None:
        return self.find(role=CALLER)

    def agent(self, login: str) -> Participant | None:
        return self.find(role=AGENT, who=login)

    def remove(self, participant_id: str) -> None:
        self.participants = [p for p in self.participants if p.id != participant_id]

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: bytes | str) -> CallBook:
        data: dict[str, Any] = json.loads(raw)
        transfer = data.pop("transfer", None)
        participants = [Participant(**p) for p in data.pop("participants", [])]
        return cls(participants=participants, transfer=Transfer(**transfer) if transfer else None, **data)


class ConferenceBooks:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def open(self, call_sid: str, agent: str, agent_leg: str, now: float) -> CallBook:
        """The caller and their first agent are bridged: a fresh book (a call re-queued starts a new one)."""
        book = CallBook(call_sid, conference_name(call_sid), [
            Participant(call_sid, CALLER, "caller"), Participant(agent_leg, AGENT, agent)], started=now)
        self.redis.set(KEY + call_sid, book.to_json(), ex=TTL)
        return book

    def get(self, call_sid: str) -> CallBook | None:
        raw = self.redis.get(KEY + call_sid)
        return CallBook.from_json(raw) if raw else None

    def change(self, call_sid: str, change: Callable[[CallBook], None]) -> CallBook | None:
        """Change one book atomically (retried if another process changed it meanwhile); None when unknown."""
        key = KEY + call_sid
        result: list[CallBook] = []

        def apply(pipe: Pipeline) -> None:
            raw = pipe.get(key)
            pipe.multi()
            if not raw:
                return
            book = CallBook.from_json(raw)
            change(book)
            pipe.set(key, book.to_json(), ex=TTL)
            result[:] = [book]

        self.redis.transaction(apply, key)
        return result[0] if result else None

    def forget(self, call_sid: str) -> None:
        self.redis.delete(KEY + call_sid)

"""What the IVR learned about a call, kept in Redis while the call lives, for the agent it is offered to.

The call's events reach SQL through the workers, later; an agent offered the
call needs the caller's path now.  Each voice webhook adds its turn here (a
few hundred bytes per call, gone after `CONTEXT_SECONDS`): the caller's
number, the steps with what was pressed or said, the values collected
(address, case number) and the self-service answers the caller already heard.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from redis import Redis

    from flows.instructions import Turn

#: How long a call's context is kept after its last turn (longer than any wait plus a call).
CONTEXT_SECONDS = 4 * 3600
#: Steps kept per call (the latest ones).
MAX_STEPS = 60
#: Values an agent is shown, and what the console calls them.
SHOWN_VALUES = ("house", "street", "zip", "place", "lookup_ref", "language_requested")


@dataclass(frozen=True)
class CallContext:
    number: str | None  # E.164; None when withheld
    language: str = ""
    steps: list[dict[str, Any]] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)

    @property
    def heard(self) -> list[str]:
        """Self-service answers the caller was given, in order."""
        return [" ".join(step["said"]) for step in self.steps if step.get("said")]


def _key(prefix: str, call_sid: str) -> str:
    return f"{prefix}callctx:{call_sid}"


def context_keys(prefix: str, call_sid: str) -> tuple[str, str]:
    """The call's fields (a hash) and its steps (a list, oldest first)."""
    key = _key(prefix, call_sid)
    return key, key + ":steps"


@dataclass(frozen=True)
class TurnEntry:
    """What one webhook's turn adds to the call's context; ivr.voice.webhook_writes stores it, with the
    webhook's other writes, keeping the latest `MAX_STEPS` steps for `CONTEXT_SECONDS`."""

    number: str
    language: str
    values: str  # JSON of the shown values collected so far
    steps: tuple[str, ...]  # JSON of each visit


def turn_entry(number: str | None, turn: Turn) -> TurnEntry:
    values = {name: str(turn.values[name]) for name in SHOWN_VALUES if turn.values.get(name)}
    steps = tuple(json.dumps({"node": visit.node, "input": visit.input, "result": visit.result,
                              "said": list(visit.said)}) for visit in turn.visits)
    return TurnEntry(number or "", turn.language, json.dumps(values), steps)


def load(redis: Redis, prefix: str, call_sid: str) -> CallContext | None:
    key, steps_key = context_keys(prefix, call_sid)
    pipe = redis.pipeline(transaction=False)
    pipe.hgetall(key)
    pipe.lrange(steps_key, 0, -1)
    fields, steps = pipe.execute()
    if not fields:
        return None
    fields = {_text(name): _text(value) for name, value in fields.items()}
    return CallContext(number=fields.get("number") or None, language=fields.get("language", ""),
                       steps=[json.loads(_text(step)) for step in steps],
                       values=json.loads(fields.get("values") or "{}"))


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value

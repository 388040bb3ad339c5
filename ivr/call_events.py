"""Telling the background workers what happened on a call.

A webhook only enqueues: it never waits on SQL while a caller listens.  If
Redis is briefly unreachable the event is written synchronously instead (a
slower webhook beats a lost call record), and if that fails too the whole
event is logged so it can be recovered by hand.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from redis.exceptions import RedisError
from rq import Queue

from flows import instructions
from flows.instructions import CallState, Turn, Visit
from ivr.jobs import CALL_JOB_OPTIONS, record_call_event
from ivr.twiml import queue_name
from ivr.webhook_params import CallFacts

logger = logging.getLogger(__name__)


class CallEvents:
    def __init__(self, queue: Queue, record_now: Callable[[dict[str, Any]], object],
                 request_key: Callable[[], str]) -> None:
        self.queue = queue
        self.record_now = record_now
        self.request_key = request_key  # identifies the webhook delivery, the same on Twilio's retries

    def call_started(self, call: CallFacts) -> None:
        self._emit(call, "started", {
            "caller": call.caller.e164, "caller_withheld": call.caller.withheld,
            "caller_international": call.caller.international, "called": call.called,
            "direction": call.direction,
        })

    def turn_taken(self, call: CallFacts, state: CallState | None, turn: Turn,
                   network: dict[str, str] | None = None) -> None:
        """`network` carries what Twilio reported about a queue wait or a recording (QueueTime, ...)."""
        queued = next((i for i in turn.instructions if isinstance(i, instructions.Queue)), None)
        self._emit(call, "turn", {
            "from_node": state.node if state else None,
            "language": turn.language,
            "visits": [_visit(v) for v in turn.visits],
            "values": dict(turn.values),
            "queue": queue_name(queued.skill, queued.language) if queued else None,
            "network": network or {},
        })

    def agent_leg_ended(self, call: CallFacts, agent: str, dial_status: str, seconds: int) -> None:
        """The caller's conversation with an agent is over (or the agent never answered)."""
        self._emit(call, "agent", {"agent": agent, "status": dial_status, "seconds": seconds})

    def call_failed(self, call: CallFacts, state: CallState) -> None:
        self._emit(call, "failed", {"node": state.node})

    def call_status(self, call: CallFacts, duration: int, sequence_number: str | None) -> None:
        sequence = f"{sequence_number or ''}:{call.status}"
        self._emit(call, "status", {"status": call.status, "duration": duration}, sequence)

    def wrap_up_chosen(self, call_sid: str, agent: str, code: str) -> None:
        """The agent's wrap-up code (disposition) for the call, on its SQL row; the latest chosen counts."""
        self._emit_for(call_sid, "wrap_up", {"agent": agent, "code": code}, uuid.uuid4().hex)

    def _emit(self, call: CallFacts, kind: str, data: dict[str, Any], sequence: str | None = None) -> None:
        self._emit_for(call.call_sid, kind, data, sequence)

    def _emit_for(self, call_sid: str, kind: str, data: dict[str, Any], sequence: str | None = None) -> None:
        event = {
            "call_sid": call_sid, "kind": kind, "sequence": sequence or self.request_key(),
            "at": datetime.now(UTC).isoformat(), "data": data,
        }
        try:
            self.queue.enqueue(record_call_event, event, **CALL_JOB_OPTIONS)
        except RedisError as error:
            logger.warning("Redis unavailable (%s); recording call event synchronously", error)
            self._record_synchronously(event)

    def _record_synchronously(self, event: dict[str, Any]) -> None:
        try:
            self.record_now(event)
        except Exception:
            logger.exception("CALL EVENT NOT STORED, recover it from this line: %s", json.dumps(event))


def _visit(visit: Visit) -> dict[str, Any]:
    data: dict[str, Any] = {"node": visit.node, "input": visit.input, "result": visit.result}
    if visit.handler:
        data.update(handler=visit.handler, spoke=visit.spoke)
    return data


def delivery_key(headers: Any) -> str:
    """Twilio's idempotency token (the same on its retries), else a fresh id.

    Without a token a retry cannot be told from a caller pressing the same key
    twice at the same menu, so the event is kept rather than risk dropping one.
    """
    token = headers.get("I-Twilio-Idempotency-Token")
    return str(token)[:64] if token else uuid.uuid4().hex

"""Telling the background workers what happened on a call.

A webhook only hands its events on: it never waits on SQL while a caller
listens.  Every event it records goes in one entry of a Redis stream, which
the workers turn into RQ jobs (ivr.jobs.event_stream).  If Redis is
briefly unreachable the events are written synchronously instead (a slower
webhook beats a lost call record), and if that fails too each whole event is
logged so it can be recovered by hand.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from redis import Redis
from redis.exceptions import RedisError

from flows import instructions
from flows.instructions import CallState, Turn, Visit
from ivr.jobs import event_stream
from ivr.voice.twiml import queue_name
from ivr.voice.webhook_params import CallFacts

logger = logging.getLogger(__name__)


class CallEvents:
    """Builds call events and hands them to the workers: one stream entry per webhook, one Redis round trip.

    A webhook that records several events (a call's start and its first turn)
    builds them with `started` and `turn` and sends them together, in the same
    script call as its other writes (ivr.voice.webhook_writes); the `call_*` and
    `turn_taken` methods send a single event at once.
    """

    def __init__(self, redis: Redis, record_now: Callable[[list[dict[str, Any]]], object],
                 request_key: Callable[[], str]) -> None:
        self.redis = redis
        self.record_now = record_now  # writes events to SQL now (the fallback when Redis is unreachable)
        self.request_key = request_key  # identifies the webhook delivery, the same on Twilio's retries

    def started(self, call: CallFacts) -> dict[str, Any]:
        return self._event(call, "started", {
            "caller": call.caller.e164, "caller_withheld": call.caller.withheld,
            "caller_international": call.caller.international, "called": call.called,
            "direction": call.direction,
        })

    def turn(self, call: CallFacts, state: CallState | None, turn: Turn,
             network: dict[str, str] | None = None) -> dict[str, Any]:
        """`network` carries what Twilio reported about a queue wait or a recording (QueueTime, ...)."""
        queued = next((i for i in turn.instructions if isinstance(i, instructions.Queue)), None)
        return self._event(call, "turn", {
            "from_node": state.node if state else None,
            "language": turn.language,
            "visits": [_visit(v) for v in turn.visits],
            "values": dict(turn.values),
            "queue": queue_name(queued.skill, queued.language) if queued else None,
            "network": network or {},
        })

    def call_started(self, call: CallFacts) -> None:
        self.send([self.started(call)])

    def turn_taken(self, call: CallFacts, state: CallState | None, turn: Turn,
                   network: dict[str, str] | None = None) -> None:
        self.send([self.turn(call, state, turn, network)])

    def agent_leg_ended(self, call: CallFacts, agent: str, dial_status: str, seconds: int) -> None:
        """The caller's conversation with an agent is over (or the agent never answered)."""
        self.send([self._event(call, "agent", {"agent": agent, "status": dial_status, "seconds": seconds})])

    def call_failed(self, call: CallFacts, state: CallState) -> None:
        self.send([self._event(call, "failed", {"node": state.node})])

    def call_status(self, call: CallFacts, duration: int, sequence_number: str | None) -> None:
        sequence = f"{sequence_number or ''}:{call.status}"
        self.send([self._event(call, "status", {"status": call.status, "duration": duration}, sequence)])

    def wrap_up_chosen(self, call_sid: str, agent: str, code: str) -> None:
        """The agent's wrap-up code (disposition) for the call, on its SQL row; the latest chosen counts."""
        self.send([self._event_for(call_sid, "wrap_up", {"agent": agent, "code": code}, uuid.uuid4().hex)])

    def send(self, events: list[dict[str, Any]]) -> None:
        """Enqueue these events as one job, in one round trip; written synchronously if Redis is unreachable."""
        try:
            pipe = self.redis.pipeline(transaction=False)
            event_stream.append(pipe, events)
            pipe.execute()
        except RedisError as error:
            logger.warning("Redis unavailable (%s); recording call events synchronously", error)
            self.record_synchronously(events)

    def record_synchronously(self, events: list[dict[str, Any]]) -> None:
        if not events:
            return
        try:
            self.record_now(events)
        except Exception:
            for event in events:
                logger.exception("CALL EVENT NOT STORED, recover it from this line: %s", json.dumps(event))

    def _event(self, call: CallFacts, kind: str, data: dict[str, Any], sequence: str | None = None) -> dict[str, Any]:
        return self._event_for(call.call_sid, kind, data, sequence)

    def _event_for(self, call_sid: str, kind: str, data: dict[str, Any],
                   sequence: str | None = None) -> dict[str, Any]:
        return {
            "call_sid": call_sid, "kind": kind, "sequence": sequence or self.request_key(),
            "at": datetime.now(UTC).isoformat(), "data": data,
        }


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

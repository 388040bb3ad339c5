"""What one voice webhook writes to Redis, sent in a single round trip.

A webhook used to make a round trip for each thing it remembered: the call's
events as separate RQ jobs (several trips each), the caller's path for the
agent, the answer kept for texting.  That was most of the time of a
`/voice/incoming`.  Here the writes are gathered while the webhook works and
sent together in one MULTI/EXEC, every call event of the webhook in one entry
of the stream the workers record from (ivr.jobs.event_stream).

If Redis cannot be reached the events are written to SQL synchronously (a
slower webhook beats a lost call record).  The path for agents and the answer
for texting are conveniences: they are dropped with a warning.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError

from ivr.voice import call_context
from ivr.voice.texts import AnswerTexts

if TYPE_CHECKING:
    from redis import Redis

    from flows.instructions import Turn
    from ivr.jobs.call_events import CallEvents

logger = logging.getLogger(__name__)


class WebhookWrites:
    """Collects one webhook's writes; `send` delivers them (call it once, before answering Twilio)."""

    def __init__(self, redis: Redis, events: CallEvents, context_prefix: str) -> None:
        self._pipe = redis.pipeline(transaction=True)
        self._pipe.multi()  # all or nothing: the events, the path for agents, the answer
        self._events = events
        self._context_prefix = context_prefix
        self._recorded: list[dict[str, Any]] = []

    def record(self, event: dict[str, Any]) -> None:
        """A call event (from CallEvents.started / .turn) for the worker to store."""
        self._recorded.append(event)

    def remember_turn(self, call_sid: str, number: str | None, turn: Turn) -> None:
        """The turn in the call's context for agents (ivr.voice.call_context)."""
        call_context.add_turn(self._pipe, self._context_prefix, call_sid, number, turn)

    def keep_answer(self, call_sid: str, sentences: list[str]) -> None:
        """What the caller heard, kept for "text me that" (ivr.voice.texts)."""
        AnswerTexts.keep(self._pipe, call_sid, sentences)

    def send(self) -> None:
        try:
            if self._recorded:
                self._events.enqueue(self._recorded, self._pipe)
            if len(self._pipe):
                self._pipe.execute()
        except RedisError as error:
            logger.warning("Redis unavailable (%s); call events written synchronously, the call's context "
                           "for agents and any answer to text are not kept", error)
            self._events.record_synchronously(self._recorded)
        finally:
            self._pipe.reset()
            self._recorded = []

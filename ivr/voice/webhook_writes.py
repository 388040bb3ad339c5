"""What one voice webhook writes to Redis, sent as one script call: one command, one reply.

A webhook used to make a round trip for each thing it remembered: the call's
events as separate RQ jobs (several trips each), the caller's path for the
agent, the answer kept for texting.  Then they went together in one
MULTI/EXEC: one trip, but eight or nine commands to pack and as many replies to
parse, which was still a third of a webhook's time.  Now they are the arguments
of one Lua script (`WRITE`), as atomic as the MULTI was: the call's events in
one entry of the stream the workers record from (ivr.jobs.event_stream), the
turn added to the call's context for agents (ivr.voice.call_context), and the
answer kept for "text me that" (ivr.voice.texts).

A new call's greeting is built before the supervisor's switches are read
(`unless_switched`): the script checks the closure and the broadcast first and,
when either is set, writes nothing and returns them, so the webhook builds the
closed line or the announced greeting and writes that instead.  The common case
is one round trip; the rare one two.

If Redis cannot be reached the events are written to SQL synchronously (a
slower webhook beats a lost call record).  The path for agents and the answer
for texting are conveniences: they are dropped with a warning.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from redis.commands.core import Script
from redis.exceptions import RedisError

from ivr.jobs import event_stream
from ivr.voice import call_context
from ivr.voice.texts import ANSWER_KEY, KEEP_SECONDS, answer_text

if TYPE_CHECKING:
    from redis import Redis

    from flows.instructions import Turn
    from ivr.jobs.call_events import CallEvents

logger = logging.getLogger(__name__)

#: Separates the parts of the context argument (JSON escapes control characters, so none holds one).
SEPARATOR = "\x1f"
#: KEYS: stream, closure, broadcast, context, context steps, answer.
#: ARGV: 1 "1" to write nothing while a switch is set, 2 the events' JSON (or ""), 3 the answer (or ""),
#: 4 the turn for the context (or ""): number, language, values' JSON, then each step's JSON, SEPARATOR between.
#: Few arguments on purpose: redis-py packs each in Python, and with one per step they cost more than the trip.
WRITE = """
if ARGV[1] == '1' then
  local switched = redis.call('MGET', KEYS[2], KEYS[3])
  if switched[1] or switched[2] then return switched end
end
if ARGV[2] ~= '' then redis.call('XADD', KEYS[1], '*', 'FIELD', ARGV[2]) end
if ARGV[4] ~= '' then
  local parts = {}
  for part in string.gmatch(ARGV[4] .. 'SEP', '([^SEP]*)SEP') do parts[#parts + 1] = part end
  redis.call('HSET', KEYS[4], 'number', parts[1], 'language', parts[2], 'values', parts[3])
  if #parts > 3 then redis.call('RPUSH', KEYS[5], unpack(parts, 4)) end
  redis.call('LTRIM', KEYS[5], -MAX_STEPS, -1)
  redis.call('EXPIRE', KEYS[4], CONTEXT_SECONDS)
  redis.call('EXPIRE', KEYS[5], CONTEXT_SECONDS)
end
if ARGV[3] ~= '' then redis.call('SET', KEYS[6], ARGV[3], 'EX', ANSWER_SECONDS) end
return 0
""".replace("SEP", SEPARATOR).replace("FIELD", event_stream.FIELD).replace("MAX_STEPS", str(call_context.MAX_STEPS)) \
    .replace("CONTEXT_SECONDS", str(call_context.CONTEXT_SECONDS)).replace("ANSWER_SECONDS", str(KEEP_SECONDS))

_script: Script | None = None


def _write_script(redis: Redis) -> Script:
    """One Script for every client: it holds only the text and its SHA1 (EVALSHA, loaded again on NOSCRIPT)."""
    global _script  # noqa: PLW0603 - built once per process
    if _script is None:
        _script = Script(redis, WRITE)
    return _script


class WebhookWrites:
    """Collects one webhook's writes; `send` delivers them (call it once, before answering Twilio)."""

    def __init__(self, redis: Redis, events: CallEvents | None, context_prefix: str) -> None:
        """`events` takes the call events to SQL when Redis is down (none are recorded without it)."""
        self._redis = redis
        self._events = events
        self._context_prefix = context_prefix
        self._recorded: list[dict[str, Any]] = []
        self._switch_keys: tuple[str, str] | None = None
        self._context: tuple[str, str, call_context.TurnEntry] | None = None
        self._answer: tuple[str, str] | None = None

    def record(self, event: dict[str, Any]) -> None:
        """A call event (from CallEvents.started / .turn) for the worker to store."""
        assert self._events is not None, "events need somewhere to go when Redis is down"
        self._recorded.append(event)

    def remember_turn(self, call_sid: str, number: str | None, turn: Turn) -> None:
        """The turn in the call's context for agents (ivr.voice.call_context)."""
        self._context = (*call_context.context_keys(self._context_prefix, call_sid),
                         call_context.turn_entry(number, turn))

    def keep_answer(self, call_sid: str, sentences: list[str]) -> None:
        """What the caller heard, kept for "text me that" (ivr.voice.texts)."""
        if sentences:
            self._answer = (ANSWER_KEY + call_sid, answer_text(sentences))

    def unless_switched(self, closure_key: str, broadcast_key: str) -> None:
        """Write nothing if the supervisor closed the line or broadcasts (ivr.floor.notices.switch_keys)."""
        self._switch_keys = (closure_key, broadcast_key)

    def send(self) -> tuple[Any, Any] | None:
        """Deliver the writes; with `unless_switched`, the raw (closure, broadcast) instead when either is set.

        Redis down: the events go to SQL now and None is returned (the switches cannot be read either)."""
        try:
            return self._send()
        except RedisError as error:
            logger.warning("Redis unavailable (%s); %d call event(s) written to SQL synchronously; the call's "
                           "context for agents and any answer to text are not kept", error, len(self._recorded))
            if self._events is not None:
                self._events.record_synchronously(self._recorded)
            return None
        finally:
            self._recorded = []

    def _send(self) -> tuple[Any, Any] | None:
        stream = event_stream.STREAM
        closure_key, broadcast_key = self._switch_keys or (stream, stream)
        context_key, steps_key, entry = self._context or (stream, stream, None)
        answer_key, answer = self._answer or (stream, "")
        events = event_stream.encoded(self._recorded) if self._recorded else ""
        if not (events or entry or answer):
            return None
        context = "" if entry is None else SEPARATOR.join((entry.number, entry.language, entry.values, *entry.steps))
        args = ["1" if self._switch_keys else "0", events, answer, context]
        keys = [stream, closure_key, broadcast_key, context_key, steps_key, answer_key]
        switched = _write_script(self._redis)(keys=keys, args=args, client=self._redis)
        return (switched[0], switched[1]) if isinstance(switched, list) else None


def remember_turn(redis: Redis, prefix: str, call_sid: str, number: str | None, turn: Turn) -> None:
    """Only the turn in the call's context (a caller joining a queue: the agent offered the call needs it)."""
    writes = WebhookWrites(redis, None, prefix)
    writes.remember_turn(call_sid, number, turn)
    writes.send()

"""Server push to agents' and supervisors' pages: events kept in Redis streams, sent as server-sent events.

Any process publishes (a webhook, a worker, the routing sweep); any web
process serves any page.  A topic is one Redis stream (`agent:<login>` for
one agent's offers, state and call events; `floor` for the supervisors'
wallboard), capped in length.  Streams rather than plain PUBLISH because a
page that loses its connection for a moment reconnects with the id of the
last event it saw (EventSource sends it as Last-Event-ID) and gets every
event it missed: no offer is lost to a network blip.

Each open page holds one web thread (gunicorn's gthread workers) for at most
`STREAM_SECONDS`, then the browser reconnects on its own.  A process serves at
most `max_streams` pages at once, so long-lived connections can never take
the threads Twilio's webhooks need; a page refused for that reason is told
when to try again.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from redis import Redis

#: Events kept per topic (approximately): enough for a page that was away for a while to catch up.
TOPIC_LENGTH = 1000
#: How long one connection is held before the browser is asked to reconnect (frees the thread for a moment).
STREAM_SECONDS = 300
#: A comment line this often keeps proxies from closing a quiet connection, lets a closed page be noticed
#: (the write fails) and renews the agent's presence (agents.push.presence).
HEARTBEAT_SECONDS = 5
#: What the browser waits before reconnecting, sent with every stream (milliseconds).
RETRY_MS = 1000


def topic_key(prefix: str, topic: str) -> str:
    return f"{prefix}push:{topic}"


def agent_topic(login: str) -> str:
    return f"agent:{login}"


FLOOR_TOPIC = "floor"


@dataclass(frozen=True)
class PushEvent:
    topic: str
    id: str  # the Redis stream id
    kind: str  # the SSE event name: offer, state, call, wallboard, ...
    data: dict[str, Any]


def publish(redis: Redis, prefix: str, topic: str, kind: str, data: Mapping[str, Any]) -> str:
    """Append one event to a topic; returns its id."""
    fields = {"kind": kind, "data": json.dumps(data, separators=(",", ":"), default=str)}
    event_id = redis.xadd(topic_key(prefix, topic), fields, maxlen=TOPIC_LENGTH, approximate=True)
    return event_id.decode() if isinstance(event_id, bytes) else str(event_id)


def latest_ids(redis: Redis, prefix: str, topics: list[str]) -> dict[str, str]:
    """Each topic's newest id ('0-0' when empty): where a fresh page starts, after loading the current state."""
    pipe = redis.pipeline(transaction=False)
    for topic in topics:
        pipe.xrevrange(topic_key(prefix, topic), count=1)
    newest = pipe.execute()
    return {topic: _text(entries[0][0]) if entries else "0-0" for topic, entries in zip(topics, newest, strict=True)}


def read(redis: Redis, prefix: str, cursors: Mapping[str, str], block_ms: int) -> list[PushEvent]:
    """Events after each topic's cursor, waiting up to `block_ms` for the first one."""
    streams = {topic_key(prefix, topic): after for topic, after in cursors.items()}
    by_key = {topic_key(prefix, topic): topic for topic in cursors}
    answer = redis.xread(streams, block=block_ms, count=100) or []
    events = []
    for key, entries in answer:
        for event_id, fields in entries:
            data = json.loads(_text(fields[b"data"]))
            events.append(PushEvent(by_key[_text(key)], _text(event_id), _text(fields[b"kind"]), data))
    return events


# -- the wire format: one cursor per topic, carried in every event's id ------------------------------

def encode_cursors(cursors: Mapping[str, str]) -> str:
    return ";".join(f"{topic}={after}" for topic, after in sorted(cursors.items()))


def decode_cursors(last_event_id: str | None, topics: list[str]) -> dict[str, str] | None:
    """The cursors a reconnecting page sent back; None when absent or not ours (start from now)."""
    if not last_event_id:
        return None
    pairs = dict(part.partition("=")[::2] for part in last_event_id.split(";") if "=" in part)
    if set(pairs) != set(topics) or not all(_is_stream_id(value) for value in pairs.values()):
        return None
    return pairs


def _is_stream_id(value: str) -> bool:
    millis, dash, seq = value.partition("-")
    return bool(dash) and millis.isascii() and millis.isdigit() and seq.isascii() and seq.isdigit()


def sse(event: str, data: Mapping[str, Any], event_id: str | None = None) -> str:
    lines = [f"id: {event_id}"] if event_id else []
    lines += [f"event: {event}", "data: " + json.dumps(data, separators=(",", ":"), default=str)]
    return "\n".join(lines) + "\n\n"


# -- serving one page ------------------------------------------------------------------------------

class StreamLimit:
    """How many pages this process streams to at once (a thread each); the rest are told to come back."""

    def __init__(self, max_streams: int) -> None:
        self.max_streams = max_streams
        self._slots = threading.BoundedSemaphore(max_streams) if max_streams > 0 else None

    def acquire(self) -> bool:
        return self._slots is not None and self._slots.acquire(blocking=False)

    def release(self) -> None:
        if self._slots is not None:
            self._slots.release()


def stream(redis: Redis, prefix: str, cursors: dict[str, str], *, release: Callable[[], None],
           seconds: float = STREAM_SECONDS, heartbeat: float = HEARTBEAT_SECONDS,
           clock: Callable[[], float] = time.monotonic,
           on_beat: Callable[[], None] | None = None) -> Iterator[str]:
    """The body of one SSE response: events as they come, heartbeats, then an end the browser reconnects from.

    `on_beat` runs before each wait (at least every `heartbeat` seconds) while the page is connected.
    """
    try:
        yield f"retry: {RETRY_MS}\n\n"
        yield sse("hello", {"cursors": cursors}, encode_cursors(cursors))
        ends = clock() + seconds
        while (left := ends - clock()) > 0:
            if on_beat is not None:
                on_beat()
            events = read(redis, prefix, cursors, block_ms=max(1, int(min(heartbeat, left) * 1000)))
            if not events:
                yield ": heartbeat\n\n"
                continue
            for event in events:
                cursors[event.topic] = event.id
                yield sse(event.kind, event.data, encode_cursors(cursors))
    finally:
        release()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value

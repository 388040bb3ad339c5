"""Call events on their way to SQL: a Redis stream the webhooks append to, moved by the workers into RQ jobs.

A webhook used to enqueue an RQ job for its events: several Redis commands
and a pickled job for each, and then, in the worker, one SQL transaction and
one rebuild of the call's row per webhook.  That was most of what a webhook
cost, and what capped the calls a worker could record.

Now a webhook adds one entry (its events, as JSON) to the stream `STREAM`, in
the same MULTI as its other writes.  Every `cityline worker` runs an
`EventMover` thread that reads the stream as a member of the consumer group
`GROUP` and turns whatever has arrived (up to `BATCH` entries) into ONE job,
`ivr.jobs.call_history.record_call_events`: the job is enqueued and the entries are
acknowledged and deleted in one MULTI, so an entry is either still in the
stream or in a job, never neither.  A mover that dies between reading and
that MULTI leaves its entries pending; another mover claims them after
`CLAIM_AFTER_MS`.  A mover moves nothing while a job is still waiting on the
calls queue: the workers are behind, and what arrives meanwhile becomes one
bigger job instead of many small ones (each job costs RQ's own round trips and
a transaction, whatever its size, and tiny jobs made the lag grow under steady
load).  Storing is idempotent (ivr.jobs.call_history), so an entry moved twice
is still recorded once.  RQ keeps what it did before: retries, the failed
registry, `cityline jobs replay`.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
from typing import Any

from redis import Redis
from redis.client import Pipeline
from redis.exceptions import RedisError, ResponseError
from rq import Queue

logger = logging.getLogger(__name__)

STREAM = "cityline:call-events"
#: The one field of an entry.
FIELD = "events"
GROUP = "recorders"
#: Most stream entries (webhooks) turned into one job.
BATCH = 500
#: An entry read by a mover that has not moved it for this long is taken over by another.
CLAIM_AFTER_MS = 30_000
#: How long a mover waits on the stream before looking again (and checking it should stop).
BLOCK_MS = 1000
#: While a job is waiting on the calls queue, a mover looks again after this long instead of moving.
BEHIND_WAIT_S = 0.02


def append(pipe: Pipeline, events: list[dict[str, Any]]) -> None:
    """Add one webhook's events to the stream, on a pipeline the caller executes."""
    pipe.xadd(STREAM, {FIELD: encoded(events)})


def encoded(events: list[dict[str, Any]]) -> str:
    """One stream entry's `FIELD`: the webhook's events as JSON (ivr.voice.webhook_writes adds entries too)."""
    return json.dumps(events, separators=(",", ":"))


def ensure_group(redis: Redis) -> None:
    try:
        redis.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
    except ResponseError as error:
        if "BUSYGROUP" not in str(error):
            raise


def backlog(redis: Redis) -> int:
    """Webhooks whose events are not in a job yet (health: counted with the queued jobs)."""
    try:
        return int(redis.xlen(STREAM))
    except ResponseError:
        return 0


def move_batch(redis: Redis, queue: Queue, consumer: str, *, block_ms: int | None = None,
               claim_after_ms: int = CLAIM_AFTER_MS, at_front: bool = False, own_pending: bool = False) -> int:
    """Turn what the stream holds (entries abandoned by a dead mover first) into one job; returns how many
    entries were moved.  `at_front`: ahead of the jobs already queued (which came after these events).
    `own_pending`: first the entries this consumer read before and never moved (its last try failed, say
    on a failover), without waiting `claim_after_ms` for them to look abandoned."""
    found: dict[bytes, dict | None] = {}  # by entry id: own pending, claimed and new entries may overlap
    if own_pending:
        for _, stream_entries in redis.xreadgroup(GROUP, consumer, {STREAM: "0"}, count=BATCH) or []:
            found.update(stream_entries)
    if len(found) < BATCH:
        claimed = redis.xautoclaim(STREAM, GROUP, consumer, min_idle_time=claim_after_ms,
                                   count=BATCH - len(found))
        found.update(claimed[1])  # [next id, entries] (Redis 6.2), and the ids found deleted (Redis 7)
    if len(found) < BATCH:
        read = redis.xreadgroup(GROUP, consumer, {STREAM: ">"}, count=BATCH - len(found),
                                block=None if found else block_ms)
        for _, stream_entries in read or []:
            found.update(stream_entries)
    entries = [(entry_id, fields) for entry_id, fields in found.items() if fields]  # deleted under a claim: gone
    if not entries:
        return 0
    events: list[dict[str, Any]] = []
    for _, fields in entries:
        events.extend(json.loads(fields[FIELD.encode()]))
    ids = [entry_id for entry_id, _ in entries]
    pipe = redis.pipeline(transaction=True)
    pipe.multi()
    from ivr.jobs.call_history import CALL_JOB_OPTIONS, record_call_events

    queue.enqueue(record_call_events, events, pipeline=pipe, at_front=at_front, **CALL_JOB_OPTIONS)
    pipe.xack(STREAM, GROUP, *ids)
    pipe.xdel(STREAM, *ids)
    pipe.execute()
    return len(entries)


def drain(redis: Redis, queue: Queue, consumer: str | None = None) -> int:
    """Move everything now, pending entries of any mover included (`cityline worker --burst`, tests).

    The jobs go to the front of the queue: the events happened before whatever was queued since (an agent's
    note on the call's case, say), and a burst worker stops before any retry would come round.
    """
    ensure_group(redis)
    consumer = consumer or consumer_name()
    moved = total = move_batch(redis, queue, consumer, claim_after_ms=0, at_front=True)
    while moved:
        moved = move_batch(redis, queue, consumer, claim_after_ms=0, at_front=True)
        total += moved
    return total


def consumer_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class EventMover:
    """The worker's thread that keeps the stream moving into jobs; Redis errors are logged and retried."""

    def __init__(self, redis: Redis, queue: Queue) -> None:
        self._redis, self._queue = redis, queue
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="call-event-mover", daemon=True)

    def start(self) -> EventMover:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=BLOCK_MS / 1000 + 5)

    def _run(self) -> None:
        consumer = consumer_name()
        while not self._stopping.is_set():
            try:
                ensure_group(self._redis)
                own_pending = True  # what a failed try had read is moved first, not left for CLAIM_AFTER_MS
                while not self._stopping.is_set():
                    if self._queue.count:  # the workers are behind: let the stream fill a bigger batch
                        self._stopping.wait(BEHIND_WAIT_S)
                        continue
                    move_batch(self._redis, self._queue, consumer, block_ms=BLOCK_MS, own_pending=own_pending)
                    own_pending = False
            except RedisError as error:
                logger.warning("call events not moved to jobs (%s); trying again", error)
                self._stopping.wait(1.0)
            except Exception:
                logger.exception("call event mover failed; trying again")
                self._stopping.wait(1.0)

"""Taking a job off its queue so that a worker killed at any instant loses none.

A `cityline worker` serves three queues (calls, routing, texts).  For more than one queue RQ takes a job with
BLPOP: from then until the job is in the started registry, a few round trips later, its id is only in the
worker's memory, and a worker killed in between (SIGKILL, out of memory, a machine lost) loses the job for
good: no queue, registry or retry knows it.  A batch of call events is such a job, so whole calls went
without their hang-up or their agent (seen in storms that killed workers, 3 runs in 5).  For one queue RQ
uses LMOVE into that queue's intermediate list instead, and its maintenance pass retries whatever stayed
there longer than a minute.

`SafeQueue.dequeue_any` does the same for several queues: it looks at each queue in priority order with a
non-blocking LMOVE into the queue's intermediate list, then waits on the first queue with BLMOVE for at most
`POLL_SECONDS` before looking at them all again; the workers (`SafeWorker`, `SafeSimpleWorker`) take the job
off the intermediate list in the same pipeline that puts it in the started registry, as RQ does for one
queue.  A job is therefore always in a queue, an intermediate list, a registry or done.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from redis import Redis
from rq import Queue, SimpleWorker, Worker
from rq.exceptions import DequeueTimeout
from rq.intermediate_queue import IntermediateQueue
from rq.job import Job
from rq.utils import as_text

#: While every queue is empty, how long a worker waits on the first one before looking at the others again
#: (a job on another queue waits at most this long for an idle worker).
POLL_SECONDS = 0.1


class SafeQueue(Queue):
    @classmethod
    def dequeue_any(cls, queues: Iterable[Queue], timeout: int | None, connection: Redis,  # type: ignore[override]
                    job_class: type[Job] | None = None, serializer: Any = None,
                    death_penalty_class: Any = None) -> tuple[Job, Queue] | None:
        keys = [queue.key for queue in queues]
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            taken = _move_first(connection, keys)
            if taken is None:
                if deadline is None:
                    return None
                left = deadline - time.monotonic()
                if left <= 0:
                    raise DequeueTimeout(timeout, keys)
                job_id = connection.blmove(keys[0], _intermediate(keys[0]), min(POLL_SECONDS, left))
                if job_id is None:
                    continue
                taken = (keys[0], job_id)
            queue_key, job_id = taken
            fetched = cls._fetch_dequeued_job(connection, queue_key, as_text(job_id), job_class=job_class,
                                              serializer=serializer, death_penalty_class=death_penalty_class)
            if fetched is not None:
                return fetched


def _intermediate(queue_key: str) -> str:
    return IntermediateQueue.get_intermediate_queue_key(queue_key)


def _move_first(connection: Redis, keys: list[str]) -> tuple[str, bytes] | None:
    for key in keys:
        job_id = connection.lmove(key, _intermediate(key))
        if job_id is not None:
            return key, job_id
    return None


class _TakesOffIntermediate:
    """Clear the job from its queue's intermediate list as it enters the started registry (one pipeline)."""

    def prepare_job_execution(self, job: Job, remove_from_intermediate_queue: bool = False) -> None:
        super().prepare_job_execution(job, remove_from_intermediate_queue=True)  # type: ignore[misc]


class SafeWorker(_TakesOffIntermediate, Worker):
    queue_class = SafeQueue


class SafeSimpleWorker(_TakesOffIntermediate, SimpleWorker):
    queue_class = SafeQueue

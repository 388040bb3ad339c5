"""Looking after the background job queues: what is waiting, what failed, and replaying failures.

Replaying is safe because every job is idempotent: an event already stored is
skipped, so a job that ran halfway (a worker killed mid-job) can simply run again.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis import Redis
from rq import Queue
from rq.job import Job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

from ivr.jobs import event_stream
from ivr.jobs.call_history import CALLS_QUEUE
from ivr.jobs.routing_jobs import ROUTING_QUEUE
from ivr.voice.texts import TEXTS_QUEUE

#: Every queue the workers serve, in the order they take jobs from them.
WORK_QUEUES = (CALLS_QUEUE, ROUTING_QUEUE, TEXTS_QUEUE)


@dataclass(frozen=True)
class QueueStatus:
    queued: int
    started: int
    scheduled: int  # waiting for a retry
    failed: int


def _queues(redis: Redis) -> list[Queue]:
    return [Queue(name, connection=redis) for name in WORK_QUEUES]


def queue_status(redis: Redis) -> QueueStatus:
    """Jobs across all the workers' queues."""
    queues = _queues(redis)
    return QueueStatus(
        queued=sum(queue.count for queue in queues) + event_stream.backlog(redis),  # webhooks not in a job yet
        # Taken off a queue but not yet started, or left there by a worker that died taking it (RQ retries
        # those after a minute, ivr.jobs.safe_dequeue): still to be done, so counted as running.
        started=sum(StartedJobRegistry(queue=queue).count + int(redis.llen(queue.intermediate_queue_key))
                    for queue in queues),
        scheduled=sum(ScheduledJobRegistry(queue=queue).count for queue in queues),
        failed=sum(FailedJobRegistry(queue=queue).count for queue in queues),
    )


def recover_abandoned(redis: Redis, as_of: float | None = None) -> list[str]:
    """Run jobs whose worker died mid-job (and retries waiting for their back-off) now; returns their ids.

    A job counts as abandoned once its timeout has passed without its worker
    reporting back (`as_of`, a Unix time, defaults to now).  RQ's clean-up
    schedules it for a retry (or fails it when no retries are left); an operator
    replaying wants the retries to run at once, so they are moved to the queue.
    """
    recovered = []
    for queue in _queues(redis):
        StartedJobRegistry(queue=queue).cleanup(timestamp=as_of)
        scheduled = ScheduledJobRegistry(queue=queue)
        for job_id in scheduled.get_job_ids():
            scheduled.remove(job_id)
            queue.enqueue_job(Job.fetch(job_id, connection=redis))
            recovered.append(job_id)
    return recovered


def replay_failed(redis: Redis) -> list[str]:
    """Put every failed job back on the queue; returns their ids."""
    replayed = []
    for queue in _queues(redis):
        registry = FailedJobRegistry(queue=queue)
        for job_id in registry.get_job_ids():
            registry.requeue(job_id)
            replayed.append(job_id)
    return replayed

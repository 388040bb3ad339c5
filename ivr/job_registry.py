"""Looking after the background job queue: what is waiting, what failed, and replaying failures.

Replaying is safe because every job is idempotent: an event already stored is
skipped, so a job that ran halfway (a worker killed mid-job) can simply run again.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis import Redis
from rq import Queue
from rq.job import Job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

from ivr.jobs import CALLS_QUEUE


@dataclass(frozen=True)
class QueueStatus:
    queued: int
    started: int
    scheduled: int  # waiting for a retry
    failed: int


def queue_status(redis: Redis) -> QueueStatus:
    queue = Queue(CALLS_QUEUE, connection=redis)
    return QueueStatus(
        queued=queue.count,
        started=StartedJobRegistry(queue=queue).count,
        scheduled=ScheduledJobRegistry(queue=queue).count,
        failed=FailedJobRegistry(queue=queue).count,
    )


def recover_abandoned(redis: Redis, as_of: float | None = None) -> list[str]:
    """Run jobs whose worker died mid-job (and retries waiting for their back-off) now; returns their ids.

    A job counts as abandoned once its timeout has passed without its worker
    reporting back (`as_of`, a Unix time, defaults to now).  RQ's clean-up
    schedules it for a retry (or fails it when no retries are left); an operator
    replaying wants the retries to run at once, so they are moved to the queue.
    """
    queue = Queue(CALLS_QUEUE, connection=redis)
    StartedJobRegistry(queue=queue).cleanup(timestamp=as_of)
    scheduled = ScheduledJobRegistry(queue=queue)
    job_ids = scheduled.get_job_ids()
    for job_id in job_ids:
        scheduled.remove(job_id)
        queue.enqueue_job(Job.fetch(job_id, connection=redis))
    return job_ids


def replay_failed(redis: Redis) -> list[str]:
    """Put every failed job back on the queue; returns their ids."""
    registry = FailedJobRegistry(queue=Queue(CALLS_QUEUE, connection=redis))
    job_ids = registry.get_job_ids()
    for job_id in job_ids:
        registry.requeue(job_id)
    return job_ids

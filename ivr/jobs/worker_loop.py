"""Keep an RQ worker working through a lost Redis: a failover, a restart, a network cut.

RQ's worker quits its loop on any error it does not expect, a Redis connection
error included (seen when Sentinel switched the primary in the middle of a job's
bookkeeping: "found an unhandled exception, quitting").  A process manager would
start it again; this loop does it at once, so a worker on its own (`cityline
run`, a container without restart policy) is back as soon as Redis answers.
Only a stop that was asked for (SIGTERM, Ctrl-C) or the end of a burst ends it.
A job the lost worker was running is put back on its queue as soon as Redis
answers again (every job is idempotent): RQ itself would find it abandoned only
when its heartbeat had expired and a maintenance pass came round, minutes later.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from redis.exceptions import RedisError
from rq import Queue, Worker
from rq.exceptions import NoSuchJobError
from rq.executions import Execution
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry

logger = logging.getLogger(__name__)
#: Pause before a new worker is started, so a Redis that is still away is not hammered.
RESTART_PAUSE = 1.0
#: RQ's maintenance pass (registries cleaned, a scheduler that died started again) at most this often, and an
#: idle worker's blocking wait for a job (worker TTL less 15 s) short enough for the pass to come round.  With
#: RQ's defaults (10 minutes; 405 s) a scheduler killed by a Redis blip left retries waiting for minutes: a
#: storm's job "waiting to retry" was still there 100 s after a 6 s Redis cut.
MAINTENANCE_SECONDS = 15
WORKER_TTL_SECONDS = 60


def work_until_stopped(make_worker: Callable[[], Worker], *, burst: bool, pause: float = RESTART_PAUSE,
                       **work_options: Any) -> None:
    """Run `make_worker()`'s loop, and a new one whenever the last quit without being asked to."""
    interrupted: list[Execution] = []
    while True:
        worker = None
        try:
            worker = make_worker()  # RQ asks Redis for this client's address: it can fail too
            interrupted = requeue_interrupted(worker, interrupted)
            worker.work(burst=burst, **work_options)
        except RedisError as error:
            if worker is not None and _stop_requested(worker):  # asked to stop, and Redis went too (cityline run)
                return
            interrupted += list(worker.executions.values()) if worker is not None else []
            if burst:
                raise
            logger.warning("worker lost Redis (%s); starting a new worker in %.0f s", error, pause)
        else:
            if burst or (worker is not None and _stop_requested(worker)):
                return
            interrupted += list(worker.executions.values()) if worker is not None else []
            logger.warning("worker quit without being asked (Redis lost?); starting a new worker in %.0f s", pause)
        time.sleep(pause)


def requeue_interrupted(worker: Worker, executions: list[Execution]) -> list[Execution]:
    """Put the jobs a lost worker was running back on their queues; returns those Redis would not take yet."""
    left = []
    for execution in executions:
        try:
            _requeue(worker, execution)
        except RedisError:
            left.append(execution)
    return left


def _requeue(worker: Worker, execution: Execution) -> None:
    try:
        job = Job.fetch(execution.job_id, connection=worker.connection, serializer=worker.serializer)
    except NoSuchJobError:  # gone with a Redis that restarted empty: nothing to run again
        return
    queue = Queue(job.origin, connection=worker.connection, serializer=worker.serializer)
    StartedJobRegistry(queue=queue).remove_execution(execution)
    if job.get_status() == JobStatus.STARTED:  # not finished, failed or already taken up again
        queue.enqueue_job(job)
        logger.warning("job %s was interrupted when Redis went away; queued again", job.id)


def _stop_requested(worker: Worker) -> bool:
    """RQ records a warm shutdown (SIGTERM, SIGINT) on the worker, with no public accessor: the date it was
    asked (an idle worker), or a flag (a busy one, which stops after its job)."""
    return getattr(worker, "_shutdown_requested_date", None) is not None or bool(
        getattr(worker, "_stop_requested", False))

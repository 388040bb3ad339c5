"""A worker killed just as it takes a job off one of its queues loses no job (ivr/jobs/safe_dequeue.py)."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from redis import Redis
from rq import Queue, Retry
from rq.exceptions import DequeueTimeout
from rq.intermediate_queue import IntermediateQueue
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry

from ivr.jobs.safe_dequeue import POLL_SECONDS, SafeQueue, SafeSimpleWorker


def three_queues(redis: Redis) -> list[Queue]:
    run = uuid.uuid4().hex[:8]
    return [Queue(f"{name}-{run}", connection=redis) for name in ("calls", "routing", "texts")]


def nowhere(redis: Redis, queues: list[Queue], job: Job) -> bool:
    """The job's id is in no queue, intermediate list or registry: nothing would ever run it."""
    return all(job.id not in queue.get_job_ids() and job.id not in IntermediateQueue(queue.key, redis).get_job_ids()
               and job.id not in StartedJobRegistry(queue=queue) for queue in queues)


def test_rq_on_its_own_loses_a_job_a_worker_of_several_queues_took_and_died_with(redis):
    """Why the module exists: for several queues RQ pops the id (BLPOP); until the started registry has it,
    only the worker's memory does.  (If RQ changes this, the module may go.)"""
    queues = three_queues(redis)
    job = queues[1].enqueue("math.sqrt", 16)
    taken, _ = Queue.dequeue_any(queues, None, connection=redis)
    assert taken.id == job.id
    assert nowhere(redis, queues, job)  # the worker is killed here: the job is gone for good


def test_a_job_taken_by_a_worker_that_died_stays_where_rqs_maintenance_runs_it_again(redis):
    queues = three_queues(redis)
    job = queues[1].enqueue("math.sqrt", 16, retry=Retry(max=2))
    taken, queue = SafeQueue.dequeue_any(queues, None, connection=redis)
    assert (taken.id, queue.name) == (job.id, queues[1].name)
    assert not nowhere(redis, queues, job)
    assert IntermediateQueue(queues[1].key, redis).get_job_ids() == [job.id]
    # The worker died there.  RQ's maintenance pass notes the job, and a minute later hands it to its retries.
    worker = SafeSimpleWorker([q.name for q in queues], connection=redis)
    intermediate = IntermediateQueue(queues[1].key, redis)
    intermediate.cleanup(worker, queues[1])
    redis.set(intermediate.get_first_seen_key(job.id), time.time() - 120)  # a minute and more has passed
    intermediate.cleanup(worker, queues[1])
    assert intermediate.get_job_ids() == []
    deadline = time.monotonic() + 15
    while job.get_status(refresh=True) != JobStatus.FINISHED and time.monotonic() < deadline:
        SafeSimpleWorker([q.name for q in queues], connection=redis).work(burst=True, with_scheduler=True)
        time.sleep(0.5)
    assert job.get_status(refresh=True) == JobStatus.FINISHED and job.return_value() == 4.0


def test_a_worker_runs_every_queue_in_priority_order_and_leaves_no_intermediate_entry(redis):
    queues = three_queues(redis)
    texts = queues[2].enqueue("math.sqrt", 9)
    routing = queues[1].enqueue("math.sqrt", 4)
    calls = queues[0].enqueue("math.sqrt", 1)
    SafeSimpleWorker([q.name for q in queues], connection=redis).work(burst=True)
    order = sorted((calls, routing, texts), key=lambda job: job.refresh() or job.started_at)
    assert order == [calls, routing, texts]
    assert [job.return_value() for job in order] == [1.0, 2.0, 3.0]
    assert all(IntermediateQueue(queue.key, redis).get_job_ids() == [] for queue in queues)


def test_an_idle_worker_takes_a_job_on_any_of_its_queues_within_a_moment(redis):
    queues = three_queues(redis)
    threading.Timer(0.3, lambda: queues[2].enqueue("math.sqrt", 25)).start()
    asked = time.monotonic()
    taken, queue = SafeQueue.dequeue_any(queues, 5, connection=redis)
    waited = time.monotonic() - asked
    assert queue.name == queues[2].name and taken.args == (25,)
    assert 0.25 < waited < 0.3 + POLL_SECONDS + 0.5


def test_with_nothing_queued_the_wait_ends_when_rq_asked_it_to(redis):
    queues = three_queues(redis)
    asked = time.monotonic()
    with pytest.raises(DequeueTimeout):  # the worker then sends its heartbeat and waits again
        SafeQueue.dequeue_any(queues, 1, connection=redis)
    assert 0.9 < time.monotonic() - asked < 2


def test_a_job_taken_but_not_started_is_counted_as_running_not_forgotten(redis):
    """`cityline jobs status`, /healthz and the storm's reconciliation see the job a dead worker left."""
    from ivr.jobs.job_registry import WORK_QUEUES, queue_status

    queues = [Queue(name, connection=redis) for name in WORK_QUEUES]
    queues[0].enqueue("math.sqrt", 16)
    assert (queue_status(redis).queued, queue_status(redis).started) == (1, 0)
    SafeQueue.dequeue_any(queues, None, connection=redis)  # and the worker dies
    assert (queue_status(redis).queued, queue_status(redis).started) == (0, 1)

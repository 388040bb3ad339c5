"""A worker killed in the middle of a job loses nothing: the job runs again and stores its event once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from rq import Queue
from rq.job import Job, JobStatus

from ivr import db
from ivr.jobs import call_history
from ivr.jobs.job_registry import queue_status, recover_abandoned
from ivr.models.call_event import CallEvent
from tests.strays import kill_all, processes_with

ROOT = Path(__file__).resolve().parents[2]
EVENT = {"call_sid": "CA" + "c" * 32, "kind": "status", "sequence": "2:completed",
         "at": "2026-11-24T15:00:00+00:00", "data": {"status": "completed", "duration": 12}}


def start_worker(database_url: str, redis_url: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "LOG_LEVEL": "WARNING"}
    return subprocess.Popen([sys.executable, "-m", "ivr.cli", "worker"], cwd=ROOT, env=env,
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill_leftovers(database_url: str) -> None:
    """SIGKILL whatever this test's worker left behind outside its process group (RQ's scheduler process
    survives the group kill), found by the test's own DATABASE_URL: it must not take later tests' jobs."""
    kill_all(processes_with("DATABASE_URL", database_url))


def wait_until(condition, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting")
        time.sleep(0.05)


def lock_writes(engine: sa.Engine) -> sa.Connection:
    """Hold the database so a job blocks half-way, as if the worker were slow when it died."""
    connection = engine.connect()
    if engine.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN EXCLUSIVE")
    else:
        connection.begin()
        connection.exec_driver_sql("LOCK TABLE call_events IN ACCESS EXCLUSIVE MODE")
    return connection


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_job_whose_worker_was_killed_runs_again_and_stores_once(backend, request, redis, redis_url):
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "postgres_url")
    engine = db.make_engine(url)
    db.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(sa.delete(CallEvent.__table__))
    queue = Queue(call_history.CALLS_QUEUE, connection=redis)
    job = queue.enqueue(call_history.record_call_event, EVENT, **call_history.CALL_JOB_OPTIONS)
    lock = lock_writes(engine)
    worker = start_worker(url, redis_url)
    try:
        wait_until(lambda: Job.fetch(job.id, connection=redis).get_status() == JobStatus.STARTED)
        time.sleep(0.3)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        kill_leftovers(url)
        lock.rollback()
        lock.close()
    assert queue_status(redis).started == 1

    assert recover_abandoned(redis, as_of=time.time()) == []  # still within its timeout: maybe just slow
    assert recover_abandoned(redis, as_of=time.time() + 3600) == [job.id]  # its timeout has long passed
    assert queue_status(redis).queued == 1
    subprocess.run([sys.executable, "-m", "ivr.cli", "worker", "--burst"], cwd=ROOT, check=True, timeout=60,
                   env={**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url, "LOG_LEVEL": "WARNING"})

    with engine.connect() as connection:
        rows = connection.execute(sa.select(CallEvent.__table__.c.sequence)).all()
    assert rows == [("2:completed",)]
    assert queue_status(redis).failed == 0
    engine.dispose()


def test_failed_jobs_are_listed_and_replayed_from_the_command_line(redis, redis_url, sessions):
    from click.testing import CliRunner
    from rq import SimpleWorker

    from ivr.cli import main

    queue = Queue(call_history.CALLS_QUEUE, connection=redis)
    broken = {key: value for key, value in EVENT.items() if key != "at"}  # fails: no timestamp
    queue.enqueue(call_history.record_call_event, broken, job_timeout=30)
    SimpleWorker([queue], connection=redis).work(burst=True)
    env = {"REDIS_URL": redis_url}
    assert "failed 1" in CliRunner().invoke(main, ["jobs", "status"], env=env).output
    result = CliRunner().invoke(main, ["jobs", "replay"], env=env)
    assert result.exit_code == 0 and "requeued 1 failed and 0 abandoned job(s)" in result.output
    assert (queue_status(redis).queued, queue_status(redis).failed) == (1, 0)


def test_a_killed_worker_leaves_no_process_behind(sqlite_url, redis_url):
    """RQ's scheduler runs in a child of the worker; SIGKILL of the worker alone (not its group) ends it too."""
    db.upgrade(db.make_engine(sqlite_url))
    worker = start_worker(sqlite_url, redis_url)
    try:
        wait_until(lambda: len(processes_with("DATABASE_URL", sqlite_url)) >= 2, timeout=30)  # worker and scheduler
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        wait_until(lambda: processes_with("DATABASE_URL", sqlite_url) == [], timeout=10)
    finally:
        kill_leftovers(sqlite_url)

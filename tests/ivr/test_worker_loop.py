"""`cityline worker` starts a new RQ worker when one quits on a lost Redis, and runs again the job it was running, but
never starts one after a stop it was asked for."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from redis import Redis
from rq import Queue, Worker
from rq.job import JobStatus
from rq.registry import StartedJobRegistry

from ivr import db
from ivr.jobs.job_registry import CALLS_QUEUE
from tests.e2e.conftest import ROOT
from tests.redis_server import PrivateRedis, RedisProxy


def test_sigterm_stops_the_worker_for_good(tmp_path: Path):
    redis_server = PrivateRedis(tmp_path)
    redis_server.start()
    database = f"sqlite:///{tmp_path / 'cityline.sqlite3'}"
    db.upgrade(db.make_engine(database))
    log = tmp_path / "worker.log"
    try:
        with log.open("wb") as output:
            worker = subprocess.Popen([sys.executable, "-m", "ivr.cli", "worker"], cwd=ROOT, stdout=output,
                                      stderr=subprocess.STDOUT,
                                      env={"PATH": "/usr/bin:/bin", "DATABASE_URL": database,
                                           "REDIS_URL": redis_server.url, "LOG_LEVEL": "INFO"})
        with Redis.from_url(redis_server.url) as client:
            deadline = time.monotonic() + 30
            while not any(w.get_state() == "idle" for w in Worker.all(connection=client)):  # signals handled
                assert time.monotonic() < deadline and worker.poll() is None, log.read_text()
                time.sleep(0.1)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=15) == 0
        assert "starting a new worker" not in log.read_text()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        redis_server.stop()


def test_a_job_whose_worker_lost_redis_runs_again_as_soon_as_redis_answers(tmp_path: Path):
    """The job ran, but Redis was away when the worker went to record it: RQ would leave it "started" until its
    heartbeat expired and a maintenance pass came round (minutes); the new worker puts it back on the queue."""
    redis_server = PrivateRedis(tmp_path)
    redis_server.start()
    proxy = RedisProxy(redis_server.port)
    proxy.restore()
    database = f"sqlite:///{tmp_path / 'cityline.sqlite3'}"
    db.upgrade(db.make_engine(database))
    log = tmp_path / "worker.log"
    worker = None
    try:
        with Redis.from_url(redis_server.url) as client:
            job = Queue(CALLS_QUEUE, connection=client).enqueue(time.sleep, 1.0, retry=None)
            with log.open("wb") as output:
                worker = subprocess.Popen([sys.executable, "-m", "ivr.cli", "worker"], cwd=ROOT, stdout=output,
                                          stderr=subprocess.STDOUT,
                                          env={"PATH": "/usr/bin:/bin", "DATABASE_URL": database,
                                               "REDIS_URL": proxy.url, "LOG_LEVEL": "INFO"})
            wait_until(lambda: job.get_status() == JobStatus.STARTED, worker, log)
            proxy.cut()  # for longer than the job takes: its end cannot be recorded
            time.sleep(3)
            proxy.restore()
            wait_until(lambda: job.get_status() == JobStatus.FINISHED, worker, log, seconds=20)
            assert StartedJobRegistry(CALLS_QUEUE, connection=client).count == 0
        assert "was interrupted when Redis went away; queued again" in log.read_text()
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()
            worker.wait()
        proxy.cut()
        redis_server.stop()


def wait_until(condition, worker: subprocess.Popen[bytes], log: Path, seconds: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline and worker.poll() is None, log.read_text()[-3000:]
        time.sleep(0.05)


def test_a_scheduler_that_died_is_started_again_and_runs_the_retries_waiting(tmp_path: Path):
    """RQ's scheduler (a child of the worker, which moves due retries to the queue) dies on a Redis error of its
    own; RQ starts another only in a maintenance pass, every 10 minutes by default, every 15 s here."""
    redis_server = PrivateRedis(tmp_path)
    redis_server.start()
    database = f"sqlite:///{tmp_path / 'cityline.sqlite3'}"
    db.upgrade(db.make_engine(database))
    log = tmp_path / "worker.log"
    worker = None
    try:
        with Redis.from_url(redis_server.url) as client, log.open("wb") as output:
            worker = subprocess.Popen([sys.executable, "-m", "ivr.cli", "worker"], cwd=ROOT, stdout=output,
                                      stderr=subprocess.STDOUT,
                                      env={"PATH": "/usr/bin:/bin", "DATABASE_URL": database,
                                           "REDIS_URL": redis_server.url, "LOG_LEVEL": "INFO"})
            children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children")
            wait_until(lambda: children.read_text().split(), worker, log)
            scheduler = int(children.read_text().split()[0])
            os.kill(scheduler, signal.SIGKILL)
            queue = Queue(CALLS_QUEUE, connection=client)
            retry = queue.enqueue_in(timedelta(seconds=1), time.sleep, 0)
            deadline = time.monotonic() + 40
            while retry.get_status() != JobStatus.FINISHED:  # the worker keeps working meanwhile
                assert time.monotonic() < deadline and worker.poll() is None, log.read_text()[-3000:]
                queue.enqueue(time.sleep, 0)
                time.sleep(0.5)
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()
            worker.wait()
        redis_server.stop()


def test_a_worker_asked_to_stop_is_not_started_again_when_redis_goes_at_the_same_moment():
    """`cityline run` stops the worker and then its private Redis: the worker's last words may be a Redis error."""
    from datetime import datetime

    from redis.exceptions import ConnectionError as RedisConnectionError

    from ivr.jobs.worker_loop import work_until_stopped

    started = []

    class StoppingWorker:
        executions: dict = {}
        _shutdown_requested_date = datetime(2026, 12, 3)  # SIGTERM arrived

        def work(self, **_):  # type: ignore[no-untyped-def]
            raise RedisConnectionError("Connection refused")

    def make_worker():  # type: ignore[no-untyped-def]
        started.append(1)
        assert len(started) == 1, "a worker was started again after the stop"
        return StoppingWorker()

    work_until_stopped(make_worker, burst=False, pause=0)
    assert started == [1]

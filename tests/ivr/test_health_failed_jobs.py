"""/healthz tells operators what needs a person: jobs in the failed registry, a Redis that keeps call events in
memory only; each with a log line to alert on."""

from __future__ import annotations

import logging

from rq import Queue
from rq.job import Job
from rq.registry import FailedJobRegistry

from ivr.jobs.call_history import CALLS_QUEUE


def test_a_failed_job_shows_in_healthz_and_logs_a_warning(app, redis, caplog):
    client = app.test_client()
    assert client.get("/healthz").get_json()["failed_jobs"] == 0
    queue = Queue(CALLS_QUEUE, connection=redis)
    job = Job.create("ivr.jobs.call_history.record_call_event", args=({},), connection=redis, origin=CALLS_QUEUE)
    job.save()
    FailedJobRegistry(queue=queue).add(job, ttl=600, exc_string="boom")
    with caplog.at_level(logging.WARNING, logger="ivr.health"):
        response = client.get("/healthz")
    assert response.status_code == 200  # the process still takes calls
    assert response.get_json()["failed_jobs"] == 1
    assert any("jobs failed: 1 job(s)" in record.getMessage() for record in caplog.records)


def test_healthz_warns_when_redis_would_lose_call_events_in_a_restart(app, caplog):
    """The machine's Redis keeps nothing on disk and has no replica: a restart would lose what is not in SQL yet."""
    with caplog.at_level(logging.WARNING, logger="ivr.health"):
        response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["redis_durability"].startswith("memory only: no append-only file and no replica")
    assert any("Redis durability: memory only" in record.getMessage() for record in caplog.records)


def test_healthz_names_the_append_only_file_that_keeps_call_events(env, tmp_path):
    from ivr.app import create_app
    from tests.redis_server import PrivateRedis

    server = PrivateRedis(tmp_path / "redis", persistent=True)
    server.start()
    try:
        app = create_app({**env, "REDIS_URL": server.url})
        assert app.test_client().get("/healthz").get_json()["redis_durability"] == "append-only file"
        app.extensions["cityline"].sql.dispose()
    finally:
        server.stop()

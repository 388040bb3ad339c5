"""/healthz tells operators about jobs in the failed registry, with a log line to alert on."""

from __future__ import annotations

import logging

from rq import Queue
from rq.job import Job
from rq.registry import FailedJobRegistry

from ivr.jobs import CALLS_QUEUE


def test_a_failed_job_shows_in_healthz_and_logs_a_warning(app, redis, caplog):
    client = app.test_client()
    assert client.get("/healthz").get_json()["failed_jobs"] == 0
    queue = Queue(CALLS_QUEUE, connection=redis)
    job = Job.create("ivr.jobs.record_call_event", args=({},), connection=redis, origin=CALLS_QUEUE)
    job.save()
    FailedJobRegistry(queue=queue).add(job, ttl=600, exc_string="boom")
    with caplog.at_level(logging.WARNING, logger="ivr.health"):
        response = client.get("/healthz")
    assert response.status_code == 200  # the process still takes calls
    assert response.get_json()["failed_jobs"] == 1
    assert any("jobs failed: 1 job(s)" in record.getMessage() for record in caplog.records)

"""The worker's Redis client waits for jobs as long as RQ asks, instead of timing out every 5 s."""

from __future__ import annotations

import time

from ivr import redis_connection
from ivr.settings import Settings


def test_an_idle_worker_waits_for_jobs_without_a_read_timeout(redis_url):
    connection = redis_connection.worker_connection(Settings.from_env({"REDIS_URL": redis_url}))
    assert connection.connection_pool.connection_kwargs.get("socket_timeout") is None
    started = time.monotonic()
    assert connection.blpop(["cityline:test:nothing-comes"], timeout=6) is None  # redis-py 8's default: 5 s
    assert time.monotonic() - started >= 5.5
    connection.close()

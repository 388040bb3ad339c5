"""Webhook latency histograms for /metrics, counted in Redis so they are right with any number of processes.

prometheus_client's own histograms live in one process's memory (or, in its
multiprocess mode, in files one machine's workers share and someone must clean
up).  CityLine's web processes may run on several machines, and `/metrics`
builds its registry fresh at each scrape (ivr.prometheus), so the buckets are
kept where every process already writes: one Redis hash per endpoint, bumped
after the response has gone out (`call_on_close`), so Twilio never waits for it.
The scrape turns them into a prometheus_client HistogramMetricFamily.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, g, request
from prometheus_client.core import HistogramMetricFamily
from redis import Redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

#: Upper bounds (seconds); Twilio gives up on a webhook after 15 s.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0)
#: The blueprints whose requests are Twilio's webhooks.
WEBHOOK_BLUEPRINTS = frozenset({"voice", "sms"})


def _key(prefix: str, endpoint: str) -> str:
    return f"{prefix}metrics:webhook:{endpoint}"


def _index(prefix: str) -> str:
    return f"{prefix}metrics:webhooks"


def record(redis: Redis, prefix: str, endpoint: str, seconds: float) -> None:
    """Count one answered webhook in its bucket (the first bound at or above it; +Inf beyond the last)."""
    bucket = next((str(i) for i, bound in enumerate(BUCKETS) if seconds <= bound), "inf")
    pipe = redis.pipeline(transaction=False)
    pipe.sadd(_index(prefix), endpoint)
    pipe.hincrby(_key(prefix, endpoint), bucket, 1)
    pipe.hincrby(_key(prefix, endpoint), "count", 1)
    pipe.hincrbyfloat(_key(prefix, endpoint), "sum", seconds)
    pipe.execute()


def init_app(app: Flask, redis: Redis, prefix: str) -> None:
    @app.before_request
    def _start_clock() -> None:
        if request.blueprint in WEBHOOK_BLUEPRINTS:
            g.webhook_started = time.perf_counter()

    @app.after_request
    def _count(response: Response) -> Response:
        started = g.pop("webhook_started", None)
        if started is not None and request.endpoint:
            seconds, endpoint = time.perf_counter() - started, request.endpoint
            response.call_on_close(lambda: _record_quietly(redis, prefix, endpoint, seconds))
        return response


def _record_quietly(redis: Redis, prefix: str, endpoint: str, seconds: float) -> None:
    try:
        record(redis, prefix, endpoint, seconds)
    except RedisError as error:  # a lost sample must never fail a call
        logger.warning("webhook latency not counted: %s", error)


class WebhookLatency:
    """A prometheus_client collector reading the Redis buckets at scrape time."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis, self.prefix = redis, prefix

    def collect(self) -> Iterator[Any]:
        family = HistogramMetricFamily("cityline_webhook_seconds", "Time to answer a Twilio webhook, by endpoint",
                                       labels=["endpoint"])
        endpoints = sorted(member.decode() if isinstance(member, bytes) else str(member)
                           for member in self.redis.smembers(_index(self.prefix)))
        pipe = self.redis.pipeline(transaction=False)
        for endpoint in endpoints:
            pipe.hgetall(_key(self.prefix, endpoint))
        for endpoint, raw in zip(endpoints, pipe.execute() if endpoints else [], strict=True):
            counts = {(k.decode() if isinstance(k, bytes) else k): float(v) for k, v in raw.items()}
            cumulative, buckets = 0.0, []
            for index, bound in enumerate(BUCKETS):
                cumulative += counts.get(str(index), 0.0)
                buckets.append((repr(bound), cumulative))
            buckets.append(("+Inf", counts.get("count", 0.0)))
            family.add_metric([endpoint], buckets, counts.get("sum", 0.0))
        yield family

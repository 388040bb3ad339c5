"""Webhook latency histograms for /metrics, counted in Redis so they are right with any number of processes.

prometheus_client's own histograms live in one process's memory (or, in its
multiprocess mode, in files one machine's workers share and someone must clean
up).  CityLine's web processes may run on several machines, and `/metrics`
builds its registry fresh at each scrape (ivr.prometheus), so the buckets are
kept where every process already writes: one Redis hash per endpoint.
The scrape turns them into a prometheus_client HistogramMetricFamily.

A round trip per webhook only to count it would cost as much as the webhook's
own writes (issue 10), so each process adds its samples up in memory
(`LatencyBatch`) and sends the sums (HINCRBY, so any number of processes add up
right) at most once a second, after a response has gone out (`call_on_close`),
so Twilio never waits for it; a scrape sends the pending sums of the process
it reaches first, and a process sends its own when it exits.  An idle process's
last second of samples waits for its next webhook.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, current_app, g, has_app_context, request
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


#: A process sends its pending sums at most this often (seconds) while webhooks come in.
FLUSH_SECONDS = 1.0
#: Where init_app keeps the app's batch, for the scrape (ivr.prometheus) to flush first.
EXTENSION = "cityline_webhook_latency"


def bucket_of(seconds: float) -> str:
    """The first bound at or above `seconds` (its index), "inf" beyond the last."""
    return next((str(i) for i, bound in enumerate(BUCKETS) if seconds <= bound), "inf")


def record(redis: Redis, prefix: str, endpoint: str, seconds: float) -> None:
    """Count one answered webhook at once (one round trip); webhooks go through a LatencyBatch instead."""
    batch = LatencyBatch(redis, prefix)
    batch.add(endpoint, seconds)
    batch.flush()


class LatencyBatch:
    """One process's samples not yet in Redis: per endpoint, counts per bucket and the sum of seconds.

    Threads of a gthread worker add to it at once, so every change is under one lock; the
    sums are taken out under it and sent outside it, so no webhook waits on Redis.
    """

    def __init__(self, redis: Redis, prefix: str, flush_seconds: float = FLUSH_SECONDS) -> None:
        self.redis, self.prefix, self.flush_seconds = redis, prefix, flush_seconds
        self._lock = threading.Lock()
        self._counts: dict[str, Counter[str]] = {}
        self._sums: dict[str, float] = {}
        self._last_flush = time.monotonic()

    def add(self, endpoint: str, seconds: float) -> None:
        with self._lock:
            counts = self._counts.setdefault(endpoint, Counter())
            counts[bucket_of(seconds)] += 1
            counts["count"] += 1
            self._sums[endpoint] = self._sums.get(endpoint, 0.0) + seconds

    def flush_if_due(self) -> None:
        if time.monotonic() - self._last_flush >= self.flush_seconds:
            self.flush()

    def flush(self) -> None:
        """Send the pending sums in one round trip; if Redis refuses them they are kept for the next flush."""
        with self._lock:
            counts, sums = self._counts, self._sums
            self._counts, self._sums, self._last_flush = {}, {}, time.monotonic()
        if not counts:
            return
        pipe = self.redis.pipeline(transaction=False)
        pipe.sadd(_index(self.prefix), *counts)
        for endpoint, buckets in counts.items():
            key = _key(self.prefix, endpoint)
            for bucket, count in buckets.items():
                pipe.hincrby(key, bucket, count)
            pipe.hincrbyfloat(key, "sum", sums[endpoint])
        try:
            pipe.execute()
        except RedisError as error:  # a late sample must never fail a call; it is sent with the next flush
            logger.warning("webhook latency not counted yet: %s", error)
            with self._lock:
                for endpoint, buckets in counts.items():
                    self._counts.setdefault(endpoint, Counter()).update(buckets)
                    self._sums[endpoint] = self._sums.get(endpoint, 0.0) + sums[endpoint]


def init_app(app: Flask, redis: Redis, prefix: str) -> None:
    batch = LatencyBatch(redis, prefix)
    app.extensions[EXTENSION] = batch

    @app.before_request
    def _start_clock() -> None:
        if request.blueprint in WEBHOOK_BLUEPRINTS:
            g.webhook_started = time.perf_counter()

    @app.after_request
    def _count(response: Response) -> Response:
        started = g.pop("webhook_started", None)
        if started is not None and request.endpoint:
            batch.add(request.endpoint, time.perf_counter() - started)
            response.call_on_close(batch.flush_if_due)
        return response


def flush_at_exit(app: Flask) -> None:
    """For the process serving `app` (ivr.wsgi): what it counted is sent when it stops."""
    atexit.register(_flush_quietly, app.extensions[EXTENSION])


def _flush_quietly(batch: LatencyBatch) -> None:
    try:
        batch.flush()
    except Exception as error:  # noqa: BLE001 - at exit nothing may stop the shutdown
        logger.warning("webhook latency not counted at exit: %s", error)


class WebhookLatency:
    """A prometheus_client collector reading the Redis buckets at scrape time."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis, self.prefix = redis, prefix

    def collect(self) -> Iterator[Any]:
        if has_app_context() and isinstance(batch := current_app.extensions.get(EXTENSION), LatencyBatch):
            batch.flush()  # this process's own samples are in the figures it answers with
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

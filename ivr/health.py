"""Liveness for load balancers and operators: is this process able to take calls?"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ivr.intents.classifier import is_trained
from ivr.jobs.job_registry import queue_status

logger = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    flow = current_app.extensions["cityline"].flow
    return (f"CityLine 311 is running the flow {flow.name!r}. "
            "Point your Twilio number's voice webhook at /voice/incoming.\n",
            200, {"Content-Type": "text/plain; charset=utf-8"})


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    services = current_app.extensions["cityline"]
    checks = {"redis": _redis_ok(services.redis), "database": _database_ok(services.sql)}
    healthy = all(checks.values())
    failed = _failed_jobs(services.redis) if checks["redis"] else None
    durability = _redis_durability(services.redis) if checks["redis"] else None
    ending = _ending_calendars(services) if checks["database"] else None
    settings = services.settings
    intents = "ready" if is_trained(settings.intents_file, settings.intents_learned_file) else "training"
    return (jsonify(status="ok" if healthy else "degraded", checks=checks, failed_jobs=failed,
                    redis_durability=durability, calendars_ending=ending, intents=intents), 200 if healthy else 503)


#: What /healthz says of a Redis that keeps the webhooks' call events in memory only.
MEMORY_ONLY = ("memory only: no append-only file and no replica, so a Redis restart loses the call events "
               "not yet in SQL (a few seconds' worth under load); see docs/operations.md")


def _redis_durability(redis) -> str | None:  # type: ignore[no-untyped-def]
    """"append-only file", "replicated", both, or MEMORY_ONLY (logged at WARNING); None when Redis will not say
    (a managed service may hide INFO).  Calls are still answered either way: a warning, not a 503."""
    try:
        persistence, replication = redis.info("persistence"), redis.info("replication")
    except RedisError:
        return None
    kept = [kind for kind, present in (("append-only file", persistence.get("aof_enabled")),
                                       ("replicated", replication.get("connected_slaves"))) if present]
    if kept:
        return " and ".join(kept)
    logger.warning("Redis durability: %s", MEMORY_ONLY)
    return MEMORY_ONLY


def _ending_calendars(services) -> list[str] | None:  # type: ignore[no-untyped-def]
    """Published pickup calendars about to run out: calls still work (no 503), but callers will soon hear
    "no upcoming pickup". The WARNING line is the one to alert on; `cityline import check` says the same."""
    from datetime import datetime

    from ivr.self_service.collection import sql
    from ivr.self_service.collection.freshness import ending_soon

    settings = services.settings
    today = datetime.now(settings.office_hours.zone).date()
    try:
        with services.sessions() as session:
            ending = ending_soon(sql.calendar_last_days(session), today, settings.collection_warn_days)
    except SQLAlchemyError:
        return None
    described = [calendar.describe(today) for calendar in ending]
    for line in described:
        logger.warning("collection data: %s", line)
    return described


def _failed_jobs(redis) -> int | None:  # type: ignore[no-untyped-def]
    """Jobs in RQ's failed registry: the process can still take calls (so no 503), but an operator must look.

    The WARNING line is the one to alert on (docs/operations.md); `cityline jobs replay` runs them again.
    """
    try:
        failed = queue_status(redis).failed
    except RedisError:
        return None
    if failed:
        logger.warning("jobs failed: %d job(s) in the failed registry; see `cityline jobs status`, "
                       "then `cityline jobs replay`", failed)
    return failed


def _redis_ok(redis) -> bool:  # type: ignore[no-untyped-def]
    try:
        return bool(redis.ping())
    except RedisError:
        return False


def _database_ok(engine) -> bool:  # type: ignore[no-untyped-def]
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False


@bp.get("/metrics")
def metrics() -> ResponseReturnValue:
    """Prometheus text format; 503 when Redis or the database cannot be read."""
    from prometheus_client import CONTENT_TYPE_LATEST

    from ivr.prometheus import scrape

    try:
        return scrape(current_app.extensions["cityline"]), 200, {"Content-Type": CONTENT_TYPE_LATEST}
    except (RedisError, SQLAlchemyError):
        return "cannot read Redis or the database\n", 503, {"Content-Type": "text/plain; charset=utf-8"}

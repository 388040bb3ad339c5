"""Routing's voice side (callbacks, overflow, waits history) against the real Redis, real RQ and both databases.

Two setups: `services` runs the jobs on a bare Router (test prefix) with a
database on SQLite or PostgreSQL; `app_services` runs them on the Flask app's
own router and telephony, so webhooks and jobs see the same state.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from ivr import db
from ivr.cases.allocator import ReferenceAllocator
from ivr.cases.service import highest_sequence
from ivr.jobs import routing_jobs
from ivr.jobs.routing_jobs import ROUTING_QUEUE, RoutingServices
from ivr.models.queue_wait import QueueWait
from ivr.telephony.local_adapter import LocalTelephony
from routing.config import DEFAULT_CONFIG_FILE, config_from_mapping
from routing.router import Router

ZONE = ZoneInfo("America/New_York")
NUMBER = "+13125550199"
#: The shipped routing file with two callback attempts, a minute apart (the tests do not wait for them).
ROUTING = {**yaml.safe_load(DEFAULT_CONFIG_FILE.read_text()), "callbacks": {"max_attempts": 2, "retry_after": 60}}


@pytest.fixture
def env(env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """The app's environment, with the routing file above."""
    path = tmp_path / "routing.yaml"
    path.write_text(yaml.safe_dump(ROUTING))
    return {**env, "ROUTING_FILE": str(path)}


@pytest.fixture
def sessions(sessions: sessionmaker[Session]) -> Iterator[sessionmaker[Session]]:
    """The shared SQLite/PostgreSQL fixture, with no waits copied yet either."""
    _empty_waits(sessions)
    yield sessions
    _empty_waits(sessions)


def _empty_waits(factory: sessionmaker[Session]) -> None:
    with db.unit_of_work(factory) as session:
        session.execute(delete(QueueWait))


@pytest.fixture
def router(redis: Redis) -> Router:
    return Router(redis, config_from_mapping(ROUTING), prefix="test:")


def references(redis: Redis, sessions: sessionmaker[Session]) -> ReferenceAllocator:
    def highest_in_sql(year: int) -> int:
        with sessions() as session:
            return highest_sequence(session, year)

    return ReferenceAllocator(redis, highest_in_sql, prefix="test:")


@pytest.fixture
def services(router: Router, sessions: sessionmaker[Session], redis: Redis) -> Iterator[RoutingServices]:
    bound = RoutingServices(router, LocalTelephony(redis), sessions, references(redis, sessions), ZONE)
    routing_jobs.bind(bound)
    yield bound
    routing_jobs.bind(None)


@pytest.fixture
def app_services(app) -> Iterator[RoutingServices]:  # type: ignore[no-untyped-def]
    city = app.extensions["cityline"]
    bound = RoutingServices(city.router, city.telephony, city.sessions, city.references, ZONE)
    routing_jobs.bind(bound)
    yield bound
    routing_jobs.bind(None)


def run_routing_jobs(redis: Redis) -> None:
    """Run every job on the routing queue in this process, as `cityline worker` would."""
    SimpleWorker([Queue(ROUTING_QUEUE, connection=redis)], connection=redis).work(burst=True, with_scheduler=False)


def queued_jobs(redis: Redis) -> list[tuple[str, tuple[object, ...]]]:
    return [(job.func_name, tuple(job.args)) for job in Queue(ROUTING_QUEUE, connection=redis).get_jobs()]



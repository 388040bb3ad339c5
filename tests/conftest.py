"""Shared fixtures: a private Redis database and SQL schema per test run, an app, a signing client.

Tests share the machine's Redis and PostgreSQL with other runs, so each run
claims a Redis database number of its own (by a lock key) and a PostgreSQL
schema of its own, and gives both back at the end.
"""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from redis import Redis
from sqlalchemy.orm import Session, sessionmaker
from twilio.request_validator import RequestValidator

from ivr import db
from ivr.app import create_app
from ivr.jobs import call_history
from ivr.models.call import Call
from ivr.models.call_event import CallEvent
from ivr.models.callback import CallbackPromise
from ivr.models.case import Case
from ivr.models.outbox import OutboxEntry
from ivr.models.pending_note import PendingNote
from ivr.models.sms_contact import SmsContact
from tests.strays import kill_all, processes_with

REDIS_SERVER = os.environ.get("CITYLINE_TEST_REDIS", "redis://127.0.0.1:6379")
POSTGRES_SERVER = os.environ.get("CITYLINE_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
LOCK_KEY = "cityline:test-run-lock"
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
CALL_SID = "CA" + "0123456789abcdef" * 2
CLAIMED_REDIS: list[str] = []  # the run's Redis database, once claimed


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis database number no other test run is using, flushed before and after."""
    token = uuid.uuid4().hex
    for number in range(15, 0, -1):
        client = Redis.from_url(f"{REDIS_SERVER}/{number}")
        if client.set(LOCK_KEY, token, nx=True, ex=3 * 3600):
            client.flushdb()
            client.set(LOCK_KEY, token, ex=3 * 3600)
            CLAIMED_REDIS.append(f"{REDIS_SERVER}/{number}")
            try:
                yield f"{REDIS_SERVER}/{number}"
            finally:
                client.flushdb()
                client.close()
            return
        client.close()
    pytest.fail("every Redis database 1-15 is claimed by another test run")


@pytest.fixture(scope="module", autouse=True)
def no_strays_after_the_module(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each module, nothing it started may still work on the run's Redis database (see tests/strays)."""
    yield
    if not CLAIMED_REDIS:
        return
    url = CLAIMED_REDIS[0]
    killed = kill_all(processes_with("REDIS_URL", url))
    if killed:
        warnings.warn(f"{request.module.__name__} left processes on {url}, killed: {killed}", stacklevel=1)


@pytest.fixture
def redis(redis_url: str) -> Iterator[Redis]:
    """The run's Redis database, emptied around each test (keeping the run's lock)."""
    client = Redis.from_url(redis_url)
    lock = client.get(LOCK_KEY)
    client.flushdb()
    client.set(LOCK_KEY, lock or b"", ex=3 * 3600)
    yield client
    client.flushdb()
    client.set(LOCK_KEY, lock or b"", ex=3 * 3600)
    client.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL schema of this run's own, dropped at the end."""
    schema = f"cityline_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_SERVER)
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as error:
        admin.dispose()
        message = f"PostgreSQL is not reachable at {POSTGRES_SERVER} (set CITYLINE_TEST_POSTGRES): {error}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield f"{POSTGRES_SERVER}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def sessions(request, sqlite_url: str) -> Iterator[sessionmaker[Session]]:
    """A migrated database on SQLite and on PostgreSQL, emptied of calls and cases, bound for jobs."""
    url = sqlite_url if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    engine = db.make_engine(url)
    db.upgrade(engine)
    factory = db.make_session_factory(engine)
    _empty(factory)
    call_history.bind(factory)
    yield factory
    call_history.bind(None)
    _empty(factory)
    engine.dispose()


def _empty(factory: sessionmaker[Session]) -> None:
    with db.unit_of_work(factory) as session:
        for case in session.scalars(sa.select(Case)):
            session.delete(case)
        session.flush()
        session.execute(sa.delete(Call))
        session.execute(sa.delete(CallEvent))
        session.execute(sa.delete(OutboxEntry))
        session.execute(sa.delete(CallbackPromise))
        session.execute(sa.delete(PendingNote))
        session.execute(sa.delete(SmsContact))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cityline.sqlite3'}"


@pytest.fixture
def env(sqlite_url: str, redis_url: str, redis: Redis) -> dict[str, str]:
    """The environment a test app is configured from (never os.environ)."""
    db.upgrade(db.make_engine(sqlite_url))
    return {
        "DATABASE_URL": sqlite_url,
        "REDIS_URL": redis_url,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "CITY_TIMEZONE": "America/New_York",
        "OFFICE_HOURS": "mon-sun 00:00-24:00",
        "LOG_LEVEL": "WARNING",
    }


@pytest.fixture
def app(env: dict[str, str]):  # type: ignore[no-untyped-def]
    application = create_app(env)
    yield application
    application.extensions["cityline"].sql.dispose()
    application.extensions["cityline"].redis.close()


class TwilioClient:
    """Posts to the app as Twilio does: full parameters, signed with the auth token."""

    def __init__(self, client, token: str = AUTH_TOKEN) -> None:  # type: ignore[no-untyped-def]
        self.client = client
        self.validator = RequestValidator(token)

    def post(self, path: str, data: dict[str, str] | None = None, *, sign_url: str | None = None,
             sign_data: dict[str, str] | None = None, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        params = {"CallSid": CALL_SID, "AccountSid": "AC" + "0" * 32, "From": "+13125550199",
                  "To": "+15555550311", "CallStatus": "in-progress", "Direction": "inbound",
                  "ApiVersion": "2010-04-01", **(data or {})}
        signature = self.validator.compute_signature(sign_url or f"http://localhost{path}",
                                                     sign_data if sign_data is not None else params)
        return self.client.post(path, data=params,
                                headers={"X-Twilio-Signature": signature, **(headers or {})})


@pytest.fixture
def twilio(app) -> TwilioClient:  # type: ignore[no-untyped-def]
    return TwilioClient(app.test_client())

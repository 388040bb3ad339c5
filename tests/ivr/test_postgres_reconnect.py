"""Jobs keep working when PostgreSQL drops every connection, as a managed service's failover does.

The server ends this run's backends with pg_terminate_backend (what a failover or restart looks like
from the client: every pooled connection is dead) between two jobs run by a real RQ worker, and
during a job; the next job succeeds on its first attempt, and nothing is stored twice.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from rq import Queue, SimpleWorker
from rq.job import JobStatus
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ivr import db
from ivr.jobs import call_history
from ivr.jobs.sql_retry import retry_on_disconnect
from ivr.models.call import Call
from ivr.models.call_event import CallEvent
from tests.conftest import POSTGRES_SERVER

CALL_SID = "CA" + "b" * 32


def event(sequence: str, kind: str = "status", **data: object) -> dict:
    return {"call_sid": CALL_SID, "kind": kind, "sequence": sequence, "at": "2026-11-24T15:00:00+00:00",
            "data": data}


@pytest.fixture
def tagged(postgres_url: str) -> Iterator[tuple[str, sessionmaker[Session]]]:
    """The run's schema through connections carrying an application_name of their own, so they can be found."""
    name = f"cityline-reconnect-{uuid.uuid4().hex[:8]}"
    engine = db.make_engine(f"{postgres_url}&application_name={name}")
    db.upgrade(engine)
    factory = db.make_session_factory(engine)
    with db.unit_of_work(factory) as session:
        session.execute(sa.delete(Call).where(Call.call_sid == CALL_SID))
        session.execute(sa.delete(CallEvent).where(CallEvent.call_sid == CALL_SID))
    call_history.bind(factory)
    yield name, factory
    call_history.bind(None)
    engine.dispose()


def terminate_backends(application_name: str) -> int:
    """What the server does to clients in a failover: end every connection, idle or busy."""
    admin = sa.create_engine(POSTGRES_SERVER)
    with admin.begin() as connection:
        ended = connection.execute(sa.text(
            "select count(pg_terminate_backend(pid)) from pg_stat_activity "
            "where application_name = :name and pid <> pg_backend_pid()"), {"name": application_name}).scalar_one()
    admin.dispose()
    return int(ended)


def test_the_job_after_the_server_dropped_every_connection_succeeds_first_time(tagged, redis):
    name, factory = tagged
    queue = Queue(call_history.CALLS_QUEUE, connection=redis)
    first = queue.enqueue(call_history.record_call_event, event("1:ringing", status="ringing"),
                          **call_history.CALL_JOB_OPTIONS)
    SimpleWorker([queue], connection=redis).work(burst=True)
    assert first.get_status() == JobStatus.FINISHED

    assert terminate_backends(name) >= 1  # the pool's idle connection is among them

    second = queue.enqueue(call_history.record_call_event, event("2:completed", status="completed", duration=42),
                           **call_history.CALL_JOB_OPTIONS)
    SimpleWorker([queue], connection=redis).work(burst=True)
    assert second.get_status() == JobStatus.FINISHED  # not failed, not waiting for a retry
    assert second.retries_left == call_history.CALL_JOB_OPTIONS["retry"].max
    with factory() as session:
        assert [e.sequence for e in session.scalars(select(CallEvent).where(CallEvent.call_sid == CALL_SID)
                                                    .order_by(CallEvent.id))] == ["1:ringing", "2:completed"]


def test_a_job_whose_connection_is_dropped_while_it_runs_is_run_again_at_once(tagged, caplog):
    name, factory = tagged
    runs: list[int] = []

    @retry_on_disconnect
    def job() -> bool:
        runs.append(1)
        if len(runs) == 1:  # the server goes away in the middle of this first run
            with factory() as session:
                session.execute(sa.text("select 1"))
                terminate_backends(name)
                session.execute(sa.text("select 1"))
        return call_history.record_call_event(event("3:completed", status="completed", duration=7))

    with caplog.at_level(logging.WARNING, logger="ivr.jobs.sql_retry"):
        assert job() is True
    assert len(runs) == 2
    assert "database connection dropped" in caplog.text
    with factory() as session:
        assert session.scalar(select(sa.func.count()).select_from(CallEvent)
                              .where(CallEvent.call_sid == CALL_SID)) == 1


def test_other_database_errors_are_not_retried_here(tagged):
    runs: list[int] = []

    @retry_on_disconnect
    def job() -> None:
        runs.append(1)
        with tagged[1]() as session:
            session.execute(sa.text("select * from no_such_table"))

    with pytest.raises(sa.exc.ProgrammingError):
        job()
    assert runs == [1]  # a real error goes to RQ's retries, not round in a loop here

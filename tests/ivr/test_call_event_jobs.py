"""Call events reach SQL through RQ exactly once, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from rq import Queue, SimpleWorker
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, sessionmaker

from ivr import db
from ivr.jobs import call_history
from ivr.models.call_event import CallEvent

EVENT = {"call_sid": "CA" + "a" * 32, "kind": "status", "sequence": "3:completed",
         "at": "2026-11-24T15:00:00+00:00", "data": {"status": "completed", "duration": 42}}


def stored(factory: sessionmaker[Session]) -> list[CallEvent]:
    with factory() as session:
        return list(session.scalars(select(CallEvent).order_by(CallEvent.id)))


def test_a_worker_stores_an_enqueued_event(sessions, redis):
    queue = Queue(call_history.CALLS_QUEUE, connection=redis)
    queue.enqueue(call_history.record_call_event, EVENT, **call_history.CALL_JOB_OPTIONS)
    SimpleWorker([queue], connection=redis).work(burst=True)
    [row] = stored(sessions)
    assert (row.call_sid, row.kind, row.sequence, row.data) == (
        EVENT["call_sid"], "status", "3:completed", {"status": "completed", "duration": 42})
    assert row.occurred_at.year == 2026


def test_a_retried_or_duplicate_delivery_is_stored_once(sessions, redis):
    queue = Queue(call_history.CALLS_QUEUE, connection=redis)
    for _ in range(3):
        queue.enqueue(call_history.record_call_event, EVENT, **call_history.CALL_JOB_OPTIONS)
    SimpleWorker([queue], connection=redis).work(burst=True)
    assert len(stored(sessions)) == 1


def test_record_reports_whether_it_wrote(sessions):
    assert call_history.record_call_event(EVENT) is True
    assert call_history.record_call_event(EVENT) is False
    assert call_history.record_call_event({**EVENT, "sequence": "4:completed"}) is True


def test_the_database_refuses_a_duplicate_even_without_the_check(sessions):
    from sqlalchemy.exc import IntegrityError

    row = {k: EVENT[k] for k in ("call_sid", "kind", "sequence")}
    with pytest.raises(IntegrityError), db.unit_of_work(sessions) as session:
        for _ in range(2):
            session.add(CallEvent(**row, occurred_at=db_time(), data={}))
            session.flush()


def db_time():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime.now(UTC)


class TestMigrations:
    @pytest.fixture(params=["sqlite", "postgresql"])
    def engine(self, request, tmp_path):  # type: ignore[no-untyped-def]
        url = (f"sqlite:///{tmp_path / 'm.sqlite3'}" if request.param == "sqlite"
               else request.getfixturevalue("postgres_url"))
        engine = db.make_engine(url)
        _downgrade_all(engine)
        yield engine
        engine.dispose()

    def test_upgrade_from_empty_then_down_and_up_again(self, engine):
        db.upgrade(engine)
        assert "call_events" in inspect(engine).get_table_names()
        assert db.current_revision(engine) == db.head_revision(engine)
        _downgrade_all(engine)
        assert "call_events" not in inspect(engine).get_table_names()
        db.upgrade(engine)
        db.check_schema(engine)

    def test_an_out_of_date_schema_is_refused_with_the_command_to_run(self, engine):
        with pytest.raises(db.SchemaOutOfDate, match="run `cityline db upgrade`"):
            db.check_schema(engine)


def _downgrade_all(engine) -> None:  # type: ignore[no-untyped-def]
    from alembic import command

    command.downgrade(db.alembic_config(engine), "base")


def test_a_job_queued_under_the_old_module_name_still_finds_its_function():
    """Before ivr/jobs/ was a package its jobs were `ivr.jobs.<name>`; jobs queued then run after an upgrade."""
    from rq.utils import import_attribute

    from ivr.jobs import call_history

    assert import_attribute("ivr.jobs.record_call_events") is call_history.record_call_events
    assert import_attribute("ivr.jobs.record_call_event") is call_history.record_call_event

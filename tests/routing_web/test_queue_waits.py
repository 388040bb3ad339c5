"""Finished waits reach `queue_waits` exactly once, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from ivr import db
from ivr.jobs.routing_jobs import copy_waits, waits_cursor_key
from ivr.jobs.sweeper import Sweeper, sweep_once
from ivr.models.queue_wait import QueueWait
from routing.agents import AgentProfile, AgentState
from routing.calls import CallbackRequest, CallRequest
from tests.routing_web.conftest import NUMBER

T0 = 1_800_000_000.0


def stored(sessions) -> list[QueueWait]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return list(session.scalars(select(QueueWait).order_by(QueueWait.stream_id)))


def four_waits(router) -> None:  # type: ignore[no-untyped-def]
    """Answered, abandoned and overflowed callers, and a callback nobody answered twice."""
    router.register_agent(AgentProfile("ann", "Ann", {"noise": 5}, ("en",)), now=T0 - 60)
    router.enqueue(CallRequest("CA1", "noise", "en"), now=T0)
    router.enqueue(CallRequest("CA2", "noise", "en"), now=T0 + 1)
    router.enqueue(CallRequest("CA3", "noise", "es"), now=T0 + 2)
    [offer] = router.set_agent_state("ann", AgentState.AVAILABLE, now=T0 + 30)
    router.accept(offer.id, now=T0 + 31)
    router.abandon("CA2", now=T0 + 40)
    router.overflow("CA3", now=T0 + 700)
    router.complete("CA1", now=T0 + 200)
    router.set_agent_state("ann", AgentState.AVAILABLE, now=T0 + 210)
    ticket = router.request_callback(CallbackRequest("CB1", "noise", "en", NUMBER), now=T0 + 220)
    router.accept(ticket.offer.id, now=T0 + 221)
    assert router.callback_unanswered("CB1", now=T0 + 250)[0] == "scheduled"
    [again] = router.tick(now=T0 + 311).offers
    router.accept(again.id, now=T0 + 312)
    assert router.callback_unanswered("CB1", now=T0 + 340)[0] == "failed"


def test_every_finished_wait_is_copied_with_what_the_caller_was_told(router, sessions):
    four_waits(router)
    assert copy_waits(router, sessions) == 4
    rows = {row.call_sid: row for row in stored(sessions)}
    answered = rows["CA1"]
    assert (answered.queue, answered.kind, answered.outcome, answered.agent_login) == ("noise-en", "call", "answered",
                                                                                       "ann")
    assert answered.entered_at == datetime.fromtimestamp(T0, UTC)
    assert answered.ended_at == datetime.fromtimestamp(T0 + 31, UTC)
    assert (answered.waited_seconds, answered.announced_position) == (31.0, 1)
    assert answered.announced_wait_seconds is None  # nobody staffed the queue when CA1 called
    assert (rows["CA2"].outcome, rows["CA2"].announced_position, rows["CA2"].agent_login) == ("abandoned", 2, "")
    assert (rows["CA3"].queue, rows["CA3"].outcome) == ("noise-es", "overflowed")
    assert (rows["CB1"].kind, rows["CB1"].outcome, rows["CB1"].agent_login) == ("callback", "failed", "ann")
    assert rows["CB1"].announced_wait_seconds is not None  # ann was staffed: a wait was announced


def test_a_second_run_copies_nothing_and_later_waits_are_appended(router, sessions):
    four_waits(router)
    copy_waits(router, sessions)
    assert copy_waits(router, sessions) == 0
    router.enqueue(CallRequest("CA9", "trash", "en"), now=T0 + 900)
    router.abandon("CA9", now=T0 + 905)
    assert copy_waits(router, sessions) == 1
    assert [row.call_sid for row in stored(sessions)].count("CA9") == 1
    last = router.read_waits(after="0-0")[-1].id
    assert router.ctx.connection.get(waits_cursor_key(router)).decode() == last


def test_a_lost_cursor_never_duplicates_a_wait(router, sessions):
    """A worker killed between the commit and moving the cursor: the rerun finds the rows and skips them."""
    four_waits(router)
    copy_waits(router, sessions)
    router.ctx.connection.delete(waits_cursor_key(router))
    assert copy_waits(router, sessions) == 0
    assert len(stored(sessions)) == 4


def test_small_batches_copy_everything_in_order(router, sessions):
    four_waits(router)
    assert copy_waits(router, sessions, batch=1) == 4
    assert [row.stream_id for row in stored(sessions)] == [record.id for record in router.read_waits()]


def test_a_copy_already_running_elsewhere_is_left_alone(router, sessions):
    four_waits(router)
    running = router.ctx.connection.lock(router.ctx.keys.prefix + "waits:copying", timeout=60)
    assert running.acquire(blocking=False)
    try:
        assert copy_waits(router, sessions) == 0
    finally:
        running.release()
    assert copy_waits(router, sessions) == 4


def test_the_table_refuses_a_second_row_for_one_stream_record(sessions):
    at = datetime.now(UTC)
    row = dict(stream_id="1800000000000-0", queue="noise-en", skill="noise", language="en", kind="call",
               call_sid="CA1", priority=0, entered_at=at, outcome="abandoned", ended_at=at, waited_seconds=3.0)
    with pytest.raises(IntegrityError), db.unit_of_work(sessions) as session:
        session.add(QueueWait(**row))
        session.flush()
        session.add(QueueWait(**row))
        session.flush()


def test_the_sweep_copies_waits(services):
    four_waits(services.router)
    result = sweep_once(services)
    assert result.waits_copied == 4
    assert sweep_once(services).waits_copied == 0


def test_the_workers_sweeper_thread_copies_waits(services):
    four_waits(services.router)  # first: the thread's own ticks run on the real clock, these waits on T0's
    sweeper = Sweeper(services, every=0.02).start()
    try:
        for _ in range(250):
            if len(stored(services.sessions)) == 4:
                break
            threading.Event().wait(0.02)
    finally:
        sweeper.stop()
    assert len(stored(services.sessions)) == 4


class TestMigration:
    def test_the_migration_builds_the_table_the_model_describes(self, sessions):
        engine = sessions.kw["bind"]
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.Base.metadata)
        assert [d for d in differences if "queue_waits" in repr(d)] == []

    def test_downgrading_to_0004_drops_only_the_table(self, sessions):
        from alembic import command

        engine = sessions.kw["bind"]
        command.downgrade(db.alembic_config(engine), "0004")
        try:
            tables = inspect(engine).get_table_names()
            assert "queue_waits" not in tables and "cases" in tables
        finally:
            db.upgrade(engine)

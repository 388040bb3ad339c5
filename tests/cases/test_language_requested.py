"""calls.language_requested (migration 0011): a caller who pressed 3 for another language is recorded as such."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from ivr import db
from ivr.models.call import Call
from tests.cases.test_call_record import SID, record_all, started, status, stored_call, turn

OTHER_LANGUAGE_CALL = [
    started(),
    turn(1, [{"node": "greeting"}, {"node": "language"}]),
    turn(5, [{"node": "language", "input": "keys 3", "result": "option 3"},
             {"node": "other_language", "handler": "office_hours.is_open", "result": "open"},
             {"node": "queue_interpreter"}], values={"language_requested": "other"}, queue="general-en"),
    status(60),
]


def columns(engine) -> set[str]:  # type: ignore[no-untyped-def]
    return {column["name"] for column in inspect(engine).get_columns("calls")}


def test_a_press_3_call_is_stored_with_the_language_it_requested(sessions):
    record_all(OTHER_LANGUAGE_CALL)
    call = stored_call(sessions)
    assert (call.language_requested, call.queue, call.language) == ("other", "general-en", "en")


def test_a_call_in_a_language_of_the_menus_requests_none(sessions):
    record_all([started(), turn(4, [{"node": "language", "input": "keys 4", "result": "option 4"},
                                    {"node": "main_menu"}], language="zh-CN"), status(9)])
    call = stored_call(sessions)
    assert (call.language, call.language_requested) == ("zh-CN", None)


def test_migration_0011_adds_the_column_to_existing_calls_and_matches_the_model(sessions):
    engine = sessions.kw["bind"]
    record_all(OTHER_LANGUAGE_CALL[:2])  # a call in the menus when the database is taken back to 0010
    command.downgrade(db.alembic_config(engine), "0010_reports")
    try:
        assert "language_requested" not in columns(engine)
    finally:
        db.upgrade(engine)
    assert "language_requested" in columns(engine)
    with sessions() as session:
        [kept] = session.scalars(select(Call).where(Call.call_sid == SID)).all()
        assert (kept.caller, kept.language_requested) == ("+13125550199", None)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.Base.metadata)
    assert [d for d in differences if "language_requested" in repr(d)] == []

"""Interval figures and staffing from SQL: a known set of waits and calls, checked by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.orm import Session, sessionmaker

from ivr import db
from ivr.cli import main
from ivr.floor.history import interval_figures, interval_start, volumes
from ivr.models.floor import CallHandling
from ivr.models.queue_wait import QueueWait

NINE = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # a Monday

# (minutes after nine the caller entered, outcome, seconds waited)
KNOWN_WAITS = [(1, "answered", 10), (2, "answered", 20), (3, "answered", 40), (5, "abandoned", 3),
               (7, "abandoned", 30), (20, "answered", 5), (31, "answered", 25), (40, "abandoned", 60)]


def _store(session: Session, waits: list[tuple[int, str, float]], day: datetime = NINE) -> None:
    for number, (minute, outcome, seconds) in enumerate(waits):
        entered = day + timedelta(minutes=minute)
        sid = f"CA{day:%Y%m%d}{number:04d}"
        session.add(QueueWait(stream_id=f"{int(entered.timestamp() * 1000)}-{number}", queue="potholes-en",
                              skill="potholes", language="en", kind="call", call_sid=sid, priority=0,
                              entered_at=entered, outcome=outcome, ended_at=entered + timedelta(seconds=seconds),
                              waited_seconds=seconds))
        if outcome == "answered":  # handled in 100 + 20n s: talk and hold 70 + 20n, wrap-up 30
            answered, talk = entered + timedelta(seconds=seconds), 70 + 20 * number
            session.add(CallHandling(stream_id=f"{int(answered.timestamp() * 1000)}-{number}", call_sid=sid,
                                     queue="potholes-en", agent_login="alice", answered_at=answered,
                                     ended_at=answered + timedelta(seconds=talk + 30), handle_seconds=talk + 30,
                                     talk_hold_seconds=talk, wrap_seconds=30))


@pytest.fixture
def floor(sessions: sessionmaker[Session]):  # type: ignore[no-untyped-def]
    with db.unit_of_work(sessions) as session:
        session.execute(sa.delete(QueueWait))
        session.execute(sa.delete(CallHandling))
        _store(session, KNOWN_WAITS)
    yield sessions
    with db.unit_of_work(sessions) as session:
        session.execute(sa.delete(QueueWait))
        session.execute(sa.delete(CallHandling))


def test_interval_start_floors_to_the_interval() -> None:
    assert interval_start(datetime(2026, 11, 30, 9, 44, 59), 15) == datetime(2026, 11, 30, 9, 30)  # any zone


def test_thirty_minute_rows_hold_the_figures_worked_out_by_hand(floor) -> None:  # type: ignore[no-untyped-def]
    with floor() as session:
        rows = interval_figures(session, NINE, NINE + timedelta(hours=1), 30, threshold=20, short_abandon=5)
    (first_start, first), (second_start, second) = rows
    assert (first_start, second_start) == (NINE, NINE + timedelta(minutes=30))
    # 09:00-09:30: answered 10, 20, 40, 5; abandoned 30 (long) and 3 (short)
    assert (first.offered, first.answered, first.abandoned, first.short_abandoned) == (5, 4, 1, 1)
    assert first.service_level == pytest.approx(3 / 4)
    assert first.service_level_with_abandons == pytest.approx(3 / 5)
    assert first.asa_seconds == pytest.approx(75 / 4)
    assert first.wait_p90_seconds == 40
    assert first.aht_seconds == pytest.approx((100 + 120 + 140 + 200) / 4)  # talk + hold + wrap-up of 0, 1, 2, 5
    # 09:30-10:00: answered 25; abandoned 60
    assert (second.offered, second.answered, second.service_level) == (2, 1, 0.0)


def test_an_interval_without_calls_is_still_a_row(floor) -> None:  # type: ignore[no-untyped-def]
    with floor() as session:
        rows = interval_figures(session, NINE - timedelta(minutes=15), NINE, 15, threshold=20, short_abandon=5)
    [(start, empty)] = rows
    assert start == NINE - timedelta(minutes=15) and empty.offered == 0 and empty.service_level is None


def test_volumes_leave_short_abandons_out(floor) -> None:  # type: ignore[no-untyped-def]
    with floor() as session:
        rows = volumes(session, NINE, NINE + timedelta(hours=1), 30, short_abandon=5)
    assert [(row.start, row.calls) for row in rows] == [(NINE, 5), (NINE + timedelta(minutes=30), 2)]
    assert rows[0].handle_seconds == pytest.approx(140)


def test_staffing_from_a_forecast_file_prints_required_beside_staffed(tmp_path: Path, env: dict[str, str]) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text("start,calls,handle_seconds,staffed\n2026-12-07T09:00,100,180,12\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["staffing", "--forecast", str(plan), "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["rows"] == [{"start": "2026-12-07T09:00:00", "calls": 100.0, "handle_seconds": 180.0,
                                "required": 14, "staffed": 12, "gap": -2, "service_level": 0.8884,
                                "asa_seconds": 7.84, "occupancy": 0.7143}]
    assert "required" in printed["definitions"]


def test_staffing_csv_starts_with_the_definitions(tmp_path: Path, env: dict[str, str]) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text("start,calls,handle_seconds\n2026-12-07T09:00,100,180\n", encoding="utf-8")
    output = CliRunner().invoke(main, ["staffing", "--forecast", str(plan), "--format", "csv"], env=env).output
    assert output.startswith("# calls: ")
    assert "2026-12-07T09:00:00,100.0,180.0,14,,," in output


def test_staffing_forecasts_from_the_same_weekday_in_past_weeks(env: dict[str, str]) -> None:
    engine = db.make_engine(env["DATABASE_URL"])
    with db.unit_of_work(db.make_session_factory(engine)) as session:
        for back in (1, 2):  # 50 calls handled in 360 s at 09:00 on each of the two Mondays before
            day = NINE + timedelta(days=7) - timedelta(weeks=back)
            _store(session, [(0, "answered", 5)] * 50, day)
            for handled in session.new:
                if isinstance(handled, CallHandling):
                    handled.talk_hold_seconds, handled.handle_seconds = 330, 360
    engine.dispose()
    result = CliRunner().invoke(main, ["staffing", "--day", "2026-12-07", "--weeks", "2", "--format", "json"],
                                env=env)
    assert result.exit_code == 0, result.output
    nine = next(row for row in json.loads(result.output)["rows"] if row["start"] == "2026-12-07T09:00:00+00:00")
    assert (nine["calls"], nine["handle_seconds"], nine["required"]) == (50.0, 360.0, 14)


def test_a_bad_forecast_file_is_refused_with_its_line(tmp_path: Path, env: dict[str, str]) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text("start,calls,handle_seconds\nnext tuesday,1,1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["staffing", "--forecast", str(plan)], env=env)
    assert result.exit_code == 1 and "line 2" in result.output

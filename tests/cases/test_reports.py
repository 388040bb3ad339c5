"""Reports for the city: what residents ask, where, how fast it is fixed, and how calls end."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from click.testing import CliRunner

from ivr import db
from ivr.cases.reference import make_reference
from ivr.cases.service import NewCase, change_status, open_case
from ivr.cli import main
from ivr.jobs import call_history
from ivr.reports import calls_by_disposition, common_requests, requests_by_place, time_to_close

CHICAGO = ZoneInfo("America/Chicago")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=CHICAGO)
SINCE, UNTIL = MONDAY - timedelta(days=7), MONDAY + timedelta(days=14)


def seed_cases(sessions) -> None:  # type: ignore[no-untyped-def]
    plan = [("potholes", "60601", 10), ("potholes", "60601", 80), ("potholes", "60602", None),
            ("noise", "60601", 5), ("general", "", None)]
    with db.unit_of_work(sessions) as session:
        for sequence, (code, zip_code, hours_to_close) in enumerate(plan, start=1):
            case = open_case(session, NewCase(reference=make_reference(2026, sequence), service_code=code,
                                              channel="web", opened_at=MONDAY, zip_code=zip_code))
            if hours_to_close is not None:
                change_status(session, case, "closed", MONDAY + timedelta(hours=hours_to_close))


def test_common_requests_and_where_they_occur(sessions):
    seed_cases(sessions)
    with sessions() as session:
        assert [(r["service_code"], r["cases"]) for r in common_requests(session, SINCE, UNTIL, CHICAGO)] == [
            ("potholes", 3), ("general", 1), ("noise", 1)]
        assert requests_by_place(session, SINCE, UNTIL, CHICAGO)[0] == {
            "zip": "60601", "service_code": "potholes", "cases": 2}
        assert {"zip": "unknown", "service_code": "general", "cases": 1} in requests_by_place(
            session, SINCE, UNTIL, CHICAGO)


def test_time_to_close_against_the_sla(sessions):
    seed_cases(sessions)
    with sessions() as session:
        rows = {r["service_code"]: r for r in time_to_close(session, SINCE, UNTIL, CHICAGO)}
    assert rows["potholes"] == {"service_code": "potholes", "sla_hours": 72, "closed": 2, "median_hours": 45.0,
                                "p90_hours": 80.0, "within_sla_percent": 50.0}
    assert rows["noise"]["within_sla_percent"] == 100.0 and "general" not in rows


def test_calls_by_disposition_per_city_day(sessions):
    late_sunday_utc = datetime(2026, 11, 23, 4, 30, tzinfo=UTC)  # still Sunday in Chicago
    for index, (at, status) in enumerate([(late_sunday_utc, "completed"), (MONDAY, "completed"),
                                          (MONDAY, "busy")]):
        sid = f"CA{index:032d}"
        call_history.record_call_event({"call_sid": sid, "kind": "status", "sequence": f"1:{status}",
                                "at": at.isoformat(), "data": {"status": status, "duration": 0}})
    with sessions() as session:
        rows = calls_by_disposition(session, SINCE, UNTIL, CHICAGO)
    assert rows == [{"day": "2026-11-22", "disposition": "hung_up_in_menu", "calls": 1},
                    {"day": "2026-11-23", "disposition": "hung_up_in_menu", "calls": 1},
                    {"day": "2026-11-23", "disposition": "not_connected", "calls": 1}]


def test_the_report_command_prints_csv_and_json(sessions):
    seed_cases(sessions)
    url = str(sessions.kw["bind"].url.render_as_string(hide_password=False))
    env = {"DATABASE_URL": url, "CITY_TIMEZONE": "America/Chicago"}
    args = ["report", "common-requests", "--since", "2026-11-20", "--until", "2026-11-30"]
    as_csv = CliRunner().invoke(main, args, env=env)
    assert as_csv.exit_code == 0, as_csv.output
    assert list(csv.DictReader(io.StringIO(as_csv.output)))[0] == {
        "service_code": "potholes", "service_name": "Pothole or damaged street", "cases": "3"}
    as_json = json.loads(CliRunner().invoke(main, [*args, "--format", "json"], env=env).output)
    assert as_json["report"] == "common-requests" and as_json["rows"][0]["cases"] == 3
    backwards = CliRunner().invoke(main, ["report", "time-to-close", "--since", "2026-11-30", "--until", "2026-11-20"],
                                   env=env)
    assert backwards.exit_code != 0 and "--until must be after --since" in backwards.output

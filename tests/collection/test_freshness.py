"""A published pickup calendar about to run out is loud: at import, in `cityline import check` and in /healthz."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ivr.self_service.collection.freshness import EndingCalendar, ending_soon
from tests.collection.conftest import cityline

TODAY = datetime.now(ZoneInfo("America/New_York")).date()
ADDRESSES = "zip,street,from,to,side,zone\n62701,Elm St,100,1299,both,E\n"


def feed(*days: date) -> str:
    events = "".join(f"BEGIN:VEVENT\r\nUID:{day.isoformat()}@test\r\nDTSTAMP:20261101T000000Z\r\n"
                     f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}\r\nEND:VEVENT\r\n" for day in days)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{events}END:VCALENDAR\r\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_only_calendars_ending_within_the_warning_days_are_named():
    found = ending_soon([("E", "recycling", date(2027, 1, 10)), ("F", "trash", date(2027, 6, 1)),
                         ("G", "recycling", None)], date(2026, 12, 20), warn_days=30)
    assert found == [EndingCalendar(None, "G", "recycling"), EndingCalendar(date(2027, 1, 10), "E", "recycling")]
    assert found[1].describe(date(2026, 12, 20)).startswith(
        "zone E recycling: the published calendar ends on 2027-01-10 (in 21 days)")
    assert "has no pickup from 2026-12-20 on" in found[0].describe(date(2026, 12, 20))


@pytest.fixture
def zone_e(database_url, tmp_path):  # type: ignore[no-untyped-def]
    assert cityline(database_url, "import", "addresses", str(write(tmp_path, "a.csv", ADDRESSES))).exit_code == 0


def test_importing_a_feed_that_ends_soon_warns_and_check_exits_1(database_url, tmp_path, zone_e):
    last = TODAY + timedelta(days=10)
    result = cityline(database_url, "import", "calendar", "E", "recycling",
                      str(write(tmp_path, "e.ics", feed(TODAY + timedelta(days=3), last))))
    assert result.exit_code == 0, result.output
    warning = f"warning: zone E recycling: the published calendar ends on {last.isoformat()} (in 10 days)"
    assert warning in " ".join(result.stderr.split())
    check = cityline(database_url, "import", "check")
    assert check.exit_code == 1 and warning in " ".join(check.stderr.split())


def test_a_feed_that_runs_well_ahead_passes_the_check(database_url, tmp_path, zone_e):
    result = cityline(database_url, "import", "calendar", "E", "recycling",
                      str(write(tmp_path, "e.ics", feed(TODAY + timedelta(days=3), TODAY + timedelta(days=90)))))
    assert result.exit_code == 0 and "warning" not in result.stderr
    check = cityline(database_url, "import", "check")
    assert check.exit_code == 0 and "every published calendar runs more than 30 days ahead" in check.stdout


def test_healthz_names_the_ending_calendar_and_logs_a_warning(app, tmp_path, caplog):
    url = app.extensions["cityline"].settings.database_url
    assert cityline(url, "import", "addresses", str(write(tmp_path, "a.csv", ADDRESSES))).exit_code == 0
    client = app.test_client()
    assert client.get("/healthz").get_json()["calendars_ending"] == []
    last = TODAY + timedelta(days=5)
    feed_file = write(tmp_path, "e.ics", feed(last))
    assert cityline(url, "import", "calendar", "E", "recycling", str(feed_file)).exit_code == 0
    with caplog.at_level(logging.WARNING, logger="ivr.health"):
        response = client.get("/healthz")
    assert response.status_code == 200  # calls are still answered
    [line] = response.get_json()["calendars_ending"]
    assert line.startswith(f"zone E recycling: the published calendar ends on {last.isoformat()} (in 5 days)")
    assert any("collection data: zone E recycling" in record.getMessage() for record in caplog.records)

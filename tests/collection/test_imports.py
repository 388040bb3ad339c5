"""`cityline import ...` on SQLite and PostgreSQL: every bad row by line, nothing half-loaded, idempotent."""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ivr import db
from ivr.models.collection import (
    CollectionChange,
    CollectionDate,
    CollectionHoliday,
    CollectionSchedule,
    CollectionSegment,
    CollectionStreet,
)
from ivr.self_service.collection import sql
from ivr.self_service.collection.addresses import FOUND, find_address
from tests.collection.conftest import SAMPLE_CITY, cityline

ADDRESSES = """zip,street,from,to,side,zone
62701,Elm St,100,1299,both,B
62701,Lincoln Ave,101,2999,odd,A
62701,Lincoln Ave,100,2998,even,B
62702,Elm Ave,100,1999,both,D
"""
BROKEN_ADDRESSES = """zip,street,from,to,side,zone
62701,Elm St,100,199,both,B
6270,Elm St,200,299,both,B
62701,,300,399,both,B
62701,Elm St,500,400,both,B
62701,Elm St,600,699,left,B

62701,Elm St,700,799,both,B!
62701,Elm Street,150,160,even,C
62701,Oak St,1x,20,odd,A
62701,Oak St,1,20,odd,A,extra
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def count(sessions, model) -> int:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def zone_at(sessions, number: int, street: str) -> str | None:  # type: ignore[no-untyped-def]
    with sessions() as session:
        lookup = find_address(sql.SqlDirectory(session), number, street)
    return lookup.place.zone if lookup.outcome == FOUND else None


class TestAddresses:
    def test_a_good_file_is_loaded_and_answers_lookups(self, database_url, sessions, tmp_path):
        result = cityline(database_url, "import", "addresses", str(write(tmp_path, "a.csv", ADDRESSES)))
        assert result.exit_code == 0, result.output
        assert "streets 3 added, 0 changed, 0 removed, 0 unchanged; segments 4 added" in result.stdout
        assert "checking a.csv" in result.stderr  # the progress bar goes to stderr
        assert (zone_at(sessions, 125, "Elm Street"), zone_at(sessions, 125, "elm avenue")) == ("B", "D")
        assert (zone_at(sessions, 101, "Lincoln Avenue"), zone_at(sessions, 102, "Lincoln Avenue")) == ("A", "B")

    def test_every_bad_row_is_reported_by_line_and_nothing_is_loaded(self, database_url, sessions, tmp_path):
        path = write(tmp_path, "broken.csv", BROKEN_ADDRESSES)
        result = cityline(database_url, "import", "addresses", str(path))
        assert result.exit_code == 1
        lines = [int(line.split(":")[1]) for line in result.stderr.splitlines() if line.startswith(str(path))]
        assert lines == [3, 4, 5, 6, 8, 9, 10, 11]  # line 7 is blank; line 2 is good but not loaded alone
        assert f"{path}:9: overlaps line 2" in result.stderr
        assert "8 bad row(s); nothing was loaded" in result.stderr
        assert count(sessions, CollectionStreet) == count(sessions, CollectionSegment) == 0

    def test_a_broken_file_leaves_the_previous_data_untouched(self, database_url, sessions, tmp_path):
        cityline(database_url, "import", "addresses", str(write(tmp_path, "a.csv", ADDRESSES)))
        broken = ADDRESSES.replace("62701,Elm St,100,1299,both,B", "62701,Elm St,100,1299,both,C\n62701,x,1,1,up,C")
        assert cityline(database_url, "import", "addresses", str(write(tmp_path, "b.csv", broken))).exit_code == 1
        assert zone_at(sessions, 125, "Elm Street") == "B"

    def test_a_wrong_header_is_refused_on_line_1(self, database_url, tmp_path):
        path = write(tmp_path, "h.csv", "zip,street,low,high,side,zone\n62701,Elm St,1,9,both,B\n")
        result = cityline(database_url, "import", "addresses", str(path))
        assert result.exit_code == 1
        assert f"{path}:1: the header must name the columns zip, street, from" in result.stderr

    def test_a_file_that_is_not_utf8_is_refused_with_a_reason(self, database_url, tmp_path):
        path = tmp_path / "latin1.csv"
        path.write_bytes("zip,street,from,to,side,zone\n62701,Peña St,1,9,both,B\n".encode("latin-1"))
        result = cityline(database_url, "import", "addresses", str(path))
        assert result.exit_code == 1 and "is not UTF-8 text" in result.stderr

    def test_re_importing_the_same_file_changes_nothing(self, database_url, sessions, tmp_path):
        path = write(tmp_path, "a.csv", ADDRESSES)
        cityline(database_url, "import", "addresses", str(path))
        with sessions() as session:
            before = sorted(session.execute(select(CollectionSegment.id, CollectionSegment.zone)).all())
        result = cityline(database_url, "import", "addresses", str(path))
        assert "streets 0 added, 0 changed, 0 removed, 3 unchanged; segments 0 added, 0 changed, 0 removed, " \
               "4 unchanged" in result.stdout
        with sessions() as session:
            assert sorted(session.execute(select(CollectionSegment.id, CollectionSegment.zone)).all()) == before

    def test_an_updated_file_replaces_its_zip_codes_and_keeps_the_others(self, database_url, sessions, tmp_path):
        cityline(database_url, "import", "addresses", str(write(tmp_path, "a.csv", ADDRESSES)))
        update = ("zip,street,from,to,side,zone\n"
                  "62701,Elm St,100,1299,both,C\n"  # Elm Street moves to zone C
                  "62701,Oak St,1,99,both,A\n")  # Oak Street is new; Lincoln Avenue is gone
        result = cityline(database_url, "import", "addresses", str(write(tmp_path, "b.csv", update)))
        assert "streets 1 added, 0 changed, 1 removed, 1 unchanged; segments 1 added, 1 changed, 2 removed" \
            in result.stdout
        assert zone_at(sessions, 125, "Elm Street") == "C"
        assert zone_at(sessions, 7, "Oak Street") == "A"
        assert zone_at(sessions, 101, "Lincoln Avenue") is None
        assert zone_at(sessions, 125, "Elm Avenue") == "D"  # 62702 was not in the file: kept

    def test_the_sample_city_loads_and_reloads_without_changes(self, database_url, sessions):
        first = cityline(database_url, "import", "sample")
        assert first.exit_code == 0, first.output
        assert count(sessions, CollectionSegment) == len((SAMPLE_CITY / "addresses.csv").read_text().splitlines()) - 1
        again = cityline(database_url, "import", "sample")
        assert again.exit_code == 0, again.output
        counts = re.findall(r"(\d+) (added|changed|removed|unchanged)", again.stdout)
        assert len(counts) == 6 * 4  # streams, streets, segments, holidays, schedules, one calendar: all unchanged
        assert {number for number, kind in counts if kind != "unchanged"} == {"0"}


SCHEDULES = """zone,stream,frequency,weekday,start,season_start,season_end,cutoff
D,trash,weekly,thu,,,,
D,recycling,every_other_week,Thursday,2026-01-15,,,06:30
D,yard_waste,weekly,thu,,04-01,11-30,
"""


class TestSchedules:
    def test_rules_are_stored_as_written(self, database_url, sessions, tmp_path):
        result = cityline(database_url, "import", "schedules", str(write(tmp_path, "s.csv", SCHEDULES)))
        assert result.exit_code == 0, result.output
        with sessions() as session:
            stored = {s.stream: s for s in sql.load_schedules(session, "D", date(2026, 1, 1))}
        assert stored["recycling"].rule is not None and stored["recycling"].rule.every_weeks == 2
        assert stored["recycling"].rule.start == date(2026, 1, 15) and stored["recycling"].cutoff == time(6, 30)
        assert stored["yard_waste"].rule is not None and stored["yard_waste"].rule.season is not None
        assert stored["yard_waste"].rule.season.start == (4, 1) and stored["trash"].cutoff == time(7, 0)

    @pytest.mark.parametrize(("row", "message"), [
        ("D,trash,weekly,thu,,,,", "zone D already has a trash schedule on line 2"),
        ("D,compost,weekly,thu,,,,", "stream must be one of trash, recycling, yard_waste"),
        ("E,trash,daily,thu,,,,", "frequency must be one of weekly, every_other_week"),
        ("E,trash,weekly,thursdayish,,,,", "weekday must be a day"),
        ("E,recycling,every_other_week,thu,,,,", "every_other_week needs start"),
        ("E,recycling,every_other_week,thu,2026-01-16,,,", "start 2026-01-16 is a Friday, not a Thursday"),
        ("E,yard_waste,weekly,thu,,04-01,,", "season_start and season_end go together"),
        ("E,yard_waste,weekly,thu,,13-01,11-30,", "season_start must be a month and day"),
        ("E,trash,weekly,thu,,,,7am", "cutoff must be a time like 07:00"),
        ("E,trash,weekly,thu,2026-1-5,,,", "start must be a date like 2026-11-26"),
    ])
    def test_a_bad_row_is_named_with_its_line(self, database_url, sessions, tmp_path, row, message):
        text = SCHEDULES.replace("D,trash,weekly,thu,,,,\n", f"D,trash,weekly,thu,,,,\n{row}\n")
        path = write(tmp_path, "s.csv", text)
        result = cityline(database_url, "import", "schedules", str(path))
        assert result.exit_code == 1 and f"{path}:3: {message}" in result.stderr
        assert count(sessions, CollectionSchedule) == 0

    def test_an_updated_file_replaces_its_zones_rules(self, database_url, sessions, tmp_path):
        cityline(database_url, "import", "schedules", str(write(tmp_path, "s.csv", SCHEDULES)))
        update = "zone,stream,frequency,weekday\nD,trash,weekly,fri\n"
        result = cityline(database_url, "import", "schedules", str(write(tmp_path, "t.csv", update)))
        assert "schedules 0 added, 1 changed, 2 removed, 0 unchanged" in result.stdout
        with sessions() as session:
            [trash] = sql.load_schedules(session, "D", date(2026, 1, 1))
        assert trash.stream == "trash" and trash.rule is not None and trash.rule.weekday == 4

    def test_holidays_are_checked_against_the_us_calendar(self, database_url, sessions, tmp_path):
        path = write(tmp_path, "h.csv", "name\nThanksgiving Day\nchristmas day\nThanksgiving\nFestivus\n"
                                        "Christmas Day\n")
        result = cityline(database_url, "import", "holidays", str(path))
        assert result.exit_code == 1
        assert f"{path}:4: 'Thanksgiving' is not a US holiday name; did you mean 'Thanksgiving Day'?" in result.stderr
        assert f"{path}:5: 'Festivus' is not a US holiday name" in result.stderr
        assert f"{path}:6: 'Christmas Day' is already listed on line 3" in result.stderr
        assert count(sessions, CollectionHoliday) == 0
        good = write(tmp_path, "g.csv", "name\nThanksgiving Day\nchristmas day\n")
        assert cityline(database_url, "import", "holidays", str(good)).exit_code == 0
        with sessions() as session:
            assert sql.load_holidays(session).names == {"Thanksgiving Day", "Christmas Day"}


ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Riverton//test//EN\r
BEGIN:VEVENT\r
UID:one@test\r
DTSTAMP:20261101T000000Z\r
DTSTART;VALUE=DATE:20261204\r
SUMMARY:Recycling\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:two@test\r
DTSTAMP:20261101T000000Z\r
DTSTART;VALUE=DATE:20261218\r
RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=3\r
EXDATE;VALUE=DATE:20270101\r
RDATE;VALUE=DATE:20270102\r
SUMMARY:Recycling\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:three@test\r
DTSTAMP:20261101T000000Z\r
DTSTART;VALUE=DATE:20261211\r
SUMMARY:Bulk items\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:four@test\r
DTSTAMP:20261101T000000Z\r
DTSTART;VALUE=DATE:20261225\r
STATUS:CANCELLED\r
SUMMARY:Recycling\r
END:VEVENT\r
END:VCALENDAR\r
"""


class TestCalendars:
    def stored_days(self, sessions) -> list[date]:  # type: ignore[no-untyped-def]
        with sessions() as session:
            return list(session.scalars(select(CollectionDate.day).order_by(CollectionDate.day)))

    def test_a_feed_becomes_the_zones_dates(self, database_url, sessions, tmp_path):
        path = write(tmp_path, "e.ics", ICS)
        result = cityline(database_url, "import", "calendar", "E", "recycling", str(path), "--summary", "recycling")
        assert result.exit_code == 0, result.output
        assert self.stored_days(sessions) == [date(2026, 12, 4), date(2026, 12, 18), date(2027, 1, 2),
                                              date(2027, 1, 15)]  # the RRULE less its EXDATE, plus the RDATE
        again = cityline(database_url, "import", "calendar", "E", "recycling", str(path), "--summary", "recycling")
        assert "dates 0 added, 0 changed, 0 removed, 4 unchanged" in again.stdout

    def test_a_feed_replaces_a_rule_and_a_rules_file_leaves_the_feed_alone(self, database_url, sessions, tmp_path):
        rules = write(tmp_path, "s.csv", "zone,stream,frequency,weekday,start\nE,trash,weekly,fri,\n"
                                         "E,recycling,every_other_week,fri,2026-01-09\n")
        cityline(database_url, "import", "schedules", str(rules))
        cityline(database_url, "import", "calendar", "E", "recycling", str(write(tmp_path, "e.ics", ICS)))
        only_trash = write(tmp_path, "t.csv", "zone,stream,frequency,weekday\nE,trash,weekly,fri\n")
        assert "0 removed" in cityline(database_url, "import", "schedules", str(only_trash)).stdout
        with sessions() as session:
            recycling = [s for s in sql.load_schedules(session, "E", date(2026, 1, 1)) if s.stream == "recycling"]
        assert recycling[0].rule is None and date(2026, 12, 11) in recycling[0].dates  # no --summary: bulk too

    def test_bad_events_are_reported_by_the_line_of_their_begin(self, database_url, sessions, tmp_path):
        broken = ICS.replace("DTSTART;VALUE=DATE:20261211", "DTSTART:2026121").replace(
            "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=3", "RRULE:FREQ=WEEKLY;INTERVAL=2")
        path = write(tmp_path, "bad.ics", broken)
        result = cityline(database_url, "import", "calendar", "E", "recycling", str(path))
        assert result.exit_code == 1
        assert f"{path}:10: RRULE FREQ=WEEKLY;INTERVAL=2 never ends" in result.stderr
        assert f"{path}:19: DTSTART must be a date or a date-time, not '2026121'" in result.stderr
        assert count(sessions, CollectionDate) == count(sessions, CollectionSchedule) == 0

    @pytest.mark.parametrize("text", ["not a calendar", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"])
    def test_a_file_that_is_no_feed_or_has_no_dates_is_refused(self, database_url, tmp_path, text):
        path = write(tmp_path, "x.ics", text)
        result = cityline(database_url, "import", "calendar", "E", "recycling", str(path))
        assert result.exit_code == 1 and f"{path}:1: " in result.stderr

    def test_an_updated_feed_drops_the_dates_it_no_longer_has(self, database_url, sessions, tmp_path):
        cityline(database_url, "import", "calendar", "E", "recycling", str(write(tmp_path, "e.ics", ICS)))
        shorter = ICS.replace("COUNT=3", "COUNT=1")
        result = cityline(database_url, "import", "calendar", "E", "recycling", str(write(tmp_path, "f.ics", shorter)))
        assert "dates 0 added, 0 changed, 1 removed, 4 unchanged" in result.stdout
        assert date(2027, 1, 15) not in self.stored_days(sessions)

    def test_zone_and_stream_are_checked(self, database_url, tmp_path):
        path = write(tmp_path, "e.ics", ICS)
        assert cityline(database_url, "import", "calendar", "all", "recycling", str(path)).exit_code == 2
        assert cityline(database_url, "import", "calendar", "E", "compost", str(path)).exit_code == 2


class TestServiceChanges:
    @pytest.fixture(autouse=True)
    def zones(self, database_url, tmp_path):  # type: ignore[no-untyped-def]
        cityline(database_url, "import", "addresses", str(write(tmp_path, "a.csv", ADDRESSES)))
        cityline(database_url, "import", "schedules", str(write(tmp_path, "s.csv", SCHEDULES)))
        cityline(database_url, "import", "holidays", str(write(tmp_path, "h.csv", "name\nThanksgiving Day\n")))

    def stored(self, sessions) -> list[tuple]:  # type: ignore[no-untyped-def,type-arg]
        with sessions() as session:
            return [tuple(row) for row in session.execute(select(
                CollectionChange.zone, CollectionChange.stream, CollectionChange.day, CollectionChange.moved_to))]

    def test_post_repeat_change_and_withdraw(self, database_url, sessions):
        args = ("import", "exception", "D", "trash", "2026-12-03")
        assert "service change added: zone D, trash due 2026-12-03: moved to 2026-12-04" in cityline(
            database_url, *args, "--moved-to", "2026-12-04", "--note", "snow").stdout
        assert "service change unchanged" in cityline(database_url, *args, "--moved-to", "2026-12-04",
                                                      "--note", "snow").stdout
        assert "service change changed: zone D, trash due 2026-12-03: cancelled" in cityline(
            database_url, *args, "--cancelled", "--note", "snow").stdout
        assert self.stored(sessions) == [("D", "trash", date(2026, 12, 3), None)]
        assert "withdrawn" in cityline(database_url, *args, "--withdraw").stdout
        assert self.stored(sessions) == []

    def test_a_city_wide_change(self, database_url, sessions):
        result = cityline(database_url, "import", "exception", "all", "all", "2027-01-28", "--moved-to", "2027-01-29")
        assert "every zone, every stream due 2027-01-28: moved to 2027-01-29" in result.stdout
        assert self.stored(sessions) == [("*", "*", date(2027, 1, 28), date(2027, 1, 29))]

    def test_a_change_to_a_slid_pickup_is_posted_for_the_day_it_slid_to(self, database_url, sessions):
        """Thanksgiving moves zone D's Thursday trash to Friday: the storm delay is posted for Friday."""
        result = cityline(database_url, "import", "exception", "D", "trash", "2026-11-26", "--moved-to", "2026-11-28")
        assert result.exit_code == 2
        assert ("no pickup of trash in zone D is due on 2026-11-26 (Thursday): Thanksgiving Day moved zone D's "
                "trash pickup to 2026-11-27; post the change for that day") in " ".join(result.stderr.split())
        assert self.stored(sessions) == []
        result = cityline(database_url, "import", "exception", "D", "trash", "2026-11-27", "--moved-to", "2026-11-28")
        assert result.exit_code == 0, result.output
        assert self.stored(sessions) == [("D", "trash", date(2026, 11, 27), date(2026, 11, 28))]

    def test_a_change_for_a_day_with_no_pickup_is_refused(self, database_url, sessions):
        result = cityline(database_url, "import", "exception", "all", "all", "2027-01-26", "--cancelled")
        assert result.exit_code == 2
        assert "no pickup of any stream in any zone is due on 2027-01-26 (Tuesday)" in " ".join(result.stderr.split())
        assert self.stored(sessions) == []

    @pytest.mark.parametrize(("args", "message"), [
        (("Q", "trash", "2026-12-03", "--cancelled"), "there is no zone 'Q'"),
        (("D", "compost", "2026-12-03", "--cancelled"), "must be one of trash, recycling, yard_waste"),
        (("D", "trash", "12/03/2026", "--cancelled"), "DATE must be a date like 2026-11-26"),
        (("D", "trash", "2026-12-03"), "give exactly one of --moved-to DATE, --cancelled, --extra or --withdraw"),
        (("D", "trash", "2026-12-03", "--cancelled", "--moved-to", "2026-12-04"), "give exactly one"),
        (("D", "trash", "2026-12-03", "--moved-to", "2026-12-03"), "is the day the pickup was already due"),
    ])
    def test_bad_postings_are_refused(self, database_url, sessions, args, message):
        result = cityline(database_url, "import", "exception", *args)
        assert result.exit_code == 2 and message in result.stderr
        assert self.stored(sessions) == []


def test_an_out_of_date_schema_is_refused_with_the_command_to_run(sqlite_url, tmp_path):
    db.make_engine(sqlite_url).dispose()
    result = cityline(sqlite_url, "import", "addresses", str(write(tmp_path, "a.csv", ADDRESSES)))
    assert result.exit_code == 1 and "run `cityline db upgrade`" in result.stderr

"""The committed sample city is what its generator writes, and has what the tests and demo rely on."""

from __future__ import annotations

import importlib.util
from datetime import date

from ivr.self_service.collection.address_file import parse_addresses
from ivr.self_service.collection.ical_file import parse_calendar
from ivr.self_service.collection.schedule_file import parse_schedules
from tests.collection.conftest import SAMPLE_CITY


def load_generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("sample_city_generate", SAMPLE_CITY / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_files_are_exactly_what_the_generator_writes(tmp_path):
    load_generator().write(tmp_path)
    written = sorted(path.name for path in tmp_path.iterdir())
    assert written == ["addresses.csv", "calendar-E-recycling.ics", "holidays.csv", "schedules.csv"]
    for name in written:
        assert (tmp_path / name).read_bytes() == (SAMPLE_CITY / name).read_bytes(), f"{name}: run generate.py"


def test_thousands_of_addresses_in_several_zip_codes_and_five_zones():
    book = parse_addresses((SAMPLE_CITY / "addresses.csv").read_text(encoding="utf-8").splitlines(keepends=True))
    houses = sum((s.high - s.low) // (1 if s.side == "both" else 2) + 1 for s in book.segments)
    assert houses == 74_800 and len(book.segments) == 1_467
    assert book.zips == {"62701", "62702", "62703", "62704"}
    assert book.zones == {"A", "B", "C", "D", "E"}
    elms = {(s.street.spoken, s.zone) for s in book.segments if s.street.base == "elm"}
    assert elms == {("Elm Street", "B"), ("Elm Avenue", "D")}


def test_every_zone_has_trash_and_yard_waste_and_recycling_by_rule_or_calendar():
    rows = parse_schedules((SAMPLE_CITY / "schedules.csv").read_text(encoding="utf-8").splitlines(keepends=True))
    streams = {(row.schedule.zone, row.schedule.stream) for row in rows}
    assert {("A", "trash"), ("E", "trash"), ("D", "recycling"), ("E", "yard_waste")} <= streams
    assert ("E", "recycling") not in streams  # zone E's recycling comes from its published calendar


def test_the_published_calendar_covers_a_year_with_holiday_slides_applied():
    days = parse_calendar((SAMPLE_CITY / "calendar-E-recycling.ics").read_bytes())
    assert days[0] == date(2026, 11, 6) and days[-1] >= date(2027, 12, 17)
    assert date(2027, 1, 2) in days and date(2027, 1, 1) not in days  # New Year's Day, a Friday
    gaps = {(later - earlier).days for earlier, later in zip(days, days[1:], strict=False)}
    assert gaps == {13, 14, 15}  # every other Friday, a day later in a holiday week and back after it

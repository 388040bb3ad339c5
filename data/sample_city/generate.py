"""Writes the sample city, Riverton, that the tests and the demo load: `python data/sample_city/generate.py`.

Deterministic (no randomness, no clock): the committed files are exactly what
this script writes, and a test checks that they still are.  Riverton has four
ZIP codes and five zones, one per weekday:

| zone | trash (weekly) | recycling (every other week) | yard waste (weekly, in season) |
|---|---|---|---|
| A | Monday | from Monday 2026-01-05 | April through November |
| B | Tuesday | from Tuesday 2026-01-13 | April through November |
| C | Wednesday | from Wednesday 2026-01-07 | April through November |
| D | Thursday | from Thursday 2026-01-15 | April through November |
| E | Friday | published calendar (calendar-E-recycling.ics) | April 15 through November 15 |

Streets that make the lookups interesting: Elm St (62701, zone B) and Elm Ave
(62702, zone D); N Main St and S Main St; Oak St in two ZIP codes and zones;
Lincoln Ave, whose odd side is zone A and even side zone B; Washington Blvd,
zone A below 2000 and zone B from 2000 up.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from icalendar import Calendar, Event

from ivr.self_service.collection.holiday_calendar import HolidayCalendar

HERE = Path(__file__).resolve().parent
HOLIDAYS = ("New Year's Day", "Memorial Day", "Independence Day", "Labor Day", "Thanksgiving Day",
            "Christmas Day")
#: Zone by block (house number // 100) and side, per street.
ZoneRule = Callable[[int, str], str]


def fixed(zone: str) -> ZoneRule:
    return lambda block, side: zone


def split_at(block: int, below: str, above: str) -> ZoneRule:
    return lambda b, side: below if b < block else above


def by_side(odd: str, even: str) -> ZoneRule:
    return lambda block, side: odd if side == "odd" else even


#: (ZIP, street as the city's GIS writes it, first block, last block, zone rule, sides)
STREETS: list[tuple[str, str, int, int, ZoneRule, str]] = [
    ("62701", "Elm St", 1, 12, fixed("B"), "odd/even"),
    ("62701", "N Main St", 1, 29, split_at(15, "A", "B"), "odd/even"),
    ("62701", "S Main St", 1, 19, fixed("A"), "odd/even"),
    ("62701", "Washington Blvd", 1, 39, split_at(20, "A", "B"), "odd/even"),
    ("62701", "Lincoln Ave", 1, 29, by_side("A", "B"), "odd/even"),
    ("62701", "Oak St", 1, 9, fixed("A"), "odd/even"),
    ("62701", "Maple Ave", 1, 14, split_at(8, "A", "B"), "odd/even"),
    ("62701", "Cedar Ln", 1, 4, fixed("B"), "both"),
    ("62701", "Pine Ct", 1, 2, fixed("B"), "both"),
    ("62701", "Market Sq", 1, 3, fixed("A"), "both"),
    *[("62701", f"{n}{'st' if n == 1 else 'nd' if n == 2 else 'rd' if n == 3 else 'th'} St", 1, 8,
       fixed("A" if n <= 4 else "B"), "odd/even") for n in range(1, 9)],
    ("62702", "Elm Ave", 1, 19, fixed("D"), "odd/even"),
    ("62702", "Park Pl", 1, 6, fixed("C"), "odd/even"),
    ("62702", "Lakeview Dr", 1, 24, split_at(12, "C", "D"), "odd/even"),
    ("62702", "Martin Luther King Jr Dr", 1, 34, split_at(18, "C", "D"), "odd/even"),
    ("62702", "Jefferson St", 1, 15, fixed("C"), "odd/even"),
    ("62702", "Madison Ave", 1, 15, fixed("D"), "odd/even"),
    ("62702", "Monroe St", 1, 11, split_at(6, "C", "D"), "odd/even"),
    ("62702", "Adams St", 1, 11, fixed("C"), "odd/even"),
    ("62702", "Jackson Blvd", 1, 27, split_at(14, "C", "D"), "odd/even"),
    ("62702", "Church St", 1, 7, fixed("D"), "odd/even"),
    ("62702", "School St", 1, 5, fixed("D"), "both"),
    ("62703", "Oak St", 10, 22, fixed("E"), "odd/even"),
    ("62703", "Ridge Rd", 1, 44, split_at(25, "C", "E"), "odd/even"),
    ("62703", "Hillcrest Dr", 1, 16, fixed("E"), "odd/even"),
    ("62703", "Sunset Ter", 1, 6, fixed("E"), "both"),
    ("62703", "Willow Way", 1, 8, fixed("C"), "odd/even"),
    ("62703", "Birch Cir", 1, 2, fixed("E"), "both"),
    ("62703", "Summit Ave", 1, 13, fixed("C"), "odd/even"),
    ("62703", "Valley View Rd", 1, 21, split_at(10, "C", "E"), "odd/even"),
    ("62703", "E Riverside Dr", 1, 18, fixed("E"), "odd/even"),
    ("62703", "W Riverside Dr", 1, 18, fixed("C"), "odd/even"),
    ("62704", "Country Club Rd", 1, 49, split_at(30, "D", "E"), "odd/even"),
    ("62704", "Meadow Ln", 1, 9, fixed("D"), "odd/even"),
    ("62704", "Prairie Ave", 1, 26, fixed("E"), "odd/even"),
    ("62704", "Orchard St", 1, 12, fixed("D"), "odd/even"),
    ("62704", "Harvest Way", 1, 7, fixed("E"), "both"),
    ("62704", "Cherry St", 1, 10, fixed("D"), "odd/even"),
    ("62704", "Walnut St", 1, 14, split_at(7, "D", "E"), "odd/even"),
    ("62704", "Chestnut St", 1, 14, fixed("E"), "odd/even"),
    ("62704", "Fairview Ave", 1, 19, fixed("D"), "odd/even"),
    ("62704", "Old Mill Rd", 1, 31, fixed("E"), "odd/even"),
]
SCHEDULE_HEADER = ("zone", "stream", "frequency", "weekday", "start", "season_start", "season_end", "cutoff")
SCHEDULES = [
    ("A", "trash", "weekly", "mon", "", "", "", ""),
    ("A", "recycling", "every_other_week", "mon", "2026-01-05", "", "", ""),
    ("A", "yard_waste", "weekly", "mon", "", "04-01", "11-30", ""),
    ("B", "trash", "weekly", "tue", "", "", "", ""),
    ("B", "recycling", "every_other_week", "tue", "2026-01-13", "", "", ""),
    ("B", "yard_waste", "weekly", "tue", "", "04-01", "11-30", ""),
    ("C", "trash", "weekly", "wed", "", "", "", ""),
    ("C", "recycling", "every_other_week", "wed", "2026-01-07", "", "", ""),
    ("C", "yard_waste", "weekly", "wed", "", "04-01", "11-30", ""),
    ("D", "trash", "weekly", "thu", "", "", "", "07:00"),
    ("D", "recycling", "every_other_week", "thu", "2026-01-15", "", "", "07:00"),
    ("D", "yard_waste", "weekly", "thu", "", "04-01", "11-30", "07:00"),
    ("E", "trash", "weekly", "fri", "", "", "", ""),
    ("E", "yard_waste", "weekly", "fri", "", "04-15", "11-15", ""),
]
#: Zone E's recycling is published as a calendar: every other Friday, holiday slides already applied.
CALENDAR_FIRST, CALENDAR_LAST = date(2026, 11, 6), date(2027, 12, 31)


def segments() -> Iterator[tuple[str, str, int, int, str, str]]:
    """(zip, street, from, to, side, zone), block by block: 100-198 even and 101-199 odd."""
    for zip_code, street, first, last, zone_of, sides in STREETS:
        for block in range(first, last + 1):
            low = block * 100
            if sides == "both":
                yield zip_code, street, low, low + 99, "both", zone_of(block, "both")
                continue
            yield zip_code, street, low + 1, low + 99, "odd", zone_of(block, "odd")
            yield zip_code, street, low, low + 98, "even", zone_of(block, "even")


def calendar_days() -> list[date]:
    holidays = HolidayCalendar.of(HOLIDAYS)
    days, day = [], CALENDAR_FIRST
    while day <= CALENDAR_LAST:
        days.append(day + timedelta(days=len(holidays.earlier_in_week(day))))
        day += timedelta(days=14)
    return days


def calendar_file() -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//CityLine 311//Riverton sample city//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Riverton zone E recycling")
    for day in calendar_days():
        event = Event()
        event.add("uid", f"riverton-E-recycling-{day:%Y%m%d}@sample.cityline311")
        event.add("dtstamp", datetime(2026, 11, 1, tzinfo=UTC))
        event.add("dtstart", day)
        event.add("summary", "Recycling pickup (zone E)")
        calendar.add_component(event)
    return calendar.to_ical()


def write(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    _csv(folder / "addresses.csv", ("zip", "street", "from", "to", "side", "zone"), segments())
    _csv(folder / "schedules.csv", SCHEDULE_HEADER, SCHEDULES)
    _csv(folder / "holidays.csv", ("name",), ((name,) for name in HOLIDAYS))
    (folder / "calendar-E-recycling.ics").write_bytes(calendar_file())


def _csv(path: Path, header: tuple[str, ...], rows: Iterator | list) -> None:  # type: ignore[type-arg]
    with path.open("w", encoding="utf-8", newline="") as output:
        writer = csv.writer(output, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write into [this script's folder]")
    write(parser.parse_args().out)

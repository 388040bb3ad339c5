"""The holidays file: which US holidays slide the city's pickups (one name per row)."""

from __future__ import annotations

from collections.abc import Iterable

from ivr.self_service.collection import csv_rows
from ivr.self_service.collection.errors import Problems
from ivr.self_service.collection.holiday_calendar import UnknownHoliday, check_name

COLUMNS = ("name",)


def parse_holidays(lines: Iterable[str]) -> frozenset[str]:
    """The chosen names, spelt as the calendar spells them; raises InvalidFile listing every bad row."""
    problems = Problems()
    first_line: dict[str, int] = {}
    for line, row in csv_rows.rows(lines, problems, COLUMNS):
        try:
            name = check_name(row["name"])
        except UnknownHoliday as error:
            problems.add(line, str(error))
            continue
        if name in first_line:
            problems.add(line, f"{name!r} is already listed on line {first_line[name]}")
        first_line.setdefault(name, line)
    problems.raise_if_any()
    return frozenset(first_line)

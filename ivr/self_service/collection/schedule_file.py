"""The schedules file: one rule per zone and stream (weekly or every other week, optionally seasonal).

A zone's stream that follows a published calendar instead is loaded from an
iCalendar file (`ical_file`), not from here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from ivr.self_service.collection import csv_rows
from ivr.self_service.collection.errors import Problems
from ivr.self_service.collection.schedules import (
    DEFAULT_CUTOFF,
    EVERY_OTHER_WEEK,
    FREQUENCIES,
    STREAMS,
    Rule,
    Schedule,
    Season,
)

REQUIRED = ("zone", "stream", "frequency", "weekday")
OPTIONAL = ("start", "season_start", "season_end", "cutoff")


@dataclass(frozen=True)
class ScheduleRow:
    line: int
    schedule: Schedule


def parse_schedules(lines: Iterable[str], streams: Collection[str] = STREAMS) -> tuple[ScheduleRow, ...]:
    """Every rule of the file; raises InvalidFile listing every bad row.  `streams`: the city's stream codes."""
    problems = Problems()
    parsed: dict[tuple[str, str], ScheduleRow] = {}
    for line, row in csv_rows.rows(lines, problems, REQUIRED, OPTIONAL):
        try:
            schedule = _schedule(row, streams)
        except ValueError as error:
            problems.add(line, str(error))
            continue
        key = (schedule.zone, schedule.stream)
        if key in parsed:
            problems.add(line, f"zone {key[0]} already has a {key[1]} schedule on line {parsed[key].line}")
        parsed.setdefault(key, ScheduleRow(line, schedule))
    problems.raise_if_any()
    return tuple(parsed.values())


def _schedule(row: dict[str, str], streams: Collection[str]) -> Schedule:
    zone = csv_rows.zone_code(row["zone"])
    stream = row["stream"].lower()
    if stream not in streams:
        raise ValueError(f"stream must be one of {', '.join(streams)}, not {row['stream']!r} "
                         "(a city's own streams are named in its streams file first)")
    cutoff = csv_rows.clock_time(row["cutoff"], "cutoff") if row.get("cutoff") else DEFAULT_CUTOFF
    return Schedule(zone, stream, _rule(row), cutoff=cutoff)


def _rule(row: dict[str, str]) -> Rule:
    frequency = row["frequency"].lower()
    if frequency not in FREQUENCIES:
        raise ValueError(f"frequency must be one of {', '.join(FREQUENCIES)}, not {row['frequency']!r}")
    weekday = csv_rows.weekday(row["weekday"], "weekday")
    start = csv_rows.iso_date(row["start"], "start") if row.get("start") else None
    if frequency == EVERY_OTHER_WEEK and start is None:
        raise ValueError("every_other_week needs start, the date of one pickup, to know which weeks")
    if start is not None and start.weekday() != weekday:
        raise ValueError(f"start {start} is a {csv_rows.WEEKDAY_NAMES[start.weekday()].title()}, "
                         f"not a {csv_rows.WEEKDAY_NAMES[weekday].title()}")
    every_weeks = 2 if frequency == EVERY_OTHER_WEEK else 1
    return Rule(weekday, every_weeks, start, _season(row))


def _season(row: dict[str, str]) -> Season | None:
    first, last = row.get("season_start", ""), row.get("season_end", "")
    if bool(first) != bool(last):
        raise ValueError("season_start and season_end go together: give both or neither")
    if not first:
        return None
    return Season(csv_rows.month_day(first, "season_start"), csv_rows.month_day(last, "season_end"))

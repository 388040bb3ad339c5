"""Pickup dates as a list (zone, stream, date): the form many cities publish instead of a rule or a feed.

The stream column may use the city's words (GARBAGE, Recycle) through the
profile's `streams` map; dates may be in the city's format (declared, or the
only one they all fit).  Each (zone, stream) then follows exactly its dates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from ivr.self_service.collection import csv_rows
from ivr.self_service.collection.date_formats import UnreadableDates, detect_format, read_date
from ivr.self_service.collection.errors import Problems
from ivr.self_service.collection.import_profile import FileProfile
from ivr.self_service.collection.schedules import STREAMS

COLUMNS = ("zone", "stream", "date")


def parse_date_list(lines: Iterable[str], profile: FileProfile) -> dict[tuple[str, str], tuple[date, ...]]:
    """Each (zone, stream)'s sorted dates; raises InvalidFile listing every bad row."""
    problems = Problems()
    rows = list(csv_rows.rows(lines, problems, COLUMNS, columns=profile.columns))
    try:
        fmt = detect_format([row["date"] for _, row in rows], profile.date_format)
    except UnreadableDates as error:
        problems.add(2 if rows else 1, str(error))
        problems.raise_if_any()
        raise
    days: dict[tuple[str, str], set[date]] = defaultdict(set)
    for line, row in rows:
        try:
            zone = csv_rows.zone_code(row["zone"])
            stream = profile.stream(row["stream"])
            if stream not in STREAMS:
                raise ValueError(f"stream {row['stream']!r} is not one of {', '.join(STREAMS)} "
                                 "(map the city's words in the profile's pickup_dates.streams)")
            days[(zone, stream)].add(read_date(row["date"], fmt))
        except ValueError as error:
            problems.add(line, str(error))
    problems.raise_if_any()
    return {key: tuple(sorted(found)) for key, found in days.items()}

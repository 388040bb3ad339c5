"""Pickup dates as a list (zone, stream, date): the form many cities publish instead of a rule or a feed.

The stream column may use the city's words (GARBAGE, Recycle) through the
profile's `streams` map; dates may be in the city's format (declared, or the
only one they all fit).  Each (zone, stream) then follows exactly its dates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date

from ivr.self_service.collection import csv_rows
from ivr.self_service.collection.date_formats import UnreadableDates, detect_format, read_date
from ivr.self_service.collection.errors import Problems
from ivr.self_service.collection.import_profile import FileProfile
from ivr.self_service.collection.schedules import STREAMS

COLUMNS = ("zone", "stream", "date")


def parse_date_list(lines: Iterable[str], profile: FileProfile, streams: Collection[str] = STREAMS
                    ) -> dict[tuple[str, str], tuple[date, ...]]:
    """Each (zone, stream)'s sorted dates; raises InvalidFile listing every bad row.

    With the profile's `stream_columns`, a row is one date with a column per stream (a cell not in
    `no_pickup` is a pickup of that stream) instead of one zone, stream and date."""
    problems = Problems()
    wide = bool(profile.stream_columns)
    required = ("zone", "date") if wide else COLUMNS
    optional = (*profile.stream_columns, *(name.casefold() for name in profile.ignore_columns))
    rows = list(csv_rows.rows(lines, problems, required, optional, columns=profile.columns))
    try:
        fmt = detect_format([row["date"] for _, row in rows], profile.date_format)
    except UnreadableDates as error:
        problems.add(2 if rows else 1, str(error))
        problems.raise_if_any()
        raise
    days: dict[tuple[str, str], set[date]] = defaultdict(set)
    for line, row in rows:
        try:
            zone, day = csv_rows.zone_code(row["zone"]), read_date(row["date"], fmt)
            for stream in _streams_of(row, profile, streams) if wide else [_stream(row, profile, streams)]:
                days[(zone, stream)].add(day)
        except ValueError as error:
            problems.add(line, str(error))
    problems.raise_if_any()
    return {key: tuple(sorted(found)) for key, found in days.items()}


def _stream(row: dict[str, str], profile: FileProfile, streams: Collection[str]) -> str:
    stream = profile.stream(row["stream"])
    if stream not in streams:
        raise ValueError(f"stream {row['stream']!r} is not one of {', '.join(streams)} "
                         "(map the city's words in the profile's pickup_dates.streams)")
    return stream


def _streams_of(row: dict[str, str], profile: FileProfile, streams: Collection[str]) -> list[str]:
    """The streams a wide row collects: every stream column whose cell is not a 'no pickup' value."""
    return [profile.stream_columns[column] for column, value in row.items()
            if column in profile.stream_columns and value.strip().casefold() not in profile.no_pickup]

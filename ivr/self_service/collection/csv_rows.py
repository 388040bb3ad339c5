"""Reading a city's CSV file: its header checked, each row with the line it starts on."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, time

from flows.numbers import whole_number as _whole
from ivr.self_service.collection.errors import InvalidFile, Problems, RowError

ZONE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
ZIP_CODE = re.compile(r"^\d{5}$")
#: A Canadian postal code (forward sortation area, then local delivery unit), as written or without its space.
POSTAL_CODE = re.compile(r"^([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]) ?(\d[ABCEGHJ-NPRSTV-Z]\d)$", re.IGNORECASE)

#: Its first three characters alone (M5V): an area, for a city that keys its streets by it.
POSTAL_AREA = re.compile(r"^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]$", re.IGNORECASE)


def postal_code(text: str) -> str | None:
    """A US ZIP code (62701; ZIP+4 is cut to five digits) or a Canadian postal code, stored upper-case without
    its space (M5H 2N2 -> M5H2N2, which travels in a call's URL unchanged) or its area alone (M5V); None when
    it is neither."""
    text = text.strip()
    if ZIP_CODE.match(text[:5]) and (len(text) == 5 or text[5:6] == "-"):
        return text[:5]
    match = POSTAL_CODE.match(text)
    if match:
        return (match.group(1) + match.group(2)).upper()
    return text.upper() if POSTAL_AREA.match(text) else None
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def rows(lines: Iterable[str], problems: Problems, required: Sequence[str],
         optional: Sequence[str] = (), columns: Mapping[str, str] | None = None
         ) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for every non-blank row; raises InvalidFile when the header is wrong.

    `columns` maps our column names to the city's own (an import profile), so a city's export is read
    as published.  A row with more cells than the header is reported (a stray comma shifts every column
    after it).
    """
    reader = csv.reader(lines)
    ours = {theirs.strip().lower(): name for name, theirs in (columns or {}).items()}
    header = [ours.get(name.strip().lower(), name.strip().lower()) for name in next(reader, [])]
    _check_header(header, required, optional)
    start = reader.line_num + 1
    for values in _records(reader, problems):
        if len(values) > len(header):
            problems.add(start, f"has {len(values)} cells but the header names {len(header)} columns")
        elif any(value.strip() for value in values):
            yield start, {name: (values[i].strip() if i < len(values) else "") for i, name in enumerate(header)}
        start = reader.line_num + 1


def _records(reader: Iterator[list[str]], problems: Problems) -> Iterator[list[str]]:
    """The reader's records, stopping with a reported problem where the CSV itself breaks."""
    try:
        yield from reader
    except csv.Error as error:
        problems.add(getattr(reader, "line_num", 0), f"is not valid CSV ({error})")


def _check_header(header: list[str], required: Sequence[str], optional: Sequence[str]) -> None:
    missing = [name for name in required if name not in header]
    unknown = [name for name in header if name not in (*required, *optional)]
    if missing or unknown or len(set(header)) != len(header):
        expected = ", ".join(required) + (f" (optional: {', '.join(optional)})" if optional else "")
        raise InvalidFile([RowError(1, f"the header must name the columns {expected}; it has {', '.join(header)}")])


def whole_number(text: str, column: str) -> int:
    number = _whole(text)
    if number is None:
        raise ValueError(f"{column} must be a whole number, not {text!r}")
    return number


def iso_date(text: str, column: str) -> date:
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{column} must be a date like 2026-11-26, not {text!r}") from None


def clock_time(text: str, column: str) -> time:
    match = _CLOCK.match(text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(f"{column} must be a time like 07:00, not {text!r}")
    return time(int(match.group(1)), int(match.group(2)))


def month_day(text: str, column: str) -> tuple[int, int]:
    match = _MONTH_DAY.match(text)
    try:
        if not match:
            raise ValueError
        date(2000, int(match.group(1)), int(match.group(2)))  # a leap year: 02-29 is a real day
    except ValueError:
        raise ValueError(f"{column} must be a month and day like 04-01, not {text!r}") from None
    return int(match.group(1)), int(match.group(2))


def weekday(text: str, column: str) -> int:
    lowered = text.lower()
    matches = [index for index, name in enumerate(WEEKDAY_NAMES) if len(lowered) >= 3 and name.startswith(lowered)]
    if len(matches) != 1:
        raise ValueError(f"{column} must be a day such as mon or Monday, not {text!r}")
    return matches[0]


def zone_code(text: str, column: str = "zone") -> str:
    """A zone's code; 'all' is kept for service changes that apply to every zone.  Spaces are dropped, so a
    city's "Thursday 1" on its map and "Thursday1" in its calendar are one zone."""
    text = "".join(text.split())
    if not ZONE_CODE.match(text) or text.lower() == "all":
        raise ValueError(f"{column} must be 1 to 16 letters, digits, - or _ (and not 'all'), not {text!r}")
    return text

"""An iCalendar (RFC 5545) feed of pickup dates: a published calendar instead of a rule.

Each event's start date is a pickup (all-day events, or timed ones read in the
city's zone); bounded RRULEs are expanded with their RDATEs and EXDATEs, and
cancelled events are left out.  A published calendar already carries the city's
holiday changes, so no holiday slide is applied to it.  Bad events are
reported by the line their BEGIN:VEVENT is on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time, tzinfo
from itertools import islice
from typing import Any

from dateutil.rrule import rrulestr
from icalendar import Calendar

from ivr.self_service.collection.errors import InvalidFile, Problems, RowError

#: An RRULE that yields more than this is a mistake (a daily rule, a missing COUNT).
MAX_OCCURRENCES = 1000

Track = Callable[[list[Any]], Iterable[Any]]


def parse_calendar(data: bytes, zone: tzinfo | None = None, *, summary: str | None = None,
                   track: Track = iter) -> tuple[date, ...]:
    """The pickup dates in the feed; raises InvalidFile listing every bad event.

    `summary` keeps only the events whose SUMMARY contains it (a feed that mixes streams);
    `track` wraps the events, e.g. in a progress bar.
    """
    calendar = _calendar(data)
    problems, days = Problems(), set()
    events = calendar.walk("VEVENT")
    for line, event in track(list(zip(_event_lines(data, len(events)), events, strict=True))):
        if _skipped(event, summary):
            continue
        try:
            days |= _event_days(event, zone)
        except ValueError as error:
            problems.add(line, str(error))
    if not days and not problems:
        problems.add(1, "has no pickup dates: no event with a DTSTART" + (f" and {summary!r}" if summary else ""))
    problems.raise_if_any()
    return tuple(sorted(days))


def _calendar(data: bytes) -> Calendar:
    try:
        return Calendar.from_ical(data)
    except ValueError as error:
        raise InvalidFile([RowError(1, f"is not an iCalendar file ({error})")]) from None


def _event_lines(data: bytes, count: int) -> list[int]:
    """The line of each BEGIN:VEVENT, in order (0 where the file's layout does not tell)."""
    lines = data.decode("utf-8", errors="replace").splitlines()
    found = [number for number, text in enumerate(lines, start=1) if text.strip().upper() == "BEGIN:VEVENT"]
    return (found + [0] * count)[:count]


def _skipped(event: Any, summary: str | None) -> bool:
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return True
    return summary is not None and summary.casefold() not in str(event.get("SUMMARY", "")).casefold()


def _event_days(event: Any, zone: tzinfo | None) -> set[date]:
    start = _day_of(event.get("DTSTART"), "DTSTART", zone)
    days = {start}
    if event.get("RRULE") is not None:
        days |= _expand(event.get("RRULE").to_ical().decode(), start)
    days |= {_day_of(value, "RDATE", zone) for value in _values(event.get("RDATE"))}
    return days - {_day_of(value, "EXDATE", zone) for value in _values(event.get("EXDATE"))}


def _day_of(value: Any, name: str, zone: tzinfo | None) -> date:
    try:
        moment = getattr(value, "dt", None)
    except ValueError:  # icalendar keeps a value it could not read as a "broken" property
        moment = None
    if isinstance(moment, datetime):
        return moment.astimezone(zone).date() if zone and moment.tzinfo else moment.date()
    if isinstance(moment, date):
        return moment
    raise ValueError(f"{name} must be a date or a date-time, not {str(value)!r}" if value is not None
                     else f"the event has no {name}")


def _values(prop: Any) -> list[Any]:
    """The dates of an RDATE or EXDATE property, which may appear on several lines."""
    if prop is None:
        return []
    lines = prop if isinstance(prop, list) else [prop]
    return [value for line in lines for value in getattr(line, "dts", [])]


def _expand(rule: str, start: date) -> set[date]:
    if "COUNT=" not in rule.upper() and "UNTIL=" not in rule.upper():
        raise ValueError(f"RRULE {rule} never ends: give it COUNT or UNTIL, or use a rule in schedules.csv")
    try:
        occurrences = list(islice(rrulestr(rule, dtstart=datetime.combine(start, time()), ignoretz=True),
                                  MAX_OCCURRENCES + 1))
    except (ValueError, TypeError) as error:
        raise ValueError(f"RRULE {rule} cannot be read ({error})") from None
    if len(occurrences) > MAX_OCCURRENCES:
        raise ValueError(f"RRULE {rule} yields more than {MAX_OCCURRENCES} dates")
    return {moment.date() for moment in occurrences}

"""When the contact center is staffed: weekly opening hours and closed days, in the city's zone.

Plain Python: the IVR asks it whether to queue a caller or offer a message,
and (later) the router uses it to close queues.  Configured from text such as
``mon-fri 08:00-17:00; sat 09:00-12:00`` so it fits in one environment variable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PERIOD = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")
#: How far ahead to look for the next opening before giving up (a year of closures).
SEARCH_DAYS = 400

Period = tuple[time, time]


@dataclass(frozen=True)
class OfficeHours:
    zone: ZoneInfo
    weekly: Mapping[int, tuple[Period, ...]]  # Monday = 0
    closed_days: frozenset[date] = frozenset()

    def periods_on(self, day: date) -> tuple[Period, ...]:
        if day in self.closed_days:
            return ()
        return self.weekly.get(day.weekday(), ())

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        return any(start <= local.time() < end for start, end in self.periods_on(local.date()))

    def next_opening(self, moment: datetime) -> datetime | None:
        """The next moment the center opens after `moment` (aware, in the city's zone)."""
        local = moment.astimezone(self.zone)
        for offset in range(SEARCH_DAYS):
            day = local.date() + timedelta(days=offset)
            for start, _ in self.periods_on(day):
                opening = datetime.combine(day, start, tzinfo=self.zone)
                if opening > local:
                    return opening
        return None


def parse_weekly_hours(text: str) -> dict[int, tuple[Period, ...]]:
    """Parse 'mon-fri 08:00-17:00; sat 09:00-12:00' (several periods: '08:00-12:00,13:00-17:00')."""
    weekly: dict[int, list[Period]] = {}
    for clause in filter(None, (part.strip() for part in text.split(";"))):
        days_text, _, periods_text = clause.partition(" ")
        periods = [_parse_period(p.strip()) for p in periods_text.split(",") if p.strip()]
        if not periods:
            raise ValueError(f"{clause!r} names days but no hours such as 08:00-17:00")
        for day in _parse_days(days_text.strip().lower()):
            weekly.setdefault(day, []).extend(periods)
    return {day: tuple(sorted(periods)) for day, periods in weekly.items()}


def _parse_days(text: str) -> Iterable[int]:
    first, _, last = text.partition("-")
    if first not in DAY_NAMES or (last and last not in DAY_NAMES):
        raise ValueError(f"{text!r} is not a day or day range such as mon-fri")
    start = DAY_NAMES.index(first)
    end = DAY_NAMES.index(last) if last else start
    if end < start:
        raise ValueError(f"{text!r} runs backwards; write it as two ranges")
    return range(start, end + 1)


def _parse_period(text: str) -> Period:
    match = _PERIOD.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a period such as 08:00-17:00")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
        raise ValueError(f"{text!r} is not a real time of day")
    start = time(h1, m1)
    end = time.max if h2 == 24 else time(h2, m2)
    if end <= start:
        raise ValueError(f"{text!r} closes before it opens")
    return start, end


def parse_closed_days(text: str) -> frozenset[date]:
    """Parse '2026-12-25, 2027-01-01'."""
    days = set()
    for item in filter(None, (part.strip() for part in text.split(","))):
        try:
            days.add(date.fromisoformat(item))
        except ValueError:
            raise ValueError(f"{item!r} is not a date such as 2026-12-25") from None
    return frozenset(days)

"""Is the city's published collection data about to run out?

A rule ("every Thursday") never ends, but a published calendar does: when a
city's feed stops at the end of its year and nobody imports the next one,
callers are told "there is no upcoming pickup" for every day after.  That must
be loud before it happens, so the import, `cityline import check` and /healthz
warn while there is still time to load the next feed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

#: Warn this many days before a published calendar's last pickup (COLLECTION_WARN_DAYS).
DEFAULT_WARN_DAYS = 30


@dataclass(frozen=True)
class EndingCalendar:
    last_day: date | None  # None: the calendar has no date at all from today on
    zone: str
    stream: str

    def days_left(self, today: date) -> int:
        return -1 if self.last_day is None else (self.last_day - today).days

    def describe(self, today: date) -> str:
        where = f"zone {self.zone} {self.stream}"
        if self.last_day is None or self.last_day < today:
            return (f"{where}: the published calendar has no pickup from {today.isoformat()} on; callers hear "
                    "that there is no upcoming pickup. Import the next feed (cityline import calendar)")
        return (f"{where}: the published calendar ends on {self.last_day.isoformat()} "
                f"(in {self.days_left(today)} days); after that callers hear that there is no upcoming pickup. "
                "Import the next feed (cityline import calendar)")


def ending_soon(last_days: Iterable[tuple[str, str, date | None]], today: date,
                warn_days: int = DEFAULT_WARN_DAYS) -> list[EndingCalendar]:
    """The published calendars (zone, stream, last date or None) whose last pickup is within `warn_days`,
    soonest first (an empty one before all)."""
    ending = [EndingCalendar(last, zone, stream) for zone, stream, last in last_days
              if last is None or (last - today).days <= warn_days]
    return sorted(ending, key=lambda calendar: (calendar.last_day or date.min, calendar.zone, calendar.stream))

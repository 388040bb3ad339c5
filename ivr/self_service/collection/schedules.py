"""When each zone's carts are emptied: rules (weekly, every other week, in season) or published dates.

A schedule is one zone and one stream (trash, recycling, yard waste, or any
stream the city's streams file names: see `streams`).  Most
cities publish a rule ("recycling every other Thursday"); some publish a
calendar of dates instead, which already carries its holiday changes.  Operators
post one-off service changes (a storm delay: a day's pickups moved or cancelled).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from ivr.self_service.collection.streams import STANDARD

#: The standard streams; a city adds its own in its streams file (`streams.StreamBook.codes`).
STREAMS = STANDARD
WEEKLY, EVERY_OTHER_WEEK, CALENDAR = "weekly", "every_other_week", "calendar"
FREQUENCIES = (WEEKLY, EVERY_OTHER_WEEK)
#: Carts must be at the curb by this time: a pickup today is "next" only before it.
DEFAULT_CUTOFF = time(7, 0)
#: A service change for every zone or every stream.
EVERY = "*"


@dataclass(frozen=True)
class Season:
    """Month-day bounds, inclusive; a season may run over the new year (Dec 26 to Jan 31)."""

    start: tuple[int, int]  # (month, day)
    end: tuple[int, int]

    def contains(self, day: date) -> bool:
        month_day = (day.month, day.day)
        if self.start <= self.end:
            return self.start <= month_day <= self.end
        return month_day >= self.start or month_day <= self.end

    @property
    def whole_months(self) -> bool:
        """True when the season starts on the 1st and ends on a month's last day ("April through November")."""
        last_day = 28 if self.end[0] == 2 else (30 if self.end[0] in (4, 6, 9, 11) else 31)
        return self.start[1] == 1 and self.end[1] >= last_day


@dataclass(frozen=True)
class Rule:
    weekday: int  # Monday = 0
    every_weeks: int = 1  # 1 weekly, 2 every other week
    start: date | None = None  # the first pickup; every other week counts fortnights from it
    season: Season | None = None

    def falls_on(self, day: date) -> bool:
        """Whether the rule alone (before holidays) picks up on `day`."""
        if day.weekday() != self.weekday or (self.start is not None and day < self.start):
            return False
        if self.every_weeks > 1 and self.start is not None and (day - self.start).days % (7 * self.every_weeks):
            return False
        return self.season is None or self.season.contains(day)


@dataclass(frozen=True)
class Schedule:
    zone: str
    stream: str
    rule: Rule | None = None  # None: the published `dates` are the schedule
    dates: tuple[date, ...] = ()
    cutoff: time = DEFAULT_CUTOFF


@dataclass(frozen=True)
class ServiceChange:
    """An operator's one-off change: the pickups due on `day` move to `moved_to`, or are cancelled,
    or (`extra`) there is an extra pickup on `day` that no rule or calendar has."""

    zone: str  # a zone code, or EVERY
    stream: str  # a stream, or EVERY
    day: date  # the day the pickup was due (after any holiday slide)
    moved_to: date | None = None  # None: cancelled
    note: str = ""
    extra: bool = False

    def applies_to(self, zone: str, stream: str) -> bool:
        return self.zone in (zone, EVERY) and self.stream in (stream, EVERY)

    @property
    def specificity(self) -> int:
        """A change for one zone and stream outranks a city-wide one on the same day."""
        return (self.zone != EVERY) * 2 + (self.stream != EVERY)

"""The holidays that slide a week's pickups, from the `holidays` package's US calendar.

The city chooses which holidays count for collection (most keep crews working
on Columbus Day, few on Christmas).  What counts is the day a holiday is
observed: Independence Day on a Saturday is observed on Friday the 3rd, and
Friday's pickup slides to Saturday; the Saturday itself changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

from ivr.self_service.collection.holiday_rules import HolidayRule

_OBSERVED = re.compile(r"\s*\((?:observed|estimated)[^)]*\)\s*$", re.IGNORECASE)
#: Years whose names are offered when a city's list names a holiday the calendar lacks.
NAME_YEARS = range(2020, 2041)


class UnknownHoliday(ValueError):
    """A holiday name that the US calendar does not have (the message suggests the closest)."""


def base_name(name: str) -> str:
    """'Christmas Day (observed)' -> 'Christmas Day'."""
    return _OBSERVED.sub("", name)


@lru_cache(maxsize=64)
def _observed_in(year: int) -> dict[date, tuple[str, ...]]:
    calendar = holidays.country_holidays("US", years=year, observed=True)
    return {day: tuple(base_name(name) for name in calendar.get_list(day)) for day in calendar}


@lru_cache(maxsize=64)
def _actual_in(year: int) -> dict[date, tuple[str, ...]]:
    calendar = holidays.country_holidays("US", years=year, observed=False)
    return {day: tuple(base_name(name) for name in calendar.get_list(day)) for day in calendar}


@lru_cache(maxsize=1)
def known_names() -> frozenset[str]:
    return frozenset(name for year in NAME_YEARS for names in _observed_in(year).values() for name in names)


def check_name(name: str) -> str:
    """The calendar's own spelling of `name` (case-insensitive); raises UnknownHoliday otherwise."""
    by_folded = {known.casefold(): known for known in known_names()}
    if name.strip().casefold() in by_folded:
        return by_folded[name.strip().casefold()]
    close = [known for known in sorted(known_names()) if name.strip().casefold() in known.casefold()]
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise UnknownHoliday(f"{name!r} is not a US holiday name{hint}")


@dataclass(frozen=True)
class HolidayCalendar:
    """The observed weekday holidays among the names the city chose."""

    names: frozenset[str]
    rule: HolidayRule = HolidayRule()

    @classmethod
    def of(cls, names: Iterable[str], rule: HolidayRule | None = None) -> HolidayCalendar:
        return cls(frozenset(names), rule or HolidayRule())

    def holiday_on(self, day: date) -> str | None:
        """The chosen holiday on `day` if it is a weekday (on its observed day, if the rule says so), else None."""
        if day.weekday() >= 5 or not self.names:
            return None
        calendar = _observed_in if self.rule.observed_weekends else _actual_in
        return next((name for name in calendar(day.year).get(day, ()) if name in self.names), None)

    def earlier_in_week(self, day: date) -> list[str]:
        """Holidays from Monday of `day`'s week up to and including `day`: each one slides it a day."""
        return [name for _, name in self.week_up_to(day)]

    def week_up_to(self, day: date) -> list[tuple[date, str]]:
        """The holidays (day, name) from Monday of `day`'s week up to and including `day`."""
        monday = day - timedelta(days=day.weekday())
        days = [monday + timedelta(days=offset) for offset in range(day.weekday() + 1)]
        return [(each, name) for each in days if (name := self.holiday_on(each)) is not None]

"""The holidays that slide a week's pickups: a country's calendar from the `holidays` package, and the city's own.

The city chooses which holidays count for collection (most keep crews working
on Columbus Day, few on Christmas).  Its country's and state's or province's
holidays come from the `holidays` package; days the package does not have
(the day after Thanksgiving, Christmas Eve, a city's founding day) are the
city's own, defined by a date, an offset from another holiday, or from Easter.
What counts is the day a holiday is observed, unless the city's rule says
weekend holidays change nothing: Independence Day on a Saturday is observed on
Friday the 3rd, and Friday's pickup slides to Saturday.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.easter import easter

from ivr.self_service.collection.holiday_rules import HolidayRule

_OBSERVED = re.compile(r"\s*\((?:observed|estimated)[^)]*\)\s*$", re.IGNORECASE)
#: Years whose names are offered when a city's list names a holiday the calendar lacks.
NAME_YEARS = range(2020, 2041)
DEFAULT_COUNTRY = "US"


class UnknownHoliday(ValueError):
    """A holiday name that the country's calendar does not have (the message suggests the closest)."""


class UnknownCountry(ValueError):
    """A country or subdivision code the `holidays` package does not know."""


def base_name(name: str) -> str:
    """'Christmas Day (observed)' -> 'Christmas Day'."""
    return _OBSERVED.sub("", name)


def check_country(country: str, subdivision: str | None = None) -> None:
    """Raises UnknownCountry naming the codes the package offers."""
    supported = holidays.list_supported_countries()
    if country not in supported:
        raise UnknownCountry(f"{country!r} is not a country code the holidays package knows (ISO 3166, e.g. US, CA)")
    if subdivision is not None and subdivision not in supported[country]:
        choices = ", ".join(supported[country][:12]) + (", ..." if len(supported[country]) > 12 else "")
        raise UnknownCountry(f"{subdivision!r} is not a subdivision of {country} ({choices})")


@lru_cache(maxsize=256)
def _calendar_in(country: str, subdivision: str | None, year: int, observed: bool) -> dict[date, tuple[str, ...]]:
    calendar = holidays.country_holidays(country, subdiv=subdivision, years=year, observed=observed)
    return {day: tuple(base_name(name) for name in calendar.get_list(day)) for day in calendar}


@lru_cache(maxsize=64)
def known_names(country: str = DEFAULT_COUNTRY, subdivision: str | None = None) -> frozenset[str]:
    return frozenset(name for year in NAME_YEARS for names in _calendar_in(country, subdivision, year, True).values()
                     for name in names)


def check_name(name: str, country: str = DEFAULT_COUNTRY, subdivision: str | None = None) -> str:
    """The calendar's own spelling of `name` (case-insensitive); raises UnknownHoliday otherwise."""
    known = known_names(country, subdivision)
    by_folded = {each.casefold(): each for each in known}
    if name.strip().casefold() in by_folded:
        return by_folded[name.strip().casefold()]
    close = [each for each in sorted(known) if name.strip().casefold() in each.casefold()]
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    where = country + (f"-{subdivision}" if subdivision else "")
    raise UnknownHoliday(f"{name!r} is not a {where} holiday name{hint}")


@dataclass(frozen=True)
class CityHoliday:
    """A day the package does not have: a fixed date, `days` after a named holiday, or `days` from Easter."""

    name: str
    month_day: tuple[int, int] | None = None
    after: str | None = None  # a name in the country's calendar
    from_easter: bool = False
    days: int = 0

    def day_in(self, year: int, country: str, subdivision: str | None) -> date | None:
        if self.month_day is not None:
            return date(year, *self.month_day)
        if self.from_easter:
            return easter(year) + timedelta(days=self.days)
        actual = _calendar_in(country, subdivision, year, False)
        base = next((day for day, names in sorted(actual.items()) if self.after in names), None)
        return None if base is None else base + timedelta(days=self.days)


@dataclass(frozen=True)
class HolidayCalendar:
    """The weekday holidays among the names the city chose (on their observed day, if the rule says so)."""

    names: frozenset[str]
    rule: HolidayRule = HolidayRule()
    country: str = DEFAULT_COUNTRY
    subdivision: str | None = None
    own: tuple[CityHoliday, ...] = ()
    #: How a holiday is said in other languages: {"es": {"Christmas Eve": "la Nochebuena"}}.
    spoken: Mapping[str, Mapping[str, str]] = field(default_factory=dict, hash=False, compare=False)

    @classmethod
    def of(cls, names: Iterable[str], rule: HolidayRule | None = None) -> HolidayCalendar:
        return cls(frozenset(names), rule or HolidayRule())

    def holiday_on(self, day: date) -> str | None:
        """The chosen holiday on `day` if it is a weekday (on its observed day, if the rule says so), else None."""
        if day.weekday() >= 5 or not (self.names or self.own):
            return None
        observed = self.rule.observed_weekends
        listed = _calendar_in(self.country, self.subdivision, day.year, observed).get(day, ())
        found = next((name for name in listed if name in self.names), None)
        return found or self._own_on(day, observed)

    def _own_on(self, day: date, observed: bool) -> str | None:
        for holiday in self.own:
            # A holiday near New Year may be observed in the year before or after its own.
            for year in (day.year - 1, day.year, day.year + 1):
                actual = holiday.day_in(year, self.country, self.subdivision)
                if actual is not None and (_observed_day(actual) if observed else actual) == day:
                    return holiday.name
        return None

    def earlier_in_week(self, day: date) -> list[str]:
        """Holidays from Monday of `day`'s week up to and including `day`: each one slides it a day."""
        return [name for _, name in self.week_up_to(day)]

    def week_up_to(self, day: date) -> list[tuple[date, str]]:
        """The holidays (day, name) from Monday of `day`'s week up to and including `day`."""
        monday = day - timedelta(days=day.weekday())
        days = [monday + timedelta(days=offset) for offset in range(day.weekday() + 1)]
        return [(each, name) for each in days if (name := self.holiday_on(each)) is not None]

    def spoken_name(self, name: str, language: str) -> str | None:
        """The city's own word for `name` in `language`, if it gave one."""
        return self.spoken.get(language, {}).get(name)


def _observed_day(actual: date) -> date:
    """The usual US and Canadian practice: a Saturday holiday is observed Friday, a Sunday one Monday."""
    if actual.weekday() == 5:
        return actual - timedelta(days=1)
    if actual.weekday() == 6:
        return actual + timedelta(days=1)
    return actual

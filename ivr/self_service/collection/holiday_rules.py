"""How a city's holidays move its pickups: the rule, as plain data and one function.

Cities differ (checked against their published calendars):
- CityLine's first rule: every weekday holiday on or before the pickup day in its week slides the
  pickup a day, weekend holidays count on their observed Friday or Monday, and a Friday pickup pushed
  off the week goes to Saturday.
- Toronto-style: a holiday on a day a route does not collect moves nothing for that route
  (`non_collection_days_slide=False`): New Year's Day on a Monday leaves Tuesday routes alone.
- Minneapolis-style: a holiday on a Saturday or Sunday changes nothing (`observed_weekends=False`).
- Where a pickup pushed past the last collection day goes: Saturday (`saturday`; two holidays in a
  week, such as Thanksgiving and the day after, still leave Friday's pickup on Saturday), the same day
  a week later (`next_week`), or it is collected on its usual day, holiday or not (`holiday`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

DISPLACED = ("saturday", "next_week", "holiday")


class InvalidHolidayRule(ValueError):
    """A holiday rule setting that cannot be used; the message names the setting."""


@dataclass(frozen=True)
class HolidayRule:
    observed_weekends: bool = True  # a weekend holiday counts on its observed Friday or Monday
    non_collection_days_slide: bool = True  # a holiday on a day this route does not collect still slides it
    displaced_last_day: str = "saturday"  # where a pickup pushed past the last collection day goes
    last_collection_weekday: int = 4  # Friday

    def __post_init__(self) -> None:
        if self.displaced_last_day not in DISPLACED:
            raise InvalidHolidayRule(f"displaced_last_day: {self.displaced_last_day!r} is not one of "
                                     f"{', '.join(DISPLACED)}")
        if not 0 <= self.last_collection_weekday <= 5:
            raise InvalidHolidayRule("last_collection_weekday: must be 0 (Monday) to 5 (Saturday)")


def slide(usual: date, week_holidays: Sequence[tuple[date, str]], collects: Callable[[date], bool],
          rule: HolidayRule) -> tuple[date, str | None]:
    """The day a pickup due on `usual` is made, and the holiday that moved it (None: not moved).

    `week_holidays` are the holidays (day, name) from Monday of its week up to and including `usual`;
    `collects(day)` says whether this route collects on `day` by its rule alone."""
    counted = [(day, name) for day, name in week_holidays
               if day == usual or rule.non_collection_days_slide or collects(day)]
    if not counted:
        return usual, None
    moved = usual + timedelta(days=len(counted))
    name = counted[-1][1]
    if moved.weekday() <= rule.last_collection_weekday:
        return moved, name
    if rule.displaced_last_day == "next_week":
        return usual + timedelta(days=7), name
    if rule.displaced_last_day == "holiday":
        return usual, None
    # Saturday is as far as a week goes: two holidays before a Friday still leave it on Saturday.
    return min(moved, usual + timedelta(days=5 - usual.weekday())), name

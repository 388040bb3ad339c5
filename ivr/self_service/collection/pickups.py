"""The next pickup of a stream: the rule or calendar, then holiday slides, then service changes.

All arithmetic is on local dates in the city's zone, so a change of clocks
never moves a pickup; only "is today's pickup still ahead?" looks at the local
time, against the schedule's cutoff.  Every-other-week rules count days from
their first pickup, never ISO week numbers (a 53-week year would flip them).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo

from ivr.self_service.collection.holiday_calendar import HolidayCalendar
from ivr.self_service.collection.holiday_rules import slide
from ivr.self_service.collection.schedules import Schedule, ServiceChange

#: Service changes may move a recent pickup into the coming days, so look a little back.
LOOK_BACK = timedelta(days=14)
#: Far enough to reach next season's first yard-waste pickup.
HORIZON = timedelta(days=400)


@dataclass(frozen=True)
class Pickup:
    day: date
    usual: date  # the day the rule or calendar set, before holidays and service changes
    holiday: str | None = None  # the holiday that slid it
    moved: bool = False  # moved by a service change
    due: date | None = None  # the day it was due after any holiday slide, before a service change
    extra: bool = False  # an extra pickup an operator posted, beyond the schedule

    @property
    def due_day(self) -> date:
        return self.due or self.day


@dataclass(frozen=True)
class NextPickup:
    stream: str
    pickup: Pickup
    cancelled: tuple[date, ...] = ()  # pickups that were due before it and were called off


def next_pickup(schedule: Schedule, now: datetime, zone: tzinfo, holidays: HolidayCalendar,
                changes: Iterable[ServiceChange] = ()) -> NextPickup | None:
    """The first pickup still ahead at `now` (aware) in the city's `zone`; None when none is left."""
    now = now.astimezone(zone)
    today = now.date()
    changes_by_day = _by_day(change for change in changes if change.applies_to(schedule.zone, schedule.stream))
    cancelled: list[date] = []  # filled by _after_changes as the planned pickups go through it
    pickups = list(_after_changes(_planned(schedule, today, holidays), changes_by_day, cancelled))
    pickups += [Pickup(day, day, due=day, extra=True) for day, change in changes_by_day.items() if change.extra]
    for pickup in sorted(pickups, key=lambda p: p.day):
        if pickup.day > today or (pickup.day == today and now.time() < schedule.cutoff):
            due = tuple(day for day in sorted(cancelled) if today <= day < pickup.day)
            return NextPickup(schedule.stream, pickup, due)
    return None


def _planned(schedule: Schedule, today: date, holidays: HolidayCalendar) -> Iterator[Pickup]:
    """The schedule's pickups around today, holiday slides applied to rules (calendars carry their own)."""
    first, last = today - LOOK_BACK, today + HORIZON
    if schedule.rule is None:
        yield from (Pickup(day, day, due=day) for day in schedule.dates if first <= day <= last)
        return
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        if schedule.rule.falls_on(day):
            moved, name = slide(day, holidays.week_up_to(day), schedule.rule.falls_on, holidays.rule)
            yield Pickup(moved, day, name, due=moved)


def planned_around(schedule: Schedule, day: date, holidays: HolidayCalendar) -> list[Pickup]:
    """The schedule's pickups within two weeks of `day`, holiday slides applied, no service changes."""
    return [pickup for pickup in _planned(schedule, day, holidays)
            if abs((pickup.due_day - day).days) <= 14 or abs((pickup.usual - day).days) <= 14]


def _after_changes(pickups: Iterable[Pickup], changes: dict[date, ServiceChange],
                   cancelled: list[date]) -> Iterator[Pickup]:
    for pickup in pickups:
        change = changes.get(pickup.day)
        if change is None or change.extra:
            yield pickup
        elif change.moved_to is None:
            cancelled.append(pickup.day)
        else:
            yield replace(pickup, day=change.moved_to, moved=True)


def _by_day(changes: Iterable[ServiceChange]) -> dict[date, ServiceChange]:
    """The change in force on each day: the most specific one wins."""
    chosen: dict[date, ServiceChange] = {}
    for change in sorted(changes, key=lambda c: c.specificity):
        chosen[change.day] = change
    return chosen

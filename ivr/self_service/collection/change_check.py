"""Is a service change posted for a day a pickup is actually due?

Operators post a change for the day a pickup was due after any holiday slide
(Thanksgiving moves Thursday's pickup to Friday, so a storm delay of that pickup
is posted for Friday).  A change for any other day would be stored and never
heard by a caller, so it is refused with the day that would have worked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ivr.self_service.collection.holiday_calendar import HolidayCalendar
from ivr.self_service.collection.pickups import planned_around
from ivr.self_service.collection.schedules import EVERY, Schedule, ServiceChange


def problem_with(change: ServiceChange, schedules: Iterable[Schedule],
                 holidays_of: Callable[[str], HolidayCalendar]) -> str | None:
    """None when some schedule the change covers has a pickup due on its day; else why not, in words."""
    covered = [s for s in schedules if change.applies_to(s.zone, s.stream)]
    where = _where(change)
    if not covered:
        return f"{where} has no collection schedule; import the schedules first"
    if change.extra:
        return _extra_problem(change, covered, holidays_of)
    slid: list[str] = []
    for schedule in covered:
        for pickup in planned_around(schedule, change.day, holidays_of(schedule.zone)):
            if pickup.due_day == change.day:
                return None
            if pickup.usual == change.day and pickup.holiday is not None:
                slid.append(f"{pickup.holiday} moved zone {schedule.zone}'s {schedule.stream} pickup "
                            f"to {pickup.due_day.isoformat()}")
    day = f"{change.day.isoformat()} ({change.day.strftime('%A')})"
    if slid:
        return f"no pickup of {where} is due on {day}: {'; '.join(sorted(set(slid)))}; post the change for that day"
    return f"no pickup of {where} is due on {day}"


def _where(change: ServiceChange) -> str:
    zone = "any zone" if change.zone == EVERY else f"zone {change.zone}"
    stream = "any stream" if change.stream == EVERY else change.stream
    return f"{stream} in {zone}"


def _extra_problem(change: ServiceChange, covered: list[Schedule],
                   holidays_of: Callable[[str], HolidayCalendar]) -> str | None:
    """An extra pickup on a day one is already due would never be heard as extra: refused."""
    for schedule in covered:
        if any(pickup.due_day == change.day for pickup in planned_around(schedule, change.day,
                                                                          holidays_of(schedule.zone))):
            return (f"zone {schedule.zone}'s {schedule.stream} is already collected on {change.day.isoformat()}: "
                    "an extra pickup is for a day without one")
    return None

"""Self-service answers about when the 3-1-1 center is staffed."""

from __future__ import annotations

from datetime import date, time

from flows.handlers import HandlerRegistry, HandlerRequest, HandlerResult
from ivr.i18n import Section
from ivr.self_service.spoken import WEEKDAYS, spoken_day, spoken_list, spoken_time
from routing.office_hours import OfficeHours

#: The sentences and their pieces, per language, from the message catalogs (ivr/i18n, ids office_hours.*).
PHRASES = Section("office_hours")


def describe_week(hours: OfficeHours, language: str) -> str:
    """'Our agents are available Monday through Friday, from 8 AM to 5 PM, and Saturday, ...'."""
    phrases = PHRASES[language]
    groups = _group_days(hours)
    if not groups:
        return phrases["never"]
    parts = [phrases["day_hours"].format(days=_day_range(first, last, language), hours=_periods(periods, language))
             for first, last, periods in groups]
    days = spoken_list(parts, language, separator=phrases["groups_separator"])
    return phrases["week"].format(intro=phrases["week_intro"], days=days)


def _group_days(hours: OfficeHours) -> list[tuple[int, int, tuple]]:
    """Consecutive weekdays with the same hours, as (first, last, periods)."""
    groups: list[tuple[int, int, tuple]] = []
    for day in range(7):
        periods = hours.weekly.get(day, ())
        if not periods:
            continue
        if groups and groups[-1][1] == day - 1 and groups[-1][2] == periods:
            groups[-1] = (groups[-1][0], day, periods)
        else:
            groups.append((day, day, periods))
    return groups


def _day_range(first: int, last: int, language: str) -> str:
    names = WEEKDAYS[language]
    if (first, last) == (0, 6):
        return PHRASES[language]["every_day"]
    if first == last:
        return names[first]
    return PHRASES[language]["range"].format(first=names[first], last=names[last])


def _periods(periods: tuple, language: str) -> str:
    if periods == ((time.min, time.max),):
        return PHRASES[language]["all_day"]
    template = PHRASES[language]["period"]
    spoken = [template.format(start=spoken_time(s, language), end=spoken_time(e, language))
              for s, e in periods]
    return spoken_list(spoken, language)


def next_opening_sentence(hours: OfficeHours, request: HandlerRequest) -> str:
    opening = hours.next_opening(request.now)
    phrases = PHRASES[request.language]
    if opening is None:
        return phrases["never"]
    today: date = request.now.astimezone(hours.zone).date()
    day = spoken_day(opening.date(), today, request.language)
    return phrases["back"].format(day=day, time=spoken_time(opening.time(), request.language))


def register(registry: HandlerRegistry, hours: OfficeHours) -> None:
    def is_open(request: HandlerRequest) -> HandlerResult:
        return HandlerResult("open" if hours.is_open(request.now) else "closed")

    def announce(request: HandlerRequest) -> HandlerResult:
        sentences = [describe_week(hours, request.language)]
        if not hours.is_open(request.now):
            sentences += [PHRASES[request.language]["closed_now"],
                          next_opening_sentence(hours, request)]
        return HandlerResult("done", tuple(sentences))

    def next_opening(request: HandlerRequest) -> HandlerResult:
        sentences = (PHRASES[request.language]["closed_now"], next_opening_sentence(hours, request))
        return HandlerResult("done", sentences)

    registry.register("office_hours.is_open", is_open, {"open", "closed"})
    registry.register("office_hours.announce", announce, {"done"})
    registry.register("office_hours.next_opening", next_opening, {"done"})



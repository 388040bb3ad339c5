"""The next pickups as a caller should hear them, in English and Spanish.

"Your next trash pickup is Thursday, November 26. Recycling is every other
Thursday; the next one is December 3."  A date is given in full when it is not
the rule's usual weekday (a holiday slide, a storm delay), and the reason is said.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ivr.i18n import Section, catalogs
from ivr.self_service.collection.holiday_calendar import HolidayCalendar
from ivr.self_service.collection.pickups import NextPickup
from ivr.self_service.collection.schedules import EVERY_OTHER_WEEK, Rule, Schedule, Season
from ivr.self_service.collection.streams import StreamBook
from ivr.self_service.spoken import (
    MONTHS,
    WEEKDAYS,
    spoken_digits_apart,
    spoken_month_day,
    spoken_time,
    spoken_weekday_date,
)

#: The sentences and their pieces, per language, from the message catalogs (ivr/i18n, ids collection.*).
PHRASES = Section("collection")


@dataclass(frozen=True)
class Said:
    """A stream as a sentence needs it: in a sentence, as a rule's subject, and its next pickup as a whole."""

    name: str  # "trash", "leaf"
    subject: str  # "Trash", "The green bin"
    pickup: str  # "leaf collection": the city's whole phrase for its next one, '' when it gave none


def stream_words(code: str, language: str, book: StreamBook | None = None) -> Said:
    """The city's words for the stream (its streams file), else the catalog's (collection.stream.<code>)."""
    own = (book or StreamBook()).words(code, language)
    if own is not None:
        name = own.name
        subject = own.subject or name[:1].upper() + name[1:]
    else:
        key = f"collection.stream.{code}"
        name = catalogs().raw(language, key) or catalogs().raw("en", key) or code.replace("_", " ")
        subject = catalogs().raw(language, f"collection.stream.{code}.subject") or name[:1].upper() + name[1:]
    return Said(name, subject, own.pickup if own is not None else "")


PLURAL_WEEKDAYS_ES = {"sábado": "sábados", "domingo": "domingos"}


@dataclass(frozen=True)
class Answer:
    """One stream's schedule and what comes next on it (None: nothing left on the schedule)."""

    schedule: Schedule
    next: NextPickup | None


def address_intro(house: str, street: str, zip_code: str, language: str) -> str:
    """Repeats the address back, so a caller hears at once if it was misheard."""
    if street:
        return PHRASES[language]["intro_street"].format(house=house, street=street)
    return PHRASES[language]["intro_zip"].format(house=house, zip=spoken_digits_apart(zip_code))


def describe(answers: Sequence[Answer], today: date, language: str,
             holidays: HolidayCalendar | None = None, streams: StreamBook | None = None) -> list[str]:
    """Sentences for every stream, in the order given; a headline stream (trash) or a published calendar
    as 'your next ... is', the others with their rule."""
    book = streams or StreamBook()
    sentences: list[str] = []
    for answer in answers:
        said = stream_words(answer.schedule.stream, language, book)
        sentences += _cancellations(answer, today, language, said)
        sentences.append(_sentence(answer, today, language, holidays, said, book))
    cutoffs = [a.schedule.cutoff for a in answers if a.next and a.next.pickup.day == today]
    if cutoffs:
        sentences.append(PHRASES[language]["curb"].format(time=spoken_time(min(cutoffs), language)))
    return sentences


def _sentence(answer: Answer, today: date, language: str, holidays: HolidayCalendar | None, said: Said,
              book: StreamBook) -> str:
    phrases = PHRASES[language]
    if answer.next is None:
        return phrases["none_left"].format(stream=said.name)
    pickup, rule = answer.next.pickup, answer.schedule.rule
    why = _why(answer.next, language, holidays)
    if rule is None or book.get(answer.schedule.stream).headline or pickup.extra:
        when = _when(pickup.day, today, language)
        if said.pickup:  # the city's own phrase: "Your next leaf collection is ..."
            return phrases["next_named"].format(pickup=said.pickup, when=when, why=why)
        return phrases["next"].format(stream=said.name, when=when, why=why)
    usual_weekday = pickup.day.weekday() == rule.weekday
    when = _when(pickup.day, today, language, short=usual_weekday)
    return phrases["rule"].format(subject=said.subject, rule=describe_rule(rule, language), when=when, why=why)


def _when(day: date, today: date, language: str, *, short: bool = False) -> str:
    """'today', 'tomorrow, Friday, November 27', 'Thursday, November 26' or (short) 'December 3'."""
    phrases = PHRASES[language]
    if day == today:
        return phrases["today"]
    if (day - today).days == 1:
        return phrases["tomorrow"].format(date=spoken_weekday_date(day, language))
    spoken = spoken_month_day(day, language) if short else spoken_weekday_date(day, language)
    return spoken if language == "en" else phrases["on"].format(date=spoken)


def _why(next_pickup: NextPickup, language: str, holidays: HolidayCalendar | None) -> str:
    pickup, phrases = next_pickup.pickup, PHRASES[language]
    if pickup.extra:
        return phrases["extra"]
    if pickup.moved:
        # Where it was due when the change was posted: after the holiday slide, not the rule's weekday.
        due = spoken_weekday_date(pickup.due_day, language)
        if pickup.holiday is not None and pickup.due_day != pickup.usual:
            holiday = holiday_name(pickup.holiday, language, holidays)
            return phrases["slid_then_moved"].format(usual=due, holiday=holiday)
        return phrases["moved"].format(usual=due)
    if pickup.holiday is None:
        return ""
    days = (pickup.day - pickup.usual).days
    late = phrases["one_day"] if days == 1 else phrases["days"].format(n=days)
    return phrases["slid"].format(days=late, holiday=holiday_name(pickup.holiday, language, holidays))


def _cancellations(answer: Answer, today: date, language: str, said: Said) -> list[str]:
    if answer.next is None:
        return []
    return [PHRASES[language]["cancelled"].format(stream=said.name, day=_day(day, today, language))
            for day in answer.next.cancelled]


def _day(day: date, today: date, language: str) -> str:
    phrases = PHRASES[language]
    if day == today:
        return phrases["today"]
    return phrases["on"].format(date=spoken_weekday_date(day, language))


def holiday_name(name: str, language: str, holidays: HolidayCalendar | None = None) -> str:
    """The city's own word for the holiday if its holiday file gave one, else the catalog's (holiday.<name>);
    English says the calendar's name, another language without one says "the holiday" in its words."""
    own = holidays.spoken_name(name, language) if holidays is not None else None
    if own:
        return own
    translated = catalogs().raw(language, f"holiday.{name}")
    if translated:
        return translated
    return name if language == "en" else PHRASES[language]["holiday_unknown"]


def describe_rule(rule: Rule, language: str) -> str:
    """'every other Thursday from April through November' / 'todos los jueves de abril a noviembre'."""
    weekday = WEEKDAYS[language][rule.weekday]
    if language == "es":
        weekday = PLURAL_WEEKDAYS_ES.get(weekday, weekday)
    frequency = EVERY_OTHER_WEEK if rule.every_weeks == 2 else "weekly"
    text = PHRASES[language][frequency].format(weekday=weekday)
    return text + (_season(rule.season, language) if rule.season else "")


def _season(season: Season, language: str) -> str:
    phrases = PHRASES[language]
    if season.whole_months:
        months = MONTHS[language]
        return phrases["season_months"].format(start=months[season.start[0] - 1], end=months[season.end[0] - 1])
    start, end = (date(2000, *month_day) for month_day in (season.start, season.end))
    return phrases["season_days"].format(start=spoken_month_day(start, language),
                                         end=spoken_month_day(end, language))

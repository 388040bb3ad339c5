"""Dates and times as a caller should hear them.

Text-to-speech reads "08:00" and "2026-11-30" badly; these helpers write what a
person would say: "8 AM", "las 8 de la mañana", "Monday, November 30".  The
names of weekdays and months come from CLDR through Babel, for any locale; the
few spoken-language rules CLDR does not cover ("primero de diciembre", Spanish
times of day) are kept here, small and tested per language.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, time
from functools import lru_cache

from babel import Locale
from babel.dates import get_day_names, get_month_names


def babel_locale(language: str) -> Locale:
    """'zh-CN' -> Locale zh_CN; an unknown code is English rather than an error while a caller listens."""
    try:
        return Locale.parse(language.replace("-", "_"))
    except (ValueError, TypeError):
        return Locale.parse("en")


class _CldrNames(Mapping[str, tuple[str, ...]]):
    """WEEKDAYS["es"] -> ('lunes', ..., 'domingo'); MONTHS["en"] -> ('January', ...): CLDR's wide names."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __getitem__(self, language: str) -> tuple[str, ...]:
        return _names(self.kind, language)

    def __iter__(self) -> Iterator[str]:
        return iter(("en", "es"))

    def __len__(self) -> int:
        return 2


@lru_cache(maxsize=64)
def _names(kind: str, language: str) -> tuple[str, ...]:
    locale = babel_locale(language)
    if kind == "weekdays":
        names = get_day_names("wide", locale=locale)  # 0 is Monday
        return tuple(str(names[index]) for index in range(7))
    months = get_month_names("wide", locale=locale)  # 1 is January
    return tuple(str(months[index]) for index in range(1, 13))


WEEKDAYS: Mapping[str, tuple[str, ...]] = _CldrNames("weekdays")
MONTHS: Mapping[str, tuple[str, ...]] = _CldrNames("months")


def spoken_time(moment: time, language: str) -> str:
    """'8 AM', '12:30 PM', 'midnight' / 'las 8 de la mañana', 'la 1 de la tarde'."""
    if moment == time.max:
        return "midnight" if language == "en" else "la medianoche"
    if moment == time(12, 0):
        return "noon" if language == "en" else "las 12 del mediodía"
    return _time_es(moment) if language == "es" else _time_en(moment)


def _time_en(moment: time) -> str:
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes} {'AM' if moment.hour < 12 else 'PM'}"


def _time_es(moment: time) -> str:
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    if moment.hour < 12:
        part = "de la mañana"
    elif moment.hour < 20:
        part = "de la tarde"
    else:
        part = "de la noche"
    article = "la" if hour == 1 else "las"
    return f"{article} {hour}{minutes} {part}"


def spoken_date(day: date, language: str) -> str:
    """'Monday, November 30' / 'el lunes 30 de noviembre'."""
    weekday = WEEKDAYS[language][day.weekday()]
    month = MONTHS[language][day.month - 1]
    if language == "es":
        return f"el {weekday} {day.day} de {month}"
    return f"{weekday}, {month} {day.day}"


def spoken_day(day: date, today: date, language: str) -> str:
    """'today', 'tomorrow' or the full date, whichever a person would say."""
    offset = (day - today).days
    if offset == 0:
        return "today" if language == "en" else "hoy"
    if offset == 1:
        return "tomorrow" if language == "en" else "mañana"
    return ("on " if language == "en" else "") + spoken_date(day, language)


def spoken_list(items: list[str], language: str, separator: str = ", ") -> str:
    """'a, b and c' / 'a, b y c'; items that hold commas themselves are better split by '; '."""
    if len(items) < 2:
        return "".join(items)
    conjunction = " and " if language == "en" else " y "
    if separator != ", ":
        conjunction = separator.rstrip() + conjunction
    return separator.join(items[:-1]) + conjunction + items[-1]


def spoken_month_day(day: date, language: str) -> str:
    """'December 3' / '3 de diciembre' ('primero de diciembre', as Spanish speakers say the 1st)."""
    month = MONTHS[language][day.month - 1]
    if language == "es":
        return f"{'primero' if day.day == 1 else day.day} de {month}"
    return f"{month} {day.day}"


def spoken_weekday_date(day: date, language: str) -> str:
    """'Thursday, November 26' / 'jueves 26 de noviembre' (no article, so it fits after 'del')."""
    weekday = WEEKDAYS[language][day.weekday()]
    if language == "es":
        return f"{weekday} {spoken_month_day(day, language)}"
    return f"{weekday}, {spoken_month_day(day, language)}"


def spoken_digits_apart(number: str) -> str:
    """'62701' -> '6 2 7 0 1', so a voice reads a ZIP code digit by digit."""
    return " ".join(number)

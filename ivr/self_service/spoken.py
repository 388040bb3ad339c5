"""Dates, times and lists as a caller should hear them, from CLDR through Babel, in any locale.

Text-to-speech reads "08:00" and "2026-11-30" badly; these helpers write what a
person would say: "8 AM", "las 8 de la mañana", "上午8时", "Thursday, November 26",
"jueves, 26 de noviembre".  Patterns, names, day periods and list conjunctions
are CLDR's (babel.dates.format_skeleton, babel.lists.format_list); the words
CLDR does not have are catalog messages (ids spoken.*, ivr/i18n): "today",
"midnight", the Spanish article before an hour ("la 1", "las 8", chosen by the
language's plural rule), "primero" for the 1st of a month, and which clock a
language speaks (English says "8 AM", Spanish and Chinese the time of day).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date, time
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_skeleton, get_day_names, get_month_names, match_skeleton
from babel.lists import format_list

from ivr.i18n import babel_locale, catalogs


class _CldrNames(Mapping[str, tuple[str, ...]]):
    """WEEKDAYS["es"] -> ('lunes', ..., 'domingo'); MONTHS["en"] -> ('January', ...): CLDR's wide names."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __getitem__(self, language: str) -> tuple[str, ...]:
        return _names(self.kind, language)

    def __iter__(self) -> Iterator[str]:
        return iter(catalogs().languages)

    def __len__(self) -> int:
        return len(catalogs().languages)


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


def _word(language: str, key: str, **params: object) -> str:
    return catalogs().text(language, f"spoken.{key}", **params)


def spoken_time(moment: time, language: str) -> str:
    """'8 AM', '12:30 PM', 'midnight' / 'las 8 de la mañana', 'la 1 de la tarde' / '上午8时'."""
    if moment == time.max:
        return _word(language, "midnight")
    if moment == time(12, 0):
        return _word(language, "noon")
    locale = babel_locale(language)
    said = format_skeleton(_clock(language) + ("m" if moment.minute else ""), moment, locale=locale)
    form = locale.plural_form(moment.hour % 12 or 12)  # Spanish: 'la 1', 'las 8'
    books = catalogs()
    has_form = books.raw(language, f"spoken.hour.{form}") or books.raw("en", f"spoken.hour.{form}")
    return _word(language, f"hour.{form}" if has_form else "hour.other", time=said)


def _clock(language: str) -> str:
    """spoken.clock: 'h' (8 AM) or 'Bh' (8 in the morning); a catalog that wrote anything else gets 'h'."""
    skeleton = _word(language, "clock").strip()
    return skeleton if re.fullmatch(r"B?[hHkK]", skeleton) else "h"


def spoken_date(day: date, language: str) -> str:
    """'Monday, November 30' / 'el lunes, 30 de noviembre' / '11月30日星期一'."""
    return _word(language, "date", date=spoken_weekday_date(day, language))


def spoken_day(day: date, today: date, language: str) -> str:
    """'today', 'tomorrow' or the full date, whichever a person would say."""
    offset = (day - today).days
    if offset == 0:
        return _word(language, "today")
    if offset == 1:
        return _word(language, "tomorrow")
    return _word(language, "on_date", date=spoken_date(day, language))


def spoken_list(items: list[str], language: str, separator: str = ", ") -> str:
    """'a, b, and c' / 'a, b y c' / 'a、b和c' (CLDR); items that hold commas are better split by '; '."""
    if len(items) < 2:
        return "".join(items)
    locale = babel_locale(language)
    if separator == ", ":
        return format_list(items, locale=locale)
    # CLDR has no list of items that hold commas: the items apart by `separator`, the last with CLDR's "and"
    head = separator.join(items[:-1]) + separator.rstrip()
    return format_list([head, items[-1]], locale=locale)


def spoken_month_day(day: date, language: str) -> str:
    """'December 3' / '3 de diciembre' / '12月3日' ('primero de diciembre', as Spanish speakers say the 1st)."""
    return _formatted(day, "MMMMd", language)


def spoken_weekday_date(day: date, language: str) -> str:
    """'Thursday, November 26' / 'jueves, 26 de noviembre' / '11月26日星期四' (no article: it fits after 'del')."""
    return _formatted(day, "MMMMEEEEd", language)


def _formatted(day: date, skeleton: str, language: str) -> str:
    locale = babel_locale(language)
    pattern = _wide_pattern(locale, skeleton)
    if day.day == 1:  # spoken.first_of_month: "primero" in Spanish, "1" where the digit is said
        pattern = _day_as(pattern, _word(language, "first_of_month"))
    return format_date(day, pattern, locale=locale)


@lru_cache(maxsize=64)
def _wide_pattern(locale: Locale, skeleton: str) -> str:
    """CLDR's pattern for `skeleton`, with the weekday written out (Babel matches 'EEEE' to the short 'E')."""
    pattern = locale.datetime_skeletons[match_skeleton(skeleton, locale.datetime_skeletons)].pattern
    return _outside_quotes(pattern, lambda part: re.sub(r"E+|c+", "EEEE", part) if "E" in skeleton else part)


def _day_as(pattern: str, word: str) -> str:
    """The day-of-month field of `pattern` replaced by `word` (quoted, so CLDR prints it as it is)."""
    quoted = "'" + word.replace("'", "''") + "'"
    return _outside_quotes(pattern, lambda part: re.sub(r"d+", quoted, part))


def _outside_quotes(pattern: str, change) -> str:
    """Apply `change` to the pattern's fields, never to its quoted literals ('de')."""
    pieces = re.split(r"('(?:[^']|'')*')", pattern)
    return "".join(piece if piece.startswith("'") else change(piece) for piece in pieces)


def spoken_digits_apart(number: str) -> str:
    """'62701' -> '6 2 7 0 1', so a voice reads a ZIP code digit by digit."""
    return " ".join(number)

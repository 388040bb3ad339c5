"""Dates as GeoReport v2 wants them: the W3C profile of ISO 8601, always with a time zone.

A time without a zone names a different instant in every city, so one is
refused rather than guessed.  Times go out in the city's own zone
(2026-11-24T15:04:05-05:00), which is what a resident or a dashboard expects.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

#: Complete date plus hours and minutes, optional seconds and fraction, then Z or an offset.
_W3C_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})"
)
EXAMPLE = "2026-11-24T15:04:05-05:00"
#: Years a 311 date can fall in; the ends of the calendar (year 1, 9999) cannot be shifted by an offset or a
#: 90-day window without leaving what datetime can hold.
FIRST_YEAR, LAST_YEAR = 1900, 2999


class BadDate(ValueError):
    """Text that is not a W3C date-time with a time zone."""


def parse(text: str) -> datetime:
    """An aware datetime; a '+' turned into a space by an unencoded query string is put back."""
    candidate = _restore_plus(text.strip())
    if not _W3C_DATETIME.fullmatch(candidate):
        raise BadDate(f"{text!r} is not a W3C date-time with a time zone, like {EXAMPLE}")
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError as error:
        raise BadDate(f"{text!r} is not a real date and time ({error})") from None
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise BadDate(f"{text!r} is outside the years {FIRST_YEAR} to {LAST_YEAR}")
    return moment


def _restore_plus(text: str) -> str:
    if len(text) > 6 and text[-6] == " " and text[-3] == ":":
        return text[:-6] + "+" + text[-5:]
    return text


def format_in(moment: datetime | None, zone: tzinfo) -> str | None:
    """'2026-11-24T15:04:05-05:00': whole seconds, in the city's zone."""
    if moment is None:
        return None
    return moment.astimezone(zone).isoformat(timespec="seconds")

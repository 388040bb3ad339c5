"""Dates as cities write them: a declared strftime format, or the one format every date of the file fits.

"11/26/2026" is unambiguous; "03/04/2026" is March 4 or April 3.  When every
date of a file reads the same way in only one candidate format, that is the
file's format; when two fit (no day above 12 anywhere) the import asks for
`date_format` in the profile rather than guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

CANDIDATES = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d", "%m/%d/%y", "%d.%m.%Y", "%m-%d-%Y",
              "%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%A, %B %d, %Y", "%Y%m%d")


class UnreadableDates(ValueError):
    """No format (or more than one) reads every date; the message says which and what to declare."""


def _reads(text: str, fmt: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), fmt).date()
    except ValueError:
        return None


def detect_format(texts: Sequence[str], declared: str | None = None) -> str:
    """The format every text reads in: the declared one, or the only candidate that fits them all."""
    if declared is not None:
        bad = [text for text in texts if _reads(text, declared) is None]
        if bad:
            raise UnreadableDates(f"{len(bad)} date(s) do not fit the declared format {declared!r}, "
                                  f"for example {bad[0]!r}")
        return declared
    fitting = [fmt for fmt in CANDIDATES if all(_reads(text, fmt) is not None for text in texts)]
    if len(fitting) == 1:
        return fitting[0]
    sample = texts[0] if texts else ""
    if not fitting:
        raise UnreadableDates(f"the dates are in no format we know (such as {sample!r}); "
                              "declare date_format in the import profile, e.g. \"%m/%d/%Y\"")
    raise UnreadableDates(f"the dates fit {' and '.join(repr(f) for f in fitting)} (such as {sample!r}); "
                          "declare date_format in the import profile")


def read_date(text: str, fmt: str) -> date:
    found = _reads(text, fmt)
    if found is None:
        raise ValueError(f"date {text!r} does not fit {fmt!r}")
    return found

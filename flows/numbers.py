"""Whole numbers typed, said or sent from outside: ASCII digits only, and not too many of them.

`str.isdigit()` also accepts superscripts and other scripts' digits ("²",
"३"), some of which `int()` refuses, and `int()` refuses more than 4300
digits; both became server errors.  Every check of outside input for a whole
number uses these two functions instead.  (Pure Python: used by the flow
engine and the web edges alike.)
"""

from __future__ import annotations

#: More digits than any count, id or duration CityLine reads.
MAX_DIGITS = 18


def is_ascii_digits(text: str) -> bool:
    """True for one or more of 0-9 and nothing else."""
    return bool(text) and text.isascii() and text.isdigit()


def whole_number(text: str | None, max_digits: int = MAX_DIGITS) -> int | None:
    """The number `text` spells in ASCII digits (at most `max_digits` of them), else None."""
    if text is None or len(text) > max_digits or not is_ascii_digits(text):
        return None
    return int(text)

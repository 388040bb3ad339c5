"""Case reference numbers: ten digits a caller can key, with a check digit that catches slips.

Format: two digits of the year, a seven-digit sequence, and a Damm check digit
(``26 0001234 9``).  The Damm algorithm detects every single wrong digit and
every swap of two neighbouring digits, the two mistakes people make most when
keying or reading a number back.
"""

from __future__ import annotations

import re

from flows.numbers import is_ascii_digits

LENGTH = 10
_DAMM_TABLE = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
MAX_SEQUENCE = 9_999_999


def check_digit(digits: str) -> str:
    interim = 0
    for digit in digits:
        interim = _DAMM_TABLE[interim][int(digit)]
    return str(interim)


def make_reference(year: int, sequence: int) -> str:
    if not 0 < sequence <= MAX_SEQUENCE:
        raise ValueError(f"sequence {sequence} is outside 1..{MAX_SEQUENCE}")
    body = f"{year % 100:02d}{sequence:07d}"
    return body + check_digit(body)


def normalise(text: str) -> str:
    """Digits only: residents type '26-0001234-9' or '26 0001234 9'."""
    return re.sub(r"[\s-]", "", text)


def is_valid(reference: str) -> bool:
    """Right length, digits only and a matching check digit."""
    return len(reference) == LENGTH and is_ascii_digits(reference) and check_digit(reference) == "0"


def looks_like_reference(reference: str) -> bool:
    """Ten digits, whatever the check digit says: a caller who keyed a whole number and slipped."""
    return len(reference) == LENGTH and reference.isdigit()


def sequence_of(reference: str) -> int:
    return int(reference[2:9])


def display(reference: str) -> str:
    """'26-0001234-9', as printed on web pages and texts."""
    return f"{reference[:2]}-{reference[2:9]}-{reference[9:]}"


def spoken(reference: str, language: str) -> str:
    """Grouped digits for text-to-speech: '2 6, 0 0 0 1 2 3 4, 9'."""
    groups = (reference[:2], reference[2:9], reference[9:])
    return ", ".join(" ".join(group) for group in groups)

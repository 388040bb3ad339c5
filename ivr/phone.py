"""Caller numbers in E.164, with withheld and foreign numbers told apart.

Twilio sends a withheld caller ID either as a word ("anonymous") or as the
digits that spell it on a keypad (+266696687 is ANONYMOUS); both mean "no
number", never a number to call back or text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

#: Caller-ID values that mean the number was withheld.
WITHHELD = frozenset({
    "", "anonymous", "restricted", "unknown", "private", "unavailable", "blocked",
    "+266696687",  # ANONYMOUS
    "+7378742833",  # RESTRICTED
    "+2562533",  # BLOCKED
    "+86282452253",  # UNAVAILABLE
    "+8656696",  # UNKNOWN
})


@dataclass(frozen=True)
class CallerNumber:
    raw: str
    e164: str | None  # None when withheld or not a real number
    withheld: bool = False
    international: bool = False  # outside the city's own country
    kind: str = "unknown"  # "mobile", "fixed_line", "fixed_line_or_mobile", "voip", ... from phonenumbers

    @property
    def can_receive_sms(self) -> bool:
        return self.e164 is not None and self.kind in ("mobile", "fixed_line_or_mobile")


_KINDS = {
    phonenumbers.PhoneNumberType.MOBILE: "mobile",
    phonenumbers.PhoneNumberType.FIXED_LINE: "fixed_line",
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    phonenumbers.PhoneNumberType.VOIP: "voip",
    phonenumbers.PhoneNumberType.TOLL_FREE: "toll_free",
}


#: Numbers parsed recently, per process: every webhook of a call carries the same From (parsing costs more
#: than the rest of reading the webhook), and a storm brings the same few numbers over and over.
PARSED_NUMBERS_KEPT = 4096


@lru_cache(maxsize=PARSED_NUMBERS_KEPT)
def parse_caller(raw: str | None, home_region: str = "US") -> CallerNumber:
    """Parse a From/To value as Twilio sends it; never raises (the answer is immutable, so it is cached)."""
    text = (raw or "").strip()
    if text.lower() in WITHHELD or text.replace(" ", "") in WITHHELD:
        return CallerNumber(raw=text, e164=None, withheld=True)
    try:
        number = phonenumbers.parse(text, home_region)
    except phonenumbers.NumberParseException:
        return CallerNumber(raw=text, e164=None)
    if not phonenumbers.is_valid_number(number):
        return CallerNumber(raw=text, e164=None)
    region = phonenumbers.region_code_for_number(number)
    return CallerNumber(
        raw=text,
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        international=region != home_region,
        kind=_KINDS.get(phonenumbers.number_type(number), "other"),
    )

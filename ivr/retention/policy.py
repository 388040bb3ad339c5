"""The retention policy: how many days each kind of personal data is kept, from RETENTION.

    RETENTION="recordings=365, caller_details=730, case_contacts=730d, sms_contacts=keep"

Kinds not named keep their default; `keep` keeps that kind for ever.  The
defaults are a starting point, not advice: a city's records schedule decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

#: What each kind covers, for `cityline retention show` and docs/security.md.
KINDS = {
    "recordings": "voice messages and call recordings (deleted at the phone provider too) and their links",
    "caller_details": "callers' numbers and what they keyed or said in the menus, on calls and their events",
    "case_contacts": "names, numbers and e-mail addresses on cases, counted from the case's closing",
    "callbacks": "numbers on callback promises, counted from the promise's closing",
    "sms_contacts": "numbers that texted 3-1-1 (opt-outs are kept for ever: STOP must be honoured)",
    "open311_ids": "Open311 clients' account and device ids on submissions",
}
_ITEM = re.compile(r"^\s*([a-z_0-9]+)\s*=\s*(keep|\d+)\s*d?\s*$")
MAX_DAYS = 36_500


class InvalidRetention(ValueError):
    """RETENTION names an unknown kind or a bad number of days; the message says which."""


@dataclass(frozen=True)
class RetentionPolicy:
    """Days each kind is kept; None keeps it for ever."""

    recordings: int | None = 365
    caller_details: int | None = 730
    case_contacts: int | None = 730
    callbacks: int | None = 365
    sms_contacts: int | None = 730
    open311_ids: int | None = 90

    def days(self, kind: str) -> int | None:
        return getattr(self, kind)

    def describe(self) -> list[str]:
        return [f"{kind}: {'kept for ever' if self.days(kind) is None else f'{self.days(kind)} days'} "
                f"({KINDS[kind]})" for kind in KINDS]



def parse_policy(text: str) -> RetentionPolicy:
    """'kind=days, kind=keep' over the defaults; raises InvalidRetention naming the bad item."""
    changes: dict[str, int | None] = {}
    for item in filter(str.strip, text.split(",")):
        match = _ITEM.match(item)
        if match is None:
            raise InvalidRetention(f"{item.strip()!r}: expected kind=days (like recordings=365) or kind=keep")
        kind, days = match[1], match[2]
        if kind not in KINDS:
            raise InvalidRetention(f"{kind!r} is not a kind of data (one of {', '.join(KINDS)})")
        if kind in changes:
            raise InvalidRetention(f"{kind!r} is given twice")
        if days != "keep" and not 1 <= int(days) <= MAX_DAYS:
            raise InvalidRetention(f"{kind}: {days} days is out of range 1-{MAX_DAYS} (or keep)")
        changes[kind] = None if days == "keep" else int(days)
    return replace(RetentionPolicy(), **changes)

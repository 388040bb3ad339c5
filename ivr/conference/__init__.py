"""A call in progress as a conference: who is on it, in what role, and the moves agents make on it.

Every inbound call an agent takes is bridged in a conference of its own
(`conference_name`), so the moves agents need are the same few conference
moves on any phone network: hold, mute, add a participant, remove one, end
it.  `book` keeps what CityLine decides about the call (roles, who handed it
to whom); `controls` makes the moves through the telephony port and the
router; the telephony adapters only carry them out.
"""

from __future__ import annotations


def conference_name(call_sid: str) -> str:
    """One conference per caller, named after the caller's call."""
    return f"call-{call_sid}"

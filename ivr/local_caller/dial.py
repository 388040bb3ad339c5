"""<Dial> rules: who would be called, and what Twilio reports when nobody answers.

The local caller cannot ring a real phone, agent client or SIP endpoint, so every
Dial ends as Twilio reports an unanswered one; the app's fallback path still runs.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .ids import new_sid
from .twiml import text_of

_NOUN_LABELS = {"Number": "", "Sip": "", "Client": "client:", "Queue": "queue ",
                "Conference": "conference ", "Application": "application "}


def dial_targets(verb: ET.Element) -> str:
    """E.g. "+15551230000" or "client:agent7, queue support"."""
    nouns = [f"{_NOUN_LABELS.get(noun.tag, noun.tag + ' ')}{text_of(noun)}" for noun in verb]
    return ", ".join(nouns) if nouns else text_of(verb)


def unanswered_params() -> dict[str, str]:
    """What Twilio posts to the Dial action when the other party never picks up."""
    return {"DialCallStatus": "no-answer", "DialCallDuration": "0", "DialCallSid": new_sid("CA")}

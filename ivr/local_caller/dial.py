"""<Dial> rules: who would be called, and what Twilio reports when they answer or not.

The local caller cannot ring a real phone or SIP endpoint, so those Dials end as
Twilio reports an unanswered one and the app's fallback path runs.  A <Client>
is an agent's softphone: locally the agent is taken to answer, so a person or a
script can walk a call all the way to a conversation with an agent.
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


def agent_client(verb: ET.Element) -> str | None:
    """The identity of the agent softphone a Dial rings, if it rings one."""
    nouns = list(verb)
    if not nouns or any(noun.tag != "Client" for noun in nouns):
        return None  # a number rung at the same time cannot be reached, so nothing answers locally
    client = nouns[0]
    identity = client.find("Identity")
    return text_of(identity if identity is not None else client) or None


def answered_params(seconds: int) -> dict[str, str]:
    """What Twilio posts to the Dial action after an answered call ends."""
    return {"DialCallStatus": "completed", "DialCallDuration": str(seconds), "DialCallSid": new_sid("CA")}

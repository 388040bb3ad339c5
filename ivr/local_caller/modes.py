"""Where TwiML is running: the call itself, or a queue's waitUrl.

Twilio allows fewer verbs in waitUrl TwiML, and a <Gather> there is answered by
the caller's decision about holding rather than by an ordinary menu answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from .replies import Caller, GatherPrompt, Kind, Reply

MAIN_VERBS = frozenset({"Say", "Play", "Pause", "Gather", "Redirect", "Enqueue", "Dial",
                        "Record", "Hangup", "Reject", "Leave"})
HOLD_VERBS = frozenset({"Say", "Play", "Pause", "Gather", "Redirect", "Leave", "Hangup"})


@dataclass
class MainMode:
    """Ordinary call flow."""

    caller: Caller
    name: str = "call TwiML"
    allowed: frozenset[str] = MAIN_VERBS
    in_queue: bool = False

    def ask_gather(self, prompt: GatherPrompt) -> Reply:
        return self.caller.answer_gather(prompt)


@dataclass
class HoldMode:
    """One pass through the waitUrl TwiML; remembers whether the caller was asked."""

    caller: Caller
    position: int = 1
    name: str = "waitUrl TwiML"
    allowed: frozenset[str] = HOLD_VERBS
    in_queue: bool = True
    asked: bool = False
    instructed: bool = False

    def ask_gather(self, prompt: GatherPrompt) -> Reply:
        """A menu while holding is answered by the caller's hold decision."""
        reply = self.caller.hold_decision(self.position)
        self.asked = True
        self.instructed = reply.kind in (Kind.WAIT, Kind.KEYS, Kind.SPEECH)
        return reply


Mode = MainMode | HoldMode

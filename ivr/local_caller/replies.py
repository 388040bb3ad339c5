"""What the caller is asked and what the caller answers.

The call asks a caller three kinds of question: a <Gather>, a <Record> and, while
queued, whether to keep holding. Keeping that vocabulary in one module lets the
scripted caller, the keyboard caller and any test double share it without knowing
how TwiML is interpreted.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

KEYS = frozenset("0123456789*#")


class Kind(StrEnum):
    """The kinds of answer a caller can give."""

    KEYS = "keys"
    SPEECH = "speech"
    SILENCE = "silence"
    RECORD = "record"
    WAIT = "wait"
    HANGUP = "hangup"


@dataclass(frozen=True)
class Reply:
    """One answer: keys pressed, words spoken, a recording, silence, wait or hang up.

    `note` explains a reply the caller made up (e.g. "script ended") so the
    transcript shows why the call went the way it did.
    """

    kind: Kind
    text: str = ""
    confidence: float = 0.9
    note: str = ""

    def __post_init__(self) -> None:
        # Accept plain strings ("keys") from hand-written callers; reject typos early.
        object.__setattr__(self, "kind", Kind(self.kind))

    @classmethod
    def keys(cls, keys: str) -> Reply:
        return cls(Kind.KEYS, keys)

    @classmethod
    def speech(cls, words: str, confidence: float = 0.9) -> Reply:
        return cls(Kind.SPEECH, words, confidence)

    @classmethod
    def recording(cls, words: str) -> Reply:
        return cls(Kind.RECORD, words)

    @classmethod
    def silence(cls) -> Reply:
        return cls(Kind.SILENCE)

    @classmethod
    def wait(cls) -> Reply:
        return cls(Kind.WAIT)

    @classmethod
    def hangup(cls, note: str = "") -> Reply:
        return cls(Kind.HANGUP, note=note)

    def describe(self) -> str:
        """A short past-tense line for the transcript, e.g. "pressed 12#"."""
        text = {
            Kind.KEYS: f"pressed {self.text}",
            Kind.SPEECH: f"said {self.text!r} (confidence {self.confidence:g})",
            Kind.RECORD: f"recorded {self.text!r}",
            Kind.SILENCE: "silence",
            Kind.WAIT: "wait",
            Kind.HANGUP: "hung up",
        }[self.kind]
        return f"{text} ({self.note})" if self.note else text


@dataclass(frozen=True)
class Step(Reply):
    """A reply read from a script; `line` points back at the script for messages."""

    line: int = 0


@dataclass(frozen=True)
class GatherPrompt:
    """What a <Gather> listens for, so a caller can decide how to answer."""

    modes: frozenset[str] = frozenset({"dtmf"})
    timeout: int = 5
    finish_on_key: str = "#"
    num_digits: int | None = None
    hints: str = ""
    language: str = "en-US"

    @property
    def accepts_keys(self) -> bool:
        return "dtmf" in self.modes

    @property
    def accepts_speech(self) -> bool:
        return "speech" in self.modes

    def describe(self) -> str:
        """E.g. "waiting for keys or speech (timeout 5s, finish #)"."""
        wanted = " or ".join(w for w, on in (("keys", self.accepts_keys),
                                             ("speech", self.accepts_speech)) if on)
        details = [f"timeout {self.timeout}s"]
        if self.accepts_keys:
            details.append(f"finish {self.finish_on_key or 'none'}")
            if self.num_digits:
                plural = "" if self.num_digits == 1 else "s"
                details.append(f"{self.num_digits} digit{plural}")
        if self.accepts_speech:
            details.append(f"language {self.language}")
            if self.hints:
                details.append(f"hints: {self.hints}")
        return f"waiting for {wanted} ({', '.join(details)})"


@dataclass(frozen=True)
class RecordPrompt:
    """What a <Record> will capture (Twilio's defaults)."""

    max_length: int = 3600
    finish_on_key: str = "1234567890*#"
    timeout: int = 5
    play_beep: bool = True

    def describe(self) -> str:
        beep = "beep, " if self.play_beep else ""
        return (f"recording ({beep}up to {self.max_length}s, ends after {self.timeout}s "
                f"of silence or a key from {self.finish_on_key or 'none'})")


class Caller(Protocol):
    """Who answers the call's questions; LocalCall only ever talks to this."""

    def answer_gather(self, prompt: GatherPrompt) -> Reply: ...

    def answer_record(self, prompt: RecordPrompt) -> Reply: ...

    def hold_decision(self, position: int) -> Reply: ...

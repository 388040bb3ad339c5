"""What the engine tells the telephony edge to do, free of TwiML.

The web layer renders these into `<Say>`, `<Gather>`, `<Enqueue>` and friends;
a test can read them directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CallState:
    """Where a call stands in the flow; it travels with the call, never in process memory."""

    node: str
    language: str
    attempts: int = 0  # failed tries at this node so far
    values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Speak:
    text: str
    language: str


@dataclass(frozen=True)
class PlayAudio:
    url: str


Sound = Speak | PlayAudio


@dataclass(frozen=True)
class Listen:
    """Play the prompts while listening for keys and/or speech; reply comes back with `state`."""

    state: CallState
    prompts: tuple[Sound, ...]
    dtmf: bool
    speech: bool
    language: str  # whose speech recogniser to use
    timeout: int
    num_digits: int | None = None
    finish_on_key: str = ""
    hints: tuple[str, ...] = ()


@dataclass(frozen=True)
class Queue:
    skill: str
    language: str
    state: CallState  # the reply (how the queue wait ended) comes back with this


@dataclass(frozen=True)
class Connect:
    number: str
    timeout: int
    state: CallState


@dataclass(frozen=True)
class RecordMessage:
    state: CallState
    max_length: int


@dataclass(frozen=True)
class EndCall:
    pass


Instruction = Speak | PlayAudio | Listen | Queue | Connect | RecordMessage | EndCall


@dataclass(frozen=True)
class Visit:
    """One step of the caller's path, for the call log."""

    node: str
    input: str | None = None
    result: str | None = None
    handler: str | None = None  # for answer nodes: which self-service handler ran
    spoke: bool = False  # the handler gave the caller an answer (not just a silent decision)
    said: tuple[str, ...] = ()  # that answer, sentence by sentence (it can be sent by text)


@dataclass(frozen=True)
class Turn:
    instructions: tuple[Instruction, ...]
    visits: tuple[Visit, ...] = ()
    language: str = ""
    values: Mapping[str, str] = field(default_factory=dict)  # what the call has collected so far


@dataclass(frozen=True)
class Reply:
    """What came back from the caller (or the network) at an interactive node."""

    digits: str = ""
    speech: str = ""
    confidence: float | None = None
    recording_url: str = ""
    recording_seconds: int = 0
    result: str = ""  # DialCallStatus or QueueResult

    @property
    def empty(self) -> bool:
        return not (self.digits or self.speech.strip() or self.recording_url or self.result)

    def describe(self) -> str | None:
        if self.digits:
            return f"keys {self.digits}"
        if self.speech.strip():
            return f"said {self.speech.strip()!r}"
        if self.recording_url:
            return f"recording of {self.recording_seconds}s"
        return self.result or None

"""The IVR flow as plain data: what a city edits, after it has been checked.

These classes carry no behaviour beyond small lookups; the loader builds them
from a YAML or JSON file and the engine walks them.  Nothing here knows about
Flask, Twilio or Redis.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

#: Text in each of the flow's languages, keyed by language code ("en", "es").
Prompt = Mapping[str, str]


@dataclass(frozen=True)
class Voice:
    """How prompts in one language are spoken and heard."""

    language: str  # BCP-47 tag for <Say> (and speech recognition unless `speech` says otherwise), e.g. "es-US"
    voice: str | None = None  # a Twilio voice name, e.g. "Polly.Lupe"
    speech: str | None = None  # the tag <Gather> recognition uses when Twilio names it differently ("cmn-Hans-CN")

    @property
    def recognition(self) -> str:
        return self.speech or self.language


@dataclass(frozen=True)
class SpeechWords:
    """How callers say yes, no and keys in one language (data from the flow file, never Python)."""

    yes: tuple[str, ...] = ()
    no: tuple[str, ...] = ()
    digits: Mapping[str, str] = field(default_factory=dict)  # spoken word -> key ("two" -> "2")
    key_filler: tuple[str, ...] = ()  # words around a key: "press", "oprima", "按"
    spaced: bool = True  # False for scripts written without spaces between words (Chinese): match inside text


@dataclass(frozen=True)
class MenuOption:
    key: str
    goto: str
    words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    language: str | None = None  # choosing this option switches the call's language


@dataclass(frozen=True)
class GlobalOption:
    """A choice offered by every menu: repeat the menu, or reach a person."""

    key: str
    words: Mapping[str, tuple[str, ...]]
    goto: str | None = None  # None means "repeat the current menu"


@dataclass(frozen=True)
class Node:
    id: str
    type: str
    prompt: Prompt = field(default_factory=dict)
    next: str | None = None
    on_failure: str | None = None
    max_attempts: int | None = None
    all_languages: bool = False  # speak the prompt in every language, each in its own voice
    set: Mapping[str, str] = field(default_factory=dict)  # values recorded when the node is entered


@dataclass(frozen=True)
class SayNode(Node):
    pass


@dataclass(frozen=True)
class PlayNode(Node):
    audio: Prompt = field(default_factory=dict)  # an audio URL per language


@dataclass(frozen=True)
class MenuNode(Node):
    options: tuple[MenuOption, ...] = ()
    global_options: bool = True  # accept the flow's repeat / agent keys here
    footer: bool = True  # and announce them after the prompt
    on_words: str | None = None  # speech that is not a key goes to this node, the words in the value `words`


@dataclass(frozen=True)
class CollectNode(Node):
    name: str = ""  # the value is stored under this name for later nodes and handlers
    input: str = "digits"  # "digits", "speech", "both" (speech read as digits) or "any" (keys, or the words as said)
    min_length: int = 1
    max_length: int = 20
    finish_on_key: str = "#"
    hints: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class AnswerNode(Node):
    """Hands the call to a named self-service handler, then branches on its outcome."""

    handler: str = ""
    outcomes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EnqueueNode(Node):
    skill: str = ""
    interpreter: bool = False  # an agent takes the call with the interpreter line conferenced in


@dataclass(frozen=True)
class TransferNode(Node):
    number: str = ""
    timeout: int = 30


@dataclass(frozen=True)
class RecordNode(Node):
    name: str = "recording"
    max_length: int = 120


@dataclass(frozen=True)
class HangupNode(Node):
    pass


#: Node types that wait for the caller (and so end a TwiML document).
INTERACTIVE_TYPES = frozenset({"menu", "collect", "enqueue", "transfer", "record"})


@dataclass(frozen=True)
class FlowSettings:
    max_attempts: int = 3
    timeout: int = 6  # seconds of silence before a prompt counts as unanswered
    on_failure: str = ""  # where callers go after max_attempts failures
    confirm_below: float = 0.6  # speech recognised with less confidence than this is read back to confirm


@dataclass(frozen=True)
class Flow:
    name: str
    source: str  # the file it came from, for error messages
    languages: tuple[str, ...]
    default_language: str
    start: str
    voices: Mapping[str, Voice]
    settings: FlowSettings
    messages: Mapping[str, Prompt]
    global_options: Mapping[str, GlobalOption]
    nodes: Mapping[str, Node]
    speech: Mapping[str, SpeechWords] = field(default_factory=dict)

    def words(self, language: str) -> SpeechWords:
        return self.speech.get(language, SpeechWords())

    def node(self, node_id: str) -> Node:
        return self.nodes[node_id]

    def message(self, name: str, language: str) -> str:
        return self.messages[name][language]

    def max_attempts(self, node: Node) -> int:
        return node.max_attempts or self.settings.max_attempts

    def failure_target(self, node: Node) -> str:
        return node.on_failure or self.settings.on_failure

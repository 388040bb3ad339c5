"""Loading a flow: read the file, build the model, validate it as a whole."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from flows import model
from flows.exceptions import FlowError
from flows.files import parse_text, read_file
from flows.handlers import HandlerRegistry
from flows.schema import Problems, build_flow, build_speech
from flows.validation import validate_flow

#: The 3-1-1 flow shipped with CityLine; a city points FLOW_FILE at its own copy.
DEFAULT_FLOW_FILE = Path(__file__).parent / "library" / "city311.yaml"
#: How callers say yes, no and keys in the shipped languages; a flow's `speech` section adds to it.
SPEECH_WORDS_FILE = Path(__file__).parent / "library" / "speech.yaml"


@lru_cache(maxsize=1)
def shipped_speech_words() -> dict[str, model.SpeechWords]:
    problems = Problems()
    words = build_speech(read_file(SPEECH_WORDS_FILE), str(SPEECH_WORDS_FILE), problems)
    if problems:
        raise FlowError(str(SPEECH_WORDS_FILE), list(problems))
    return words


def flow_from_mapping(raw: dict[str, Any], source: str, handlers: HandlerRegistry) -> model.Flow:
    problems = Problems()
    flow = build_flow(raw, source, problems, shipped_speech_words())
    if not problems:
        validate_flow(flow, handlers, problems)
    if problems:
        raise FlowError(source, list(problems))
    return flow


def load_flow(path: str | Path, handlers: HandlerRegistry) -> model.Flow:
    """Load and check a flow file; raises FlowError listing every problem."""
    return flow_from_mapping(read_file(path), str(path), handlers)


def load_flow_text(text: str, source: str, handlers: HandlerRegistry) -> model.Flow:
    return flow_from_mapping(parse_text(text, source), source, handlers)

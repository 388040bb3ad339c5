"""Loading a flow: read the file, build the model, validate it as a whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flows import model
from flows.exceptions import FlowError
from flows.files import parse_text, read_file
from flows.handlers import HandlerRegistry
from flows.schema import Problems, build_flow
from flows.validation import validate_flow

#: The 3-1-1 flow shipped with CityLine; a city points FLOW_FILE at its own copy.
DEFAULT_FLOW_FILE = Path(__file__).parent / "library" / "city311.yaml"


def flow_from_mapping(raw: dict[str, Any], source: str, handlers: HandlerRegistry) -> model.Flow:
    problems = Problems()
    flow = build_flow(raw, source, problems)
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

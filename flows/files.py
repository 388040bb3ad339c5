"""Reading flow files (YAML or JSON) into plain mappings, refusing duplicate keys.

PyYAML and json both keep the last of two equal keys silently; in a flow that
would hide a menu option or a node, so both parsers here reject them with the
line where the second one stands.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from flows.exceptions import FlowError


class _StrictLoader(yaml.SafeLoader):
    """A safe YAML loader that fails on duplicate mapping keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            line = key_node.start_mark.line + 1
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (first on line {seen[key]})", key_node.start_mark
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _reject_duplicate_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def parse_text(text: str, source: str) -> dict[str, Any]:
    """Parse flow text; JSON when the source ends in .json, YAML otherwise."""
    try:
        if source.endswith(".json"):
            data = json.loads(text, object_pairs_hook=_reject_duplicate_pairs)
        else:
            data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, ValueError) as error:
        raise FlowError(source, [f"cannot be read: {_describe(error)}"]) from error
    if not isinstance(data, dict):
        raise FlowError(source, ["the file must hold a mapping with 'flow', 'nodes', ..."])
    return data


def read_file(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FlowError(str(path), [f"cannot be opened: {error}"]) from error
    return parse_text(text, str(path))


def _describe(error: Exception) -> str:
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        return f"line {mark.line + 1}, column {mark.column + 1}: {error.problem}"
    return str(error).splitlines()[0]

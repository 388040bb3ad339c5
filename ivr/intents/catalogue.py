"""The intents file: each intent's example phrases per language and how it is named to a caller."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.files import read_file

#: The intents shipped with CityLine, next to the flow that routes them.
DEFAULT_FILE = Path(__file__).resolve().parent.parent.parent / "flows" / "library" / "intents.yaml"
LANGUAGES = ("en", "es")


class BadIntentsFile(ValueError):
    """The intents file is missing a part the classifier or the flow needs; the message says which."""


@dataclass(frozen=True)
class Intent:
    name: str
    says: Mapping[str, str]  # finishes "It sounds like you want ..."
    examples: Mapping[str, tuple[str, ...]]
    service_types: tuple[str, ...] = ()  # wrap-up service types that teach this intent


@dataclass(frozen=True)
class Catalogue:
    intents: Mapping[str, Intent]
    confirm_below: float
    give_up_below: float
    confirm: Mapping[str, str]  # "It sounds like you want {intent}."

    def examples(self) -> list[tuple[str, str]]:
        """Every (phrase, intent) pair, all languages together."""
        return [(phrase, intent.name) for intent in self.intents.values()
                for phrases in intent.examples.values() for phrase in phrases]

    def intent_for_service_type(self, code: str) -> str | None:
        return next((intent.name for intent in self.intents.values() if code in intent.service_types), None)


def load_catalogue(path: Path | None = None) -> Catalogue:
    raw = _mapping(read_file(path or DEFAULT_FILE), "the file")
    intents = {str(name): _intent(str(name), _mapping(spec, f"intent {name}"))
               for name, spec in _mapping(raw.get("intents"), "intents").items()}
    if len(intents) < 2:
        raise BadIntentsFile("intents: at least two intents are needed to tell apart")
    return Catalogue(intents, _fraction(raw, "confirm_below"), _fraction(raw, "give_up_below"),
                     _texts(raw.get("confirm"), "confirm"))


def _intent(name: str, spec: Mapping[str, Any]) -> Intent:
    examples = _mapping(spec.get("examples"), f"intent {name}: examples")
    phrases = {language: tuple(str(p) for p in examples.get(language) or ()) for language in LANGUAGES}
    if not all(phrases.values()):
        raise BadIntentsFile(f"intent {name}: needs examples in {', '.join(LANGUAGES)}")
    says = _texts(spec.get("says"), f"intent {name}: says")
    return Intent(name, says, phrases, tuple(str(code) for code in spec.get("service_types") or ()))


def _texts(value: Any, where: str) -> dict[str, str]:
    texts = {str(k): str(v) for k, v in _mapping(value, where).items()}
    missing = [language for language in LANGUAGES if not texts.get(language)]
    if missing:
        raise BadIntentsFile(f"{where}: missing {', '.join(missing)}")
    return texts


def _fraction(raw: Mapping[str, Any], name: str) -> float:
    value = raw.get(name)
    if not isinstance(value, int | float) or not 0 <= value <= 1:
        raise BadIntentsFile(f"{name}: expected a number from 0 to 1, not {value!r}")
    return float(value)


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise BadIntentsFile(f"{where}: expected a mapping")
    return value

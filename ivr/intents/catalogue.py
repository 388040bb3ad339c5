"""The intents file: each intent's example phrases per language and how it is named to a caller.

The languages are the file's own: those its `confirm` question is written in.
Every intent must then have examples and `says` in each of them, so a caller in
any of those languages can be understood and asked the confirming question.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.files import read_file

#: The intents shipped with CityLine, next to the flow that routes them.
DEFAULT_FILE = Path(__file__).resolve().parent.parent.parent / "flows" / "library" / "intents.yaml"


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

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages callers' words are understood in (the file's order)."""
        return tuple(self.confirm)

    def examples(self) -> list[tuple[str, str]]:
        """Every (phrase, intent) pair, all languages together."""
        return [(phrase, intent.name) for intent in self.intents.values()
                for phrases in intent.examples.values() for phrase in phrases]

    def intent_for_service_type(self, code: str) -> str | None:
        return next((intent.name for intent in self.intents.values() if code in intent.service_types), None)


def load_catalogue(path: Path | None = None) -> Catalogue:
    raw = _mapping(read_file(path or DEFAULT_FILE), "the file")
    confirm = _confirm(raw.get("confirm"))
    languages = tuple(confirm)
    intents = {str(name): _intent(str(name), _mapping(spec, f"intent {name}"), languages)
               for name, spec in _mapping(raw.get("intents"), "intents").items()}
    if len(intents) < 2:
        raise BadIntentsFile("intents: at least two intents are needed to tell apart")
    return Catalogue(intents, _fraction(raw, "confirm_below"), _fraction(raw, "give_up_below"), confirm)


def _confirm(value: Any) -> dict[str, str]:
    """The confirming question per language; its languages are the file's."""
    texts = {str(k): str(v) for k, v in _mapping(value, "confirm").items() if v}
    if not texts:
        raise BadIntentsFile("confirm: needs the question in at least one language")
    unfinished = [language for language, text in texts.items() if "{intent}" not in text]
    if unfinished:
        raise BadIntentsFile(f"confirm: the question in {', '.join(unfinished)} must say where {{intent}} goes")
    return texts


def _intent(name: str, spec: Mapping[str, Any], languages: tuple[str, ...]) -> Intent:
    examples = _mapping(spec.get("examples"), f"intent {name}: examples")
    _no_strangers(examples, languages, f"intent {name}: examples")
    phrases = {language: tuple(str(p) for p in examples.get(language) or ()) for language in languages}
    missing = [language for language, said in phrases.items() if not said]
    if missing:
        raise BadIntentsFile(f"intent {name}: needs examples in {', '.join(missing)} "
                             f"(the languages of confirm: {', '.join(languages)})")
    says = _texts(spec.get("says"), f"intent {name}: says", languages)
    return Intent(name, says, phrases, tuple(str(code) for code in spec.get("service_types") or ()))


def _texts(value: Any, where: str, languages: tuple[str, ...]) -> dict[str, str]:
    raw = _mapping(value, where)
    _no_strangers(raw, languages, where)
    texts = {str(k): str(v) for k, v in raw.items()}
    missing = [language for language in languages if not texts.get(language)]
    if missing:
        raise BadIntentsFile(f"{where}: missing {', '.join(missing)} "
                             f"(the languages of confirm: {', '.join(languages)})")
    return texts


def _no_strangers(texts: Mapping[str, Any], languages: tuple[str, ...], where: str) -> None:
    """A language confirm has no question in could never be asked about: name it rather than ignore it."""
    strangers = [str(language) for language in texts if str(language) not in languages]
    if strangers:
        raise BadIntentsFile(f"{where}: {', '.join(strangers)} is not a language of confirm "
                             f"({', '.join(languages)}); add the confirming question in it")


def _fraction(raw: Mapping[str, Any], name: str) -> float:
    value = raw.get(name)
    if not isinstance(value, int | float) or not 0 <= value <= 1:
        raise BadIntentsFile(f"{name}: expected a number from 0 to 1, not {value!r}")
    return float(value)


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise BadIntentsFile(f"{where}: expected a mapping")
    return value

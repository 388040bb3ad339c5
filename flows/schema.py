"""Turning a parsed flow file into the model, collecting every shape problem.

Each problem names the node (or top-level section) it concerns, so a city's
editor can find it; all problems are reported at once rather than one per run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from flows import model

NODE_CLASSES: dict[str, type[model.Node]] = {
    "say": model.SayNode,
    "play": model.PlayNode,
    "menu": model.MenuNode,
    "collect": model.CollectNode,
    "answer": model.AnswerNode,
    "enqueue": model.EnqueueNode,
    "transfer": model.TransferNode,
    "record": model.RecordNode,
    "hangup": model.HangupNode,
}

TOP_LEVEL_KEYS = {
    "flow", "languages", "default_language", "start", "voices", "settings",
    "messages", "global_options", "nodes", "speech",
}
SPEECH_KEYS = {"yes", "no", "digits", "key_filler", "spaced"}


class Problems(list[str]):
    """An ordered list of human-readable problems, with a helper to add one in context."""

    def add(self, where: str, message: str) -> None:
        self.append(f"{where}: {message}")


def _text(value: Any, where: str, problems: Problems) -> str | None:
    if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
        return str(value)
    problems.add(where, f"expected text, got {value!r}")
    return None


def _integer(value: Any, where: str, problems: Problems) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    problems.add(where, f"expected a positive whole number, got {value!r}")
    return None


def _fraction(value: Any, where: str, problems: Problems) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1:
        return float(value)
    problems.add(where, f"expected a number from 0 to 1, got {value!r}")
    return None


def _boolean(value: Any, where: str, problems: Problems) -> bool | None:
    if isinstance(value, bool):
        return value
    problems.add(where, f"expected true or false, got {value!r}")
    return None


def _mapping(value: Any, where: str, problems: Problems) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    problems.add(where, f"expected a mapping, got {type(value).__name__}")
    return {}


def _prompt(value: Any, where: str, problems: Problems) -> dict[str, str]:
    """A prompt is text per language: {en: "...", es: "..."}."""
    texts = {}
    for language, text in _mapping(value, where, problems).items():
        checked = _text(text, f"{where}.{language}", problems)
        if checked is not None:
            texts[str(language)] = checked
    return texts


def _words(value: Any, where: str, problems: Problems) -> dict[str, tuple[str, ...]]:
    """Words per language: {en: [trash, garbage], es: [basura]}."""
    words: dict[str, tuple[str, ...]] = {}
    for language, items in _mapping(value, where, problems).items():
        if not isinstance(items, list) or not all(isinstance(i, str) and i for i in items):
            hint = ""
            if isinstance(items, list) and any(isinstance(i, bool) for i in items):
                hint = " (YAML reads bare yes/no/on/off as true/false: put them in quotes)"
            problems.add(f"{where}.{language}", f"expected a list of words or phrases{hint}")
            continue
        words[str(language)] = tuple(items)
    return words


def _targets(value: Any, where: str, problems: Problems) -> dict[str, str]:
    targets = {}
    for outcome, target in _mapping(value, where, problems).items():
        checked = _text(target, f"{where}.{outcome}", problems)
        if checked is not None:
            targets[str(outcome)] = checked
    return targets


def _options(value: Any, where: str, problems: Problems) -> tuple[model.MenuOption, ...]:
    if not isinstance(value, list) or not value:
        problems.add(where, "expected a non-empty list of options")
        return ()
    options = []
    for index, raw in enumerate(value, start=1):
        option = _option(raw, f"{where}[{index}]", problems)
        if option is not None:
            options.append(option)
    return tuple(options)


def _option(raw: Any, where: str, problems: Problems) -> model.MenuOption | None:
    raw = _mapping(raw, where, problems)
    unknown = set(raw) - {"key", "goto", "words", "language"}
    if unknown:
        problems.add(where, f"unknown field(s) {', '.join(sorted(unknown))}")
    key = _text(raw.get("key"), f"{where}.key", problems)
    goto = _text(raw.get("goto"), f"{where}.goto", problems)
    language = raw.get("language")
    if language is not None:
        language = _text(language, f"{where}.language", problems)
    if key is None or goto is None:
        return None
    words = _words(raw.get("words", {}), f"{where}.words", problems)
    return model.MenuOption(key=key, goto=goto, words=words, language=language)


#: How each node field is read from the file, by field name.
FIELD_READERS: dict[str, Callable[[Any, str, Problems], Any]] = {
    "prompt": _prompt,
    "audio": _prompt,
    "next": _text,
    "on_failure": _text,
    "max_attempts": _integer,
    "all_languages": _boolean,
    "options": _options,
    "global_options": _boolean,
    "footer": _boolean,
    "on_words": _text,
    "name": _text,
    "input": _text,
    "min_length": _integer,
    "max_length": _integer,
    "finish_on_key": _text,
    "hints": _words,
    "handler": _text,
    "outcomes": _targets,
    "set": _targets,
    "skill": _text,
    "interpreter": _boolean,
    "number": _text,
    "timeout": _integer,
}


def build_node(node_id: str, raw: Any, problems: Problems) -> model.Node | None:
    where = f"node {node_id!r}"
    raw = _mapping(raw, where, problems)
    node_class = NODE_CLASSES.get(raw.get("type", ""))
    if node_class is None:
        kinds = ", ".join(sorted(NODE_CLASSES))
        problems.add(where, f"unknown type {raw.get('type')!r} (expected one of {kinds})")
        return None
    allowed = {f.name for f in dataclasses.fields(node_class)} - {"id", "type"}
    unknown = set(raw) - allowed - {"type"}
    if unknown:
        problems.add(where, f"unknown field(s) {', '.join(sorted(unknown))} for a {raw['type']} node")
    values = {
        name: FIELD_READERS[name](raw[name], f"{where}.{name}", problems)
        for name in sorted(allowed & set(raw))
    }
    values = {name: value for name, value in values.items() if value is not None}
    return node_class(id=node_id, type=raw["type"], **values)


def build_voices(raw: Any, problems: Problems) -> dict[str, model.Voice]:
    voices = {}
    for language, spec in _mapping(raw, "voices", problems).items():
        spec = _mapping(spec, f"voices.{language}", problems)
        tag = _text(spec.get("language"), f"voices.{language}.language", problems)
        voice = spec.get("voice")
        speech = _text(spec["speech"], f"voices.{language}.speech", problems) if "speech" in spec else None
        unknown = set(spec) - {"language", "voice", "speech"}
        if unknown:
            problems.add(f"voices.{language}", f"unknown field(s) {', '.join(sorted(map(str, unknown)))}")
        if tag is not None:
            voices[str(language)] = model.Voice(language=tag, voice=voice, speech=speech)
    return voices


def build_settings(raw: Any, problems: Problems) -> model.FlowSettings:
    raw = _mapping(raw, "settings", problems)
    values = {}
    readers = (("max_attempts", _integer), ("timeout", _integer), ("on_failure", _text),
               ("confirm_below", _fraction))
    for name, reader in readers:
        if name in raw:
            values[name] = reader(raw[name], f"settings.{name}", problems)
    if "on_failure" not in raw:
        problems.add("settings", "on_failure is required: where callers go after repeated failures")
    return model.FlowSettings(**{k: v for k, v in values.items() if v is not None})


def build_global_options(raw: Any, problems: Problems) -> dict[str, model.GlobalOption]:
    options = {}
    for name, spec in _mapping(raw, "global_options", problems).items():
        where = f"global_options.{name}"
        spec = _mapping(spec, where, problems)
        key = _text(spec.get("key"), f"{where}.key", problems)
        goto = _text(spec["goto"], f"{where}.goto", problems) if "goto" in spec else None
        words = _words(spec.get("words", {}), f"{where}.words", problems)
        if key is not None:
            options[str(name)] = model.GlobalOption(key=key, words=words, goto=goto)
    return options


def build_messages(raw: Any, problems: Problems) -> dict[str, dict[str, str]]:
    return {
        str(name): _prompt(prompt, f"messages.{name}", problems)
        for name, prompt in _mapping(raw, "messages", problems).items()
    }


def _phrases(value: Any, where: str, problems: Problems) -> tuple[str, ...]:
    return _words({"_": value}, where, problems).get("_", ())


def build_speech(raw: Any, where: str, problems: Problems) -> dict[str, model.SpeechWords]:
    """Per language: yes and no words, digit words, words around a key, and whether the script is spaced."""
    found = {}
    for language, spec in _mapping(raw, where, problems).items():
        at = f"{where}.{language}"
        spec = _mapping(spec, at, problems)
        unknown = set(spec) - SPEECH_KEYS
        if unknown:
            problems.add(at, f"unknown field(s) {', '.join(sorted(map(str, unknown)))}")
        digits = {str(word): str(key) for word, key in _mapping(spec.get("digits", {}), f"{at}.digits",
                                                                   problems).items()}
        for word, key in digits.items():
            if key not in DIGIT_KEYS:
                problems.add(f"{at}.digits.{word}", f"expected one key 0-9, got {key!r}")
        spaced = _boolean(spec.get("spaced", True), f"{at}.spaced", problems)
        found[str(language)] = model.SpeechWords(
            yes=_phrases(spec.get("yes", []), f"{at}.yes", problems),
            no=_phrases(spec.get("no", []), f"{at}.no", problems),
            digits=digits, key_filler=_phrases(spec.get("key_filler", []), f"{at}.key_filler", problems),
            spaced=True if spaced is None else spaced)
    return found


DIGIT_KEYS = set("0123456789")


def build_flow(raw: Mapping[str, Any], source: str, problems: Problems,
               shipped_speech: Mapping[str, model.SpeechWords] | None = None) -> model.Flow:
    """`shipped_speech`: flows/library/speech.yaml, which the file's own `speech` section extends."""
    shipped_speech = shipped_speech or {}
    unknown = set(raw) - TOP_LEVEL_KEYS
    if unknown:
        problems.add("flow file", f"unknown top-level key(s) {', '.join(sorted(unknown))}")
    for required in ("flow", "languages", "start", "nodes"):
        if required not in raw:
            problems.add("flow file", f"missing required key {required!r}")
    languages = raw.get("languages") or []
    if not isinstance(languages, list) or not all(isinstance(x, str) for x in languages):
        problems.add("languages", "expected a list of language codes such as [en, es]")
        languages = []
    nodes_raw = _mapping(raw.get("nodes", {}), "nodes", problems)
    nodes = {str(k): build_node(str(k), v, problems) for k, v in nodes_raw.items()}
    return model.Flow(
        name=str(raw.get("flow", "")),
        source=source,
        languages=tuple(languages),
        default_language=str(raw.get("default_language", languages[0] if languages else "")),
        start=str(raw.get("start", "")),
        voices=build_voices(raw.get("voices", {}), problems),
        settings=build_settings(raw.get("settings", {}), problems),
        messages=build_messages(raw.get("messages", {}), problems),
        global_options=build_global_options(raw.get("global_options", {}), problems),
        nodes={k: v for k, v in nodes.items() if v is not None},
        speech={**shipped_speech, **build_speech(raw.get("speech", {}), "speech", problems)},
    )

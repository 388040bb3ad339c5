"""A service's Open311 attributes as questions a caller can answer by keypad or by voice.

Plain functions: how a question is spoken, and what a reply means for it.  An
attribute the phone cannot ask (a list with no choices or more than nine, a
type the phone does not know, a required date) is `Unaskable`, and the flow
hands the caller to an agent with a sentence saying so, never dead air.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from flows.loader import shipped_speech_words
from flows.numbers import is_ascii_digits
from flows.speech import mentions, normalise, spoken_digits
from ivr.i18n import Section
from ivr.models.service_attribute import ServiceAttribute

YES_NO = ("yes", "no")
LISTS = ("singlevaluelist", "multivaluelist")
FREE_TEXT = ("string", "text")
MAX_CHOICES = 9  # one key each
MAX_TEXT = 500
#: The questions' words in the line's other languages (data; see the file's header).
TRANSLATIONS_FILE = Path(__file__).resolve().parents[2] / "flows" / "library" / "report_questions.yaml"

#: How a question is answered, and the words that skip it or say yes or no (catalog ids report_questions.*;
#: a list of words is one message, its entries split by "|").
PHRASES = Section("report_questions")


def said_words(language: str, kind: str) -> list[str]:
    """report_questions.skip / .yes / .no as the list of phrases a caller may say."""
    return [word.strip() for word in PHRASES[language][kind].split("|") if word.strip()]


class Unaskable(ValueError):
    """The attribute's definition cannot be asked by phone; the message says why (for the log)."""


class NotAnAnswer(ValueError):
    """The reply does not answer the question (a key with no choice, words that name none)."""


@dataclass(frozen=True)
class Question:
    code: str
    datatype: str
    text: str
    required: bool
    choices: tuple[tuple[str, str], ...] = ()  # (key, name) in the order they are offered

    @property
    def yes_no(self) -> bool:
        return self.datatype == "singlevaluelist" and tuple(k.lower() for k, _ in self.choices) == YES_NO


def question_of(attribute: ServiceAttribute) -> Question | None:
    """The attribute as a question; None for one the phone skips (optional and not askable by voice)."""
    choices = tuple((str(v.get("key", "")), str(v.get("name", "") or v.get("key", "")))
                    for v in (attribute.values or []) if isinstance(v, dict))
    if attribute.datatype in LISTS:
        if not choices or len(choices) > MAX_CHOICES or any(not key for key, _ in choices):
            raise Unaskable(f"{attribute.code}: a list needs 1 to {MAX_CHOICES} choices, each with a key")
    elif attribute.datatype == "datetime":
        if attribute.required:
            raise Unaskable(f"{attribute.code}: a date and time is not asked by phone")
        return None
    elif attribute.datatype not in (*FREE_TEXT, "number"):
        raise Unaskable(f"{attribute.code}: unknown datatype {attribute.datatype!r}")
    if not attribute.description.strip():
        raise Unaskable(f"{attribute.code}: the question has no words")
    return Question(attribute.code, attribute.datatype, attribute.description.strip(), attribute.required, choices)


@cache
def _translations(path: Path = TRANSLATIONS_FILE) -> Mapping[str, Any]:
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def in_language(question: Question, service_code: str, language: str) -> Question:
    """The question in the caller's language when the translations file has it; else as the catalogue says."""
    words = _translations().get(language, {}).get(service_code, {}).get(question.code, {})
    if not isinstance(words, dict):
        return question
    names = words.get("values") if isinstance(words.get("values"), dict) else {}
    return replace(question, text=str(words.get("question") or question.text),
                   choices=tuple((key, str(names.get(key, name))) for key, name in question.choices))


def spoken(question: Question, language: str) -> tuple[str, ...]:
    """The question and how to answer it."""
    phrases = PHRASES[language]
    if question.yes_no:
        how = [phrases["yes_no"]]
    elif question.datatype in LISTS:
        how = [phrases["choice"].format(name=name, key=i) for i, (_, name) in enumerate(question.choices, 1)]
        if question.datatype == "multivaluelist":
            how.append(phrases["several"])
    elif question.datatype == "number":
        how = [phrases["number"]]
    else:
        how = [phrases["free_text"]]
    if not question.required:
        how.append(phrases["optional_number" if question.datatype == "number" else "optional"])
    return (question.text, *how)


def answer_of(question: Question, reply: str, language: str) -> list[str]:
    """The reply as the attribute's value(s); [] for a skipped optional question; NotAnAnswer otherwise."""
    reply = reply.strip()
    if _skipped(question, reply, language):
        if question.required:
            raise NotAnAnswer("required")
        return []
    if question.yes_no:
        return [_yes_no(question, reply, language)]
    if question.datatype in LISTS:
        keys = _chosen(question, reply)
        if not keys or (question.datatype == "singlevaluelist" and len(keys) != 1):
            raise NotAnAnswer(reply)
        return keys
    if question.datatype == "number":
        typed = reply.rstrip("#")
        digits = typed if is_ascii_digits(typed) else spoken_digits(reply, shipped_speech_words().values())
        if not is_ascii_digits(digits):
            raise NotAnAnswer(reply)
        return [digits]
    return [reply[:MAX_TEXT]]


def _skipped(question: Question, reply: str, language: str) -> bool:
    """Nothing, "skip" / "I don't know", or key 0 (not a choice; for a number question 0 is an answer)."""
    if reply.rstrip("#") == "":
        return True
    if reply.rstrip("#") == "0" and question.datatype != "number":
        return True
    return not is_ascii_digits(reply.rstrip("#")) and mentions(reply, said_words(language, "skip"))


def _yes_no(question: Question, reply: str, language: str) -> str:
    yes, no = (key for key, _ in question.choices)
    keyed = reply.rstrip("#")
    if keyed in ("1", "2"):
        return yes if keyed == "1" else no
    said = normalise(reply)
    if mentions(said, said_words(language, "no")):
        return no
    if mentions(said, said_words(language, "yes")):
        return yes
    raise NotAnAnswer(reply)


def _chosen(question: Question, reply: str) -> list[str]:
    keyed = reply.rstrip("#")
    if is_ascii_digits(keyed):
        picks = [int(digit) for digit in dict.fromkeys(keyed)]
        if all(1 <= pick <= len(question.choices) for pick in picks):
            return [question.choices[pick - 1][0] for pick in picks]
        return []
    said = normalise(reply)
    return [key for key, name in question.choices if mentions(said, [normalise(name), normalise(key)])]

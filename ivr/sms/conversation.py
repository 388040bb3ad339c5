"""What the text line answers: one inbound message in, one reply out (or none), plain Python.

Keywords first, as carriers require: STOP (and its synonyms) opts out and gets
no reply from us (Twilio confirms it on long codes), START opts back in, HELP
says what the line does.  Then a language switch ("español", "english"), then
the self-service answers: a ten-digit case number, office hours, an address
for pickup days.  Anything else gets the web form's link and the phone number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from flows.speech import normalise
from ivr.addresses.spoken import parse_address
from ivr.i18n import Section

STOP_WORDS = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "alto", "parar", "baja"})
START_WORDS = frozenset({"start", "unstop", "yes", "subscribe", "comenzar", "iniciar"})
HELP_WORDS = frozenset({"help", "info", "ayuda"})
SPANISH_SWITCH = frozenset({"espanol", "spanish", "es"})
ENGLISH_SWITCH = frozenset({"english", "ingles", "en"})
HOURS_WORDS = frozenset({"hours", "open", "horario", "horas", "abierto", "abren", "abiertos", "cierran", "close"})
TRASH_WORDS = frozenset({"trash", "garbage", "recycling", "pickup", "basura", "reciclaje", "recoleccion"})
#: Words that give a Spanish message away when the number has not chosen a language.
SPANISH_HINTS = frozenset({
    "hola", "basura", "reciclaje", "recoleccion", "horario", "caso", "calle", "avenida", "cuando", "que",
    "dia", "mi", "el", "la", "de", "por", "favor", "gracias", "numero", "estado", "quiero", "ayuda", "abren",
})
CASE_NUMBER = re.compile(r"(?<!\d)(\d[\d\s-]{8,14}\d)(?!\d)")
CASE_DIGITS = 10

#: The replies, per language (catalog ids sms.*; {city} is the city's name).
PHRASES = Section("sms")


class Answers(Protocol):
    """The self-service answers the phone gives, as sentences in a language."""

    def case_status(self, reference: str, language: str) -> Sequence[str]: ...

    def office_hours(self, language: str) -> Sequence[str]: ...

    def pickups(self, address: str, language: str) -> PickupAnswer: ...


@dataclass(frozen=True)
class PickupAnswer:
    outcome: str  # found, ambiguous, unknown, need_street
    sentences: Sequence[str] = ()  # the days, when found; the streets to choose from, when ambiguous


@dataclass(frozen=True)
class Message:
    body: str
    language: str  # the number's chosen language, or '' when it has not chosen one


@dataclass(frozen=True)
class Reply:
    text: str | None  # None: send nothing back
    language: str  # the language to remember for the number ('' to leave it)
    opt: bool | None = None  # True: opted out (STOP), False: opted back in (START), None: no change


def respond(message: Message, answers: Answers, web_url: str, phone: str) -> Reply:
    words = normalise(message.body).split()
    keyword = words[0] if len(words) == 1 else ""
    language = message.language or detect_language(words)
    fill = {"web": web_url, "phone": phone}
    if keyword in STOP_WORDS:
        return Reply(None, "", opt=True)
    if keyword in START_WORDS:
        return Reply(PHRASES[language]["started"], "", opt=False)
    if keyword in HELP_WORDS:
        return Reply(PHRASES[language]["help"].format(**fill), "")
    if keyword in SPANISH_SWITCH | ENGLISH_SWITCH:
        chosen = "es" if keyword in SPANISH_SWITCH else "en"
        return Reply(PHRASES[chosen]["language"], chosen)
    return Reply(_answer(message.body, words, language, answers, fill), "" if message.language else language)


def _answer(body: str, words: list[str], language: str, answers: Answers, fill: dict[str, str]) -> str:
    reference = _case_number(body)
    if reference:
        return _joined(answers.case_status(reference, language))
    if HOURS_WORDS.intersection(words) and not parse_address(body).complete:
        return _joined(answers.office_hours(language))
    said = parse_address(body)
    if said.house is not None or TRASH_WORDS.intersection(words):
        return _pickups(answers.pickups(body, language), language, fill)
    return PHRASES[language]["other"].format(**fill)


def _pickups(answer: PickupAnswer, language: str, fill: dict[str, str]) -> str:
    if answer.outcome == "found":
        return _joined(answer.sentences)
    if answer.outcome == "ambiguous":
        return PHRASES[language]["choices"].format(places="; ".join(answer.sentences))
    if answer.outcome == "need_street":
        return PHRASES[language]["need_street"]
    return PHRASES[language]["unknown"].format(**fill)


def _case_number(body: str) -> str:
    for match in CASE_NUMBER.finditer(body):
        digits = re.sub(r"\D", "", match.group(1))
        if len(digits) == CASE_DIGITS:
            return digits
    return ""


def detect_language(words: list[str]) -> str:
    return "es" if len(SPANISH_HINTS.intersection(words)) >= 1 and _spanish_wins(words) else "en"


def _spanish_wins(words: list[str]) -> bool:
    english = {"the", "is", "my", "when", "what", "day", "trash", "street", "hours", "case", "status", "please"}
    return len(SPANISH_HINTS.intersection(words)) > len(english.intersection(words))


def _joined(sentences: Sequence[str]) -> str:
    return "3-1-1: " + " ".join(sentences) if sentences else ""

"""Matching what a caller said to menu options and reading numbers out of speech.

Speech recognisers return loose text ("Uh, garbage pickup please.",
"ciento veinticinco"); these helpers normalise it so synonyms in either
language can be compared word by word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from flows.numbers import is_ascii_digits

DIGIT_WORDS = {
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
    "cero": "0", "uno": "1", "una": "1", "dos": "2", "tres": "3", "cuatro": "4",
    "cinco": "5", "seis": "6", "siete": "7", "ocho": "8", "nueve": "9",
}


def normalise(text: str) -> str:
    """Lower case, accents stripped, punctuation to spaces: 'Señal, por favor!' -> 'senal por favor'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def mentions(text: str, phrases: Iterable[str]) -> bool:
    """True when any phrase occurs in the text as whole words."""
    padded = f" {normalise(text)} "
    return any(f" {normalise(phrase)} " in padded for phrase in phrases if normalise(phrase))


def spoken_digits(text: str) -> str:
    """The digits in an utterance: '1 2 5 Elm' -> '125', 'one two five' -> '125'."""
    digits = []
    for word in normalise(text).split():
        if is_ascii_digits(word):
            digits.append(word)
        elif word in DIGIT_WORDS:
            digits.append(DIGIT_WORDS[word])
    return "".join(digits)


#: Words a caller may wrap around a key: "press one", "number two", "la opción tres".
KEY_FILLER = frozenset({
    "press", "number", "option", "the", "key", "please", "oprima", "marque", "numero",
    "opcion", "la", "el", "por", "favor",
})


def spoken_key(text: str) -> str:
    """A single key said aloud ('press one', 'dos', '3'), or '' when the words say more than that."""
    words = [w for w in normalise(text).split() if w not in KEY_FILLER]
    if len(words) != 1:
        return ""
    digits = spoken_digits(words[0])
    return digits if len(digits) == 1 else ""

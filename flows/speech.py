"""Matching what a caller said to menu options and reading numbers out of speech.

Speech recognisers return loose text ("Uh, garbage pickup please.",
"ciento veinticinco", "我想查垃圾收集"); these helpers normalise it so synonyms
can be compared word by word, or inside the text for scripts written without
spaces between words.  Every word they know comes from data (the flow file's
`speech` section, read into `SpeechWords`), never from this module.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from flows.model import SpeechWords
from flows.numbers import is_ascii_digits


def normalise(text: str) -> str:
    """Lower case, accents stripped, punctuation to spaces: 'Señal, por favor!' -> 'senal por favor'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def mentions(text: str, phrases: Iterable[str], spaced: bool = True) -> bool:
    """True when any phrase occurs in the text: as whole words, or anywhere in it for an unspaced script."""
    if not spaced:
        joined = normalise(text).replace(" ", "")
        return any(p in joined for p in (normalise(phrase).replace(" ", "") for phrase in phrases) if p)
    padded = f" {normalise(text)} "
    return any(f" {normalise(phrase)} " in padded for phrase in phrases if normalise(phrase))


def mentions_in(text: str, phrases: Mapping[str, Iterable[str]], words: Mapping[str, SpeechWords]) -> bool:
    """`mentions` over phrases per language, each matched the way its language is written."""
    return any(mentions(text, said, words.get(language, SpeechWords()).spaced) for language, said in phrases.items())


def _tokens(text: str, spaced: bool) -> list[str]:
    """Words; for an unspaced script every character is one (runs of ASCII letters or digits stay whole)."""
    if spaced:
        return normalise(text).split()
    return re.findall(r"[0-9]+|[a-z]+|\S", normalise(text).replace(" ", ""))


def spoken_digits(text: str, words: Iterable[SpeechWords] = ()) -> str:
    """The digits in an utterance: '1 2 5 Elm' -> '125', 'one two five' -> '125' (digit words from `words`)."""
    books = list(words) or [SpeechWords()]
    found: list[str] = []
    for book in books:
        digits = _digits(text, book)
        if len(digits) > len(found):
            found = digits
    return "".join(found)


def _digits(text: str, book: SpeechWords) -> list[str]:
    names = {normalise(word): key for word, key in book.digits.items()}
    return [token if is_ascii_digits(token) else names[token] for token in _tokens(text, book.spaced)
            if is_ascii_digits(token) or token in names]


def spoken_key(text: str, words: Iterable[SpeechWords] = ()) -> str:
    """A single key said aloud ('press one', 'dos', '按三', '3'), or '' when the words say more than that."""
    for book in list(words) or [SpeechWords()]:
        key = _key(text, book)
        if key:
            return key
    return ""


def _key(text: str, book: SpeechWords) -> str:
    said = normalise(text)
    filler = {normalise(word) for word in book.key_filler}
    if not book.spaced:
        for word in sorted(filler, key=len, reverse=True):
            said = said.replace(word, " ")
        filler = set()
    tokens = [token for token in _tokens(said, book.spaced) if token not in filler]
    if len(tokens) != 1:
        return ""
    digits = _digits(tokens[0], book)
    return digits[0] if len(digits) == 1 and len(digits[0]) == 1 else ""

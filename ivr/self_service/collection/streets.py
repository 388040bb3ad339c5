"""Street names as a city writes them and as a caller says them, reduced to one comparable key.

"N. Main St.", "north main street" and "Main Street North" must all find the same
street, and "calle Elm" (a Spanish speaker) must find Elm Street.  A name is split
into an optional directional, the base name and an optional suffix (street type);
abbreviations and spoken ordinals ("first" for "1st") are folded to one form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flows.numbers import is_ascii_digits
from flows.speech import normalise

#: Street types, every spelling to the USPS abbreviation (Spanish words included).
SUFFIXES = {
    "street": "st", "st": "st", "str": "st", "calle": "st",
    "avenue": "ave", "ave": "ave", "av": "ave", "avenida": "ave",
    "road": "rd", "rd": "rd", "boulevard": "blvd", "blvd": "blvd", "bulevar": "blvd",
    "drive": "dr", "dr": "dr", "lane": "ln", "ln": "ln", "court": "ct", "ct": "ct",
    "place": "pl", "pl": "pl", "terrace": "ter", "ter": "ter", "way": "way",
    "parkway": "pkwy", "pkwy": "pkwy", "circle": "cir", "cir": "cir", "highway": "hwy",
    "hwy": "hwy", "trail": "trl", "trl": "trl", "square": "sq", "sq": "sq",
}
#: How each street type is spoken back to a caller.
SUFFIX_WORDS = {
    "st": "Street", "ave": "Avenue", "rd": "Road", "blvd": "Boulevard", "dr": "Drive", "ln": "Lane",
    "ct": "Court", "pl": "Place", "ter": "Terrace", "way": "Way", "pkwy": "Parkway", "cir": "Circle",
    "hwy": "Highway", "trl": "Trail", "sq": "Square",
}
#: Spanish callers put the street type first: "calle Elm", "avenida Lincoln".
LEADING_SUFFIXES = frozenset({"calle", "avenida", "bulevar"})
DIRECTIONALS = {
    "north": "n", "n": "n", "norte": "n", "south": "s", "s": "s", "sur": "s",
    "east": "e", "e": "e", "este": "e", "west": "w", "w": "w", "oeste": "w",
    "northeast": "ne", "ne": "ne", "noreste": "ne", "northwest": "nw", "nw": "nw", "noroeste": "nw",
    "southeast": "se", "se": "se", "sureste": "se", "southwest": "sw", "sw": "sw", "suroeste": "sw",
}
DIRECTIONAL_WORDS = {
    "n": "North", "s": "South", "e": "East", "w": "West",
    "ne": "Northeast", "nw": "Northwest", "se": "Southeast", "sw": "Southwest",
}
#: Words callers wrap around a street name: "I live on Elm Street, please".
FILLER = frozenset({
    "i", "live", "on", "at", "in", "it", "is", "its", "the", "my", "address", "um", "uh", "please",
    "vivo", "en", "la", "el", "mi", "direccion", "es", "por", "favor", "este", "pues",
})
_UNITS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
_TEENS = ("tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
          "seventeenth", "eighteenth", "nineteenth")
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
ORDINAL_ENDINGS = {1: "st", 2: "nd", 3: "rd"}
_TENTHS = ("twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth", "eightieth",
           "ninetieth")


def _ordinal(number: int) -> str:
    """21 -> '21st', 12 -> '12th': the written form a city's file uses."""
    ending = "th" if 10 <= number % 100 <= 20 else ORDINAL_ENDINGS.get(number % 10, "th")
    return f"{number}{ending}"


ORDINAL_WORDS = {
    **{word: _ordinal(n) for n, word in enumerate(_UNITS, start=1)},
    **{word: _ordinal(n) for n, word in enumerate(_TEENS, start=10)},
    **{word: _ordinal(n) for n, word in zip(range(20, 100, 10), _TENTHS, strict=True)},
}
TENS_WORDS = {word: n for n, word in zip(range(20, 100, 10), _TENS, strict=True)}


class NotAStreetName(ValueError):
    """The text holds no street name once numbers, filler and street types are set aside."""


@dataclass(frozen=True)
class StreetName:
    """A street name split into comparable parts ('' when a part was not given)."""

    base: str  # normalised words: "main", "martin luther king jr", "1st"
    suffix: str = ""  # USPS abbreviation: "st", "ave"
    directional: str = ""  # "n", "sw"
    spoken_base: str = ""  # the base as written in the city's file, for speaking back

    @property
    def key(self) -> str:
        """One string per street: 'n main st'."""
        return " ".join(part for part in (self.directional, self.base, self.suffix) if part)

    @property
    def spoken(self) -> str:
        """'North Main Street', as a voice should say it."""
        words = (DIRECTIONAL_WORDS.get(self.directional, ""), self.spoken_base or self.base,
                 SUFFIX_WORDS.get(self.suffix, ""))
        return " ".join(word for word in words if word)


def parse_street(text: str) -> StreetName:
    """Split a written or spoken street name; raises NotAStreetName when nothing is left."""
    raw = _tokens(text)
    words = _fold_ordinals([normalise(token) for token in raw])
    start, end = _trim_filler(words)
    if start >= end:
        raise NotAStreetName(f"no street name in {text!r}")
    directional, suffix, start, end = _peel(words, start, end)
    spoken = " ".join(raw[start:end]) if len(raw) == len(words) else " ".join(words[start:end])
    return StreetName(" ".join(words[start:end]), suffix, directional, spoken)


def _tokens(text: str) -> list[str]:
    return [token for token in re.findall(r"[\w']+", text) if normalise(token)]


def _fold_ordinals(words: list[str]) -> list[str]:
    """'twenty first' -> '21st', 'fifth' -> '5th' (speech recognisers write both ways)."""
    folded: list[str] = []
    for word in words:
        if folded and folded[-1] in TENS_WORDS and word in ORDINAL_WORDS and len(ORDINAL_WORDS[word]) == 3:
            folded[-1] = _ordinal(TENS_WORDS[folded[-1]] + int(ORDINAL_WORDS[word][0]))
        else:
            folded.append(ORDINAL_WORDS.get(word, word))
    return folded


def _trim_filler(words: list[str]) -> tuple[int, int]:
    """Bounds of the words left once house numbers and filler are cut from both ends."""
    start, end = 0, len(words)
    while start < end and (words[start] in FILLER or is_ascii_digits(words[start])):
        start += 1
    while end > start and words[end - 1] in FILLER:
        end -= 1
    return start, end


def _peel(words: list[str], start: int, end: int) -> tuple[str, str, int, int]:
    """Take a directional and a suffix off the ends, never leaving the base empty.

    The suffix goes first, so "North Street" is the street named North, while
    "N Main St" and "Main St N" are Main Street with a directional.
    """
    directional = suffix = ""
    if end - start > 1 and words[start] in LEADING_SUFFIXES:
        suffix, start = SUFFIXES[words[start]], start + 1
    if end - start > 1 + (not suffix) and words[end - 1] in DIRECTIONALS and (suffix or words[end - 2] in SUFFIXES):
        directional, end = DIRECTIONALS[words[end - 1]], end - 1
    if not suffix and end - start > 1 and words[end - 1] in SUFFIXES:
        suffix, end = SUFFIXES[words[end - 1]], end - 1
    if not directional and end - start > 1 and words[start] in DIRECTIONALS:
        directional, start = DIRECTIONALS[words[start]], start + 1
    return directional, suffix, start, end

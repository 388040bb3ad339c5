"""An address said or typed in one go, split into house number, street, unit and ZIP code.

"I live at one twenty-five Elm Street, apartment 4", "125 elm st apt 4 62701",
"vivo en la calle Elm número ciento veinticinco": numbers are read first
(`number_words`), then the unit ("apartment 4", "apto 2b") and a trailing ZIP
code are taken out, the first number left is the house and the rest is the
street, which `streets.parse_street` and the directory match.  The parts are
found by position and keyword rather than a statistical tagger: what the caller
says is checked against the city's own street names anyway, and that check is
the one that decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ivr.addresses.number_words import digits_for_words
from ivr.self_service.collection.streets import FILLER, NotAStreetName, parse_street

#: Words that put a unit after them: "apartment 4", "apt 2b", "unidad 3".
UNIT_WORDS = frozenset({
    "apartment", "apt", "unit", "suite", "ste", "flat", "room", "rm", "floor",
    "apartamento", "apto", "depto", "departamento", "unidad", "interior", "int", "piso", "cuarto",
})
#: Words before a house number said after the street: "calle Elm número 125", "Elm Street number 125".
NUMBER_WORDS = frozenset({"number", "numero", "num", "no", "nro"})
#: Words that only join the parts: "Elm Street and the zip is 62701".
JOINING = FILLER | frozenset({"and", "y", "zip", "code", "codigo", "postal", "de", "del", "the", "city", "ok",
                              "well", "so", "like", "hi", "hello", "hola", "bueno", "yes", "si", "sorry"})
MAX_HOUSE = 999_999
ZIP_LENGTH = 5
#: A Canadian postal code typed ("M5H 2N2", "m5h2n2") or said letter by letter ("M 5 H 2 N 2").
POSTAL_CODE = re.compile(r"\b([a-z])\s*(\d)\s*([a-z])[\s-]*(\d)\s*([a-z])\s*(\d)\b", re.IGNORECASE)


@dataclass(frozen=True)
class SpokenAddress:
    house: int | None  # None when no house number was said
    street: str  # the words naming the street ("elm street", "calle elm"), '' when none
    unit: str = ""  # "4", "2b"
    zip: str = ""  # a five-digit ZIP code or a Canadian postal code (M5H2N2, without its space), when said

    @property
    def complete(self) -> bool:
        return self.house is not None and bool(self.street)


def parse_address(text: str) -> SpokenAddress:
    """Split an address said or typed at once; a part not given is left empty.

    A typed address may go on after a comma with the city, state or province and code ("100 Queen St W,
    Toronto, ON M5H 2N2"): the street is what comes before the first comma, and a unit or ZIP code
    after it is still read."""
    text, postal = _take_postal_code(text)
    line, _, rest = text.partition(",")
    words = digits_for_words(line)
    words, unit = _take_unit(words)
    if not unit and rest:
        unit = _take_unit(["at", *digits_for_words(rest)])[1]
    words, zip_code = _take_zip(words)
    if not zip_code and rest:
        zip_code = next((word for word in digits_for_words(rest) if word.isdigit() and len(word) == ZIP_LENGTH), "")
    zip_code = postal or zip_code
    house_at = next((i for i, word in enumerate(words) if word.isdigit()), None)
    house = int(words[house_at]) if house_at is not None and int(words[house_at]) <= MAX_HOUSE else None
    return SpokenAddress(house, _street_after_or_before(words, house_at), unit, zip_code)


def _street_after_or_before(words: list[str], house_at: int | None) -> str:
    """The street follows the house number ("125 Elm Street"), or comes first ("calle Elm número 125")."""
    if house_at is None:
        return _street_words(words)
    after = _street_words(words[house_at + 1:])
    before = words[:house_at - 1] if house_at and words[house_at - 1] in NUMBER_WORDS else words[:house_at]
    return after or _street_words(before)


def _take_postal_code(text: str) -> tuple[str, str]:
    """The text without a Canadian postal code in it, and the code (upper-case, no space) or ''."""
    found = POSTAL_CODE.search(text)
    if found is None:
        return text, ""
    return text[:found.start()] + text[found.end():], "".join(found.groups()).upper()


def _take_unit(words: list[str]) -> tuple[list[str], str]:
    for index, word in enumerate(words[:-1]):
        if word in UNIT_WORDS and index > 0:
            unit = words[index + 1]
            end = index + 2
            if unit.isdigit() and end < len(words) and len(words[end]) == 1 and words[end].isalpha():
                unit, end = unit + words[end], end + 1  # "apartment 2 b"
            return words[:index] + words[end:], unit
    return words, ""


def _take_zip(words: list[str]) -> tuple[list[str], str]:
    """A five-digit number after the street is the ZIP code (a house number comes first)."""
    numbers = [i for i, word in enumerate(words) if word.isdigit()]
    if len(numbers) >= 2 and len(words[numbers[-1]]) == ZIP_LENGTH:
        return words[:numbers[-1]] + words[numbers[-1] + 1:], words[numbers[-1]]
    return words, ""


def _street_words(words: list[str]) -> str:
    """The words left once filler is trimmed from both ends; '' when they name no street."""
    start, end = 0, len(words)
    while start < end and words[start] in JOINING:
        start += 1
    while end > start and (words[end - 1] in JOINING or words[end - 1].isdigit()):
        end -= 1
    street = " ".join(words[start:end])
    try:
        parse_street(street)
    except NotAStreetName:
        return ""
    return street

"""Spoken numbers to digits, in English and Spanish, the way people say house numbers.

"one hundred twenty five" and "ciento veinticinco" are read as one number
(125); house numbers are also said in pieces, "one twenty-five" (1|25),
"twelve oh five" (12|0|5), "uno dos cinco" (1|2|5), and the pieces are written
one after the other.  A run of number words becomes one group of digits; every
other word is left as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.speech import normalise

UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "uno": 1, "un": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
    "ocho": 8, "nueve": 9,
}
ZEROS = frozenset({"zero", "oh", "o", "cero"})
#: Two-digit numbers said as one word: 10-19 in both languages, Spanish 21-29.
WHOLE_TENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15, "dieciseis": 16,
    "diecisiete": 17, "dieciocho": 18, "diecinueve": 19, "veintiuno": 21, "veintiun": 21, "veintidos": 22,
    "veintitres": 23, "veinticuatro": 24, "veinticinco": 25, "veintiseis": 26, "veintisiete": 27,
    "veintiocho": 28, "veintinueve": 29,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
    "veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70,
    "ochenta": 80, "noventa": 90,
}
#: Spanish hundreds are words of their own.
HUNDREDS = {
    "cien": 100, "ciento": 100, "doscientos": 200, "doscientas": 200, "trescientos": 300, "trescientas": 300,
    "cuatrocientos": 400, "cuatrocientas": 400, "quinientos": 500, "quinientas": 500, "seiscientos": 600,
    "seiscientas": 600, "setecientos": 700, "setecientas": 700, "ochocientos": 800, "ochocientas": 800,
    "novecientos": 900, "novecientas": 900,
}
HUNDRED = frozenset({"hundred"})
THOUSAND = frozenset({"thousand", "mil"})
#: Joins tens and units in Spanish ("treinta y cinco") and hundreds and the rest in English ("one hundred and five").
JOINERS = frozenset({"y", "and"})
#: "a hundred", "a thousand".
ARTICLES = frozenset({"a"})


def is_number_word(word: str) -> bool:
    return (word.isdigit() or word in UNITS or word in ZEROS or word in WHOLE_TENS or word in TENS
            or word in HUNDREDS or word in HUNDRED or word in THOUSAND)


@dataclass
class _Piece:
    """One number being read: its value so far and the place the next word may fill."""

    value: int = 0
    last: str = ""  # unit, whole, tens, hundreds, thousand, zero, digits

    def take(self, word: str) -> bool:
        """Adds the word when it continues this number; False when it starts the next piece."""
        if word.isdigit() or word in ZEROS:
            return False
        if word in HUNDRED:
            return self._scale(100, self.last in ("unit", "whole", "tens") and self.value % 1000 < 100)
        if word in THOUSAND:
            return self._scale(1000, self.value < 1000 and self.last != "thousand")
        if word in HUNDREDS:
            return self._add(HUNDREDS[word], "hundreds", self.value % 1000 == 0)
        if word in TENS or word in WHOLE_TENS:
            kind = "tens" if word in TENS else "whole"
            return self._add(TENS.get(word) or WHOLE_TENS[word], kind, self.value % 100 == 0 and self._open())
        return self._add(UNITS[word], "unit", self.value % 10 == 0 and (self._open() or self.last == "tens"))

    def _open(self) -> bool:
        return self.last in ("", "hundreds", "thousand")

    def _add(self, amount: int, kind: str, allowed: bool) -> bool:
        if allowed:
            self.value, self.last = self.value + amount, kind
        return allowed

    def _scale(self, factor: int, allowed: bool) -> bool:
        if not allowed and self.last:
            return False
        small = self.value % 1000 if factor == 100 else self.value
        self.value = self.value - small + max(small, 1) * factor
        self.last = "hundreds" if factor == 100 else "thousand"
        return True


def read_number(words: list[str]) -> str:
    """Digits for a run of number words: ["one", "twenty", "five"] -> "125"."""
    pieces: list[str] = []
    current: _Piece | None = None
    for index, word in enumerate(words):
        if word in JOINERS or (word in ARTICLES and index + 1 < len(words)):
            continue
        if current is not None and current.take(word):
            continue
        if current is not None:
            pieces.append(str(current.value))
        current = None
        if word.isdigit() or word in ZEROS:
            pieces.append(word if word.isdigit() else "0")
        else:
            current = _Piece()
            current.take(word)
    if current is not None:
        pieces.append(str(current.value))
    return "".join(pieces)


def digits_for_words(text: str) -> list[str]:
    """The text's words (normalised), each run of number words replaced by one group of digits."""
    words, out, run = normalise(text).split(), [], []
    for index, word in enumerate(words):
        if _in_run(words, index, run):
            run.append(word)
            continue
        if run:
            out.append(read_number(run))
            run = []
        if is_number_word(word) and not _lone_letter(words, index):
            run.append(word)
        else:
            out.append(word)
    if run:
        out.append(read_number(run))
    return out


def _in_run(words: list[str], index: int, run: list[str]) -> bool:
    """A word continues a run when it is a number word, or a joiner between two of them."""
    if not run:
        return words[index] in ARTICLES and index + 1 < len(words) and words[index + 1] in HUNDRED | THOUSAND
    word = words[index]
    if word in JOINERS:
        return index + 1 < len(words) and is_number_word(words[index + 1]) and not words[index + 1].isdigit()
    return is_number_word(word)


def _lone_letter(words: list[str], index: int) -> bool:
    """'o' is zero only between numbers ("twelve o five"); elsewhere it is a letter or a word."""
    if words[index] != "o":
        return False
    return not (index + 1 < len(words) and is_number_word(words[index + 1]))

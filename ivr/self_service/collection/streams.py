"""The city's streams: what its crews collect (trash, green bin organics, leaf collection, Christmas trees ...).

Every city has trash, recycling and yard waste, spoken from the message
catalogs (collection.stream.<code>).  A city names any others in its streams
file, with the words callers hear in each language kept there as data:

    streams:
      - code: organics
        en: {name: green bin, subject: The green bin, pickup: green bin collection}
        es: {name: contenedor verde, subject: El contenedor verde}
      - code: leaf_collection
        en: {name: leaf, pickup: leaf collection}

`name` goes into sentences ("There is no leaf pickup on ..."), `subject` opens
a rule's sentence ("The green bin is every Tuesday; ..."), and `pickup` is the
whole thing ("Your next leaf collection is ..."; default "<name> pickup").  A
standard stream listed in the file takes the file's words over the catalog's.
The order of the file is the order callers hear them in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from ivr.self_service.collection.errors import InvalidFile, RowError

#: The streams every city has; their words are in the message catalogs.
STANDARD = ("trash", "recycling", "yard_waste")
#: Said as "your next ... is" even on a rule; the others say their rule first ("Recycling is every other ...").
HEADLINE = frozenset({"trash"})
STREAM_CODE = re.compile(r"^[a-z][a-z0-9_]{0,15}$")
WORD_KEYS = ("name", "subject", "pickup")
LANGUAGE = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")


@dataclass(frozen=True)
class StreamWords:
    name: str  # "leaf", "green bin": inside a sentence
    subject: str = ""  # "The green bin": opens a rule's sentence ('' : the name, capitalised)
    pickup: str = ""  # "leaf collection": the next one ('' : the catalog's "your next <name> pickup")


@dataclass(frozen=True)
class Stream:
    code: str
    words: Mapping[str, StreamWords] = field(default_factory=dict)  # language -> words
    headline: bool = False


@dataclass(frozen=True)
class StreamBook:
    """The city's streams in the order callers hear them: its file's, then the standard ones it left out."""

    streams: tuple[Stream, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        listed = tuple(stream.code for stream in self.streams)
        return listed + tuple(code for code in STANDARD if code not in listed)

    def get(self, code: str) -> Stream:
        found = next((stream for stream in self.streams if stream.code == code), None)
        return found or Stream(code, headline=code in HEADLINE)

    def rank(self, code: str) -> int:
        codes = self.codes
        return codes.index(code) if code in codes else len(codes)

    def words(self, code: str, language: str) -> StreamWords | None:
        """The city's own words in `language` (English when it gave none there), or None: say the catalog's."""
        stream = self.get(code)
        return stream.words.get(language) or stream.words.get("en")


def parse_streams(text: str) -> StreamBook:
    """The streams file; raises InvalidFile naming every mistake by its field."""
    problems: list[RowError] = []
    try:
        document = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise InvalidFile([RowError(1, f"not valid YAML: {error}")]) from None
    listed = document.get("streams") if isinstance(document, dict) else None
    if not isinstance(listed, list) or not listed:
        raise InvalidFile([RowError(1, "a streams file is `streams:` followed by a list of streams")])
    streams: list[Stream] = []
    for number, entry in enumerate(listed, 1):
        stream = _stream(number, entry, problems)
        if stream is not None and any(stream.code == seen.code for seen in streams):
            problems.append(RowError(1, f"streams[{number}]: {stream.code!r} is listed twice"))
        elif stream is not None:
            streams.append(stream)
    if problems:
        raise InvalidFile(problems)
    return StreamBook(tuple(streams))


def _stream(number: int, entry: Any, problems: list[RowError]) -> Stream | None:
    where = f"streams[{number}]"
    if not isinstance(entry, dict) or not isinstance(entry.get("code"), str):
        problems.append(RowError(1, f"{where}: needs a code (e.g. code: organics)"))
        return None
    code = entry["code"].strip()
    if not STREAM_CODE.match(code):
        problems.append(RowError(1, f"{where}: code {code!r} must be 1-16 lower-case letters, digits or _"))
        return None
    words: dict[str, StreamWords] = {}
    for language, given in entry.items():
        if language in ("code", "headline"):
            continue
        found = _words(f"{where}.{language}", language, given, problems)
        if found is not None:
            words[str(language)] = found
    if code not in STANDARD and "en" not in words:
        problems.append(RowError(1, f"{where}: {code} needs its English words (en: {{name: ...}})"))
    headline = entry.get("headline", code in HEADLINE)
    if not isinstance(headline, bool):
        problems.append(RowError(1, f"{where}.headline: must be true or false"))
        headline = False
    return Stream(code, words, headline)


def _words(where: str, language: Any, given: Any, problems: list[RowError]) -> StreamWords | None:
    if not isinstance(language, str) or not LANGUAGE.match(language):
        problems.append(RowError(1, f"{where}: is not a language code like en, es or zh-CN"))
        return None
    if isinstance(given, str):
        given = {"name": given}
    if not isinstance(given, dict) or not isinstance(given.get("name"), str) or not given["name"].strip():
        problems.append(RowError(1, f"{where}: needs a name (the stream's word in that language)"))
        return None
    for key in sorted(set(given) - set(WORD_KEYS)):
        problems.append(RowError(1, f"{where}.{key}: is not one of {', '.join(WORD_KEYS)}"))
    return StreamWords(*(str(given.get(key) or "").strip() for key in WORD_KEYS))


def stored_book(entries: Iterable[tuple[str, Mapping[str, Any], bool]]) -> StreamBook:
    """The book from stored rows: (code, {language: {name, subject, pickup}}, headline), in their order."""
    return StreamBook(tuple(
        Stream(code, {lang: StreamWords(**words) for lang, words in by_language.items()}, headline)
        for code, by_language, headline in entries))


def document_of(stream: Stream) -> dict[str, dict[str, str]]:
    """A stream's words as stored (JSON)."""
    return {language: {"name": w.name, "subject": w.subject, "pickup": w.pickup}
            for language, w in stream.words.items()}

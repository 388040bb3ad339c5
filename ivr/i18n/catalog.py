"""Reading the catalogs: the shipped ones, a city's overrides over them, English under every language."""

from __future__ import annotations

import logging
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.core import UnknownLocaleError
from babel.messages.pofile import read_po

logger = logging.getLogger(__name__)
SHIPPED = Path(__file__).resolve().parent / "locales"
DOMAIN = "cityline"
SOURCE_LANGUAGE = "en"


def locale_dir_name(language: str) -> str:
    """'zh-CN' -> 'zh_CN' (gettext's folder names)."""
    return language.replace("-", "_")


def language_of(folder: str) -> str:
    """'zh_CN' -> 'zh-CN' (the codes flows and Twilio use)."""
    return folder.replace("_", "-")


@lru_cache(maxsize=32)
def babel_locale(language: str) -> Locale:
    """'zh-CN' -> Locale zh_Hans_CN (CLDR's data); an unknown code is English rather than an error while a caller
    listens."""
    try:
        return Locale.parse(locale_dir_name(language))
    except (ValueError, TypeError, UnknownLocaleError):
        return Locale.parse(SOURCE_LANGUAGE)


def read_catalog(path: Path) -> dict[str, str]:
    """msgid -> msgstr of one .po file; untranslated and fuzzy entries are left out (English then speaks)."""
    with path.open("rb") as handle:
        catalog = read_po(handle, abort_invalid=False)
    return {str(message.id): str(message.string) for message in catalog
            if message.id and message.string and not message.fuzzy}


@dataclass(frozen=True)
class Catalogs:
    """The merged catalogs: language -> msgid -> text, a city's messages over the shipped ones."""

    by_language: Mapping[str, Mapping[str, str]]
    city: str = "City 3-1-1"

    @classmethod
    def load(cls, override: Path | None = None, city: str = "City 3-1-1") -> Catalogs:
        merged: dict[str, dict[str, str]] = {}
        for root in (SHIPPED, override):
            if root is None or not root.is_dir():
                continue
            for po in sorted(root.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
                merged.setdefault(language_of(po.parent.parent.name), {}).update(read_catalog(po))
        return cls(merged, city)

    @property
    def languages(self) -> list[str]:
        return sorted(self.by_language)

    def text(self, language: str, key: str, **params: object) -> str:
        """The message in `language` (English where that language lacks it), with `params` and {city} filled."""
        found = self.by_language.get(language, {}).get(key) or self.by_language.get(SOURCE_LANGUAGE, {}).get(key)
        if found is None:
            logger.error("message %r is in no catalog; the key itself is said", key)
            return key
        values = {"city": self.city, **params}
        try:
            return found.format_map(values) if params or "{city}" in found else found
        except (KeyError, IndexError, ValueError) as error:  # a city's catalog with a wrong placeholder
            logger.error("message %r in %s does not fit its values (%s); English is said", key, language, error)
            return self.by_language.get(SOURCE_LANGUAGE, {}).get(key, key).format_map(values)

    def raw(self, language: str, key: str) -> str | None:
        """The message as written (no fallback, no placeholders filled), or None."""
        return self.by_language.get(language, {}).get(key)


def service_name(code: str, stored: str, language: str) -> str:
    """A service as residents hear and read it: the name stored in SQL in the source language (a city may rename
    a service there), else catalog id service.<code> in `language`, else the stored name."""
    if language == SOURCE_LANGUAGE:
        return stored
    return catalogs().raw(language, f"service.{code}") or stored


def placeholders(text: str) -> frozenset[str]:
    """{stream}, {when} ... of a message (format fields, not literal braces)."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


class _Words(Mapping[str, str]):
    """One section's messages in one language: words["next"] is `<section>.next` (placeholders unfilled)."""

    def __init__(self, owner: Section, language: str) -> None:
        self.owner, self.language = owner, language

    def __getitem__(self, key: str) -> str:
        full = f"{self.owner.prefix}.{key}"
        books = catalogs()
        text = books.raw(self.language, full) or books.raw(SOURCE_LANGUAGE, full)
        if text is None:
            raise KeyError(full)
        return text.replace("{city}", books.city)

    def __iter__(self) -> Iterator[str]:
        prefix = self.owner.prefix + "."
        return iter(sorted({key[len(prefix):] for key in catalogs().by_language.get(SOURCE_LANGUAGE, {})
                            if key.startswith(prefix)}))

    def __len__(self) -> int:
        return sum(1 for _ in self)


class Section(Mapping[str, Mapping[str, str]]):
    """PHRASES = Section("collection"); PHRASES["es"]["next"] reads collection.next in Spanish."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __getitem__(self, language: str) -> Mapping[str, str]:
        return _Words(self, language)

    def __contains__(self, language: object) -> bool:
        return language in catalogs().by_language

    def __iter__(self) -> Iterator[str]:
        return iter(catalogs().languages)

    def __len__(self) -> int:
        return len(catalogs().languages)


_override: Path | None = None
_city = "City 3-1-1"


def configure(override: Path | None, city: str) -> None:
    """Point the process at a city's catalogs (MESSAGES_DIR) and name (CITY_NAME); read again on next use."""
    global _override, _city
    if (override, city) != (_override, _city):
        _override, _city = override, city
        _load.cache_clear()


def catalogs() -> Catalogs:
    return _load(_override, _city)


@lru_cache(maxsize=4)
def _load(override: Path | None, city: str) -> Catalogs:
    return Catalogs.load(override, city)

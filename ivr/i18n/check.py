"""`cityline messages check`: what each language's catalog lacks or gets wrong against English."""

from __future__ import annotations

from dataclasses import dataclass

from ivr.i18n.catalog import SOURCE_LANGUAGE, Catalogs, placeholders

#: Filled in every message, so a translation may use it or not: "{city}" in English, "la línea 3-1-1 de la
#: ciudad" in a Spanish sentence that describes the line rather than naming it.
ALWAYS = frozenset({"city"})


@dataclass(frozen=True, order=True)
class Finding:
    language: str
    key: str
    problem: str

    def __str__(self) -> str:
        return f"{self.language}: {self.key}: {self.problem}"


def check(books: Catalogs) -> list[Finding]:
    """Every message English has that a language lacks, and every placeholder that differs from English's."""
    source = books.by_language.get(SOURCE_LANGUAGE, {})
    found: list[Finding] = []
    for language in books.languages:
        if language == SOURCE_LANGUAGE:
            continue
        messages = books.by_language[language]
        for key, english in sorted(source.items()):
            translated = messages.get(key)
            if translated is None:
                found.append(Finding(language, key, "missing (English is said instead)"))
                continue
            wanted, given = placeholders(english) - ALWAYS, placeholders(translated) - ALWAYS
            if wanted != given:
                missing, extra = sorted(wanted - given), sorted(given - wanted)
                detail = "; ".join(part for part in (
                    f"lacks {', '.join('{' + p + '}' for p in missing)}" if missing else "",
                    f"has unknown {', '.join('{' + p + '}' for p in extra)}" if extra else "") if part)
                found.append(Finding(language, key, f"placeholders differ from English: {detail}"))
    return sorted(found)

"""Knowledge articles as files a city edits: Markdown with a YAML header, one file per article and language.

    ---
    slug: bulk-pickup
    language: en
    title: Bulk item pickup
    services: [trash]          # Open311 service codes it answers
    skills: [trash, general]   # queues whose calls it is suggested for
    keywords: [couch, mattress, furniture]
    ---
    Residents can set out up to two bulk items ...

Every file of a folder is checked before any is loaded; every problem is listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ivr.models.knowledge import SEARCH_CONFIGS

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
HEADER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.S)
FIELDS = {"slug", "language", "title", "services", "skills", "keywords"}


class InvalidArticles(ValueError):
    """Some article files are wrong; `problems` lists each as "file: what"."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ArticleFile:
    slug: str
    language: str
    title: str
    body: str
    services: tuple[str, ...]
    skills: tuple[str, ...]
    keywords: tuple[str, ...]


def read_folder(folder: Path) -> list[ArticleFile]:
    """Every *.md file under `folder`, checked; raises InvalidArticles listing every problem."""
    articles, problems = [], []
    for path in sorted(folder.rglob("*.md")):
        try:
            articles.append(parse(path.read_text(encoding="utf-8")))
        except (ValueError, UnicodeDecodeError) as error:
            problems.append(f"{path}: {error}")
    problems += _duplicates(articles)
    if problems:
        raise InvalidArticles(problems)
    return articles


def parse(text: str) -> ArticleFile:
    match = HEADER.match(text.replace("\r\n", "\n"))
    if match is None:
        raise ValueError("an article starts with a '---' header block and a '---' line before its text")
    try:
        header = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        raise ValueError(f"the header is not YAML: {error}") from None
    if not isinstance(header, dict):
        raise ValueError("the header must be 'field: value' lines")
    return _article(header, match.group(2).strip())


def _article(header: dict[str, Any], body: str) -> ArticleFile:
    unknown = set(header) - FIELDS
    if unknown:
        raise ValueError(f"unknown header field(s): {', '.join(sorted(map(str, unknown)))}")
    slug, language, title = (str(header.get(name) or "").strip() for name in ("slug", "language", "title"))
    if not SLUG.match(slug):
        raise ValueError("slug must be lower-case letters, digits and dashes (up to 80)")
    if language not in SEARCH_CONFIGS:
        raise ValueError(f"language must be one of {', '.join(SEARCH_CONFIGS)}")
    if not title or len(title) > 200:
        raise ValueError("title must be 1 to 200 characters")
    if not body:
        raise ValueError("the article has no text after its header")
    return ArticleFile(slug, language, title, body, _names(header, "services"), _names(header, "skills"),
                       _names(header, "keywords"))


def _names(header: dict[str, Any], field: str) -> tuple[str, ...]:
    value = header.get(field) or []
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ValueError(f"{field} must be a list of words, e.g. [trash, recycling]")
    return tuple(item.strip() for item in value)


def _duplicates(articles: list[ArticleFile]) -> list[str]:
    seen: set[tuple[str, str]] = set()
    problems = []
    for article in articles:
        key = (article.slug, article.language)
        if key in seen:
            problems.append(f"article {article.slug!r} appears twice in language {article.language}")
        seen.add(key)
    return problems

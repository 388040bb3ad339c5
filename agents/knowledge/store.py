"""Loading article files into SQL: the folder is the truth, so loading it twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from agents.knowledge.files import ArticleFile
from ivr.models.knowledge import KnowledgeArticle


@dataclass(frozen=True)
class Loaded:
    added: int
    changed: int
    removed: int
    unchanged: int


def load(session: Session, articles: list[ArticleFile], now: datetime) -> Loaded:
    """Add new articles, update changed ones and remove those no longer in the folder."""
    stored = {(a.slug, a.language): a for a in session.scalars(select(KnowledgeArticle))}
    added = changed = 0
    for article in articles:
        row = stored.pop((article.slug, article.language), None)
        if row is None:
            session.add(KnowledgeArticle(slug=article.slug, language=article.language, updated_at=now,
                                         **_fields(article)))
            added += 1
        elif _differs(row, article):
            _apply(row, article, now)
            changed += 1
    for row in stored.values():
        session.delete(row)
    return Loaded(added, changed, len(stored), len(articles) - added - changed)


def _fields(article: ArticleFile) -> dict[str, object]:
    return {"title": article.title, "body": article.body, "keywords": " ".join(article.keywords),
            "service_codes": list(article.services), "skills": list(article.skills)}


def _differs(row: KnowledgeArticle, article: ArticleFile) -> bool:
    return any(getattr(row, name) != value for name, value in _fields(article).items())


def _apply(row: KnowledgeArticle, article: ArticleFile, now: datetime) -> None:
    for name, value in _fields(article).items():
        setattr(row, name, value)
    row.updated_at = now

"""Full-text search over knowledge articles, ranked by relevance, in the database's own engine.

SQLite uses the FTS5 table the migration keeps (bm25, title weighted above
keywords above body); PostgreSQL the stored tsvector column (ts_rank, with the
text-search configuration of the article's language).  Either way any word of
the query may match and articles matching more of it, in better places, rank
first: agents type fragments of what a caller said, not exact titles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ivr.models.knowledge import SEARCH_CONFIGS, KnowledgeArticle

MAX_RESULTS = 20
SNIPPET = 240
#: FTS5 column weights for bm25: title, keywords, body.
SQLITE_WEIGHTS = (10.0, 5.0, 1.0)


@dataclass(frozen=True)
class Hit:
    id: int
    slug: str
    language: str
    title: str
    snippet: str
    service_codes: list[str]
    rank: float


def words(query: str) -> list[str]:
    """The query's words, lower-case, with every operator and quote of either search syntax removed."""
    return re.findall(r"\w+", query.lower())[:12]


def search(session: Session, query: str, language: str, limit: int = 10) -> list[Hit]:
    """Articles in `language` matching any word of `query`, most relevant first."""
    terms = words(query)
    if not terms:
        return []
    limit = max(1, min(limit, MAX_RESULTS))
    if session.get_bind().dialect.name == "postgresql":
        ranked = _postgres(session, terms, language, limit)
    else:
        ranked = _sqlite(session, terms, language, limit)
    return _hits(session, ranked)


def _sqlite(session: Session, terms: list[str], language: str, limit: int) -> list[tuple[int, float]]:
    match = " OR ".join(f'"{term}"' for term in terms)
    weights = ", ".join(str(weight) for weight in SQLITE_WEIGHTS)
    rows = session.execute(text(
        f"SELECT a.id, bm25(knowledge_search, {weights}) AS score FROM knowledge_search "
        "JOIN knowledge_articles a ON a.id = knowledge_search.rowid "
        "WHERE knowledge_search MATCH :match AND a.language = :language ORDER BY score, a.id LIMIT :limit"
    ), {"match": match, "language": language, "limit": limit})
    return [(row.id, -float(row.score)) for row in rows]


def _postgres(session: Session, terms: list[str], language: str, limit: int) -> list[tuple[int, float]]:
    rows = session.execute(text(
        "SELECT id, ts_rank(search_vector, to_tsquery(CAST(:config AS regconfig), :query)) AS score "
        "FROM knowledge_articles WHERE language = :language "
        "AND search_vector @@ to_tsquery(CAST(:config AS regconfig), :query) ORDER BY score DESC, id LIMIT :limit"
    ), {"config": SEARCH_CONFIGS.get(language, "simple"), "query": " | ".join(terms), "language": language,
        "limit": limit})
    return [(row.id, float(row.score)) for row in rows]


def _hits(session: Session, ranked: list[tuple[int, float]]) -> list[Hit]:
    articles = {a.id: a for a in session.scalars(select(KnowledgeArticle).where(
        KnowledgeArticle.id.in_([article_id for article_id, _ in ranked])))}
    return [_hit(articles[article_id], rank) for article_id, rank in ranked if article_id in articles]


def _hit(article: KnowledgeArticle, rank: float) -> Hit:
    body = " ".join(article.body.split())
    snippet = body if len(body) <= SNIPPET else body[:SNIPPET].rsplit(" ", 1)[0] + "…"
    return Hit(article.id, article.slug, article.language, article.title, snippet, list(article.service_codes),
               round(rank, 6))


def suggested(session: Session, skill: str, language: str, limit: int = 5) -> list[Hit]:
    """Articles linked to a call's queue skill (or its service type of the same code), by title."""
    rows = session.scalars(select(KnowledgeArticle).where(KnowledgeArticle.language == language)
                           .order_by(KnowledgeArticle.title))
    linked = [a for a in rows if skill in a.skills or skill in a.service_codes]
    return [_hit(article, 0.0) for article in linked[:limit]]

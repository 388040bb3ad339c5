"""Knowledge articles: the city's answers agents read out, one row per article and language.

Articles are data a city keeps as Markdown files (`cityline knowledge import DIR`);
the full-text index beside this table (FTS5 on SQLite, a tsvector column on
PostgreSQL) is kept by the migration that creates it, never by Python code.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ivr.db import Base

#: Article languages and the PostgreSQL text-search configuration each is indexed with.
SEARCH_CONFIGS = {"en": "english", "es": "spanish"}


class KnowledgeArticle(Base):
    __tablename__ = "knowledge_articles"
    __table_args__ = (UniqueConstraint("slug", "language", name="uq_knowledge_article_slug_language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80))  # the same answer in another language shares its slug
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # Markdown
    keywords: Mapped[str] = mapped_column(Text, default="")  # space-separated words callers use
    service_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)  # queues whose calls it is suggested for
    updated_at: Mapped[datetime] = mapped_column()

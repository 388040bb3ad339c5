"""knowledge_articles: the agents' knowledge base, with a full-text index per database

Revision ID: 0006_calltools
Revises: 0007_speech
Create Date: 2026-12-01

SQLite gets an FTS5 table over the articles (external content, kept by
triggers); PostgreSQL a stored tsvector column built with the text-search
configuration of each article's language, and a GIN index on it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_calltools"
down_revision = "0007_speech"
branch_labels = None
depends_on = None

SQLITE_INDEX = [
    "CREATE VIRTUAL TABLE knowledge_search USING fts5(title, keywords, body, content='knowledge_articles', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER knowledge_search_insert AFTER INSERT ON knowledge_articles BEGIN "
    "INSERT INTO knowledge_search(rowid, title, keywords, body) VALUES (new.id, new.title, new.keywords, new.body); "
    "END",
    "CREATE TRIGGER knowledge_search_delete AFTER DELETE ON knowledge_articles BEGIN "
    "INSERT INTO knowledge_search(knowledge_search, rowid, title, keywords, body) "
    "VALUES ('delete', old.id, old.title, old.keywords, old.body); END",
    "CREATE TRIGGER knowledge_search_update AFTER UPDATE ON knowledge_articles BEGIN "
    "INSERT INTO knowledge_search(knowledge_search, rowid, title, keywords, body) "
    "VALUES ('delete', old.id, old.title, old.keywords, old.body); "
    "INSERT INTO knowledge_search(rowid, title, keywords, body) VALUES (new.id, new.title, new.keywords, new.body); "
    "END",
]
POSTGRES_CONFIG = "(CASE language WHEN 'es' THEN 'spanish'::regconfig ELSE 'english'::regconfig END)"
POSTGRES_INDEX = [
    "ALTER TABLE knowledge_articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector({POSTGRES_CONFIG}, coalesce(title, '')), 'A') || "
    f"setweight(to_tsvector({POSTGRES_CONFIG}, coalesce(keywords, '')), 'B') || "
    f"setweight(to_tsvector({POSTGRES_CONFIG}, coalesce(body, '')), 'C')) STORED",
    "CREATE INDEX ix_knowledge_articles_search ON knowledge_articles USING gin (search_vector)",
]


def upgrade() -> None:
    op.create_table(
        "knowledge_articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.Column("service_codes", sa.JSON(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug", "language", name="uq_knowledge_article_slug_language"),
    )
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_INDEX if dialect == "sqlite" else POSTGRES_INDEX if dialect == "postgresql" else []:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS knowledge_search")
    op.drop_table("knowledge_articles")

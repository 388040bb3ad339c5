"""Streams a city defines, extra pickups, postal codes: collection_streams, collection_changes.extra,
collection_streets.zip widened to 10 characters (Canadian postal codes, "M5H 2N2")

Revision ID: 0012_streams
Revises: 0011_language_requested
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_streams"
down_revision = "0011_language_requested"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "collection_streams",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("words", sa.Text, nullable=False),
        sa.Column("headline", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    with op.batch_alter_table("collection_changes") as batch:
        batch.add_column(sa.Column("extra", sa.Boolean, nullable=False, server_default=sa.false()))
    with op.batch_alter_table("collection_streets") as batch:
        batch.alter_column("zip", type_=sa.String(10), existing_type=sa.String(5), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("collection_streets") as batch:
        batch.alter_column("zip", type_=sa.String(5), existing_type=sa.String(10), existing_nullable=False)
    with op.batch_alter_table("collection_changes") as batch:
        batch.drop_column("extra")
    op.drop_table("collection_streams")

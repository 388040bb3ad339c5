"""language_requested: the language a caller asked for that the menus do not speak (an interpreter joined)

Revision ID: 0011_language_requested
Revises: 0010_reports
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_language_requested"
down_revision = "0010_reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.add_column(sa.Column("language_requested", sa.String(16)))


def downgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("language_requested")

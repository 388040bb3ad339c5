"""collection_holiday_plan: a city's holiday file (country, own holidays, rules per zone) as checked JSON

Revision ID: 0008_holiday_plan
Revises: 0006_calltools
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_holiday_plan"
down_revision = "0006_calltools"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "collection_holiday_plan",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("collection_holiday_plan")

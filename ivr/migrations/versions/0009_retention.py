"""calls.details_removed: the retention job has removed the caller's number and what they keyed or said

Revision ID: 0009_retention
Revises: 0008_holiday_plan
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_retention"
down_revision = "0008_holiday_plan"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.add_column(sa.Column("details_removed", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("details_removed")

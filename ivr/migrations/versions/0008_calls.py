"""calls.agents and calls.transfers: every agent who handled a call, and every transfer made on it

Revision ID: 0008_calls
Revises: 0009_retention
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_calls"
down_revision = "0009_retention"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agents", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("transfers", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_column("transfers")
        batch_op.drop_column("agents")

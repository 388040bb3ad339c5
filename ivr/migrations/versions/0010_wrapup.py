"""calls.wrap_up_code (the agent's disposition after a call) and pending_notes (agents' notes kept until
their call's case exists)

Revision ID: 0010_wrapup
Revises: 0008_floor
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_wrapup"
down_revision = "0008_floor"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wrap_up_code", sa.String(length=32), nullable=True))
    op.create_table(
        "pending_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_sid", sa.String(length=64), nullable=False),
        sa.Column("agent_login", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("call_sid", "agent_login", "written_at", name="uq_pending_note"),
    )
    with op.batch_alter_table("pending_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_notes_filed_at"), ["filed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pending_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_notes_filed_at"))
    op.drop_table("pending_notes")
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_column("wrap_up_code")

"""call_handlings (talk + hold + wrap-up per handled call) and supervisor_actions (the audit of floor controls)

Revision ID: 0008_floor
Revises: 0008_calls
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_floor"
down_revision = "0008_calls"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "call_handlings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stream_id", sa.String(length=32), nullable=False),
        sa.Column("call_sid", sa.String(length=64), nullable=False),
        sa.Column("queue", sa.String(length=64), nullable=False),
        sa.Column("agent_login", sa.String(length=64), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handle_seconds", sa.Float(), nullable=False),
        sa.Column("talk_hold_seconds", sa.Float(), nullable=False),
        sa.Column("wrap_seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("stream_id", name="uq_call_handling_record"),
    )
    with op.batch_alter_table("call_handlings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_call_handlings_call_sid"), ["call_sid"], unique=False)
        batch_op.create_index(batch_op.f("ix_call_handlings_answered_at"), ["answered_at"], unique=False)
    op.create_table(
        "supervisor_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("target", sa.String(length=120), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("supervisor_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supervisor_actions_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("supervisor_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervisor_actions_at"))
    op.drop_table("supervisor_actions")
    with op.batch_alter_table("call_handlings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_call_handlings_answered_at"))
        batch_op.drop_index(batch_op.f("ix_call_handlings_call_sid"))
    op.drop_table("call_handlings")

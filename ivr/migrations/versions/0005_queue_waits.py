"""queue_waits: every finished wait in an agent queue, copied once from the router's stream

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "queue_waits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stream_id", sa.String(length=32), nullable=False),
        sa.Column("queue", sa.String(length=64), nullable=False),
        sa.Column("skill", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("call_sid", sa.String(length=64), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("announced_position", sa.Integer(), nullable=True),
        sa.Column("announced_wait_seconds", sa.Float(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("waited_seconds", sa.Float(), nullable=False),
        sa.Column("agent_login", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("stream_id", name="uq_queue_wait_record"),
    )
    with op.batch_alter_table("queue_waits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_queue_waits_call_sid"), ["call_sid"], unique=False)
        batch_op.create_index("ix_queue_waits_queue_entered", ["queue", "entered_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("queue_waits", schema=None) as batch_op:
        batch_op.drop_index("ix_queue_waits_queue_entered")
        batch_op.drop_index(batch_op.f("ix_queue_waits_call_sid"))
    op.drop_table("queue_waits")

"""sms_contacts: numbers that texted 3-1-1, their language and their STOP (opt-out)

Revision ID: 0007_speech
Revises: 0006_outage
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_speech"
down_revision = "0006_outage"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sms_contacts",
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("phone"),
    )
    with op.batch_alter_table("sms_contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sms_contacts_opted_out"), ["opted_out"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sms_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sms_contacts_opted_out"))
    op.drop_table("sms_contacts")

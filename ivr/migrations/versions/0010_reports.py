"""reports: phone-reportable service types, residents linked to a case, and the texts sent about its updates

Revision ID: 0010_reports
Revises: 0010_wrapup
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_reports"
down_revision = "0010_wrapup"
branch_labels = None
depends_on = None

#: Services a caller can report with no agent from the start; a city changes the flag in SQL.
PHONE_REPORTABLE = ("potholes", "streetlights")


def upgrade() -> None:
    with op.batch_alter_table("service_types") as batch:
        batch.add_column(sa.Column("phone_reportable", sa.Boolean, nullable=False, server_default=sa.false()))
    kinds = sa.table("service_types", sa.column("code", sa.String), sa.column("phone_reportable", sa.Boolean))
    op.execute(kinds.update().where(kinds.c.code.in_(PHONE_REPORTABLE)).values(phone_reportable=True))
    op.create_table(
        "case_reporters",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("phone", sa.String(20)),
        sa.Column("email", sa.String(200), nullable=False, server_default=""),
        sa.Column("language", sa.String(8), nullable=False, server_default="en"),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("joined", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("wants_updates", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("source_key", sa.String(80), unique=True),
    )
    op.create_table(
        "case_update_texts",
        sa.Column("case_update_id", sa.Integer, sa.ForeignKey("case_updates.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("reporter_id", sa.Integer, sa.ForeignKey("case_reporters.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("message_sid", sa.String(64)),
    )


def downgrade() -> None:
    op.drop_table("case_update_texts")
    op.drop_table("case_reporters")
    with op.batch_alter_table("service_types") as batch:
        batch.drop_column("phone_reportable")

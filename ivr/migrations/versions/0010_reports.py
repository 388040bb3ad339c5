"""reports: phone-reportable service types, residents linked to a case, and the texts sent about its updates

Revision ID: 0010_reports
Revises: 0009_retention
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_reports"
down_revision = "0009_retention"
branch_labels = None
depends_on = None

#: Services a caller can report with no agent from the start; a city changes the flag in SQL.
PHONE_REPORTABLE = ("potholes", "streetlights")
#: The questions a pothole report asks (Open311 attributes), so the phone path has something to ask.
POTHOLE_QUESTIONS = [
    {"code": "size", "position": 1, "datatype": "singlevaluelist", "required": True,
     "description": "How big is the pothole?",
     "values": [{"key": "small", "name": "Smaller than a plate"}, {"key": "medium", "name": "About a tire wide"},
                {"key": "large", "name": "Bigger than a tire"}]},
    {"code": "in_lane", "position": 2, "datatype": "singlevaluelist", "required": True,
     "description": "Is it in a traffic lane?",
     "values": [{"key": "yes", "name": "Yes"}, {"key": "no", "name": "No"}]},
]


def upgrade() -> None:
    with op.batch_alter_table("service_types") as batch:
        batch.add_column(sa.Column("phone_reportable", sa.Boolean, nullable=False, server_default=sa.false()))
    kinds = sa.table("service_types", sa.column("id", sa.Integer), sa.column("code", sa.String),
                     sa.column("phone_reportable", sa.Boolean))
    op.execute(kinds.update().where(kinds.c.code.in_(PHONE_REPORTABLE)).values(phone_reportable=True))
    _pothole_questions(kinds)
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


def _pothole_questions(kinds: sa.TableClause) -> None:
    bind = op.get_bind()
    pothole = bind.execute(sa.select(kinds.c.id).where(kinds.c.code == "potholes")).scalar()
    if pothole is None:
        return
    attributes = sa.table("service_attributes", sa.column("service_type_id", sa.Integer),
                          sa.column("code", sa.String))
    if bind.execute(sa.select(attributes.c.code).where(attributes.c.service_type_id == pothole)).first():
        return  # the city already defined its own questions
    table = sa.table("service_attributes", sa.column("values", sa.JSON), *(sa.column(name) for name in (
        "service_type_id", "code", "position", "datatype", "variable", "required", "description",
        "datatype_description")))
    op.bulk_insert(table, [{"service_type_id": pothole, "variable": True, "datatype_description": "", **q}
                           for q in POTHOLE_QUESTIONS])


def downgrade() -> None:
    op.drop_table("case_update_texts")
    op.drop_table("case_reporters")
    with op.batch_alter_table("service_types") as batch:
        batch.drop_column("phone_reportable")

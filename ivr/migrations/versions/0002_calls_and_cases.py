"""calls and cases: one row per call, service requests and the service catalogue

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: The catalogue a city starts with; codes double as routing skills and Open311 service codes.
DEFAULT_SERVICE_TYPES = [
    {
        "code": "potholes",
        "name": "Pothole or damaged street",
        "department": "Street Maintenance",
        "service_group": "Streets",
        "sla_hours": 72,
        "description": "Potholes, sinkholes and damaged road surfaces.",
        "keywords": ["pothole", "road", "street", "asphalt", "bache", "calle"],
    },
    {
        "code": "streetlights",
        "name": "Streetlight out",
        "department": "Transportation",
        "service_group": "Streets",
        "sla_hours": 120,
        "description": "A streetlight that is out, flickering or damaged.",
        "keywords": ["streetlight", "light", "lamp", "poste", "luz", "alumbrado"],
    },
    {
        "code": "noise",
        "name": "Noise complaint",
        "department": "Environmental Health",
        "service_group": "Quality of life",
        "sla_hours": 24,
        "description": "Loud music, parties, construction or other noise.",
        "keywords": ["noise", "loud", "music", "party", "ruido", "fiesta"],
    },
    {
        "code": "trash",
        "name": "Missed trash, recycling or yard waste pickup",
        "department": "Sanitation",
        "service_group": "Sanitation",
        "sla_hours": 48,
        "description": "A collection that was missed or a damaged cart.",
        "keywords": ["trash", "garbage", "recycling", "pickup", "basura", "reciclaje"],
    },
    {
        "code": "general",
        "name": "General request or question",
        "department": "3-1-1 Center",
        "service_group": "General",
        "sla_hours": 120,
        "description": "Anything else for the city.",
        "keywords": ["other", "question", "general", "otro", "pregunta"],
    },
]


def upgrade() -> None:
    _create_tables()
    _seed_service_types()


def _create_tables() -> None:
    op.create_table(
        "agents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("login"),
    )
    op.create_table(
        "service_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("department", sa.String(length=120), nullable=False),
        sa.Column("service_group", sa.String(length=80), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("sla_hours", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_sid", sa.String(length=34), nullable=False),
        sa.Column("caller", sa.String(length=20), nullable=True),
        sa.Column("caller_withheld", sa.Boolean(), nullable=False),
        sa.Column("called", sa.String(length=32), nullable=False),
        sa.Column("direction", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("path", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("queue", sa.String(length=40), nullable=True),
        sa.Column("queue_entered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("queue_position", sa.Integer(), nullable=True),
        sa.Column("queue_estimate_seconds", sa.Integer(), nullable=True),
        sa.Column("queue_result", sa.String(length=20), nullable=True),
        sa.Column("queue_seconds", sa.Integer(), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("talk_seconds", sa.Integer(), nullable=True),
        sa.Column("recording_url", sa.String(length=500), nullable=True),
        sa.Column("disposition", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("call_sid"),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calls_caller"), ["caller"], unique=False)
        batch_op.create_index(batch_op.f("ix_calls_disposition"), ["disposition"], unique=False)
        batch_op.create_index(batch_op.f("ix_calls_started_at"), ["started_at"], unique=False)

    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("service_type_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("zip_code", sa.String(length=10), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("contact_name", sa.String(length=120), nullable=False),
        sa.Column("contact_phone", sa.String(length=20), nullable=True),
        sa.Column("contact_email", sa.String(length=200), nullable=False),
        sa.Column("media_url", sa.String(length=500), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expected_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_key", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_type_id"],
            ["service_types.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference"),
        sa.UniqueConstraint("source_key"),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_opened_at"), ["opened_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_service_type_id"), ["service_type_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_zip_code"), ["zip_code"], unique=False)

    op.create_table(
        "case_agents",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id", "agent_id"),
    )
    op.create_table(
        "case_calls",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id", "call_id"),
    )
    op.create_table(
        "case_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("case_updates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_updates_case_id"), ["case_id"], unique=False)


def _seed_service_types() -> None:
    table = sa.table(
        "service_types",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("description", sa.Text),
        sa.column("department", sa.String),
        sa.column("service_group", sa.String),
        sa.column("keywords", sa.JSON),
        sa.column("sla_hours", sa.Integer),
        sa.column("active", sa.Boolean),
    )
    op.bulk_insert(table, [{**row, "active": True} for row in DEFAULT_SERVICE_TYPES])


def downgrade() -> None:
    with op.batch_alter_table("case_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_updates_case_id"))

    op.drop_table("case_updates")
    op.drop_table("case_calls")
    op.drop_table("case_agents")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_zip_code"))
        batch_op.drop_index(batch_op.f("ix_cases_status"))
        batch_op.drop_index(batch_op.f("ix_cases_service_type_id"))
        batch_op.drop_index(batch_op.f("ix_cases_opened_at"))

    op.drop_table("cases")
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calls_started_at"))
        batch_op.drop_index(batch_op.f("ix_calls_disposition"))
        batch_op.drop_index(batch_op.f("ix_calls_caller"))

    op.drop_table("calls")
    op.drop_table("service_types")
    op.drop_table("agents")

"""open311: service attributes, the answers cases were opened with, and API submissions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _service_attributes()
    _case_attributes()
    _open311_submissions()


def _service_attributes() -> None:
    op.create_table(
        "service_attributes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_type_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("datatype", sa.String(length=16), nullable=False),
        sa.Column("variable", sa.Boolean(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("datatype_description", sa.Text(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["service_type_id"], ["service_types.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("service_type_id", "code", name="uq_service_attribute_code"),
    )
    with op.batch_alter_table("service_attributes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_attributes_service_type_id"), ["service_type_id"], unique=False)


def _case_attributes() -> None:
    op.create_table(
        "case_attributes",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id", "code"),
    )


def _open311_submissions() -> None:
    op.create_table(
        "open311_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client", sa.String(length=16), nullable=False),
        sa.Column("idempotency_key", sa.String(length=128), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("account_id", sa.String(length=100), nullable=False),
        sa.Column("device_id", sa.String(length=100), nullable=False),
        sa.Column("address_id", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client", "idempotency_key", name="uq_open311_submission_once"),
    )
    with op.batch_alter_table("open311_submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_open311_submissions_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_open311_submissions_recent", ["client", "fingerprint", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("open311_submissions", schema=None) as batch_op:
        batch_op.drop_index("ix_open311_submissions_recent")
        batch_op.drop_index(batch_op.f("ix_open311_submissions_case_id"))
    op.drop_table("open311_submissions")
    op.drop_table("case_attributes")
    with op.batch_alter_table("service_attributes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_attributes_service_type_id"))
    op.drop_table("service_attributes")

"""collection: zones, streets and segments, schedules and their dates, holidays, service changes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "collection_zones",
        sa.Column("code", sa.String(16), primary_key=True),
    )
    op.create_table(
        "collection_streets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("zip", sa.String(5), nullable=False),
        sa.Column("street_key", sa.String(120), nullable=False),
        sa.Column("base", sa.String(100), nullable=False),
        sa.Column("suffix", sa.String(8), nullable=False),
        sa.Column("directional", sa.String(2), nullable=False),
        sa.Column("spoken_base", sa.String(100), nullable=False),
        sa.UniqueConstraint("zip", "street_key", name="uq_collection_street"),
    )
    op.create_index("ix_collection_streets_base", "collection_streets", ["base"])
    op.create_table(
        "collection_segments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("street_id", sa.Integer(), sa.ForeignKey("collection_streets.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("low", sa.Integer(), nullable=False),
        sa.Column("high", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(4), nullable=False),
        sa.Column("zone", sa.String(16), sa.ForeignKey("collection_zones.code"), nullable=False),
        sa.UniqueConstraint("street_id", "low", "high", "side", name="uq_collection_segment"),
    )
    op.create_index("ix_collection_segments_street_id", "collection_segments", ["street_id"])
    _schedules()
    op.create_table(
        "collection_holidays",
        sa.Column("name", sa.String(80), primary_key=True),
    )
    op.create_table(
        "collection_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("zone", sa.String(16), nullable=False),
        sa.Column("stream", sa.String(16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("moved_to", sa.Date(), nullable=True),
        sa.Column("note", sa.String(200), nullable=False),
        sa.UniqueConstraint("zone", "stream", "day", name="uq_collection_change"),
    )
    op.create_index("ix_collection_changes_day", "collection_changes", ["day"])


def _schedules() -> None:
    op.create_table(
        "collection_schedules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("zone", sa.String(16), sa.ForeignKey("collection_zones.code"), nullable=False),
        sa.Column("stream", sa.String(16), nullable=False),
        sa.Column("frequency", sa.String(16), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=True),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("season_start", sa.String(5), nullable=True),
        sa.Column("season_end", sa.String(5), nullable=True),
        sa.Column("cutoff", sa.Time(), nullable=False),
        sa.UniqueConstraint("zone", "stream", name="uq_collection_schedule"),
    )
    op.create_table(
        "collection_dates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("schedule_id", sa.Integer(), sa.ForeignKey("collection_schedules.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.UniqueConstraint("schedule_id", "day", name="uq_collection_date"),
    )
    op.create_index("ix_collection_dates_schedule_id", "collection_dates", ["schedule_id"])


def downgrade() -> None:
    for index, table in (("ix_collection_changes_day", "collection_changes"),
                         ("ix_collection_dates_schedule_id", "collection_dates"),
                         ("ix_collection_segments_street_id", "collection_segments"),
                         ("ix_collection_streets_base", "collection_streets")):
        op.drop_index(index, table_name=table)
    for table in ("collection_changes", "collection_holidays", "collection_dates", "collection_schedules",
                  "collection_segments", "collection_streets", "collection_zones"):
        op.drop_table(table)

"""Weekly summaries: stored snapshots, time to acknowledge, indexes for the aggregates.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 03:15:05.009169
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "weekly_summary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("built_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rebuilt_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["area.id"],
            name=op.f("fk_weekly_summary_area_id_area"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weekly_summary")),
        sa.UniqueConstraint(
            "area_id", "week_start", name=op.f("uq_weekly_summary_area_id_week_start")
        ),
    )
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.create_index("ix_check_in_rt_id_night_date", ["rt_id", "night_date"], unique=False)

    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ack_seconds", sa.Integer(), nullable=True))

    with op.batch_alter_table("night_log", schema=None) as batch_op:
        batch_op.create_index(
            "ix_night_log_rt_id_night_date", ["rt_id", "night_date"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("night_log", schema=None) as batch_op:
        batch_op.drop_index("ix_night_log_rt_id_night_date")

    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_column("ack_seconds")

    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.drop_index("ix_check_in_rt_id_night_date")

    op.drop_table("weekly_summary")

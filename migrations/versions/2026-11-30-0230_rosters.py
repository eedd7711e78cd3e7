"""Monthly rosters: nights, assignments, calendar overrides, comments; RT objection days.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 02:30:34.924734
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rt_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("team_size", sa.Integer(), nullable=True),
        sa.Column("patrol_start", sa.Time(), nullable=True),
        sa.Column("patrol_end", sa.Time(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "end_date >= start_date", name=op.f("ck_calendar_override_dates_in_order")
        ),
        sa.CheckConstraint(
            "team_size IS NULL OR team_size >= 0",
            name=op.f("ck_calendar_override_team_size_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["rt_id"], ["area.id"], name=op.f("fk_calendar_override_rt_id_area"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_override")),
    )
    with op.batch_alter_table("calendar_override", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_override_rt_id"), ["rt_id"], unique=False)

    op.create_table(
        "roster",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rt_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "published", name="roster_status", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("problem", sa.JSON(), nullable=False),
        sa.Column("generated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("objection_until", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("published_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["rt_id"], ["area.id"], name=op.f("fk_roster_rt_id_area"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster")),
        sa.UniqueConstraint("rt_id", "month", name=op.f("uq_roster_rt_id_month")),
    )
    op.create_table(
        "roster_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("roster_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["roster_id"],
            ["roster.id"],
            name=op.f("fk_roster_comment_roster_id_roster"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_roster_comment_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_comment")),
    )
    with op.batch_alter_table("roster_comment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_roster_comment_roster_id"), ["roster_id"], unique=False
        )

    op.create_table(
        "roster_night",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("roster_id", sa.Integer(), nullable=False),
        sa.Column("night_date", sa.Date(), nullable=False),
        sa.Column("starts_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("team_size", sa.Integer(), nullable=False),
        sa.Column("holiday", sa.String(length=120), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["roster_id"],
            ["roster.id"],
            name=op.f("fk_roster_night_roster_id_roster"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_night")),
        sa.UniqueConstraint(
            "roster_id", "night_date", name=op.f("uq_roster_night_roster_id_night_date")
        ),
    )
    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("night_id", sa.Integer(), nullable=False),
        sa.Column("roster_id", sa.Integer(), nullable=False),
        sa.Column("rt_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("night_date", sa.Date(), nullable=False),
        sa.Column("weekend", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "scheduled",
                "present",
                "absent",
                "excused",
                "covered",
                name="assignment_status",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_assignment_household_id_household"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["night_id"],
            ["roster_night.id"],
            name=op.f("fk_assignment_night_id_roster_night"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["roster_id"],
            ["roster.id"],
            name=op.f("fk_assignment_roster_id_roster"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rt_id"], ["area.id"], name=op.f("fk_assignment_rt_id_area"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment")),
        sa.UniqueConstraint(
            "night_id", "household_id", name=op.f("uq_assignment_night_id_household_id")
        ),
    )
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assignment_household_id_night_date", ["household_id", "night_date"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assignment_roster_id"), ["roster_id"], unique=False)
        batch_op.create_index(
            "ix_assignment_rt_id_night_date", ["rt_id", "night_date"], unique=False
        )

    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("objection_days", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.drop_column("objection_days")

    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_index("ix_assignment_rt_id_night_date")
        batch_op.drop_index(batch_op.f("ix_assignment_roster_id"))
        batch_op.drop_index("ix_assignment_household_id_night_date")

    op.drop_table("assignment")
    op.drop_table("roster_night")
    with op.batch_alter_table("roster_comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roster_comment_roster_id"))

    op.drop_table("roster_comment")
    op.drop_table("roster")
    with op.batch_alter_table("calendar_override", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_override_rt_id"))

    op.drop_table("calendar_override")

"""Patrol nights: check-ins, logs, titip rumah, fines; the RT's no-show rule.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 02:56:48.261175
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "house_watch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("rt_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_house_watch_dates_in_order")),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_house_watch_household_id_household"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rt_id"], ["area.id"], name=op.f("fk_house_watch_rt_id_area"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_house_watch")),
    )
    with op.batch_alter_table("house_watch", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_house_watch_household_id"), ["household_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_house_watch_rt_id"), ["rt_id"], unique=False)

    op.create_table(
        "house_watch_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("night_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("checked_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["night_id"],
            ["roster_night.id"],
            name=op.f("fk_house_watch_check_night_id_roster_night"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_house_watch_check_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["watch_id"],
            ["house_watch.id"],
            name=op.f("fk_house_watch_check_watch_id_house_watch"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_house_watch_check")),
        sa.UniqueConstraint(
            "watch_id", "night_id", name=op.f("uq_house_watch_check_watch_id_night_id")
        ),
    )
    op.create_table(
        "night_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("night_id", sa.Integer(), nullable=False),
        sa.Column("rt_id", sa.Integer(), nullable=False),
        sa.Column("night_date", sa.Date(), nullable=False),
        sa.Column("opened_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["closed_by_id"],
            ["user_account.id"],
            name=op.f("fk_night_log_closed_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["night_id"],
            ["roster_night.id"],
            name=op.f("fk_night_log_night_id_roster_night"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rt_id"], ["area.id"], name=op.f("fk_night_log_rt_id_area"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_night_log")),
        sa.UniqueConstraint("night_id", name=op.f("uq_night_log_night_id")),
    )
    with op.batch_alter_table("night_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_night_log_night_date"), ["night_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_night_log_rt_id"), ["rt_id"], unique=False)

    op.create_table(
        "check_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("night_id", sa.Integer(), nullable=False),
        sa.Column("rt_id", sa.Integer(), nullable=False),
        sa.Column("night_date", sa.Date(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "rostered",
                "stand_in",
                "walk_in",
                name="check_in_kind",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("walk_in_name", sa.String(length=120), nullable=True),
        sa.Column("checked_in_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("checked_out_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("accuracy_m", sa.Double(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignment.id"],
            name=op.f("fk_check_in_assignment_id_assignment"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["night_id"],
            ["roster_night.id"],
            name=op.f("fk_check_in_night_id_roster_night"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_check_in_recorded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["rt_id"], ["area.id"], name=op.f("fk_check_in_rt_id_area"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_check_in_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_in")),
        sa.UniqueConstraint("night_id", "user_id", name=op.f("uq_check_in_night_id_user_id")),
    )
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_check_in_assignment_id"), ["assignment_id"], unique=False
        )
        batch_op.create_index("ix_check_in_night_id", ["night_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_check_in_rt_id"), ["rt_id"], unique=False)

    op.create_table(
        "fine",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("amount_rupiah", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("paid_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("amount_rupiah > 0", name=op.f("ck_fine_amount_positive")),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignment.id"],
            name=op.f("fk_fine_assignment_id_assignment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_fine_household_id_household"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_fine_recorded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fine")),
        sa.UniqueConstraint("assignment_id", name=op.f("uq_fine_assignment_id")),
    )
    with op.batch_alter_table("fine", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fine_household_id"), ["household_id"], unique=False)

    op.create_table(
        "log_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("log_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "aman", "round", "note", "jimpitan", name="entry_kind", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("amount_rupiah", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "amount_rupiah IS NULL OR amount_rupiah >= 0", name=op.f("ck_log_entry_amount")
        ),
        sa.ForeignKeyConstraint(
            ["log_id"],
            ["night_log.id"],
            name=op.f("fk_log_entry_log_id_night_log"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_log_entry_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_entry")),
    )
    with op.batch_alter_table("log_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_log_entry_log_id"), ["log_id"], unique=False)

    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("noshow_makeup", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("noshow_fine_rupiah", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.drop_column("noshow_fine_rupiah")
        batch_op.drop_column("noshow_makeup")

    with op.batch_alter_table("log_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_log_entry_log_id"))

    op.drop_table("log_entry")
    with op.batch_alter_table("fine", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fine_household_id"))

    op.drop_table("fine")
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_check_in_rt_id"))
        batch_op.drop_index("ix_check_in_night_id")
        batch_op.drop_index(batch_op.f("ix_check_in_assignment_id"))

    op.drop_table("check_in")
    with op.batch_alter_table("night_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_night_log_rt_id"))
        batch_op.drop_index(batch_op.f("ix_night_log_night_date"))

    op.drop_table("night_log")
    op.drop_table("house_watch_check")
    with op.batch_alter_table("house_watch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_house_watch_rt_id"))
        batch_op.drop_index(batch_op.f("ix_house_watch_household_id"))

    op.drop_table("house_watch")

"""Swaps, stand-ins and calendar feeds; whether an RT approves swaps.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 02:43:44.656621
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rt_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_calendar_feed_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_calendar_feed_household_id_household"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rt_id"], ["area.id"], name=op.f("fk_calendar_feed_rt_id_area"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feed")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feed_token_hash")),
    )
    with op.batch_alter_table("calendar_feed", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calendar_feed_household_id"), ["household_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_calendar_feed_rt_id"), ["rt_id"], unique=False)

    op.create_table(
        "swap_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("roster_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "pending",
                "done",
                "refused",
                "cancelled",
                "expired",
                name="offer_status",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("taker_household_id", sa.Integer(), nullable=True),
        sa.Column("swap_assignment_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignment.id"],
            name=op.f("fk_swap_offer_assignment_id_assignment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_swap_offer_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_swap_offer_household_id_household"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["roster_id"],
            ["roster.id"],
            name=op.f("fk_swap_offer_roster_id_roster"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["swap_assignment_id"],
            ["assignment.id"],
            name=op.f("fk_swap_offer_swap_assignment_id_assignment"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["taker_household_id"],
            ["household.id"],
            name=op.f("fk_swap_offer_taker_household_id_household"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_swap_offer")),
    )
    with op.batch_alter_table("swap_offer", schema=None) as batch_op:
        batch_op.create_index(
            "ix_swap_offer_roster_id_status", ["roster_id", "status"], unique=False
        )

    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "swap_needs_approval", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )

    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stand_in_household_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("stand_in_name", sa.String(length=120), nullable=True))
        batch_op.add_column(
            sa.Column("stand_in_paid", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_assignment_stand_in_household_id_household"),
            "household",
            ["stand_in_household_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_assignment_stand_in_household_id_household"), type_="foreignkey"
        )
        batch_op.drop_column("stand_in_paid")
        batch_op.drop_column("stand_in_name")
        batch_op.drop_column("stand_in_household_id")

    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.drop_column("swap_needs_approval")

    with op.batch_alter_table("swap_offer", schema=None) as batch_op:
        batch_op.drop_index("ix_swap_offer_roster_id_status")

    op.drop_table("swap_offer")
    with op.batch_alter_table("calendar_feed", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_feed_rt_id"))
        batch_op.drop_index(batch_op.f("ix_calendar_feed_household_id"))

    op.drop_table("calendar_feed")

"""Incident reports with protected reporters: the trail, photos, the per-RT rate.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 03:09:58.215313
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_rate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rt_id", sa.Integer(), nullable=False),
        sa.Column("hour", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rt_id"], ["area.id"], name=op.f("fk_report_rate_rt_id_area"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_rate")),
        sa.UniqueConstraint("rt_id", "hour", name=op.f("uq_report_rate_rt_id_hour")),
    )
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rt_id", sa.Integer(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "pencurian",
                "perampokan",
                "mencurigakan",
                "kebakaran",
                "keributan",
                "gangguan_ketertiban",
                "kecelakaan",
                "bencana",
                "vandalisme",
                "orang_hilang",
                "fasilitas_rusak",
                "lainnya",
                name="incident_category",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "severity",
            sa.Enum(
                "rendah",
                "sedang",
                "tinggi",
                "darurat",
                name="incident_severity",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("occurred_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("night_log_id", sa.Integer(), nullable=True),
        sa.Column(
            "privacy",
            sa.Enum(
                "named",
                "confidential",
                "anonymous",
                name="incident_privacy",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("reporter_user_id", sa.Integer(), nullable=True),
        sa.Column("receipt_hash", sa.String(length=64), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "reported",
                "acknowledged",
                "in_progress",
                "resolved",
                "dismissed",
                name="incident_status",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("hidden_reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["night_log_id"],
            ["night_log.id"],
            name=op.f("fk_incident_night_log_id_night_log"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_user_id"],
            ["user_account.id"],
            name=op.f("fk_incident_reporter_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["rt_id"], ["area.id"], name=op.f("fk_incident_rt_id_area"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
        sa.UniqueConstraint("receipt_hash", name=op.f("uq_incident_receipt_hash")),
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_reporter_user_id"), ["reporter_user_id"], unique=False
        )
        batch_op.create_index("ix_incident_rt_id_local_date", ["rt_id", "local_date"], unique=False)
        batch_op.create_index(
            "ix_incident_status_created_at", ["status", "created_at"], unique=False
        )

    op.create_table(
        "incident_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "reported",
                "acknowledged",
                "in_progress",
                "resolved",
                "dismissed",
                name="incident_status",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["user_account.id"],
            name=op.f("fk_incident_event_actor_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incident.id"],
            name=op.f("fk_incident_event_incident_id_incident"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_event")),
    )
    with op.batch_alter_table("incident_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_event_incident_id"), ["incident_id"], unique=False
        )

    op.create_table(
        "incident_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=100), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incident.id"],
            name=op.f("fk_incident_photo_incident_id_incident"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_photo")),
    )
    with op.batch_alter_table("incident_photo", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_photo_incident_id"), ["incident_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("incident_photo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_photo_incident_id"))

    op.drop_table("incident_photo")
    with op.batch_alter_table("incident_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_event_incident_id"))

    op.drop_table("incident_event")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_status_created_at")
        batch_op.drop_index("ix_incident_rt_id_local_date")
        batch_op.drop_index(batch_op.f("ix_incident_reporter_user_id"))

    op.drop_table("incident")
    op.drop_table("report_rate")

"""Incident reports, their follow-up trail and photos.

An anonymous report keeps no link to its reporter: no user id, no exact filing time
(it is kept to the hour), only the hash of the receipt the reporter holds.
"""

import enum
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime


class Category(enum.StrEnum):
    pencurian = "pencurian"
    perampokan = "perampokan"
    mencurigakan = "mencurigakan"
    kebakaran = "kebakaran"
    keributan = "keributan"
    gangguan_ketertiban = "gangguan_ketertiban"
    kecelakaan = "kecelakaan"
    bencana = "bencana"
    vandalisme = "vandalisme"
    orang_hilang = "orang_hilang"
    fasilitas_rusak = "fasilitas_rusak"
    lainnya = "lainnya"


class Severity(enum.StrEnum):
    rendah = "rendah"
    sedang = "sedang"
    tinggi = "tinggi"
    darurat = "darurat"


class Privacy(enum.StrEnum):
    named = "named"  # RT head and liaison see who
    confidential = "confidential"  # only the police liaison sees who
    anonymous = "anonymous"  # nobody but the reporter, through the receipt


class IncidentStatus(enum.StrEnum):
    reported = "reported"
    acknowledged = "acknowledged"
    in_progress = "in_progress"
    resolved = "resolved"
    dismissed = "dismissed"


class Incident(Base):
    __tablename__ = "incident"
    __table_args__ = (
        Index("ix_incident_rt_id_local_date", "rt_id", "local_date"),
        Index("ix_incident_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rt_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="RESTRICT"))
    category: Mapped[Category] = mapped_column(
        Enum(Category, name="incident_category", native_enum=False, length=32)
    )
    severity: Mapped[Severity] = mapped_column(
        Enum(Severity, name="incident_severity", native_enum=False, length=16)
    )
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The RT's local date of the incident, stored so summaries group without time zones.
    local_date: Mapped[date]
    place: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    description: Mapped[str] = mapped_column(Text)
    night_log_id: Mapped[int | None] = mapped_column(
        ForeignKey("night_log.id", ondelete="SET NULL")
    )
    privacy: Mapped[Privacy] = mapped_column(
        Enum(Privacy, name="incident_privacy", native_enum=False, length=16)
    )
    # Empty for an anonymous report, always.
    reporter_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    receipt_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[IncidentStatus] = mapped_column(
        Enum(IncidentStatus, name="incident_status", native_enum=False, length=16),
        default=IncidentStatus.reported,
    )
    hidden: Mapped[bool] = mapped_column(default=False)
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Seconds from filing to the first answer, kept so SQL needs no date arithmetic.
    ack_seconds: Mapped[int | None]
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when retention reduced a closed report to the figures summaries need.
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IncidentEvent(Base):
    """One step of the follow-up the reporter sees: who moved it, when, and why."""

    __tablename__ = "incident_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[IncidentStatus] = mapped_column(
        Enum(IncidentStatus, name="incident_status", native_enum=False, length=16)
    )
    note: Mapped[str | None] = mapped_column(Text)
    actor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class IncidentPhoto(Base):
    __tablename__ = "incident_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    file_name: Mapped[str] = mapped_column(String(100))
    content_type: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int]


class ReportRate(Base):
    """Reports filed per RT per hour: the flood limit, with no record of who filed."""

    __tablename__ = "report_rate"
    __table_args__ = (UniqueConstraint("rt_id", "hour"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rt_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    hour: Mapped[datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(default=0)

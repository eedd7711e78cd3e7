"""Households (KK) of an RT, their members and the periods they are away."""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime


class HouseholdStatus(enum.StrEnum):
    active = "active"
    exempt = "exempt"
    moved_out = "moved_out"


class AwayReason(enum.StrEnum):
    mudik = "mudik"
    sakit = "sakit"
    kerja = "kerja"
    lainnya = "lainnya"


class Household(Base):
    __tablename__ = "household"
    __table_args__ = (
        UniqueConstraint("rt_id", "house_code"),
        Index("ix_household_rt_id_status", "rt_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rt_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="RESTRICT"))
    # Block and number as the RT writes it ("A-12", "Gg. Mawar 3"); unique in the RT.
    house_code: Mapped[str] = mapped_column(String(40))
    head_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[HouseholdStatus] = mapped_column(
        Enum(HouseholdStatus, name="household_status", native_enum=False, length=16),
        default=HouseholdStatus.active,
    )
    exempt_reason: Mapped[str | None] = mapped_column(String(200))
    exempt_from: Mapped[date | None]
    exempt_until: Mapped[date | None]
    moved_out_date: Mapped[date | None]
    joined_date: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when the household's identity was erased (on request, or by retention): its
    # turns stay for the RT's fairness arithmetic, its names and contacts are gone.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Member(Base):
    __tablename__ = "member"
    __table_args__ = (UniqueConstraint("household_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))
    may_patrol: Mapped[bool] = mapped_column(default=True)
    # How this member signs in; a user is linked to at most one member.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AwayPeriod(Base):
    __tablename__ = "away_period"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True
    )
    start_date: Mapped[date]
    end_date: Mapped[date]
    reason: Mapped[AwayReason] = mapped_column(
        Enum(AwayReason, name="away_reason", native_enum=False, length=16)
    )
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

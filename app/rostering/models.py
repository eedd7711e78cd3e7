"""Monthly rosters: nights, who is on them, calendar overrides and comments on drafts."""

import enum
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime


class RosterStatus(enum.StrEnum):
    draft = "draft"
    published = "published"


class AssignmentStatus(enum.StrEnum):
    scheduled = "scheduled"
    present = "present"
    absent = "absent"
    excused = "excused"
    covered = "covered"


class Roster(Base):
    __tablename__ = "roster"
    __table_args__ = (UniqueConstraint("rt_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rt_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="RESTRICT"))
    month: Mapped[str] = mapped_column(String(7))  # "2026-12"
    status: Mapped[RosterStatus] = mapped_column(
        Enum(RosterStatus, name="roster_status", native_enum=False, length=16),
        default=RosterStatus.draft,
    )
    seed: Mapped[int] = mapped_column(default=0)
    # The solver's figures, bounds and proof flag, and the problem it was given.
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    problem: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    objection_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RosterNight(Base):
    __tablename__ = "roster_night"
    __table_args__ = (UniqueConstraint("roster_id", "night_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("roster.id", ondelete="CASCADE"))
    # The local date of the evening the night belongs to, even when it starts after midnight.
    night_date: Mapped[date]
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    team_size: Mapped[int]
    holiday: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(String(200))


class Assignment(Base):
    __tablename__ = "assignment"
    __table_args__ = (
        UniqueConstraint("night_id", "household_id"),
        # Carry-over reads an RT's served turns over a window of dates.
        Index("ix_assignment_rt_id_night_date", "rt_id", "night_date"),
        Index("ix_assignment_household_id_night_date", "household_id", "night_date"),
        # Summaries count a week of turns for many RTs at once: an index-only scan.
        Index("ix_assignment_week", "night_date", "rt_id", "status", "roster_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    night_id: Mapped[int] = mapped_column(ForeignKey("roster_night.id", ondelete="CASCADE"))
    roster_id: Mapped[int] = mapped_column(ForeignKey("roster.id", ondelete="CASCADE"), index=True)
    rt_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="RESTRICT"))
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="RESTRICT"))
    night_date: Mapped[date]
    weekend: Mapped[bool] = mapped_column(default=False)
    status: Mapped[AssignmentStatus] = mapped_column(
        Enum(AssignmentStatus, name="assignment_status", native_enum=False, length=16),
        default=AssignmentStatus.scheduled,
    )
    # Someone covering this household's turn: another resident's household, or a paid
    # substitute by name. The turn still counts as this household's.
    stand_in_household_id: Mapped[int | None] = mapped_column(
        ForeignKey("household.id", ondelete="SET NULL")
    )
    stand_in_name: Mapped[str | None] = mapped_column(String(120))
    stand_in_paid: Mapped[bool] = mapped_column(default=False, server_default=sa_false())


class CalendarOverride(Base):
    """A date range where an RT patrols differently: cancelled, other hours or team size."""

    __tablename__ = "calendar_override"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
        CheckConstraint("team_size IS NULL OR team_size >= 0", name="team_size_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rt_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date]
    # 0 cancels the nights; None keeps the RT's usual team size.
    team_size: Mapped[int | None]
    patrol_start: Mapped[time | None] = mapped_column(Time)
    patrol_end: Mapped[time | None] = mapped_column(Time)
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RosterComment(Base):
    __tablename__ = "roster_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("roster.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OfferStatus(enum.StrEnum):
    open = "open"
    pending = "pending"  # taken, waiting for the RT head where the RT asks for approval
    done = "done"
    refused = "refused"
    cancelled = "cancelled"
    expired = "expired"


class SwapOffer(Base):
    """A household offers one of its nights; another takes it, or swaps one of its own."""

    __tablename__ = "swap_offer"
    __table_args__ = (Index("ix_swap_offer_roster_id_status", "roster_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("roster.id", ondelete="CASCADE"))
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"))
    status: Mapped[OfferStatus] = mapped_column(
        Enum(OfferStatus, name="offer_status", native_enum=False, length=16),
        default=OfferStatus.open,
    )
    note: Mapped[str | None] = mapped_column(String(200))
    taker_household_id: Mapped[int | None] = mapped_column(
        ForeignKey("household.id", ondelete="SET NULL")
    )
    # The taker's own night given in return, for a swap; None for a plain take.
    swap_assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignment.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The offer lapses when its night begins.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CalendarFeed(Base):
    """A secret iCalendar address for one household's turns or a whole RT's roster."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    rt_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), index=True)
    # None: the feed of the whole RT.
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

"""What happens on the night: check-ins, the night's log, titip rumah, fines for no-shows."""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime


class CheckInKind(enum.StrEnum):
    rostered = "rostered"  # a member of the household on the roster
    stand_in = "stand_in"  # the household's stand-in
    walk_in = "walk_in"  # a helper the RT head recorded


class CheckIn(Base):
    __tablename__ = "check_in"
    __table_args__ = (
        # One check-in per person per night; walk-ins are told apart by name.
        UniqueConstraint("night_id", "user_id"),
        Index("ix_check_in_night_id", "night_id"),
        # Weekly summaries count patrolled nights per RT and date range.
        Index("ix_check_in_rt_id_night_date", "rt_id", "night_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    night_id: Mapped[int] = mapped_column(ForeignKey("roster_night.id", ondelete="CASCADE"))
    rt_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="RESTRICT"), index=True)
    night_date: Mapped[date]
    kind: Mapped[CheckInKind] = mapped_column(
        Enum(CheckInKind, name="check_in_kind", native_enum=False, length=16)
    )
    # The turn this check-in serves (None for a walk-in helper).
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignment.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    walk_in_name: Mapped[str | None] = mapped_column(String(120))
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    accuracy_m: Mapped[float | None]
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class NightLog(Base):
    __tablename__ = "night_log"
    __table_args__ = (Index("ix_night_log_rt_id_night_date", "rt_id", "night_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    night_id: Mapped[int] = mapped_column(
        ForeignKey("roster_night.id", ondelete="CASCADE"), unique=True
    )
    rt_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="RESTRICT"), index=True)
    night_date: Mapped[date] = mapped_column(index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # None when the scheduler closed it.
    closed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )


class EntryKind(enum.StrEnum):
    aman = "aman"  # all clear
    round = "round"  # a round of the neighbourhood done
    note = "note"
    jimpitan = "jimpitan"  # the nightly contribution collected, in Rupiah


class LogEntry(Base):
    __tablename__ = "log_entry"
    __table_args__ = (
        CheckConstraint("amount_rupiah IS NULL OR amount_rupiah >= 0", name="amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    log_id: Mapped[int] = mapped_column(ForeignKey("night_log.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EntryKind] = mapped_column(
        Enum(EntryKind, name="entry_kind", native_enum=False, length=16)
    )
    text: Mapped[str | None] = mapped_column(Text)
    amount_rupiah: Mapped[int | None]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class HouseWatch(Base):
    """Titip rumah: a household asks the patrol to watch its empty house for some dates."""

    __tablename__ = "house_watch"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True
    )
    rt_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="RESTRICT"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date]
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class HouseWatchCheck(Base):
    __tablename__ = "house_watch_check"
    __table_args__ = (UniqueConstraint("watch_id", "night_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    watch_id: Mapped[int] = mapped_column(ForeignKey("house_watch.id", ondelete="CASCADE"))
    night_id: Mapped[int] = mapped_column(ForeignKey("roster_night.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Fine(Base):
    """A no-show fine in whole Rupiah, owed until paid."""

    __tablename__ = "fine"
    __table_args__ = (CheckConstraint("amount_rupiah > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True
    )
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignment.id", ondelete="CASCADE"), unique=True
    )
    amount_rupiah: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

"""The area tree: kota > kecamatan > kelurahan > RW > RT; the RT carries its patrol settings."""

import enum
from datetime import datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Time,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime


class AreaKind(enum.StrEnum):
    kota = "kota"
    kecamatan = "kecamatan"
    kelurahan = "kelurahan"
    rw = "rw"
    rt = "rt"


# Which kind sits directly above each kind; kota is the root.
PARENT_KIND: dict[AreaKind, AreaKind | None] = {
    AreaKind.kota: None,
    AreaKind.kecamatan: AreaKind.kota,
    AreaKind.kelurahan: AreaKind.kecamatan,
    AreaKind.rw: AreaKind.kelurahan,
    AreaKind.rt: AreaKind.rw,
}

DEFAULT_TIMEZONE = "Asia/Jakarta"
DEFAULT_PATROL_START = time(22, 0)
DEFAULT_PATROL_END = time(4, 0)
DEFAULT_TEAM_SIZE = 4
DEFAULT_MIN_GAP_DAYS = 3
DEFAULT_WEEKEND_NIGHTS = ["fri", "sat"]
DEFAULT_FAIRNESS_WINDOW_MONTHS = 12


class Area(Base):
    __tablename__ = "area"
    __table_args__ = (
        # Sibling names are unique: "RT 03" exists once under its RW.
        Index("uq_area_parent_id_kind_name", "parent_id", "kind", "name", unique=True),
        CheckConstraint("team_size >= 1", name="team_size_positive"),
        CheckConstraint("min_gap_days >= 1", name="min_gap_positive"),
        CheckConstraint("fairness_window_months >= 1", name="fairness_window_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AreaKind] = mapped_column(
        Enum(AreaKind, name="area_kind", native_enum=False, length=16)
    )
    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("area.id", ondelete="RESTRICT"), index=True
    )
    # Materialised path of ids, "/1/4/9/", so "this area and everything beneath" is one
    # prefix match on either database.
    path: Mapped[str] = mapped_column(String(255), index=True)
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIMEZONE)
    patrol_start: Mapped[time] = mapped_column(Time, default=DEFAULT_PATROL_START)
    patrol_end: Mapped[time] = mapped_column(Time, default=DEFAULT_PATROL_END)
    team_size: Mapped[int] = mapped_column(Integer, default=DEFAULT_TEAM_SIZE)
    team_size_by_weekday: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    min_gap_days: Mapped[int] = mapped_column(Integer, default=DEFAULT_MIN_GAP_DAYS)
    weekend_nights: Mapped[list[str]] = mapped_column(
        JSON, default=lambda: list(DEFAULT_WEEKEND_NIGHTS)
    )
    fairness_window_months: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_FAIRNESS_WINDOW_MONTHS
    )
    # Days members may comment on a draft before it can be published (0: publish at once).
    objection_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Whether a swap or take waits for the RT head's approval.
    swap_needs_approval: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The no-show rule: a missed turn is owed again (make-up) and/or costs a fine. Without
    # make-up, a paid fine settles the turn.
    noshow_makeup: Mapped[bool] = mapped_column(default=True, server_default=true())
    noshow_fine_rupiah: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A report nobody acknowledged this long goes to the grant above the liaison.
    escalate_after_hours: Mapped[int] = mapped_column(Integer, default=24, server_default="24")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

"""Stored weekly summaries: built once a week's nights are all closed, never changed after."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime


class WeeklySummary(Base):
    __tablename__ = "weekly_summary"
    __table_args__ = (UniqueConstraint("area_id", "week_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    week_start: Mapped[date]  # the Monday
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rebuilt_count: Mapped[int] = mapped_column(default=0)

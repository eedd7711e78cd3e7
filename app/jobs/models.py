"""What the scheduler did: one row per job, area and slot, so each slot is done once."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime


class JobRun(Base):
    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("job", "area_id", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), index=True)
    # The slot in the area's own time ("2026-12-05" for a night, "2026-W48" for a week).
    slot: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int]
    detail: Mapped[str | None] = mapped_column(Text)
    # Which scheduler did it ("host:pid"), to see who ran what when several compete.
    runner: Mapped[str | None] = mapped_column(String(80))

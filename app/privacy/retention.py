"""Retention: what Ronda stops keeping, and when (settings ``RONDA_RETENTION_*``).

Each rule reduces rows to what the weekly summaries and the fairness arithmetic need:
check-ins keep their time and turn but lose their coordinates; closed reports keep
category, severity, dates, status and answer times but lose their words, place and
photos; households gone for long enough keep their turns under a pseudonym. The
same plan is counted for a dry run and applied for a purge, so the two never differ.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, delete, event, func, select, update
from sqlalchemy.orm import Session

from app.areas.models import Area, AreaKind
from app.config import Settings
from app.households.models import Household, HouseholdStatus
from app.idempotency.models import IdempotencyRecord
from app.incidents.models import Incident, IncidentEvent, IncidentPhoto
from app.notifications.models import OutboxMessage, OutboxStatus
from app.patrols.models import CheckIn
from app.privacy import service as privacy
from app.privacy.service import changed

UNLINK_KEY = "ronda_unlink_after_commit"


@event.listens_for(Session, "after_commit")
def _unlink_committed(session: Session) -> None:
    # Files go only once the rows that named them are gone for good.
    for path in session.info.pop(UNLINK_KEY, []):
        Path(path).unlink(missing_ok=True)


@event.listens_for(Session, "after_rollback")
def _keep_on_rollback(session: Session) -> None:
    session.info.pop(UNLINK_KEY, None)


@dataclass
class PurgeReport:
    """How many of each kind went (or would go, in a dry run)."""

    checkin_locations: int = 0
    photos: int = 0
    report_texts: int = 0
    households: int = 0
    messages: int = 0
    idempotency_records: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def total(self) -> int:
        return sum(asdict(self).values())


def _cutoff(now: datetime, days: int) -> datetime | None:
    return now - timedelta(days=days) if days > 0 else None


def _rts(root: Area | None) -> Any:
    stmt = select(Area.id).where(Area.kind == AreaKind.rt)
    if root is not None:
        stmt = stmt.where(Area.path.startswith(root.path))
    return stmt


def _count(session: Session, model: Any, where: list[ColumnElement[bool]]) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def purge(
    session: Session,
    root: Area | None,
    now: datetime,
    settings: Settings,
    *,
    dry_run: bool = False,
) -> PurgeReport:
    """Apply (or, with ``dry_run``, only count) every retention rule under ``root``.

    ``root=None`` covers the whole installation. Messages and stored idempotent answers
    belong to no area and are purged with every root.
    """
    report = PurgeReport()
    rts = _rts(root)

    def rule(
        name: str,
        model: Any,
        where: list[ColumnElement[bool]],
        apply: Callable[[list[ColumnElement[bool]]], int],
    ) -> None:
        setattr(report, name, _count(session, model, where) if dry_run else apply(where))

    located = _cutoff(now, settings.retention_checkin_location_days)
    if located is not None:
        rule(
            "checkin_locations",
            CheckIn,
            [
                CheckIn.rt_id.in_(rts),
                CheckIn.checked_in_at < located,
                CheckIn.latitude.is_not(None) | CheckIn.longitude.is_not(None),
            ],
            lambda where: changed(
                session,
                update(CheckIn)
                .where(*where)
                .values(latitude=None, longitude=None, accuracy_m=None)
                .execution_options(synchronize_session=False),
            ),
        )

    pictured = _cutoff(now, settings.retention_photo_days)
    if pictured is not None:
        closed_long_ago = select(Incident.id).where(
            Incident.rt_id.in_(rts), Incident.closed_at < pictured
        )

        def drop_photos(where: list[ColumnElement[bool]]) -> int:
            photos = session.execute(
                select(IncidentPhoto.id, IncidentPhoto.file_name).where(*where)
            )
            rows = photos.all()
            if not rows:
                return 0
            folder = settings.media_dir / "incidents"
            session.info.setdefault(UNLINK_KEY, []).extend(str(folder / name) for _id, name in rows)
            session.execute(
                delete(IncidentPhoto)
                .where(IncidentPhoto.id.in_([i for i, _n in rows]))
                .execution_options(synchronize_session=False)
            )
            return len(rows)

        rule(
            "photos",
            IncidentPhoto,
            [IncidentPhoto.incident_id.in_(closed_long_ago)],
            drop_photos,
        )

    worded = _cutoff(now, settings.retention_report_text_days)
    if worded is not None:

        def reduce_reports(where: list[ColumnElement[bool]]) -> int:
            ids = list(session.scalars(select(Incident.id).where(*where)))
            if not ids:
                return 0
            session.execute(
                update(Incident)
                .where(Incident.id.in_(ids))
                .values(
                    description="",
                    place=None,
                    latitude=None,
                    longitude=None,
                    hidden_reason=None,
                    reporter_user_id=None,
                    redacted_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            session.execute(
                update(IncidentEvent)
                .where(IncidentEvent.incident_id.in_(ids))
                .values(note=None, actor_user_id=None)
                .execution_options(synchronize_session=False)
            )
            return len(ids)

        rule(
            "report_texts",
            Incident,
            [
                Incident.rt_id.in_(rts),
                Incident.closed_at < worded,
                Incident.redacted_at.is_(None),
            ],
            reduce_reports,
        )

    # Messages first: erasing a household also deletes its own, which the count of
    # old messages must not depend on.
    delivered = _cutoff(now, settings.retention_outbox_days)
    if delivered is not None:
        rule(
            "messages",
            OutboxMessage,
            [
                OutboxMessage.status.in_([OutboxStatus.sent, OutboxStatus.failed]),
                OutboxMessage.created_at < delivered,
            ],
            lambda where: changed(
                session,
                delete(OutboxMessage).where(*where).execution_options(synchronize_session=False),
            ),
        )

    answered = _cutoff(now, settings.retention_idempotency_days)
    if answered is not None:
        rule(
            "idempotency_records",
            IdempotencyRecord,
            [IdempotencyRecord.created_at < answered],
            lambda where: changed(
                session,
                delete(IdempotencyRecord)
                .where(*where)
                .execution_options(synchronize_session=False),
            ),
        )
    gone = _cutoff(now, settings.retention_moved_out_days)
    if gone is not None:

        def forget_households(where: list[ColumnElement[bool]]) -> int:
            found = list(session.scalars(select(Household).where(*where).order_by(Household.id)))
            for household in found:
                privacy.erase_identity(
                    session, household, now=now, actor_id=None, action="household.retention"
                )
            return len(found)

        rule(
            "households",
            Household,
            [
                Household.rt_id.in_(rts),
                Household.status == HouseholdStatus.moved_out,
                Household.moved_out_date < gone.date(),
                Household.erased_at.is_(None),
            ],
            forget_households,
        )

    session.flush()
    return report

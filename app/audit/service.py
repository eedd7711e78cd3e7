"""Writing to the audit log; every domain records its changes through here."""

from datetime import date, datetime, time
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from app.audit.models import AuditEntry


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    """Take the named attributes of ``obj`` as a JSON-ready dict for before/after."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def record(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: object,
    at: datetime,
    area_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry; ``actor_id=None`` for the scheduler or an anonymous act."""
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        area_id=area_id,
        before=_jsonable(before),
        after=_jsonable(after),
        at=at,
    )
    session.add(entry)
    return entry

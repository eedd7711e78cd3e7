"""The area tree: creating, changing, moving and listing areas."""

from collections.abc import Iterable, Mapping
from datetime import datetime, time
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from app.areas.models import DEFAULT_TIMEZONE, PARENT_KIND, Area, AreaKind
from app.areas.schemas import WEEKDAYS, AreaCreate, AreaUpdate, PatrolSettings
from app.audit import service as audit
from app.errors import Conflict, Invalid, NotFound
from app.i18n import N_

PATROL_FIELDS = list(PatrolSettings.model_fields)
AUDIT_FIELDS = ["kind", "name", "parent_id", "path", "timezone", *PATROL_FIELDS]


class AreaNotFound(NotFound):
    code = "area_not_found"
    message = N_("Area {area_id} does not exist.")


class WrongParent(Invalid):
    code = "area_wrong_parent"
    message = N_("A {kind} must sit under a {parent_kind}.")


class RootHasNoParent(Invalid):
    code = "area_root_has_parent"
    message = N_("A kota is the top of the tree and has no parent.")


class DuplicateName(Conflict):
    code = "area_duplicate_name"
    message = N_("There is already a {kind} named {name} here.")


class NotAnRT(Invalid):
    code = "area_not_rt"
    message = N_("Patrol settings belong to an RT only.")


class PatrolHoursEmpty(Invalid):
    code = "area_patrol_hours_empty"
    message = N_("Patrol start and end must differ.")


def get_area(session: Session, area_id: int) -> Area:
    """Return the area or raise ``AreaNotFound``."""
    area = session.get(Area, area_id)
    if area is None:
        raise AreaNotFound(area_id=area_id, field="area_id")
    return area


def _check_parent(kind: AreaKind, parent: Area | None, field: str = "kind") -> None:
    wanted = PARENT_KIND[kind]
    if wanted is None:
        if parent is not None:
            raise RootHasNoParent(field=field)
        return
    if parent is None or parent.kind != wanted:
        raise WrongParent(kind=kind.value, parent_kind=wanted.value, field=field)


def _under(parent_id: int | None) -> ColumnElement[bool]:
    return Area.parent_id.is_(None) if parent_id is None else Area.parent_id == parent_id


def _check_unique_name(
    session: Session, kind: AreaKind, name: str, parent_id: int | None, exclude: int | None
) -> None:
    query = select(Area.id).where(Area.kind == kind, Area.name == name, _under(parent_id))
    if exclude is not None:
        query = query.where(Area.id != exclude)
    if session.scalar(query) is not None:
        raise DuplicateName(kind=kind.value, name=name, field="name")


def _apply_patrol(area: Area, settings: Mapping[str, Any]) -> None:
    if area.kind != AreaKind.rt and any(settings.get(f) is not None for f in PATROL_FIELDS):
        raise NotAnRT(field=next(f for f in PATROL_FIELDS if settings.get(f) is not None))
    for name in PATROL_FIELDS:
        value = settings.get(name)
        if value is not None:
            if name == "weekend_nights":
                value = sorted(set(value), key=WEEKDAYS.index)
            setattr(area, name, value)
    start: time | None = area.patrol_start
    if start is not None and start == area.patrol_end:
        raise PatrolHoursEmpty(field="patrol_end")


def create_area(
    session: Session, data: AreaCreate, parent: Area | None, *, actor_id: int | None, now: datetime
) -> Area:
    """Create an area under a parent of the right kind; an RT gets the default patrol settings."""
    _check_parent(data.kind, parent)
    parent_id = parent.id if parent else None
    _check_unique_name(session, data.kind, data.name, parent_id, None)
    area = Area(
        kind=data.kind,
        name=data.name,
        parent_id=parent_id,
        path="",
        timezone=data.timezone or (parent.timezone if parent else DEFAULT_TIMEZONE),
        created_at=now,
        updated_at=now,
    )
    session.add(area)
    _apply_patrol(area, data.model_dump(include=set(PATROL_FIELDS)))
    session.flush()
    area.path = f"{parent.path if parent else '/'}{area.id}/"
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="area.create",
        object_type="area",
        object_id=area.id,
        area_id=area.id,
        at=now,
        after=audit.snapshot(area, AUDIT_FIELDS),
    )
    return area


def update_area(
    session: Session, area: Area, data: AreaUpdate, *, actor_id: int | None, now: datetime
) -> Area:
    """Rename an area, change its time zone or (for an RT) its patrol settings."""
    before = audit.snapshot(area, AUDIT_FIELDS)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("name") is not None:
        _check_unique_name(session, area.kind, changes["name"], area.parent_id, area.id)
        area.name = changes["name"]
    if changes.get("timezone") is not None:
        area.timezone = changes["timezone"]
    _apply_patrol(area, changes)
    area.updated_at = now
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="area.update",
        object_type="area",
        object_id=area.id,
        area_id=area.id,
        at=now,
        before=before,
        after=audit.snapshot(area, AUDIT_FIELDS),
    )
    return area


def move_area(
    session: Session, area: Area, parent: Area, *, actor_id: int | None, now: datetime
) -> Area:
    """Move an area (and everything beneath it) under another parent of the right kind."""
    _check_parent(area.kind, parent, field="parent_id")
    _check_unique_name(session, area.kind, area.name, parent.id, area.id)
    before = audit.snapshot(area, AUDIT_FIELDS)
    old_prefix = area.path
    new_prefix = f"{parent.path}{area.id}/"
    for node in session.scalars(select(Area).where(Area.path.startswith(old_prefix))):
        node.path = new_prefix + node.path[len(old_prefix) :]
    area.parent_id = parent.id
    area.updated_at = now
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="area.move",
        object_type="area",
        object_id=area.id,
        area_id=area.id,
        at=now,
        before=before,
        after=audit.snapshot(area, AUDIT_FIELDS),
    )
    return area


def list_areas(
    session: Session,
    *,
    parent_id: int | None = None,
    kind: AreaKind | None = None,
    within: Iterable[str] | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Area], int]:
    """List areas by parent and kind, limited to the subtrees whose paths are in ``within``."""
    query = select(Area)
    if parent_id is not None:
        query = query.where(Area.parent_id == parent_id)
    if kind is not None:
        query = query.where(Area.kind == kind)
    if within is not None:
        prefixes = list(within)
        if not prefixes:
            return [], 0
        query = query.where(or_(*(Area.path.startswith(p) for p in prefixes)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Area.path).limit(limit).offset(offset)).all()
    return list(rows), total


def import_tree(
    session: Session, nodes: list[dict[str, Any]], *, now: datetime, parent: Area | None = None
) -> tuple[int, int]:
    """Create the areas of a nested tree (kind, name, children) that do not exist yet.

    Returns (created, existing); running it twice creates nothing the second time.
    """
    created = existing = 0
    for node in nodes:
        data = AreaCreate.model_validate({k: v for k, v in node.items() if k != "children"})
        found = session.scalar(
            select(Area).where(
                Area.kind == data.kind,
                Area.name == data.name,
                _under(parent.id if parent else None),
            )
        )
        if found is None:
            found = create_area(session, data, parent, actor_id=None, now=now)
            created += 1
        else:
            existing += 1
        sub_created, sub_existing = import_tree(
            session, list(node.get("children") or []), now=now, parent=found
        )
        created += sub_created
        existing += sub_existing
    return created, existing

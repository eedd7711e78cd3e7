"""HTTP for the area tree."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from app.areas import service
from app.areas.models import Area, AreaKind
from app.areas.schemas import AreaCreate, AreaMove, AreaRead, AreaUpdate, PatrolSettingsRead
from app.auth.deps import INSTALLATION, Target, require
from app.auth.permissions import Permission
from app.auth.service import Principal
from app.db import DbSession
from app.deps import MAX_ID, IdempotencyKey, Now, PathId
from app.errors import ERROR_RESPONSES
from app.idempotency.http import answer_once
from app.pagination import Page, PageParams, page_params

router = APIRouter(prefix="/api/v1/areas", tags=["areas"], responses=ERROR_RESPONSES)

AREA = Target("area_id", lambda session, area_id: [service.get_area(session, area_id).path])

AreaReader = Annotated[Principal, Depends(require(Permission.read_area, AREA))]
AnyReader = Annotated[Principal, Depends(require(Permission.read_area))]
AreaManager = Annotated[Principal, Depends(require(Permission.manage_area, AREA))]
AreaCreator = Annotated[Principal, Depends(require(Permission.create_area, AREA))]
RootCreator = Annotated[Principal, Depends(require(Permission.create_area, INSTALLATION))]


def to_read(area: Area) -> AreaRead:
    patrol = None
    if area.kind == AreaKind.rt:
        patrol = PatrolSettingsRead.model_validate(area, from_attributes=True)
    return AreaRead(
        id=area.id,
        kind=area.kind,
        name=area.name,
        parent_id=area.parent_id,
        path=area.path,
        timezone=area.timezone,
        patrol=patrol,
    )


def _create(
    session: DbSession,
    data: AreaCreate,
    parent: Area | None,
    principal: Principal,
    now: Now,
    response: Response,
    key: str | None,
) -> object:
    return answer_once(
        session,
        response,
        scope=f"area.create:{parent.id if parent else 'root'}",
        key=key,
        payload=data,
        now=now,
        status=201,
        produce=lambda: to_read(
            service.create_area(session, data, parent, actor_id=principal.user.id, now=now)
        ),
    )


@router.post("", status_code=201, response_model=AreaRead)
def create_kota(
    data: AreaCreate,
    session: DbSession,
    principal: RootCreator,
    now: Now,
    response: Response,
    key: IdempotencyKey = None,
) -> object:
    """Create a kota, the top of a tree (installation admins only)."""
    return _create(session, data, None, principal, now, response, key)


@router.post("/{area_id}/children", status_code=201, response_model=AreaRead)
def create_child(
    area_id: PathId,
    data: AreaCreate,
    session: DbSession,
    principal: AreaCreator,
    now: Now,
    response: Response,
    key: IdempotencyKey = None,
) -> object:
    """Create an area directly under this one."""
    return _create(session, data, service.get_area(session, area_id), principal, now, response, key)


@router.get("", response_model=Page[AreaRead])
def list_areas(
    session: DbSession,
    principal: AnyReader,
    page: Annotated[PageParams, Depends(page_params)],
    parent_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    kind: AreaKind | None = None,
) -> Page[AreaRead]:
    """List the areas the caller may see, optionally the children of one parent or of one kind."""
    rows, total = service.list_areas(
        session,
        parent_id=parent_id,
        kind=kind,
        within=principal.paths_for(Permission.read_area),
        limit=page.limit,
        offset=page.offset,
    )
    return Page(items=[to_read(a) for a in rows], total=total, limit=page.limit, offset=page.offset)


@router.get("/{area_id}", response_model=AreaRead)
def read_area(area_id: PathId, session: DbSession, _: AreaReader) -> AreaRead:
    """Read one area with its patrol settings."""
    return to_read(service.get_area(session, area_id))


@router.patch("/{area_id}", response_model=AreaRead)
def update_area(
    area_id: PathId, data: AreaUpdate, session: DbSession, principal: AreaManager, now: Now
) -> AreaRead:
    """Rename an area or change its time zone or patrol settings."""
    area = service.update_area(
        session, service.get_area(session, area_id), data, actor_id=principal.user.id, now=now
    )
    return to_read(area)


@router.post("/{area_id}/move", response_model=AreaRead)
def move_area(
    area_id: PathId, data: AreaMove, session: DbSession, principal: AreaCreator, now: Now
) -> AreaRead:
    """Move an area and everything beneath it under another parent."""
    parent = service.get_area(session, data.parent_id)
    principal.check(Permission.create_area, parent, field="parent_id")
    area = service.move_area(
        session, service.get_area(session, area_id), parent, actor_id=principal.user.id, now=now
    )
    return to_read(area)

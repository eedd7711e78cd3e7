"""HTTP for households, members, away periods and the CSV import/export."""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from app.areas import service as areas
from app.areas.routes import AREA
from app.auth.deps import Target, require
from app.auth.permissions import Permission
from app.auth.service import Principal
from app.db import DbSession
from app.deps import Lang, Now, PathId
from app.errors import ERROR_RESPONSES
from app.households import importing, service
from app.households.models import HouseholdStatus
from app.households.schemas import (
    AwayCreate,
    AwayRead,
    HouseholdCreate,
    HouseholdRead,
    HouseholdUpdate,
    ImportResult,
    MemberCreate,
    MemberRead,
    MemberUpdate,
)
from app.pagination import Page, PageParams, page_params

router = APIRouter(prefix="/api/v1", tags=["households"], responses=ERROR_RESPONSES)

HOUSEHOLD = Target(
    "household_id", lambda session, hid: [service.rt_path_of_household(session, hid)]
)
MEMBER = Target(
    "member_id",
    lambda session, mid: [
        service.rt_path_of_household(session, service.get_member(session, mid).household_id)
    ],
)
AWAY = Target(
    "away_id",
    lambda session, aid: [
        service.rt_path_of_household(session, service.get_away(session, aid).household_id)
    ],
)

RTReader = Annotated[Principal, Depends(require(Permission.read_households, AREA))]
RTDetailReader = Annotated[Principal, Depends(require(Permission.read_household_details, AREA))]
RTManager = Annotated[Principal, Depends(require(Permission.manage_households, AREA))]
HouseholdReader = Annotated[Principal, Depends(require(Permission.read_households, HOUSEHOLD))]
HouseholdManager = Annotated[Principal, Depends(require(Permission.manage_households, HOUSEHOLD))]
MemberManager = Annotated[Principal, Depends(require(Permission.manage_households, MEMBER))]
AwayReader = Annotated[Principal, Depends(require(Permission.read_households, AWAY))]


async def csv_upload(request: Request) -> bytes:
    """Read the request body as a file, stopping as soon as it passes the size limit."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > importing.MAX_BYTES:
            raise importing.CsvTooLarge(limit_kb=importing.MAX_BYTES // 1000, field="file")
        chunks.append(chunk)
    return b"".join(chunks)


CSV_BODY = {
    "requestBody": {
        "required": True,
        "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _household_read(session: DbSession, principal: Principal, household_id: int) -> HouseholdRead:
    household = service.get_household(session, household_id)
    rt = areas.get_area(session, household.rt_id)
    members = service.members_by_household(session, [household.id])[household.id]
    return service.to_read(household, members, service.viewer(session, principal, rt))


@router.get("/areas/{area_id}/households", response_model=Page[HouseholdRead])
def list_households(
    area_id: PathId,
    session: DbSession,
    principal: RTReader,
    page: Annotated[PageParams, Depends(page_params)],
    status: HouseholdStatus | None = None,
    q: Annotated[str | None, Query(max_length=120, description="Name or house")] = None,
    away_on: Annotated[date | None, Query(description="Only those away on this date")] = None,
) -> Page[HouseholdRead]:
    """The households of an RT; a fellow member sees names only."""
    rt = service.get_rt(session, area_id)
    rows, total = service.list_households(
        session,
        rt,
        view=service.viewer(session, principal, rt),
        status=status,
        query=q,
        away_on=away_on,
        limit=page.limit,
        offset=page.offset,
    )
    return Page(items=rows, total=total, limit=page.limit, offset=page.offset)


@router.post("/areas/{area_id}/households", status_code=201, response_model=HouseholdRead)
def create_household(
    area_id: PathId, data: HouseholdCreate, session: DbSession, principal: RTManager, now: Now
) -> HouseholdRead:
    """Register a household (KK) in the RT."""
    rt = areas.get_area(session, area_id)
    household = service.create_household(session, rt, data, actor_id=principal.user.id, now=now)
    return _household_read(session, principal, household.id)


@router.post(
    "/areas/{area_id}/households/import", response_model=ImportResult, openapi_extra=CSV_BODY
)
def import_households(
    area_id: PathId,
    data: Annotated[bytes, Depends(csv_upload)],
    session: DbSession,
    principal: RTManager,
    now: Now,
    dry_run: bool = False,
) -> ImportResult:
    """Import households and members from CSV: all rows or none, every problem listed."""
    rt = areas.get_area(session, area_id)
    with session.begin_nested() as savepoint:
        result = importing.import_households(session, rt, data, actor_id=principal.user.id, now=now)
        if dry_run:
            savepoint.rollback()
    return result


@router.get(
    "/areas/{area_id}/households/export",
    response_model=None,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def export_households(
    area_id: PathId,
    session: DbSession,
    _: RTDetailReader,
    lang: Lang,
    headers: Literal["id", "en"] | None = None,
) -> Response:
    """The RT's households and members as CSV (headers in the request's language)."""
    rt = service.get_rt(session, area_id)
    text = importing.export_households(session, rt, headers or lang)
    return Response(
        content=text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="households-{rt.id}.csv"'},
    )


@router.get("/households/{household_id}", response_model=HouseholdRead)
def read_household(
    household_id: PathId, session: DbSession, principal: HouseholdReader
) -> HouseholdRead:
    """One household with its members; a fellow member sees names only."""
    return _household_read(session, principal, household_id)


@router.patch("/households/{household_id}", response_model=HouseholdRead)
def update_household(
    household_id: PathId,
    data: HouseholdUpdate,
    session: DbSession,
    principal: HouseholdManager,
    now: Now,
) -> HouseholdRead:
    """Change a household: details, or its status (exempt with a reason, moved out)."""
    household = service.get_household(session, household_id)
    service.update_household(
        session, household, data.model_dump(exclude_unset=True), actor_id=principal.user.id, now=now
    )
    return _household_read(session, principal, household_id)


@router.post("/households/{household_id}/members", status_code=201, response_model=MemberRead)
def add_member(
    household_id: PathId,
    data: MemberCreate,
    session: DbSession,
    principal: HouseholdManager,
    now: Now,
) -> MemberRead:
    """Add a member to the household."""
    household = service.get_household(session, household_id)
    member = service.add_member(session, household, data, actor_id=principal.user.id, now=now)
    return MemberRead(
        id=member.id,
        name=member.name,
        phone=member.phone,
        may_patrol=member.may_patrol,
        user_id=member.user_id,
    )


@router.patch("/members/{member_id}", response_model=MemberRead)
def update_member(
    member_id: PathId, data: MemberUpdate, session: DbSession, principal: MemberManager, now: Now
) -> MemberRead:
    """Change a member, or link the user they sign in as."""
    member = service.get_member(session, member_id)
    service.update_member(
        session, member, data.model_dump(exclude_unset=True), actor_id=principal.user.id, now=now
    )
    return MemberRead(
        id=member.id,
        name=member.name,
        phone=member.phone,
        may_patrol=member.may_patrol,
        user_id=member.user_id,
    )


@router.delete("/members/{member_id}", status_code=204)
def remove_member(
    member_id: PathId, session: DbSession, principal: MemberManager, now: Now
) -> Response:
    """Remove a member from their household."""
    service.remove_member(
        session, service.get_member(session, member_id), actor_id=principal.user.id, now=now
    )
    return Response(status_code=204)


@router.get("/households/{household_id}/away", response_model=list[AwayRead])
def list_away(
    household_id: PathId, session: DbSession, principal: HouseholdReader
) -> list[AwayRead]:
    """When the household is away; for the RT's heads and the household itself."""
    household = service.get_household(session, household_id)
    service.check_sees_in_full(session, principal, household)
    return [AwayRead.model_validate(a) for a in service.list_away(session, household)]


@router.post("/households/{household_id}/away", status_code=201, response_model=AwayRead)
def add_away(
    household_id: PathId,
    data: AwayCreate,
    session: DbSession,
    principal: HouseholdReader,
    now: Now,
) -> AwayRead:
    """Mark the household away for a range of dates (the RT head, or the household itself)."""
    household = service.get_household(session, household_id)
    service.check_may_mark_away(session, principal, household)
    away = service.add_away(session, household, data, actor_id=principal.user.id, now=now)
    return AwayRead.model_validate(away)


@router.delete("/away/{away_id}", status_code=204)
def remove_away(away_id: PathId, session: DbSession, principal: AwayReader, now: Now) -> Response:
    """Withdraw an away period."""
    away = service.get_away(session, away_id)
    service.check_may_mark_away(
        session, principal, service.get_household(session, away.household_id)
    )
    service.remove_away(session, away, actor_id=principal.user.id, now=now)
    return Response(status_code=204)

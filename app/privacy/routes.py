"""HTTP for the resident's rights (export, correction, erasure) and the privacy notice."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse

from app.auth.deps import require
from app.auth.permissions import Permission
from app.auth.service import Principal
from app.db import DbSession
from app.deps import Now, PathId
from app.errors import ERROR_RESPONSES
from app.households import service as households
from app.households.routes import HOUSEHOLD
from app.privacy import service
from app.privacy.schemas import Correction, ErasureRequest, ErasureResult

router = APIRouter(prefix="/api/v1", tags=["privacy"], responses=ERROR_RESPONSES)

HouseholdReader = Annotated[Principal, Depends(require(Permission.read_households, HOUSEHOLD))]


@router.get(
    "/households/{household_id}/personal-data",
    response_model=None,
    responses={
        200: {
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "application/zip": {"schema": {"type": "string", "format": "binary"}},
            }
        }
    },
)
def export_personal_data(
    household_id: PathId,
    session: DbSession,
    principal: HouseholdReader,
    now: Now,
    format: Annotated[
        Literal["json", "csv"], Query(description="json, or csv: one CSV per section in a ZIP")
    ] = "json",
) -> Response:
    """Everything Ronda holds about a household (the household itself, or its RT head)."""
    household = households.get_household(session, household_id)
    document = service.export_for(session, principal, household, fmt=format, now=now)
    name = f"ronda-household-{household.id}"
    if format == "csv":
        return Response(
            content=service.export_zip(document),
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{name}.zip"'},
        )
    return JSONResponse(
        content=document,
        headers={"Content-Disposition": f'attachment; filename="{name}.json"'},
    )


@router.patch("/households/{household_id}/personal-data", status_code=204)
def correct_personal_data(
    household_id: PathId,
    data: Correction,
    session: DbSession,
    principal: HouseholdReader,
    now: Now,
) -> Response:
    """Correct the household's name, phone, address and its members' names and phones."""
    household = households.get_household(session, household_id)
    service.check_acts_for(session, principal, household)
    service.correct(session, household, data, actor_id=principal.user.id, now=now)
    return Response(status_code=204)


@router.post("/households/{household_id}/erasure", response_model=ErasureResult)
def erase_personal_data(
    household_id: PathId,
    data: ErasureRequest,
    session: DbSession,
    principal: HouseholdReader,
    now: Now,
) -> ErasureResult:
    """Erase who the household is; its turns stay so the roster stays fair."""
    household = households.get_household(session, household_id)
    service.check_acts_for(session, principal, household)
    return service.erase_household(session, household, data, actor_id=principal.user.id, now=now)

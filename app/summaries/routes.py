"""HTTP for weekly summaries: JSON, CSV, a printable page with charts, WhatsApp text."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Response
from fastapi.responses import HTMLResponse

from app.areas import service as areas
from app.areas.models import Area
from app.areas.routes import AREA
from app.auth.deps import require
from app.auth.permissions import Permission
from app.auth.service import Principal
from app.db import DbSession
from app.deps import Lang, Now, PathId
from app.errors import ERROR_RESPONSES
from app.summaries import formats, service

router = APIRouter(prefix="/api/v1", tags=["summaries"], responses=ERROR_RESPONSES)

Reader = Annotated[Principal, Depends(require(Permission.read_summary, AREA))]
Builder = Annotated[Principal, Depends(require(Permission.create_area, AREA))]
Week = Annotated[str, Path(pattern=r"^\d{4}-W\d{2}$", description="ISO week, e.g. 2026-W48")]


def _summary(
    session: DbSession, principal: Principal, area: Area, start: date, now: Any
) -> dict[str, Any]:
    return service.read_week(
        session, area, start, now=now, with_missed=service.may_see_missed(principal, area)
    )


@router.get("/areas/{area_id}/summaries/{week}")
def read_summary(
    area_id: PathId, week: Week, session: DbSession, principal: Reader, now: Now
) -> dict[str, Any]:
    """The week's figures for the area, per RT and in total, with the 5-week trend."""
    area = areas.get_area(session, area_id)
    return _summary(session, principal, area, service.parse_week(week), now)


@router.get(
    "/areas/{area_id}/summaries/{week}/summary.csv",
    response_model=None,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def summary_csv(
    area_id: PathId, week: Week, session: DbSession, principal: Reader, now: Now, lang: Lang
) -> Response:
    """The week's figures as CSV, one row per RT and a total."""
    area = areas.get_area(session, area_id)
    data = _summary(session, principal, area, service.parse_week(week), now)
    return Response(formats.as_csv(data, lang), media_type="text/csv; charset=utf-8")


@router.get(
    "/areas/{area_id}/summaries/{week}/print",
    response_model=None,
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}},
)
def summary_page(
    area_id: PathId, week: Week, session: DbSession, principal: Reader, now: Now, lang: Lang
) -> HTMLResponse:
    """One printable page with charts drawn on the server (no JavaScript)."""
    area = areas.get_area(session, area_id)
    data = _summary(session, principal, area, service.parse_week(week), now)
    return HTMLResponse(formats.as_html(data, lang))


@router.get("/areas/{area_id}/summaries/{week}/whatsapp")
def summary_whatsapp(
    area_id: PathId, week: Week, session: DbSession, principal: Reader, now: Now, lang: Lang
) -> dict[str, str]:
    """The week in a few lines for the WhatsApp group."""
    area = areas.get_area(session, area_id)
    data = _summary(session, principal, area, service.parse_week(week), now)
    return {"text": formats.as_whatsapp(data, lang)}


@router.post("/areas/{area_id}/summaries/{week}/rebuild")
def rebuild_summary(
    area_id: PathId, week: Week, session: DbSession, principal: Builder, now: Now
) -> dict[str, Any]:
    """Store (or rebuild) the week's snapshot: an explicit, audited act of an admin."""
    area = areas.get_area(session, area_id)
    start = service.parse_week(week)
    rebuild = service.stored(session, area, start) is not None
    snapshot = service.build(
        session, area, start, now=now, rebuild=rebuild, actor_id=principal.user.id
    )
    return snapshot.data | {"stored": True, "built_at": snapshot.built_at.isoformat()}

"""HTTP for incident reports: filing, reading what one may, the follow-up, photos."""

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi import Path as FastAPIPath

from app.areas import service as areas
from app.areas.models import Area
from app.areas.routes import AREA
from app.auth.deps import Target, require
from app.auth.permissions import Permission
from app.auth.service import Principal
from app.config import Settings
from app.db import DbSession
from app.deps import IdempotencyKey, Lang, Now, PathId
from app.errors import ERROR_RESPONSES
from app.households import service as households
from app.i18n import gettext
from app.idempotency.http import answer_once
from app.incidents import service
from app.incidents.models import Incident, Severity
from app.incidents.schemas import (
    CategoryRead,
    EventRead,
    FiledRead,
    HideRequest,
    IncidentCreate,
    IncidentRead,
    MoveRequest,
    NoteRequest,
    ReceiptRequest,
    ReporterRead,
)
from app.pagination import Page, PageParams, page_params

router = APIRouter(prefix="/api/v1", tags=["incidents"], responses=ERROR_RESPONSES)
public = APIRouter(prefix="/api/v1", tags=["incidents"], responses=ERROR_RESPONSES)

INCIDENT = Target("incident_id", lambda s, iid: [service.rt_path_of_incident(s, iid)])
# Filing never touches the caller's session: an anonymous report leaves no trace of who.
Filer = Annotated[Principal, Depends(require(Permission.file_report, AREA, touch=False))]
RTReader = Annotated[Principal, Depends(require(Permission.read_reports, AREA))]
AnyReader = Annotated[Principal, Depends(require(Permission.read_reports))]
Reader = Annotated[Principal, Depends(require(Permission.read_reports, INCIDENT))]
QuietReader = Annotated[Principal, Depends(require(Permission.read_reports, INCIDENT, touch=False))]
Actor = Annotated[Principal, Depends(require(Permission.act_on_reports, INCIDENT))]
Moderator = Annotated[Principal, Depends(require(Permission.moderate_reports, INCIDENT))]


def _label(category: Any, lang: str) -> str:
    indonesian, english = service.CATEGORY_LABELS[category]
    return english if lang == "en" else indonesian


def incident_read(
    session: DbSession,
    incident: Incident,
    seen: service.Sight,
    lang: str,
    extra: service.Extras | None = None,
) -> IncidentRead:
    """Shape a report for a reader; ``extra`` comes from one batched read on a list."""
    extra = extra or service.extras(session, [incident])[incident.id]
    reporter = None
    if seen.reporter:
        user = extra.reporter
        if user is not None:
            reporter = ReporterRead(
                user_id=user.id,
                full_name=user.full_name,
                phone=user.phone if seen.reporter_phone else None,
            )
    full = seen.contents
    return IncidentRead(
        id=incident.id,
        rt_id=incident.rt_id,
        category=incident.category,
        category_label=_label(incident.category, lang),
        severity=incident.severity,
        status=incident.status,
        privacy=incident.privacy,
        local_date=incident.local_date.isoformat(),
        created_at=incident.created_at,
        acknowledged_at=incident.acknowledged_at,
        closed_at=incident.closed_at,
        full=full,
        occurred_at=incident.occurred_at if full else None,
        place=incident.place if full else None,
        latitude=incident.latitude if full else None,
        longitude=incident.longitude if full else None,
        description=incident.description if full else None,
        hidden=incident.hidden,
        reporter=reporter,
        trail=[EventRead.model_validate(e) for e in extra.trail] if full else [],
        photo_ids=extra.photo_ids if full else [],
    )


@router.get("/incident-categories", response_model=list[CategoryRead])
def categories(lang: Lang, _: AnyReader) -> list[CategoryRead]:
    """The report categories, labelled in the reader's language."""
    return [CategoryRead(value=c, label=_label(c, lang)) for c in service.CATEGORY_LABELS]


@router.post("/areas/{area_id}/incidents", status_code=201, response_model=FiledRead)
def file_report(
    area_id: PathId,
    data: IncidentCreate,
    session: DbSession,
    principal: Filer,
    now: Now,
    lang: Lang,
    response: Response,
    key: IdempotencyKey = None,
) -> Any:
    """Report an incident: named, confidential (only the liaison sees who) or anonymous."""
    rt = households.get_rt(session, area_id)

    def produce() -> FiledRead:
        incident, receipt = service.file_report(session, principal, rt, data, now)
        seen = service.sight(principal, incident, rt, receipt=receipt is not None)
        return FiledRead(
            incident=incident_read(session, incident, seen, lang),
            receipt=receipt,
            emergency_notice=gettext(service.EMERGENCY_NOTICE, lang)
            if data.severity == Severity.darurat
            else None,
        )

    anonymous = data.privacy.value == "anonymous"
    return answer_once(
        session,
        response,
        # Scoped by the RT, never the caller, and timed to the hour when anonymous.
        scope=f"incident:{rt.id}",
        key=key,
        payload=data,
        now=service.to_the_hour(now) if anonymous else now,
        status=201,
        produce=produce,
        # The receipt is shown once and never kept: a replay answers without it.
        redact=lambda body: body | {"receipt": None},
    )


@router.get("/areas/{area_id}/incidents", response_model=Page[IncidentRead])
def list_reports(
    area_id: PathId,
    session: DbSession,
    principal: RTReader,
    lang: Lang,
    page: Annotated[PageParams, Depends(page_params)],
) -> Page[IncidentRead]:
    """The RT's reports: in full for its heads and the liaison, as a summary for residents."""
    rt = households.get_rt(session, area_id)
    rows, total = service.visible_incidents(
        session, principal, rt, limit=page.limit, offset=page.offset
    )
    more = service.extras(session, rows)
    return Page(
        items=[
            incident_read(session, i, service.sight(principal, i, rt), lang, more[i.id])
            for i in rows
        ],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/incidents/{incident_id}", response_model=IncidentRead)
def read_report(
    incident_id: PathId, session: DbSession, principal: Reader, lang: Lang
) -> IncidentRead:
    """One report, as much of it as the reader may see."""
    incident = service.get_incident(session, incident_id)
    rt = areas.get_area(session, incident.rt_id)
    seen = service.sight(principal, incident, rt)
    if incident.hidden and not seen.contents:
        raise service.IncidentNotFound(incident_id=incident_id, field="incident_id")
    return incident_read(session, incident, seen, lang)


@public.post("/incidents/receipt", response_model=IncidentRead)
def read_by_receipt(data: ReceiptRequest, session: DbSession, lang: Lang) -> IncidentRead:
    """Follow an anonymous report with its receipt: no sign-in, so nothing links it to you."""
    incident = service.by_receipt(session, data.receipt)
    return incident_read(
        session,
        incident,
        service.sight(None, incident, _area(session, incident), receipt=True),
        lang,
    )


def _area(session: DbSession, incident: Incident) -> Area:
    return areas.get_area(session, incident.rt_id)


@router.post("/incidents/{incident_id}/status", response_model=IncidentRead)
def move_report(
    incident_id: PathId,
    data: MoveRequest,
    session: DbSession,
    principal: Actor,
    now: Now,
    lang: Lang,
) -> IncidentRead:
    """The liaison acknowledges, works on, resolves or dismisses (with a reason) a report."""
    incident = service.move(
        session,
        principal,
        service.get_incident(session, incident_id),
        status=data.status,
        note=data.note,
        now=now,
    )
    return incident_read(
        session, incident, service.sight(principal, incident, _area(session, incident)), lang
    )


@router.post("/incidents/{incident_id}/notes", response_model=IncidentRead)
def add_note(
    incident_id: PathId,
    data: NoteRequest,
    session: DbSession,
    principal: Actor,
    now: Now,
    lang: Lang,
) -> IncidentRead:
    """The liaison tells the reporter something without moving the report."""
    incident = service.add_note(
        session, principal, service.get_incident(session, incident_id), data.note, now
    )
    return incident_read(
        session, incident, service.sight(principal, incident, _area(session, incident)), lang
    )


@router.post("/incidents/{incident_id}/hide", response_model=IncidentRead)
def hide_report(
    incident_id: PathId,
    data: HideRequest,
    session: DbSession,
    principal: Moderator,
    now: Now,
    lang: Lang,
) -> IncidentRead:
    """The RT head hides an abusive report from residents (the liaison still sees it)."""
    incident = service.hide(
        session, principal, service.get_incident(session, incident_id), data.reason, now
    )
    return incident_read(
        session, incident, service.sight(principal, incident, _area(session, incident)), lang
    )


async def photo_upload(request: Request) -> bytes:
    """Read a photo from the request body, stopping as soon as it passes the size limit."""
    data = bytearray()
    async for chunk in request.stream():
        data.extend(chunk)
        if len(data) > service.MAX_PHOTO_BYTES:
            raise service.PhotoTooLarge(field="photo")
    return bytes(data)


PHOTO_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            t: {"schema": {"type": "string", "format": "binary"}}
            for t in ("image/jpeg", "image/png", "image/webp")
        },
    }
}


@router.post(
    "/incidents/{incident_id}/photos",
    status_code=201,
    response_model=IncidentRead,
    openapi_extra=PHOTO_BODY,
)
def add_photo(
    incident_id: PathId,
    data: Annotated[bytes, Depends(photo_upload)],
    request: Request,
    session: DbSession,
    principal: QuietReader,
    lang: Lang,
    receipt: Annotated[
        str | None,
        Header(alias="X-Ronda-Receipt", max_length=64, description="For an anonymous report"),
    ] = None,
) -> IncidentRead:
    """Add a photo to your report (at most 3; JPEG, PNG or WebP; metadata removed)."""
    incident = service.get_incident(session, incident_id)
    service.check_owns(principal, incident, receipt)
    settings: Settings = request.app.state.settings
    service.add_photo(session, incident, data, Path(settings.media_dir))
    seen = service.sight(principal, incident, _area(session, incident), receipt=receipt is not None)
    return incident_read(session, incident, seen, lang)


@router.get(
    "/incidents/{incident_id}/photos/{photo_id}",
    response_model=None,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}}},
)
def read_photo(
    incident_id: PathId,
    photo_id: Annotated[int, FastAPIPath(ge=1, le=2_147_483_647)],
    request: Request,
    session: DbSession,
    principal: Reader,
) -> Response:
    """A photo of a report, only for those who may read the report in full."""
    incident = service.get_incident(session, incident_id)
    if not service.sight(principal, incident, _area(session, incident)).contents:
        raise service.IncidentNotFound(incident_id=incident_id, field="incident_id")
    photo = service.get_photo(session, incident, photo_id)
    settings: Settings = request.app.state.settings
    path = Path(settings.media_dir) / "incidents" / photo.file_name
    return Response(content=path.read_bytes(), media_type=photo.content_type)

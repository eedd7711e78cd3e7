"""The police liaison's pages: the weekly summary, open reports, and answering a report.

A report's page serves everyone who may read it; what it shows of the reporter is
decided by the incidents service (``sight``), cell by cell, as in the API.
"""

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from app.areas import service as areas
from app.areas.routes import AREA
from app.auth.permissions import Permission
from app.auth.service import Principal
from app.db import DbSession
from app.deps import Now, PathId
from app.errors import DomainError
from app.i18n import N_, gettext
from app.incidents import service as incidents
from app.incidents.models import IncidentStatus
from app.incidents.routes import INCIDENT
from app.summaries import formats
from app.summaries import service as summaries
from app.web.forms import Form, attempt, fields, messages
from app.web.render import redirect, refused, render, words
from app.web.routes.member import SEVERITY_LABELS, category_options
from app.web.session import PageLang, page_require, settings_of

router = APIRouter(include_in_schema=False)

# The liaison's buttons say what they do; the trail says what it became.
ACTIONS = {
    IncidentStatus.acknowledged: N_("Acknowledge"),
    IncidentStatus.in_progress: N_("Working on it"),
    IncidentStatus.resolved: N_("Resolved"),
    IncidentStatus.dismissed: N_("Dismiss"),
}

SummaryReader = Annotated[Principal, Depends(page_require(Permission.read_summary, AREA))]
# Open reports of a whole area, hidden ones and severities included: the liaison's view.
ReportsReader = Annotated[Principal, Depends(page_require(Permission.act_on_reports, AREA))]
ReportReader = Annotated[Principal, Depends(page_require(Permission.read_reports, INCIDENT))]
ReportActor = Annotated[Principal, Depends(page_require(Permission.act_on_reports, INCIDENT))]


@router.get("/wilayah/{area_id}/ringkasan", response_class=HTMLResponse)
def summary(
    request: Request,
    area_id: PathId,
    session: DbSession,
    principal: SummaryReader,
    now: Now,
    lang: PageLang,
    week: str = "",
) -> Response:
    """Last week's figures with their charts; any earlier week by its ISO name."""
    area = areas.get_area(session, area_id)
    chosen = week or summaries.last_full_week(now, area.timezone)
    try:
        start = summaries.parse_week(chosen)
    except DomainError as exc:
        message, per_field = messages(exc, lang)
        chosen = summaries.last_full_week(now, area.timezone)
        start = summaries.parse_week(chosen)
        extra: dict[str, Any] = {"error": message, "errors": per_field}
    else:
        extra = {}
    data = summaries.read_week(
        session,
        area,
        start,
        now=now,
        with_missed=summaries.may_see_missed(principal, area),
    )
    before = (start - timedelta(weeks=1)).isocalendar()
    previous = f"{before.year}-W{before.week:02d}"
    return render(
        request,
        "summary.html",
        lang=lang,
        principal=principal,
        area=area,
        week=chosen,
        previous=previous,
        data=data,
        parts=formats.page_parts(data, lang),
        whatsapp=formats.as_whatsapp(data, lang),
        **extra,
    )


@router.get("/wilayah/{area_id}/laporan", response_class=HTMLResponse)
def open_reports(
    request: Request,
    area_id: PathId,
    session: DbSession,
    principal: ReportsReader,
    now: Now,
    lang: PageLang,
) -> Response:
    """Reports still open under the area, the most severe and the oldest first."""
    area = areas.get_area(session, area_id)
    found = incidents.open_reports(session, area, now)
    return render(
        request,
        "reports_open.html",
        lang=lang,
        principal=principal,
        area=area,
        escalated=[r for r in found if r.escalated],
        reports=[r for r in found if not r.escalated],
        now=now,
        categories=dict(category_options(lang)),
        severities=words(SEVERITY_LABELS, lang),
        status_words=words(incidents.STATUS_WORDS, lang),
    )


def _report_page(
    request: Request,
    session: DbSession,
    principal: Principal,
    lang: str,
    incident_id: int,
    **extra: Any,
) -> HTMLResponse:
    incident = incidents.get_incident(session, incident_id)
    rt = areas.get_area(session, incident.rt_id)
    seen = incidents.sight(principal, incident, rt)
    if incident.hidden and not seen.contents:
        raise incidents.IncidentNotFound(incident_id=incident_id, field="incident_id")
    more = incidents.extras(session, [incident])[incident.id]
    acts = principal.can(Permission.act_on_reports, rt.path)
    return render(
        request,
        "report.html",
        lang=lang,  # type: ignore[arg-type]
        principal=principal,
        incident=incident,
        rt=rt,
        zone=rt.timezone,
        seen=seen,
        reporter=more.reporter if seen.reporter else None,
        events=more.trail if seen.contents else [],
        photo_ids=more.photo_ids if seen.contents else [],
        acts=acts,
        next_steps=[
            (s.value, gettext(ACTIONS[s], lang))
            for s in ACTIONS
            if s in incidents.NEXT[incident.status]
        ]
        if acts
        else [],
        categories=dict(category_options(lang)),
        severities=words(SEVERITY_LABELS, lang),
        status_words=words(incidents.STATUS_WORDS, lang),
        **extra,
    )


@router.get("/laporan/{incident_id}", response_class=HTMLResponse)
def report_page(
    request: Request,
    incident_id: PathId,
    session: DbSession,
    principal: ReportReader,
    lang: PageLang,
) -> Response:
    return _report_page(request, session, principal, lang, incident_id)


@router.post("/laporan/{incident_id}/tindak", response_class=HTMLResponse)
def report_act(
    request: Request,
    incident_id: PathId,
    form: Form,
    session: DbSession,
    principal: ReportActor,
    now: Now,
    lang: PageLang,
) -> Response:
    """Acknowledge, move on, resolve or dismiss a report, with a note its reporter reads."""
    typed = fields(form, "status", "note")
    incident = incidents.get_incident(session, incident_id)
    try:
        with attempt(session):
            if typed.get("status") == "note":
                incidents.add_note(session, principal, incident, typed.get("note") or None, now)
                return redirect(request, f"/laporan/{incident_id}", flash="updated")
            try:
                status = IncidentStatus(typed.get("status", ""))
            except ValueError:
                raise incidents.BadTransition(
                    current=incident.status.value, wanted=typed.get("status", ""), field="status"
                ) from None
            incidents.move(
                session, principal, incident, status=status, note=typed.get("note") or None, now=now
            )
    except DomainError as exc:
        return refused(
            exc,
            lang,
            lambda **page: _report_page(request, session, principal, lang, incident_id, **page),
            form=typed,
        )
    return redirect(request, f"/laporan/{incident_id}", flash="updated")


@router.get("/laporan/{incident_id}/foto/{photo_id}")
def report_photo(
    request: Request,
    incident_id: PathId,
    photo_id: PathId,
    session: DbSession,
    principal: ReportReader,
) -> Response:
    """A report's photo, for those who may read the report in full."""
    incident = incidents.get_incident(session, incident_id)
    rt = areas.get_area(session, incident.rt_id)
    if not incidents.sight(principal, incident, rt).contents:
        raise incidents.IncidentNotFound(incident_id=incident_id, field="incident_id")
    photo = incidents.get_photo(session, incident, photo_id)
    path = Path(settings_of(request).media_dir) / "incidents" / photo.file_name
    return Response(
        content=path.read_bytes(),
        media_type=photo.content_type,
        headers={"cache-control": "private, max-age=86400"},
    )

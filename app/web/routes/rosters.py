"""The RT head's rosters: draft, read the reasons, move a turn, publish, share, print,
approve swaps, and the fairness board."""

from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from app.areas import service as areas
from app.areas.routes import AREA
from app.auth.permissions import Permission
from app.auth.service import Principal
from app.db import DbSession
from app.deps import Now, PathId
from app.errors import DomainError, NotFound
from app.households import service as households
from app.households.models import Household, HouseholdStatus
from app.rostering import calendar, exports, service, swaps
from app.rostering.models import Roster, RosterStatus
from app.rostering.routes import ASSIGNMENT, OFFER, ROSTER
from app.rostering.schemas import DraftRequest, TurnMove
from app.web.forms import CSRF, Form, attempt, fields, once, parse
from app.web.render import failed, redirect, refused, render
from app.web.session import PageLang, page_require
from app.web.site import PRINT_CSP

router = APIRouter(include_in_schema=False)

RTRosterManager = Annotated[Principal, Depends(page_require(Permission.manage_roster, AREA))]
RosterManager = Annotated[Principal, Depends(page_require(Permission.manage_roster, ROSTER))]
TurnManager = Annotated[Principal, Depends(page_require(Permission.manage_roster, ASSIGNMENT))]
OfferDecider = Annotated[Principal, Depends(page_require(Permission.manage_roster, OFFER))]


def next_month(now: datetime, zone: str) -> str:
    today = now.astimezone(ZoneInfo(zone)).date()
    first = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    return first.strftime("%Y-%m")


def _month_label(month: str, lang: str) -> str:
    from babel.dates import format_date

    first = calendar.month_dates(month)[0]
    return format_date(first, "MMMM y", locale="id_ID" if lang == "id" else "en_GB")


@router.get("/rt/{area_id}/jadwal", response_class=HTMLResponse)
def roster_list(
    request: Request,
    area_id: PathId,
    session: DbSession,
    principal: RTRosterManager,
    now: Now,
    lang: PageLang,
) -> Response:
    rt = households.get_rt(session, area_id)
    rosters = service.list_rosters(session, rt)
    return render(
        request,
        "rosters.html",
        lang=lang,
        principal=principal,
        rt=rt,
        rosters=rosters,
        labels={r.month: _month_label(r.month, lang) for r in rosters},
        form={"month": next_month(now, rt.timezone)},
    )


@router.post("/rt/{area_id}/jadwal", response_class=HTMLResponse)
def roster_draft(
    request: Request,
    area_id: PathId,
    form: Form,
    session: DbSession,
    principal: RTRosterManager,
    now: Now,
    lang: PageLang,
) -> Response:
    """Draw (or redraw, with another seed) the draft of a month; drawing again is harmless."""
    rt = households.get_rt(session, area_id)
    typed = fields(form, "month", "seed")
    try:
        with attempt(session):
            data = parse(DraftRequest, typed)
            roster = service.generate_draft(
                session, rt, data.month, actor_id=principal.user.id, now=now, seed=data.seed
            )
    except DomainError as exc:
        rosters = service.list_rosters(session, rt)
        return failed(
            request,
            "rosters.html",
            exc,
            lang=lang,
            principal=principal,
            typed=typed,
            rt=rt,
            rosters=rosters,
            labels={r.month: _month_label(r.month, lang) for r in rosters},
        )
    return redirect(request, f"/jadwal/{roster.id}", flash="drafted")


def _roster_page(
    request: Request,
    session: DbSession,
    principal: Principal,
    lang: str,
    roster: Roster,
    **extra: Any,
) -> HTMLResponse:
    rt = areas.get_area(session, roster.rt_id)
    _board, reasons = service.explain(session, roster, lang)
    return render(
        request,
        "roster.html",
        lang=lang,  # type: ignore[arg-type]
        principal=principal,
        rt=rt,
        roster=roster,
        month_label=_month_label(roster.month, lang),
        nights=service.roster_nights(session, roster),
        reasons=reasons,
        editable=roster.status == RosterStatus.draft,
        metrics=roster.figures.get("metrics", {}),
        bounds=roster.figures.get("bounds", {}),
        proved=bool(roster.figures.get("proved_optimal")),
        edited=bool(roster.figures.get("edited")),
        zone=rt.timezone,
        **extra,
    )


@router.get("/jadwal/{roster_id}", response_class=HTMLResponse)
def roster_page(
    request: Request,
    roster_id: PathId,
    session: DbSession,
    principal: RosterManager,
    lang: PageLang,
) -> Response:
    return _roster_page(request, session, principal, lang, service.get_roster(session, roster_id))


def _move_page(
    request: Request,
    session: DbSession,
    principal: Principal,
    lang: str,
    assignment_id: int,
    **extra: Any,
) -> HTMLResponse:
    assignment = swaps.get_assignment(session, assignment_id)
    current = households.get_household(session, assignment.household_id)
    candidates = session.scalars(
        select(Household)
        .where(Household.rt_id == assignment.rt_id, Household.status == HouseholdStatus.active)
        .order_by(Household.house_code)
    )
    return render(
        request,
        "turn_move.html",
        lang=lang,  # type: ignore[arg-type]
        principal=principal,
        assignment=assignment,
        current=current,
        candidates=list(candidates),
        **extra,
    )


@router.get("/giliran/{assignment_id}/pindah", response_class=HTMLResponse)
def turn_move_page(
    request: Request,
    assignment_id: PathId,
    session: DbSession,
    principal: TurnManager,
    lang: PageLang,
) -> Response:
    return _move_page(request, session, principal, lang, assignment_id)


@router.post("/giliran/{assignment_id}/pindah", response_class=HTMLResponse)
def turn_move(
    request: Request,
    assignment_id: PathId,
    form: Form,
    session: DbSession,
    principal: TurnManager,
    now: Now,
    lang: PageLang,
) -> Response:
    """Give a draft's turn to another household, if no hard rule breaks."""
    typed = fields(form, "household_id")
    assignment = swaps.get_assignment(session, assignment_id)
    roster_id = assignment.roster_id
    try:
        with attempt(session):
            data = parse(TurnMove, typed)
            swaps.move_draft_turn(session, principal, assignment, data.household_id, now)
    except DomainError as exc:
        return refused(
            exc,
            lang,
            lambda **page: _move_page(request, session, principal, lang, assignment_id, **page),
        )
    return redirect(request, f"/jadwal/{roster_id}#a{assignment_id}", flash="moved")


@router.post("/jadwal/{roster_id}/terbitkan", response_class=HTMLResponse, dependencies=[CSRF])
def roster_publish(
    request: Request,
    roster_id: PathId,
    session: DbSession,
    principal: RosterManager,
    now: Now,
    lang: PageLang,
) -> Response:
    roster = service.get_roster(session, roster_id)
    try:
        with attempt(session):
            service.publish(session, roster, actor_id=principal.user.id, now=now)
    except DomainError as exc:
        return refused(
            exc,
            lang,
            lambda **page: _roster_page(request, session, principal, lang, roster, **page),
        )
    return redirect(request, f"/jadwal/{roster_id}", flash="published")


@router.get("/jadwal/{roster_id}/bagikan", response_class=HTMLResponse)
def roster_share(
    request: Request,
    roster_id: PathId,
    session: DbSession,
    principal: RosterManager,
    lang: PageLang,
) -> Response:
    """The month as WhatsApp text, to send with one tap or copy into the RT's group."""
    roster = service.get_roster(session, roster_id)
    text, link = exports.whatsapp_text(session, roster, lang)
    return render(
        request,
        "roster_share.html",
        lang=lang,
        principal=principal,
        roster=roster,
        rt=areas.get_area(session, roster.rt_id),
        text=text,
        link=link,
    )


@router.get("/jadwal/{roster_id}/cetak", response_class=HTMLResponse)
def roster_print(
    roster_id: PathId, session: DbSession, _: RosterManager, lang: PageLang
) -> Response:
    """The A4 sheet for the pos kamling (print it from the browser)."""
    html = exports.print_html(session, service.get_roster(session, roster_id), lang)
    return HTMLResponse(html, headers={"content-security-policy": PRINT_CSP})


@router.get("/rt/{area_id}/keadilan", response_class=HTMLResponse)
def fairness(
    request: Request,
    area_id: PathId,
    session: DbSession,
    principal: RTRosterManager,
    now: Now,
    lang: PageLang,
    month: str = "",
) -> Response:
    """Each household's turns: served before, on this month's roster, and the total."""
    rt = households.get_rt(session, area_id)
    chosen = month or next_month(now, rt.timezone)
    try:
        rows = service.fairness_board(session, rt, chosen)
    except DomainError as exc:
        return failed(
            request,
            "fairness.html",
            exc,
            lang=lang,
            principal=principal,
            typed={"month": chosen},
            rt=rt,
            rows=[],
            month=chosen,
        )
    eligible = [r for r in rows if r.eligible]
    return render(
        request,
        "fairness.html",
        lang=lang,
        principal=principal,
        rt=rt,
        rows=rows,
        month=chosen,
        month_label=_month_label(chosen, lang),
        low=min((r.load for r in eligible), default=0),
        high=max((r.load for r in eligible), default=0),
        form={"month": chosen},
    )


@router.get("/rt/{area_id}/tukar", response_class=HTMLResponse)
def swap_requests(
    request: Request,
    area_id: PathId,
    session: DbSession,
    principal: RTRosterManager,
    now: Now,
    lang: PageLang,
) -> Response:
    """Swaps waiting for the RT head, and turns on offer, on the RT's published rosters."""
    rt = households.get_rt(session, area_id)
    offers = swaps.open_offers_in(session, rt, now)
    facts = swaps.offer_facts(session, offers)
    return render(
        request,
        "swaps.html",
        lang=lang,
        principal=principal,
        rt=rt,
        offers=offers,
        houses=facts.houses,
        dates=facts.nights,
    )


@router.post("/tukar/{offer_id}/{decision}", response_class=HTMLResponse)
def swap_decide(
    request: Request,
    offer_id: PathId,
    decision: str,
    form: Form,
    session: DbSession,
    principal: OfferDecider,
    now: Now,
) -> Response:
    """Approve or refuse a swap; a resent decision answers as the first one did."""
    found = swaps.get_offer(session, offer_id)
    rt_id = service.get_roster(session, found.roster_id).rt_id
    if decision not in ("setujui", "tolak"):
        raise NotFound()

    def decide() -> str:
        swaps.decide(session, principal, found, approve=decision == "setujui", now=now)
        return f"/rt/{rt_id}/tukar"

    location = once(session, form, scope=f"decide:{offer_id}", now=now, produce=decide)
    return redirect(request, location, flash="approved" if decision == "setujui" else "refused")

"""The RT head's RT: settings and calendar, attendance, the no-show ledger, members'
sign-in links, and handing the RT over."""

from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from app.areas import service as areas
from app.areas.models import Area
from app.areas.routes import AREA
from app.areas.schemas import AreaUpdate
from app.auth import service as auth
from app.auth.models import SignInLink
from app.auth.permissions import Permission
from app.auth.routes import USER
from app.auth.schemas import UserCreate
from app.auth.service import Principal
from app.db import DbSession
from app.deps import Now, PathId
from app.errors import DomainError
from app.households import service as households
from app.households.models import Household, Member
from app.i18n import N_, gettext
from app.patrols import service as patrols
from app.patrols.routes import FINE
from app.patrols.schemas import AttendanceCorrection
from app.rostering import service as rostering
from app.rostering import swaps
from app.rostering.models import AssignmentStatus
from app.rostering.routes import ASSIGNMENT, OVERRIDE
from app.rostering.schemas import OverrideCreate
from app.web.forms import CSRF, Form, FormInvalid, attempt, fields, once, parse
from app.web.render import (
    ONCE_COOKIE,
    failed,
    redirect,
    redirect_once,
    refused,
    render,
    shown_once,
    words,
)
from app.web.session import PageLang, page_require, settings_of

router = APIRouter(include_in_schema=False)

RTManager = Annotated[Principal, Depends(page_require(Permission.manage_area, AREA))]
RosterManager = Annotated[Principal, Depends(page_require(Permission.manage_roster, AREA))]
UsersManager = Annotated[Principal, Depends(page_require(Permission.manage_users, AREA))]
HandOver = Annotated[Principal, Depends(page_require(Permission.hand_over, AREA))]
UserManager = Annotated[Principal, Depends(page_require(Permission.manage_users, USER))]
OverrideManager = Annotated[Principal, Depends(page_require(Permission.manage_roster, OVERRIDE))]
TurnManager = Annotated[Principal, Depends(page_require(Permission.manage_roster, ASSIGNMENT))]
FineManager = Annotated[Principal, Depends(page_require(Permission.manage_roster, FINE))]

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAY_NAMES = {
    "mon": N_("Monday"),
    "tue": N_("Tuesday"),
    "wed": N_("Wednesday"),
    "thu": N_("Thursday"),
    "fri": N_("Friday"),
    "sat": N_("Saturday"),
    "sun": N_("Sunday"),
}
STATUS_NAMES = {
    AssignmentStatus.scheduled: N_("not recorded"),
    AssignmentStatus.present: N_("present"),
    AssignmentStatus.covered: N_("covered by a stand-in"),
    AssignmentStatus.absent: N_("absent"),
    AssignmentStatus.excused: N_("excused"),
}
ATTENDANCE_DAYS = 14


def _settings_form(rt: Area) -> dict[str, Any]:
    form: dict[str, Any] = {
        "name": rt.name,
        "patrol_start": rt.patrol_start.strftime("%H:%M"),
        "patrol_end": rt.patrol_end.strftime("%H:%M"),
        "team_size": str(rt.team_size),
        "min_gap_days": str(rt.min_gap_days),
        "fairness_window_months": str(rt.fairness_window_months),
        "objection_days": str(rt.objection_days),
        "noshow_fine_rupiah": str(rt.noshow_fine_rupiah),
        "escalate_after_hours": str(rt.escalate_after_hours),
        "swap_needs_approval": rt.swap_needs_approval,
        "noshow_makeup": rt.noshow_makeup,
        "weekend_nights": list(rt.weekend_nights),
    }
    for day in WEEKDAYS:
        size = (rt.team_size_by_weekday or {}).get(day)
        form[f"size_{day}"] = "" if size is None else str(size)
    return form


def _settings_page(
    request: Request, session: DbSession, principal: Principal, lang: str, rt: Area, **extra: Any
) -> HTMLResponse:
    context: dict[str, Any] = {
        "rt": rt,
        "form": _settings_form(rt),
        "weekdays": [(d, gettext(WEEKDAY_NAMES[d], lang)) for d in WEEKDAYS],
        "overrides": rostering.list_overrides(session, rt),
    }
    context.update(extra)
    return render(request, "rt_settings.html", lang=lang, principal=principal, **context)  # type: ignore[arg-type]


@router.get("/rt/{area_id}/pengaturan", response_class=HTMLResponse)
def settings_page(
    request: Request, area_id: PathId, session: DbSession, principal: RTManager, lang: PageLang
) -> Response:
    return _settings_page(request, session, principal, lang, households.get_rt(session, area_id))


@router.post("/rt/{area_id}/pengaturan", response_class=HTMLResponse)
def settings_save(
    request: Request,
    area_id: PathId,
    form: Form,
    session: DbSession,
    principal: RTManager,
    now: Now,
    lang: PageLang,
) -> Response:
    rt = households.get_rt(session, area_id)
    typed = fields(
        form,
        "name",
        "patrol_start",
        "patrol_end",
        "team_size",
        "min_gap_days",
        "fairness_window_months",
        "objection_days",
        "noshow_fine_rupiah",
        "escalate_after_hours",
    )
    data_in: dict[str, Any] = dict(typed)
    data_in["swap_needs_approval"] = form.get("swap_needs_approval") == "on"
    data_in["noshow_makeup"] = form.get("noshow_makeup") == "on"
    data_in["weekend_nights"] = [d for d in form.getlist("weekend_nights") if d in WEEKDAYS]
    sizes = {}
    for day in WEEKDAYS:
        value = str(form.get(f"size_{day}") or "").strip()
        if value:
            sizes[day] = value
    data_in["team_size_by_weekday"] = sizes
    try:
        with attempt(session):
            data = parse(AreaUpdate, data_in)
            areas.update_area(session, rt, data, actor_id=principal.user.id, now=now)
    except DomainError as exc:
        return refused(
            exc,
            lang,
            lambda **page: _settings_page(request, session, principal, lang, rt, **page),
            form={**_settings_form(rt), **data_in},
        )
    return redirect(request, f"/rt/{area_id}/pengaturan", flash="saved")


@router.post("/rt/{area_id}/kalender", response_class=HTMLResponse)
def override_add(
    request: Request,
    area_id: PathId,
    form: Form,
    session: DbSession,
    principal: RosterManager,
    now: Now,
    lang: PageLang,
) -> Response:
    """Cancel nights (a holiday, a village event) or set other hours or team size."""
    rt = households.get_rt(session, area_id)
    typed = fields(
        form, "start_date", "end_date", "team_size", "patrol_start", "patrol_end", "note"
    )

    def create() -> str:
        data = parse(OverrideCreate, typed)
        rostering.add_override(
            session,
            rt,
            start_date=data.start_date,
            end_date=data.end_date,
            team_size=data.team_size,
            patrol_start=data.patrol_start,
            patrol_end=data.patrol_end,
            note=data.note,
            actor_id=principal.user.id,
            now=now,
        )
        return f"/rt/{area_id}/pengaturan#kalender"

    try:
        location = once(session, form, scope=f"override:{rt.id}", now=now, produce=create)
    except DomainError as exc:
        return refused(
            exc,
            lang,
            lambda **page: _settings_page(request, session, principal, lang, rt, **page),
            rename=lambda name: f"o_{name}",
            override_form=typed,
        )
    return redirect(request, location, flash="added")


@router.post("/kalender/{override_id}/hapus", dependencies=[CSRF])
def override_remove(
    request: Request,
    override_id: PathId,
    session: DbSession,
    principal: OverrideManager,
    now: Now,
) -> Response:
    override = rostering.get_override(session, override_id)
    rt_id = override.rt_id
    rostering.remove_override(session, override, actor_id=principal.user.id, now=now)
    return redirect(request, f"/rt/{rt_id}/pengaturan#kalender", flash="removed")


@router.get("/rt/{area_id}/kehadiran", response_class=HTMLResponse)
def attendance(
    request: Request,
    area_id: PathId,
    session: DbSession,
    principal: RosterManager,
    now: Now,
    lang: PageLang,
) -> Response:
    """The last two weeks' turns, each correctable with a reason."""
    rt = households.get_rt(session, area_id)
    today = now.astimezone(ZoneInfo(rt.timezone)).date()
    nights = patrols.recent_turns(session, rt, today - timedelta(days=ATTENDANCE_DAYS), today)
    return render(
        request,
        "attendance.html",
        lang=lang,
        principal=principal,
        rt=rt,
        nights=nights,
        now=now,
        statuses=words(STATUS_NAMES, lang),
        choices=[(s.value, gettext(STATUS_NAMES[s], lang)) for s in patrols.CORRECTABLE],
    )


@router.post("/giliran/{assignment_id}/kehadiran", response_class=HTMLResponse)
def attendance_correct(
    request: Request,
    assignment_id: PathId,
    form: Form,
    session: DbSession,
    principal: TurnManager,
    now: Now,
    lang: PageLang,
) -> Response:
    typed = fields(form, "status", "reason")
    assignment = swaps.get_assignment(session, assignment_id)
    rt_id = assignment.rt_id
    try:
        with attempt(session):
            data = parse(AttendanceCorrection, typed)
            patrols.correct_attendance(
                session, principal, assignment, status=data.status, reason=data.reason, now=now
            )
    except DomainError as exc:
        rt = households.get_rt(session, rt_id)
        today = now.astimezone(ZoneInfo(rt.timezone)).date()
        return failed(
            request,
            "attendance.html",
            exc,
            lang=lang,
            principal=principal,
            typed=typed,
            rt=rt,
            nights=patrols.recent_turns(
                session, rt, today - timedelta(days=ATTENDANCE_DAYS), today
            ),
            now=now,
            failed_turn=assignment_id,
            statuses=words(STATUS_NAMES, lang),
            choices=[(s.value, gettext(STATUS_NAMES[s], lang)) for s in patrols.CORRECTABLE],
        )
    return redirect(request, f"/rt/{rt_id}/kehadiran#a{assignment_id}", flash="corrected")


@router.get("/rt/{area_id}/buku", response_class=HTMLResponse)
def ledger(
    request: Request, area_id: PathId, session: DbSession, principal: RosterManager, lang: PageLang
) -> Response:
    """Turns served, missed and excused per household, and the fines still owed."""
    rt = households.get_rt(session, area_id)
    return render(
        request,
        "ledger.html",
        lang=lang,
        principal=principal,
        rt=rt,
        rows=patrols.rt_ledger(session, rt),
    )


@router.post("/denda/{fine_id}/lunas", dependencies=[CSRF])
def fine_paid(
    request: Request,
    fine_id: PathId,
    session: DbSession,
    principal: FineManager,
    now: Now,
) -> Response:
    fine = patrols.get_fine(session, fine_id)
    patrols.pay_fine(session, principal, fine, now)
    rt_id = households.get_household(session, fine.household_id).rt_id
    return redirect(request, f"/rt/{rt_id}/buku#h{fine.household_id}", flash="paid")


def _members_page(
    request: Request, session: DbSession, principal: Principal, lang: str, rt: Area, **extra: Any
) -> HTMLResponse:
    users, _total = auth.users_in(session, [rt.path], limit=500, offset=0)
    ids = [u.id for u in users]
    linked = set(
        session.scalars(
            select(SignInLink.user_id).where(
                SignInLink.user_id.in_(ids), SignInLink.revoked_at.is_(None)
            )
        )
    )
    homes = dict(
        session.execute(
            select(Member.user_id, Household.house_code)
            .join(Household, Household.id == Member.household_id)
            .where(Member.user_id.in_(ids))
        ).all()
    )
    houses = list(
        session.scalars(
            select(Household).where(Household.rt_id == rt.id).order_by(Household.house_code)
        )
    )
    context: dict[str, Any] = {
        "rt": rt,
        "users": [u for u in users if u.id != principal.user.id],
        "linked": linked,
        "homes": homes,
        "houses": houses,
        "base_url": str(request.base_url).rstrip("/"),
    }
    context.update(extra)
    return render(request, "members.html", lang=lang, principal=principal, **context)  # type: ignore[arg-type]


@router.get("/rt/{area_id}/anggota", response_class=HTMLResponse)
def members(
    request: Request, area_id: PathId, session: DbSession, principal: UsersManager, lang: PageLang
) -> Response:
    return _members_page(request, session, principal, lang, households.get_rt(session, area_id))


@router.post("/rt/{area_id}/anggota", response_class=HTMLResponse)
def member_account(
    request: Request,
    area_id: PathId,
    form: Form,
    session: DbSession,
    principal: UsersManager,
    now: Now,
    lang: PageLang,
) -> Response:
    """An account for a household's member: signs in by a personal link, no password."""
    rt = households.get_rt(session, area_id)
    typed = fields(form, "full_name", "username", "household_id")

    def create() -> str:
        if not typed.get("household_id", "").isdigit():
            raise FormInvalid(
                {"household_id": (N_("{field} is required."), {"field": "household"})}
            )
        household = households.get_household(session, int(typed["household_id"]))
        if household.rt_id != rt.id:
            raise households.NotAnRT(field="household_id")
        data = parse(
            UserCreate,
            {
                "username": typed.get("username", ""),
                "full_name": typed.get("full_name", ""),
                "language": lang,
            },
        )
        user = households.create_member_account(
            session,
            settings_of(request),
            principal,
            household,
            username=data.username,
            full_name=data.full_name,
            language=lang,
            now=now,
        )
        return f"/rt/{area_id}/anggota#u{user.id}"

    try:
        location = once(session, form, scope=f"account:{rt.id}", now=now, produce=create)
    except DomainError as exc:
        return refused(
            exc,
            lang,
            lambda **page: _members_page(request, session, principal, lang, rt, **page),
            form=typed,
        )
    return redirect(request, location, flash="added")


@router.post("/pengguna/{user_id}/tautan", dependencies=[CSRF])
def link_issue(
    request: Request, user_id: PathId, session: DbSession, principal: UserManager, now: Now
) -> Response:
    """Issue or rotate a member's link; the next page shows it once, to send by WhatsApp."""
    user = auth.get_user(session, user_id)
    secret = auth.issue_sign_in_link(session, user, actor_id=principal.user.id, now=now)
    return redirect_once(request, f"/pengguna/{user_id}/tautan", secret)


@router.get("/pengguna/{user_id}/tautan", response_class=HTMLResponse)
def link_shown(
    request: Request, user_id: PathId, session: DbSession, principal: UserManager, lang: PageLang
) -> Response:
    user = auth.get_user(session, user_id)
    secret = request.cookies.get(ONCE_COOKIE)
    link = f"{str(request.base_url).rstrip('/')}/masuk/{secret}" if secret else None
    message = gettext(
        N_("Your Ronda sign-in link (keep it to yourself): {link}"), user.language, link=link
    )
    page = render(
        request,
        "link_issued.html",
        lang=lang,
        principal=principal,
        user=user,
        link=link,
        share=f"https://wa.me/{(user.phone or '').lstrip('+')}?text={quote(message)}",
    )
    return shown_once(request, page)


@router.post("/pengguna/{user_id}/tautan/cabut")
def link_revoke(
    request: Request,
    user_id: PathId,
    form: Form,
    session: DbSession,
    principal: UserManager,
    now: Now,
) -> Response:
    user = auth.get_user(session, user_id)
    auth.revoke_sign_in_link(session, user, actor_id=principal.user.id, now=now)
    # The phone that used the link is signed out too: revoking means "no longer this person".
    auth.revoke_sessions(session, user, actor_id=principal.user.id, now=now)
    area = str(form.get("area_id") or "")
    return redirect(request, f"/rt/{area}/anggota" if area.isdigit() else "/", flash="link_revoked")


@router.post("/rt/{area_id}/serahkan", response_class=HTMLResponse)
def hand_over(
    request: Request,
    area_id: PathId,
    form: Form,
    session: DbSession,
    principal: HandOver,
    now: Now,
    lang: PageLang,
) -> Response:
    """Pass the RT head's role to a successor; the outgoing head keeps no access."""
    rt = households.get_rt(session, area_id)
    chosen = str(form.get("successor_user_id") or "")
    try:
        with attempt(session):
            if not chosen.isdigit():
                raise FormInvalid(
                    {"successor_user_id": (N_("{field} is required."), {"field": "successor"})}
                )
            auth.hand_over(session, principal, rt, auth.get_user(session, int(chosen)), now)
    except DomainError as exc:
        return refused(
            exc, lang, lambda **page: _members_page(request, session, principal, lang, rt, **page)
        )
    return redirect(request, "/", flash="handed_over")

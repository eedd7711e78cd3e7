"""The RT head's households: list, add, edit, exempt, away periods, members, CSV import."""

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
from app.households import importing, service
from app.households.models import AwayReason, Household, HouseholdStatus
from app.households.routes import AWAY, HOUSEHOLD, MEMBER
from app.households.schemas import AwayCreate, HouseholdCreate, HouseholdUpdate, MemberCreate
from app.i18n import N_, gettext
from app.web.forms import (
    CSRF,
    Form,
    FormInvalid,
    attempt,
    fields,
    once,
    parse,
    parse_changes,
    upload,
)
from app.web.render import failed, redirect, refused, render, words
from app.web.session import PageLang, page_require

router = APIRouter(include_in_schema=False)

RTManager = Annotated[Principal, Depends(page_require(Permission.manage_households, AREA))]
HouseholdManager = Annotated[
    Principal, Depends(page_require(Permission.manage_households, HOUSEHOLD))
]
MemberManager = Annotated[Principal, Depends(page_require(Permission.manage_households, MEMBER))]
AwayManager = Annotated[Principal, Depends(page_require(Permission.manage_households, AWAY))]

STATUS_LABELS = {
    HouseholdStatus.active: N_("takes turns"),
    HouseholdStatus.exempt: N_("exempt"),
    HouseholdStatus.moved_out: N_("moved out"),
}
AWAY_LABELS = {
    AwayReason.mudik: N_("mudik (home village)"),
    AwayReason.sakit: N_("ill"),
    AwayReason.kerja: N_("work"),
    AwayReason.lainnya: N_("other"),
}
PAGE_SIZE = 200


def _labels(lang: str) -> dict[str, Any]:
    return {
        "status_labels": words(STATUS_LABELS, lang),
        "away_labels": words(AWAY_LABELS, lang),
    }


@router.get("/rt/{area_id}/warga", response_class=HTMLResponse)
def household_list(
    request: Request,
    area_id: PathId,
    session: DbSession,
    principal: RTManager,
    lang: PageLang,
    q: str = "",
    status: str = "",
) -> Response:
    rt = service.get_rt(session, area_id)
    chosen = HouseholdStatus(status) if status in HouseholdStatus.__members__ else None
    rows, total = service.list_households(
        session,
        rt,
        view=service.viewer(session, principal, rt),
        status=chosen,
        query=q.strip()[:60] or None,
        limit=PAGE_SIZE,
    )
    return render(
        request,
        "households.html",
        lang=lang,
        principal=principal,
        rt=rt,
        rows=rows,
        total=total,
        q=q,
        status=status,
        **_labels(lang),
    )


@router.get("/rt/{area_id}/warga/baru", response_class=HTMLResponse)
def household_new(
    request: Request, area_id: PathId, session: DbSession, principal: RTManager, lang: PageLang
) -> Response:
    rt = service.get_rt(session, area_id)
    return render(request, "household_new.html", lang=lang, principal=principal, rt=rt)


@router.post("/rt/{area_id}/warga/baru", response_class=HTMLResponse)
def household_create(
    request: Request,
    area_id: PathId,
    form: Form,
    session: DbSession,
    principal: RTManager,
    now: Now,
    lang: PageLang,
) -> Response:
    rt = service.get_rt(session, area_id)
    typed = fields(form, "house_code", "head_name", "phone", "address", "joined_date")

    def create() -> str:
        data = parse(HouseholdCreate, typed)
        household = service.create_household(session, rt, data, actor_id=principal.user.id, now=now)
        return f"/warga/{household.id}"

    try:
        location = once(session, form, scope=f"household:{rt.id}", now=now, produce=create)
    except DomainError as exc:
        return failed(
            request, "household_new.html", exc, lang=lang, principal=principal, typed=typed, rt=rt
        )
    return redirect(request, location, flash="added")


def _detail(
    request: Request,
    session: DbSession,
    principal: Principal,
    lang: str,
    household: Household,
    **extra: Any,
) -> HTMLResponse:
    rt = areas.get_area(session, household.rt_id)
    members = service.members_by_household(session, [household.id]).get(household.id, [])
    form = {
        "house_code": household.house_code,
        "head_name": household.head_name,
        "phone": household.phone or "",
        "address": household.address or "",
        "joined_date": household.joined_date.isoformat() if household.joined_date else "",
        "status": household.status.value,
        "exempt_reason": household.exempt_reason or "",
        "exempt_from": household.exempt_from.isoformat() if household.exempt_from else "",
        "exempt_until": household.exempt_until.isoformat() if household.exempt_until else "",
        "moved_out_date": household.moved_out_date.isoformat() if household.moved_out_date else "",
    }
    context: dict[str, Any] = {
        "rt": rt,
        "household": household,
        "members": members,
        "away": service.list_away(session, household),
        "form": form,
        **_labels(lang),
    }
    context.update(extra)
    if "typed" in extra:
        context["form"] = {**form, **extra["typed"]}
    return render(request, "household.html", lang=lang, principal=principal, **context)  # type: ignore[arg-type]


@router.get("/warga/{household_id}", response_class=HTMLResponse)
def household_page(
    request: Request,
    household_id: PathId,
    session: DbSession,
    principal: HouseholdManager,
    lang: PageLang,
) -> Response:
    return _detail(request, session, principal, lang, service.get_household(session, household_id))


def _failed_detail(
    request: Request,
    session: DbSession,
    principal: Principal,
    lang: str,
    household_id: int,
    exc: DomainError,
    typed: dict[str, str],
    *,
    member: bool = False,
) -> HTMLResponse:
    household = service.get_household(session, household_id)

    def page(**context: Any) -> HTMLResponse:
        return _detail(request, session, principal, lang, household, **context)

    if member:
        # The member form has its own fields: never mixed up with the household's phone.
        return refused(exc, lang, page, rename=lambda name: f"member_{name}", member_form=typed)
    return refused(exc, lang, page, typed=typed)


@router.post("/warga/{household_id}", response_class=HTMLResponse)
def household_update(
    request: Request,
    household_id: PathId,
    form: Form,
    session: DbSession,
    principal: HouseholdManager,
    now: Now,
    lang: PageLang,
) -> Response:
    typed = fields(
        form,
        "house_code",
        "head_name",
        "phone",
        "address",
        "joined_date",
        "status",
        "exempt_reason",
        "exempt_from",
        "exempt_until",
        "moved_out_date",
    )
    try:
        with attempt(session):
            household = service.get_household(session, household_id)
            data = parse_changes(HouseholdUpdate, typed, required=("house_code", "head_name"))
            service.update_household(
                session,
                household,
                data.model_dump(exclude_unset=True),
                actor_id=principal.user.id,
                now=now,
            )
    except DomainError as exc:
        return _failed_detail(request, session, principal, lang, household_id, exc, typed)
    return redirect(request, f"/warga/{household_id}", flash="saved")


@router.post("/warga/{household_id}/anggota", response_class=HTMLResponse)
def member_add(
    request: Request,
    household_id: PathId,
    form: Form,
    session: DbSession,
    principal: HouseholdManager,
    now: Now,
    lang: PageLang,
) -> Response:
    typed = fields(form, "name", "phone")
    data_in = {**typed, "may_patrol": form.get("may_patrol") == "on"}

    def create() -> str:
        household = service.get_household(session, household_id)
        data = parse(MemberCreate, data_in)
        service.add_member(session, household, data, actor_id=principal.user.id, now=now)
        return f"/warga/{household_id}"

    try:
        location = once(session, form, scope=f"member:{household_id}", now=now, produce=create)
    except DomainError as exc:
        return _failed_detail(
            request, session, principal, lang, household_id, exc, typed, member=True
        )
    return redirect(request, location, flash="added")


@router.post("/anggota/{member_id}/hapus", dependencies=[CSRF])
def member_remove(
    request: Request,
    member_id: PathId,
    session: DbSession,
    principal: MemberManager,
    now: Now,
) -> Response:
    member = service.get_member(session, member_id)
    household_id = member.household_id
    service.remove_member(session, member, actor_id=principal.user.id, now=now)
    return redirect(request, f"/warga/{household_id}", flash="removed")


@router.post("/warga/{household_id}/pergi", response_class=HTMLResponse)
def away_add(
    request: Request,
    household_id: PathId,
    form: Form,
    session: DbSession,
    principal: HouseholdManager,
    now: Now,
    lang: PageLang,
) -> Response:
    typed = fields(form, "start_date", "end_date", "reason", "note")

    def create() -> str:
        household = service.get_household(session, household_id)
        data = parse(AwayCreate, typed)
        service.add_away(session, household, data, actor_id=principal.user.id, now=now)
        return f"/warga/{household_id}"

    try:
        location = once(session, form, scope=f"away:{household_id}", now=now, produce=create)
    except DomainError as exc:
        return _failed_detail(request, session, principal, lang, household_id, exc, typed)
    return redirect(request, location, flash="added")


@router.post("/pergi/{away_id}/hapus", dependencies=[CSRF])
def away_remove(
    request: Request,
    away_id: PathId,
    session: DbSession,
    principal: AwayManager,
    now: Now,
) -> Response:
    away = service.get_away(session, away_id)
    household_id = away.household_id
    service.remove_away(session, away, actor_id=principal.user.id, now=now)
    return redirect(request, f"/warga/{household_id}", flash="removed")


@router.get("/rt/{area_id}/warga/impor", response_class=HTMLResponse)
def import_page(
    request: Request, area_id: PathId, session: DbSession, principal: RTManager, lang: PageLang
) -> Response:
    rt = service.get_rt(session, area_id)
    return render(
        request,
        "household_import.html",
        lang=lang,
        principal=principal,
        rt=rt,
        columns=", ".join(importing.HEADERS[lang].values()),
    )


@router.post("/rt/{area_id}/warga/impor", response_class=HTMLResponse)
def import_file(
    request: Request,
    area_id: PathId,
    form: Form,
    session: DbSession,
    principal: RTManager,
    now: Now,
    lang: PageLang,
) -> Response:
    """Import a CSV: all rows or none; every bad row is listed with its line and column."""
    rt = service.get_rt(session, area_id)
    check_only = form.get("check_only") == "on"
    file = upload(form, "file")
    try:
        if file is None:
            raise FormInvalid({"file": (N_("Choose a CSV file."), {})})
        data = file.file.read(importing.MAX_BYTES + 1)
        if len(data) > importing.MAX_BYTES:
            raise importing.CsvTooLarge(limit_kb=importing.MAX_BYTES // 1000, field="file")
        with session.begin_nested() as savepoint:
            result = importing.import_households(
                session, rt, data, actor_id=principal.user.id, now=now
            )
            if check_only:
                savepoint.rollback()
    except DomainError as exc:
        problems = [
            {
                "line": d.get("line"),
                "column": importing.HEADERS[lang].get(d.get("column") or "", d.get("column")),
                "reason": gettext(d["reason"], lang, **d.get("params", {})),
            }
            for d in exc.details or []
        ]
        response = failed(
            request,
            "household_import.html",
            exc,
            lang=lang,
            principal=principal,
            typed={},
            rt=rt,
            problems=problems,
            columns=", ".join(importing.HEADERS[lang].values()),
        )
        return response
    return render(
        request,
        "household_import.html",
        lang=lang,
        principal=principal,
        rt=rt,
        result=result,
        check_only=check_only,
        columns=", ".join(importing.HEADERS[lang].values()),
    )

"""A household's own data: download it, correct it, or have it erased (UU 27/2022).

The household itself or its RT head on its behalf; the privacy service decides who.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from app.auth.permissions import Permission
from app.auth.service import Principal
from app.db import DbSession
from app.deps import Now, PathId
from app.errors import DomainError
from app.households import service as households
from app.households.models import Household
from app.households.routes import HOUSEHOLD
from app.privacy import service as privacy
from app.privacy.schemas import Correction, ErasureRequest
from app.web.forms import Form, attempt, fields, parse, parse_changes
from app.web.render import redirect, refused, render
from app.web.session import PageLang, page_require

router = APIRouter(include_in_schema=False)

HouseholdReader = Annotated[Principal, Depends(page_require(Permission.read_households, HOUSEHOLD))]


def _page(
    request: Request,
    session: DbSession,
    principal: Principal,
    lang: str,
    household: Household,
    **extra: Any,
) -> HTMLResponse:
    privacy.check_acts_for(session, principal, household)
    members = households.members_by_household(session, [household.id]).get(household.id, [])
    form = {
        "head_name": household.head_name,
        "phone": household.phone or "",
        "address": household.address or "",
    }
    context: dict[str, Any] = {"household": household, "members": members, "form": form}
    context.update(extra)
    return render(request, "my_data.html", lang=lang, principal=principal, **context)  # type: ignore[arg-type]


@router.get("/warga/{household_id}/data", response_class=HTMLResponse)
def data_page(
    request: Request,
    household_id: PathId,
    session: DbSession,
    principal: HouseholdReader,
    lang: PageLang,
) -> Response:
    household = households.get_household(session, household_id)
    return _page(request, session, principal, lang, household)


@router.get("/warga/{household_id}/data/unduh")
def data_download(
    household_id: PathId,
    session: DbSession,
    principal: HouseholdReader,
    now: Now,
    format: str = "json",
) -> Response:
    """Everything held about the household, as JSON or as a ZIP of CSV files."""
    household = households.get_household(session, household_id)
    fmt = "csv" if format == "csv" else "json"
    document = privacy.export_for(session, principal, household, fmt=fmt, now=now)
    name = f"ronda-household-{household.id}"
    if fmt == "csv":
        return Response(
            content=privacy.export_zip(document),
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{name}.zip"'},
        )
    return JSONResponse(
        content=document, headers={"Content-Disposition": f'attachment; filename="{name}.json"'}
    )


@router.post("/warga/{household_id}/data", response_class=HTMLResponse)
def data_correct(
    request: Request,
    household_id: PathId,
    form: Form,
    session: DbSession,
    principal: HouseholdReader,
    now: Now,
    lang: PageLang,
) -> Response:
    """Correct the household's name, phone and address."""
    household = households.get_household(session, household_id)
    typed = fields(form, "head_name", "phone", "address")
    try:
        with attempt(session):
            privacy.check_acts_for(session, principal, household)
            data = parse_changes(Correction, typed, required=("head_name",))
            privacy.correct(session, household, data, actor_id=principal.user.id, now=now)
    except DomainError as exc:
        return refused(
            exc,
            lang,
            lambda **page: _page(request, session, principal, lang, household, **page),
            form=typed,
        )
    return redirect(request, f"/warga/{household_id}/data", flash="saved")


@router.post("/warga/{household_id}/hapus-data", response_class=HTMLResponse)
def data_erase(
    request: Request,
    household_id: PathId,
    form: Form,
    session: DbSession,
    principal: HouseholdReader,
    now: Now,
    lang: PageLang,
) -> Response:
    """Erase who the household is; its turns stay, so the roster stays as fair as it was."""
    household = households.get_household(session, household_id)
    typed = fields(form, "confirm_house_code", "moved_out_date")
    try:
        with attempt(session):
            privacy.check_acts_for(session, principal, household)
            data = parse(ErasureRequest, typed)
            result = privacy.erase_household(
                session, household, data, actor_id=principal.user.id, now=now
            )
    except DomainError as exc:
        return refused(
            exc,
            lang,
            lambda **page: _page(request, session, principal, lang, household, **page),
            erase_form=typed,
        )
    return render(request, "data_erased.html", lang=lang, principal=None, result=result)

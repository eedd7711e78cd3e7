"""Signing in and out, the language switch, and the start page for each role."""

from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from app.areas.models import Area, AreaKind
from app.auth import service as auth
from app.auth.models import Role
from app.auth.permissions import Permission
from app.db import DbSession
from app.deps import Now
from app.errors import DomainError
from app.households import service as households
from app.i18n import LANGUAGES
from app.privacy import notice
from app.web.forms import CSRF, Form, fields
from app.web.render import redirect, render
from app.web.session import (
    LANGUAGE_COOKIE,
    YEAR,
    MaybeSignedIn,
    PageLang,
    SignedInPage,
    end_session,
    set_cookie,
    settings_of,
    start_session,
)

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only a path on this site: never send a signed-in user elsewhere."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/masuk", response_class=HTMLResponse)
def sign_in_page(
    request: Request, lang: PageLang, principal: MaybeSignedIn, next: str = "/"
) -> Response:
    if principal is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "sign_in.html", lang=lang, next=safe_next(next), title=None)


@router.post("/masuk", response_class=HTMLResponse)
def sign_in(request: Request, form: Form, session: DbSession, now: Now, lang: PageLang) -> Response:
    typed = fields(form, "username", "password", "next")
    try:
        secret, _token = auth.login(
            session,
            settings_of(request),
            username=typed.get("username", ""),
            password=typed.get("password", ""),
            address=request.client.host if request.client else None,
            now=now,
        )
    except DomainError as exc:
        # Answered, not raised: the failure counters must be committed.
        return render(
            request,
            "sign_in.html",
            lang=lang,
            status_code=exc.status_code,
            error=exc.localized(lang),
            form={"username": typed.get("username", "")},
            next=safe_next(typed.get("next")),
        )
    response = redirect(request, safe_next(typed.get("next")))
    start_session(request, response, secret)
    return response


@router.get("/masuk/{secret}", response_class=HTMLResponse)
def link_page(request: Request, secret: str, lang: PageLang) -> Response:
    # A button, not an automatic sign-in: link previews in chat apps open links too.
    return render(request, "sign_in_link.html", lang=lang, secret=secret)


@router.post("/masuk/{secret}", response_class=HTMLResponse, dependencies=[CSRF])
def sign_in_with_link(
    request: Request, secret: str, session: DbSession, now: Now, lang: PageLang
) -> Response:
    try:
        token, _ = auth.login_with_link(session, secret, now)
    except DomainError as exc:
        return render(
            request,
            "sign_in_link.html",
            lang=lang,
            status_code=exc.status_code,
            error=exc.localized(lang),
            secret=secret,
        )
    response = redirect(request, "/")
    start_session(request, response, token)
    return response


@router.post("/keluar", dependencies=[CSRF])
def sign_out(request: Request, session: DbSession, principal: SignedInPage, now: Now) -> Response:
    auth.logout(session, principal, now)
    response = redirect(request, "/masuk", flash="signed_out")
    end_session(response)
    return response


@router.get("/bahasa/{language}")
def choose_language(request: Request, language: str, next: str = "/") -> Response:
    """Remember the reader's language on this phone."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if language in LANGUAGES:
        set_cookie(request, response, LANGUAGE_COOKIE, language, max_age=YEAR)
    return response


def _areas_by_role(session: DbSession, principal: Any) -> dict[Role, list[Area]]:
    ids = [g.area_id for g in principal.grants if g.area_id is not None]
    found = {a.id: a for a in session.scalars(select(Area).where(Area.id.in_(ids)))}
    by_role: dict[Role, list[Area]] = {}
    for grant in principal.grants:
        if grant.area_id in found:
            by_role.setdefault(grant.role, []).append(found[grant.area_id])
    return by_role


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: DbSession, principal: SignedInPage, lang: PageLang) -> Response:
    """Each role's way in: the RTs one heads, one's own nights, the areas one watches."""
    by_role = _areas_by_role(session, principal)
    managed = [a for a in by_role.get(Role.rt_head, []) if a.kind == AreaKind.rt]
    readers = [
        a for role in (Role.rw_head, Role.liaison, Role.admin) for a in by_role.get(role, [])
    ]
    own = households.own_household_id(session, principal)
    household = households.get_household(session, own) if own is not None else None
    return render(
        request,
        "home.html",
        lang=lang,
        principal=principal,
        title=None,
        managed=managed,
        readers=readers,
        household=household,
        may_report=bool(principal.paths_for(Permission.file_report)),
        acts_on_reports=bool(principal.paths_for(Permission.act_on_reports)),
    )


@router.get("/privasi", response_class=HTMLResponse)
@router.get("/privacy", response_class=HTMLResponse)
def privacy_notice(request: Request, principal: MaybeSignedIn, lang: PageLang) -> Response:
    """What Ronda keeps, for how long and who sees it: from this deployment's settings."""
    return render(
        request,
        "privacy.html",
        lang=lang,
        principal=principal,
        **notice.context(settings_of(request), lang),
    )

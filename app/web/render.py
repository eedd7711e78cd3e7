"""Rendering pages: the Jinja environment, the reader's language and formats, flashes."""

import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from app.auth.permissions import Permission
from app.auth.service import Principal
from app.errors import DomainError
from app.i18n import N_, Language, gettext
from app.web.forms import messages
from app.web.session import FLASH_COOKIE, csrf_token, secure_cookies, set_cookie

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates" / "web"
PAGES = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
LOCALES = {"id": "id_ID", "en": "en_GB"}

# What a page says after a form went through; the cookie carries only the key.
FLASHES = {
    "saved": N_("Saved."),
    "added": N_("Added."),
    "removed": N_("Removed."),
    "imported": N_("The file was imported."),
    "drafted": N_("The draft is ready."),
    "published": N_("The roster is published."),
    "moved": N_("The turn was moved."),
    "approved": N_("Approved."),
    "refused": N_("Refused."),
    "link_issued": N_("A new sign-in link was made. Send it to the member yourself."),
    "link_revoked": N_("The sign-in link no longer works."),
    "handed_over": N_("The RT was handed over."),
    "corrected": N_("The attendance was corrected."),
    "paid": N_("Marked as paid."),
    "checked_in": N_("You are checked in. Thank you!"),
    "logged": N_("Written in the night's log."),
    "filed": N_("The report was sent."),
    "offered": N_("Your turn is on offer."),
    "taken": N_("You took the turn."),
    "updated": N_("The report was updated."),
    "signed_out": N_("You are signed out."),
}


def _locale(context: Context) -> str:
    return LOCALES[context.get("lang", "id")]


@pass_context
def _date(context: Context, value: date | None, style: str = "medium") -> str:
    """30 Nov 2026 (id) / 30 Nov 2026 (en); ``full`` adds the weekday."""
    if value is None:
        return "-"
    formats = {"full": "EEEE, d MMMM y", "long": "d MMMM y", "medium": "d MMM y", "day": "EEE d"}
    return format_date(value, formats.get(style, style), locale=_locale(context))


@pass_context
def _datetime(context: Context, value: datetime | None, zone: str = "Asia/Jakarta") -> str:
    """A moment in the RT's own zone, e.g. 30 Nov 2026 22.15 WIB."""
    if value is None:
        return "-"
    local = value.astimezone(ZoneInfo(zone))
    text = format_datetime(local, "d MMM y HH.mm", locale=_locale(context))
    return f"{text} {zone_label(local)}"


@pass_context
def _time(context: Context, value: datetime | None, zone: str = "Asia/Jakarta") -> str:
    if value is None:
        return "-"
    return format_time(value.astimezone(ZoneInfo(zone)), "HH.mm", locale=_locale(context))


def zone_label(moment: datetime) -> str:
    """WIB, WITA or WIT, as Indonesians name their zones; the offset elsewhere."""
    offset = moment.utcoffset()
    hours = offset.total_seconds() / 3600 if offset is not None else 0
    return {7: "WIB", 8: "WITA", 9: "WIT"}.get(int(hours), moment.strftime("UTC%z"))


def _rupiah(amount: int | None) -> str:
    """Rp15.000 in both languages: Rupiah are written the Indonesian way."""
    if amount is None:
        return "-"
    return "Rp" + format_decimal(amount, "#,##0", locale="id_ID")


PAGES.filters.update(date=_date, datetime=_datetime, time=_time, rupiah=_rupiah)


Key = TypeVar("Key", bound=StrEnum)


def words(table: Mapping[Key, str], lang: str) -> dict[str, str]:
    """A table of enum values and their message ids, in the reader's language."""
    return {key.value: gettext(msgid, lang) for key, msgid in table.items()}


def new_key() -> str:
    """A fresh idempotency key for a form: a resend of the same form reuses it."""
    return uuid.uuid4().hex


def render(
    request: Request,
    template: str,
    *,
    lang: Language,
    principal: Principal | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render a page in the reader's language, with the CSRF token and any flash."""
    flash_key = request.cookies.get(FLASH_COOKIE)
    flash = gettext(FLASHES[flash_key], lang) if flash_key in FLASHES else None
    values: dict[str, Any] = {
        "_": lambda message, **params: gettext(message, lang, **params),
        "lang": lang,
        "other_lang": "en" if lang == "id" else "id",
        "path": request.url.path,
        "csrf": csrf_token(request),
        "principal": principal,
        "Permission": Permission,
        "flash": flash,
        "new_key": new_key,
        "errors": {},
        "form": {},
    }
    values.update(context)
    html = PAGES.get_template(template).render(values)
    response = HTMLResponse(html, status_code=status_code)
    if flash_key:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def failed(
    request: Request,
    template: str,
    error: DomainError,
    *,
    lang: Language,
    principal: Principal | None,
    typed: Mapping[str, str],
    **context: Any,
) -> HTMLResponse:
    """The same page again after a failed submit: what was typed, and what is wrong."""
    return refused(
        error,
        lang,
        lambda **page: render(request, template, lang=lang, principal=principal, **page),
        form=dict(typed),
        **context,
    )


def refused(
    error: DomainError,
    lang: str,
    page: Callable[..., HTMLResponse],
    *,
    rename: Callable[[str], str] = str,
    **context: Any,
) -> HTMLResponse:
    """A page drawn again after a refused submit: the error, each field's message, its status."""
    message, per_field = messages(error, lang)
    response = page(error=message, errors={rename(k): v for k, v in per_field.items()}, **context)
    response.status_code = error.status_code
    return response


ONCE_COOKIE = "ronda_once"


def redirect_once(request: Request, url: str, secret: str) -> RedirectResponse:
    """Post/Redirect/Get for a secret shown once: the next page reads it, and it is gone.

    A reload of that page then shows nothing, rather than making (and so killing) another.
    """
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        ONCE_COOKIE,
        secret,
        max_age=300,
        path=url,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request),
    )
    return response


def shown_once(request: Request, response: HTMLResponse) -> HTMLResponse:
    """Forget the secret a page has just shown."""
    response.delete_cookie(ONCE_COOKIE, path=request.url.path)
    return response


def redirect(
    request: Request, url: str, flash: str | None = None, **query: Any
) -> RedirectResponse:
    """Post/Redirect/Get: 303 to ``url``, carrying a flash for the next page."""
    if query:
        url = f"{url}?{urlencode(query)}"
    response = RedirectResponse(url, status_code=303)
    if flash is not None:
        assert flash in FLASHES
        set_cookie(request, response, FLASH_COOKIE, flash, max_age=60)
    return response

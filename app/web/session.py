"""Who is looking at a page: the session cookie, the CSRF token and the page's language.

Pages sign in with the same sessions as the API (an access token), carried in an
HttpOnly cookie instead of a header. Every visitor also holds a random CSRF cookie;
each form carries an HMAC of it, so a form posted from another site is refused.
"""

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request, Response
from sqlalchemy.orm import Session

from app.auth import service as auth
from app.auth.deps import Target, authorize
from app.auth.permissions import Permission
from app.auth.service import Principal, SessionInvalid
from app.config import Settings
from app.db import DbSession
from app.deps import Now
from app.errors import Forbidden, Unauthorized
from app.i18n import LANGUAGES, N_, Language

SESSION_COOKIE = "ronda_session"
CSRF_COOKIE = "ronda_csrf"
LANGUAGE_COOKIE = "ronda_lang"
FLASH_COOKIE = "ronda_flash"
CSRF_FIELD = "csrf"
KEY_FIELD = "idempotency_key"
YEAR = 365 * 24 * 3600


class SignInNeeded(Unauthorized):
    """A page that needs a session, opened without one: the handler sends to sign-in."""


class CsrfFailed(Forbidden):
    code = "csrf_failed"
    message = N_("The form has expired. Open the page again and resend it.")


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def secure_cookies(request: Request) -> bool:
    """Cookies are Secure behind HTTPS (directly or as the proxy says)."""
    forwarded = request.headers.get("x-forwarded-proto", "")
    return request.url.scheme == "https" or forwarded.split(",")[0].strip() == "https"


def set_cookie(
    request: Request, response: Response, name: str, value: str, max_age: int | None = None
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        path="/",
    )


def page_language(request: Request) -> Language:
    """The remembered choice (``?lang=`` or the cookie), else the deployment's default."""
    for chosen in (request.query_params.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if chosen in LANGUAGES:
            return chosen
    return settings_of(request).default_language


PageLang = Annotated[Language, Depends(page_language)]


def csrf_seed(request: Request) -> str:
    """The visitor's CSRF cookie value, minted on the first page they open."""
    seed = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "csrf_seed", None)
    if not seed:
        seed = secrets.token_urlsafe(24)
        request.state.csrf_seed = seed
    return str(seed)


def csrf_token(request: Request) -> str:
    """The form token: the visitor's CSRF cookie and their session, signed together.

    Tied to the session, a form kept on a shared phone is refused once someone else
    has signed in there, instead of being sent under their name.
    """
    key = settings_of(request).secret_key.encode()
    bound = f"csrf|{csrf_seed(request)}|{request.cookies.get(SESSION_COOKIE, '')}"
    return hmac.new(key, bound.encode(), hashlib.sha256).hexdigest()


def check_csrf(request: Request, sent: str | None) -> None:
    """Refuse a form whose token does not match the visitor's CSRF cookie."""
    if not request.cookies.get(CSRF_COOKIE) or not sent:
        raise CsrfFailed()
    if not hmac.compare_digest(csrf_token(request), sent):
        raise CsrfFailed()


def _cookie_principal(
    request: Request, session: Session, now: datetime, *, touch: bool
) -> Principal | None:
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        return None
    try:
        return auth.authenticate_token(session, secret, now, touch=touch)
    except SessionInvalid:
        return None


def optional_principal(request: Request, session: DbSession, now: Now) -> Principal | None:
    return _cookie_principal(request, session, now, touch=True)


def quiet_page_principal(request: Request, session: DbSession, now: Now) -> Principal:
    """Signed in, leaving no trace of the visit (an anonymous report is filed here)."""
    principal = _cookie_principal(request, session, now, touch=False)
    if principal is None:
        raise SignInNeeded()
    return principal


def page_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    if principal is None:
        raise SignInNeeded()
    return principal


MaybeSignedIn = Annotated[Principal | None, Depends(optional_principal)]
SignedInPage = Annotated[Principal, Depends(page_principal)]


def page_require(
    permission: Permission, target: Target | None = None, *, touch: bool = True
) -> Callable[..., Principal]:
    """The API's permission check, for a page: same rule, signed in by the cookie."""

    def dependency(request: Request, session: DbSession, principal: SignedInPage) -> Principal:
        return authorize(request, session, principal, permission, target)

    def quiet(
        request: Request,
        session: DbSession,
        principal: Annotated[Principal, Depends(quiet_page_principal)],
    ) -> Principal:
        return authorize(request, session, principal, permission, target)

    return dependency if touch else quiet


def session_secret(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE)


def start_session(request: Request, response: Response, secret: str) -> None:
    set_cookie(
        request, response, SESSION_COOKIE, secret, max_age=int(auth.SESSION_TTL.total_seconds())
    )


def end_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def sign_out(session: Session, principal: Principal, now: Now) -> None:
    auth.logout(session, principal, now)

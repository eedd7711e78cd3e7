"""Wiring the pages into the app: static files, security headers, error pages."""

from pathlib import Path
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import DomainError, NotFound
from app.i18n import N_, gettext
from app.web.render import render
from app.web.session import CSRF_COOKIE, SignInNeeded, page_language, secure_cookies

STATIC_DIR = Path(__file__).resolve().parent / "static"
NOT_PAGES = ("/api/", "/ical/", "/healthz", "/docs", "/redoc", "/openapi.json", "/static/")

# No inline script and nothing from elsewhere: every script, style and image is the app's.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)
# The printable roster carries its own print styles inline (it is also a file to keep).
PRINT_CSP = PAGE_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


def is_page(path: str) -> bool:
    return not path.startswith(NOT_PAGES)


class PageHeaders:
    """Security headers on every page, and the visitor's CSRF cookie when first minted.

    Plain ASGI, so the JSON API pays nothing for it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_page(scope["path"]):
            await self.app(scope, receive, send)
            return
        request = Request(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", PAGE_CSP.encode()))
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                    (b"permissions-policy", b"geolocation=(self), camera=(self)"),
                ]
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                seed = scope.get("state", {}).get("csrf_seed")
                if seed and CSRF_COOKIE not in request.cookies:
                    # It outlives a browser restart: forms kept offline still match it.
                    cookie = (
                        f"{CSRF_COOKIE}={seed}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax"
                    )
                    if secure_cookies(request):
                        cookie += "; Secure"
                    headers.append((b"set-cookie", cookie.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


TITLES = {
    401: N_("Sign in first."),
    403: N_("You may not do this."),
    404: N_("This page does not exist, or it is not yours to see."),
    405: N_("This method is not allowed here."),
    500: N_("Something went wrong on our side."),
}


def page_errors(request: Request, exc: Exception) -> Response | None:
    """Errors on a page: sign in first, or a page that says what went wrong."""
    if not is_page(request.url.path):
        return None
    if isinstance(exc, SignInNeeded) or (isinstance(exc, DomainError) and exc.status_code == 401):
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        if request.method != "GET":
            # Back to the page the form was on, not to the form's action.
            referer = urlsplit(request.headers.get("referer", ""))
            same_site = referer.netloc in ("", request.url.netloc)
            target = referer.path if same_site and referer.path.startswith("/") else "/"
        return RedirectResponse(f"/masuk?next={quote(target)}", status_code=303)
    lang = page_language(request)
    if isinstance(exc, DomainError):
        status, message = exc.status_code, exc.localized(lang)
    elif isinstance(exc, RequestValidationError):
        status, message = 404, gettext(TITLES[404], lang)
    elif isinstance(exc, StarletteHTTPException):
        status = exc.status_code
        message = gettext(TITLES.get(status, NotFound.message), lang)
    else:
        status, message = 500, gettext(TITLES[500], lang)
    if status == 404:
        message = gettext(TITLES[404], lang)
    return render(request, "error.html", lang=lang, status_code=status, message=message)


def install_pages(app: FastAPI) -> None:
    """Serve the pages and their static files from the app."""
    from app.web.routes import router

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(router)
    app.add_middleware(PageHeaders)
    # Phones on a weak signal: a month's roster is a tenth of the bytes compressed.
    app.add_middleware(GZipMiddleware, minimum_size=1000)

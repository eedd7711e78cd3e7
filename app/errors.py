"""Domain errors and the one place that turns them into the JSON error shape."""

import logging
from collections.abc import Callable
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.i18n import N_, gettext, negotiate

log = logging.getLogger(__name__)


class DomainError(Exception):
    """An error a service raises; it carries its HTTP status, code and message."""

    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    message: ClassVar[str] = N_("The request cannot be processed.")

    def __init__(
        self,
        message: str | None = None,
        *,
        field: str | None = None,
        details: list[dict[str, Any]] | None = None,
        **params: object,
    ) -> None:
        self.msgid = message or self.message
        self.field = field
        self.details = details
        self.params = params
        super().__init__(self.msgid.format(**params) if params else self.msgid)

    def localized(self, language: str) -> str:
        return gettext(self.msgid, language, **self.params)


class Invalid(DomainError):
    status_code = 422
    code = "invalid"
    message = N_("The value is not valid.")


class NotFound(DomainError):
    status_code = 404
    code = "not_found"
    message = N_("Not found.")


class Unauthorized(DomainError):
    status_code = 401
    code = "unauthorized"
    message = N_("Sign in first.")


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"
    message = N_("You may not do this.")


class Conflict(DomainError):
    status_code = 409
    code = "conflict"
    message = N_("This conflicts with the current state.")


class TooMany(DomainError):
    status_code = 429
    code = "too_many_requests"
    message = N_("Too many attempts; try again later.")


class ErrorDetail(BaseModel):
    """One of several problems, e.g. a bad cell of an imported file."""

    line: int | None = None
    column: str | None = None
    reason: str


class ErrorBody(BaseModel):
    code: str
    message: str
    field: str | None = None
    details: list[ErrorDetail] | None = Field(
        default=None, description="Every problem, when there are several (a file's bad rows)"
    )


class ErrorResponse(BaseModel):
    """The one JSON error shape of the API."""

    error: ErrorBody


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": description}
    for status, description in {
        400: "Bad request",
        413: "Too large",
        401: "Not signed in",
        403: "Forbidden",
        404: "Not found",
        409: "Conflict",
        422: "Invalid input",
        429: "Too many requests",
    }.items()
}

# Pydantic error types, said in words a resident understands.
VALIDATION_MESSAGES = {
    "missing": N_("{field} is required."),
    "string_too_short": N_("{field} is too short."),
    "string_too_long": N_("{field} is too long."),
    "too_short": N_("{field} has too few items."),
    "too_long": N_("{field} has too many items."),
    "greater_than": N_("{field} is too small."),
    "greater_than_equal": N_("{field} is too small."),
    "less_than": N_("{field} is too large."),
    "less_than_equal": N_("{field} is too large."),
    "int_parsing": N_("{field} must be a whole number."),
    "int_type": N_("{field} must be a whole number."),
    "int_from_float": N_("{field} must be a whole number."),
    "float_parsing": N_("{field} must be a number."),
    "bool_parsing": N_("{field} must be true or false."),
    "date_parsing": N_("{field} must be a date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": N_("{field} must be a date (YYYY-MM-DD)."),
    "time_parsing": N_("{field} must be a time (HH:MM)."),
    "datetime_parsing": N_("{field} must be a date and time."),
    "datetime_from_date_parsing": N_("{field} must be a date and time."),
    "literal_error": N_("{field} is not one of the allowed values."),
    "enum": N_("{field} is not one of the allowed values."),
    "string_type": N_("{field} must be text."),
    "string_pattern_mismatch": N_("{field} has the wrong format."),
    "json_invalid": N_("The request body is not valid JSON."),
    "model_attributes_type": N_("{field} must be an object."),
    "dict_type": N_("{field} must be an object."),
    "list_type": N_("{field} must be a list."),
    "extra_forbidden": N_("{field} is not a known field."),
}
VALIDATION_FALLBACK = N_("{field} is not valid.")


def request_language(request: Request) -> str:
    """The language of the answer: the request's ``Accept-Language``, Indonesian by default."""
    return negotiate(request.headers.get("accept-language"))


def error_json(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    details: list[dict[str, Any]] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message, "field": field}
    if details is not None:
        body["details"] = details
    return JSONResponse(status_code=status, content={"error": body})


def domain_error_response(exc: DomainError, language: str) -> JSONResponse:
    """The error shape for a domain error a route answers with instead of raising.

    For the rare route whose failure must still commit (a failed sign-in is counted).
    """
    details = None
    if exc.details is not None:
        # A detail's reason is a message id; its "params" fill it in the reader's language.
        details = [
            {k: v for k, v in d.items() if k != "params"}
            | {"reason": gettext(d["reason"], language, **d.get("params", {}))}
            for d in exc.details
        ]
    return error_json(exc.status_code, exc.code, exc.localized(language), exc.field, details)


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


PageErrors = Callable[[Request, Exception], Response | None]


def install_error_handlers(app: FastAPI, pages: PageErrors | None = None) -> None:
    """Map every error the app can raise to the JSON error shape, in the reader's language.

    ``pages`` answers first for the web pages (an HTML page or a redirect to sign in);
    it returns None for the API, which always answers JSON.
    """

    def page(request: Request, exc: Exception) -> Response | None:
        return pages(request, exc) if pages is not None else None

    @app.exception_handler(DomainError)
    def _domain(request: Request, exc: DomainError) -> Response:
        if (answer := page(request, exc)) is not None:
            return answer
        response = domain_error_response(exc, request_language(request))
        if exc.status_code == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(RequestValidationError)
    def _validation(request: Request, exc: RequestValidationError) -> Response:
        if (answer := page(request, exc)) is not None:
            return answer
        lang = request_language(request)
        first = exc.errors()[0] if exc.errors() else {"type": "", "loc": ()}
        field = _field_name(tuple(first.get("loc", ())))
        msgid = VALIDATION_MESSAGES.get(str(first.get("type")), VALIDATION_FALLBACK)
        ctx = first.get("ctx")
        message = gettext(msgid, lang, field=field)
        if isinstance(ctx, dict) and "expected" in ctx:
            message = f"{message} ({ctx['expected']})"
        return error_json(422, "validation_error", message, field)

    @app.exception_handler(StarletteHTTPException)
    def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if (answer := page(request, exc)) is not None:
            return answer
        lang = request_language(request)
        msgid, code = {
            401: (Unauthorized.message, Unauthorized.code),
            403: (Forbidden.message, Forbidden.code),
            404: (NotFound.message, NotFound.code),
            405: (N_("This method is not allowed here."), "method_not_allowed"),
        }.get(exc.status_code, (DomainError.message, "http_error"))
        response = error_json(exc.status_code, code, gettext(msgid, lang))
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(Exception)
    def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        if (answer := page(request, exc)) is not None:
            return answer
        lang = request_language(request)
        return error_json(
            500, "internal_error", gettext(N_("Something went wrong on our side."), lang)
        )

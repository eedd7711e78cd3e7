"""Plain HTML forms: read and check them, run them once, keep what was typed on failure."""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from app.errors import VALIDATION_FALLBACK, VALIDATION_MESSAGES, DomainError, Invalid
from app.i18n import N_, gettext
from app.idempotency import service as idempotency
from app.web.session import CSRF_FIELD, KEY_FIELD, check_csrf

M = TypeVar("M", bound=BaseModel)

# Largest upload a page accepts (a household CSV, a photo from a phone).
MAX_UPLOAD_BYTES = 8 * 1024 * 1024


class FormInvalid(Invalid):
    """One or more fields are wrong; ``errors`` maps each to its message id and params."""

    message = N_("Some fields need another look.")

    def __init__(self, errors: dict[str, tuple[str, dict[str, Any]]]) -> None:
        super().__init__(field=next(iter(errors), None))
        self.errors = errors


async def posted_form(request: Request) -> FormData:
    """The submitted form, after its CSRF token was checked."""
    form = await request.form(max_part_size=MAX_UPLOAD_BYTES)
    sent = form.get(CSRF_FIELD)
    check_csrf(request, sent if isinstance(sent, str) else None)
    return form


Form = Annotated[FormData, Depends(posted_form)]
# For a form that carries nothing but its token (a button): check it all the same.
CSRF = Depends(posted_form)


def fields(form: FormData, *names: str) -> dict[str, str]:
    """The text fields of a form as typed (trimmed), for parsing and for refilling it."""
    wanted = names or tuple(k for k in form if k not in (CSRF_FIELD, KEY_FIELD))
    out: dict[str, str] = {}
    for name in wanted:
        value = form.get(name)
        if isinstance(value, str):
            out[name] = value.strip()
    return out


def upload(form: FormData, name: str) -> UploadFile | None:
    value = form.get(name)
    if isinstance(value, UploadFile) and value.filename:
        return value
    return None


def parse(model: type[M], data: Mapping[str, Any], *, keep_empty: tuple[str, ...] = ()) -> M:
    """Validate typed fields with the API's own schema; blank fields count as not given."""
    given = {k: v for k, v in data.items() if v != "" or k in keep_empty}
    try:
        return model.model_validate(given)
    except ValidationError as exc:
        errors: dict[str, tuple[str, dict[str, Any]]] = {}
        for error in exc.errors():
            name = ".".join(str(p) for p in error.get("loc", ())) or "form"
            msgid = VALIDATION_MESSAGES.get(error["type"], VALIDATION_FALLBACK)
            errors.setdefault(name, (msgid, {"field": name}))
        raise FormInvalid(errors) from None


def parse_changes(model: type[M], typed: Mapping[str, str], *, required: tuple[str, ...]) -> M:
    """An edit form: blank optional fields clear their value, blank required ones are refused."""
    changes = {k: (v if v or k in required else None) for k, v in typed.items()}
    return parse(model, changes, keep_empty=tuple(changes))


def messages(error: DomainError, language: str) -> tuple[str, dict[str, str]]:
    """The page's summary message and a message per field, in the reader's language."""
    per_field: dict[str, str] = {}
    if isinstance(error, FormInvalid):
        for name, (msgid, params) in error.errors.items():
            per_field[name] = gettext(msgid, language, **params)
    elif error.field:
        per_field[error.field] = error.localized(language)
    return error.localized(language), per_field


@contextmanager
def attempt(session: Session) -> Iterator[None]:
    """Undo just this form's writes if it fails, so the page can show the error."""
    with session.begin_nested():
        yield


def once(
    session: Session,
    form: FormData,
    *,
    scope: str,
    now: Any,
    produce: Callable[[], str],
) -> str:
    """Run a creating form once per its idempotency key; a resend gets the first redirect.

    Inside its own savepoint (``attempt``): a refused form leaves nothing written, so the
    page can be drawn again with the error.
    """
    key = form.get(KEY_FIELD)
    with attempt(session):
        _status, body, _replayed = idempotency.run(
            session,
            scope=f"web:{scope}",
            key=key if isinstance(key, str) and key else None,
            payload=fields(form),
            now=now,
            produce=lambda: (303, {"location": produce()}),
        )
    return str(body["location"])

"""The one permission check: who is calling, and may they act on this object's area."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from app.auth import service
from app.auth.permissions import Permission
from app.auth.service import Principal
from app.db import DbSession
from app.deps import MAX_ID, Now
from app.errors import Forbidden, NotFound, Unauthorized

bearer = HTTPBearer(auto_error=False, description="The token from /api/v1/auth/login")


@dataclass(frozen=True)
class Target:
    """How to find the area(s) of the object a route acts on from its path parameter.

    ``param=None`` targets the installation itself (creating a kota, say), which only an
    installation-wide grant covers.
    """

    param: str | None
    paths: Callable[[Session, int], list[str]]
    # A person's areas: acting on them needs the permission over every one of them.
    every: bool = False


INSTALLATION = Target(None, lambda _session, _id: [""])


def current_principal(
    session: DbSession,
    now: Now,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The signed-in caller, from the bearer token."""
    if credentials is None or not credentials.credentials:
        raise Unauthorized()
    return service.authenticate_token(session, credentials.credentials, now, touch=True)


def quiet_principal(
    session: DbSession,
    now: Now,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The caller, without touching the session's last-used time (anonymous reports)."""
    if credentials is None or not credentials.credentials:
        raise Unauthorized()
    return service.authenticate_token(session, credentials.credentials, now, touch=False)


SignedIn = Annotated[Principal, Depends(current_principal)]
QuietlySignedIn = Annotated[Principal, Depends(quiet_principal)]


def authorize(
    request: Request,
    session: Session,
    principal: Principal,
    permission: Permission,
    target: Target | None = None,
) -> Principal:
    """Admit ``principal`` if it holds ``permission`` over the object the request names.

    The one check behind the API's bearer dependencies and the web pages' session ones.
    """
    if target is None:
        if not principal.paths_for(permission):
            raise Forbidden()
        return principal
    object_id = 0
    if target.param is not None:
        raw = request.path_params.get(target.param, "")
        try:
            object_id = int(raw)
        except ValueError:
            raise NotFound(field=target.param) from None
        if not 1 <= object_id <= MAX_ID:
            raise NotFound(field=target.param)
    try:
        paths = target.paths(session, object_id)
    except NotFound:
        # The same answer as for another RT's object, so ids reveal nothing.
        raise NotFound(field=target.param) from None
    holds = all if target.every else any
    if paths and holds(principal.can(permission, p) for p in paths):
        return principal
    if target.param is not None and not any(principal.roles_over(p) for p in paths):
        # Outside every grant: answer as if it did not exist.
        raise NotFound(field=target.param)
    raise Forbidden()


def require(
    permission: Permission, target: Target | None = None, *, touch: bool = True
) -> Callable[..., Principal]:
    """A dependency that admits callers holding ``permission`` over the route's object.

    Without a target the caller must hold the permission somewhere; the route then
    limits what it returns to ``principal.paths_for(permission)``.
    """

    def check(request: Request, session: DbSession, principal: Principal) -> Principal:
        return authorize(request, session, principal, permission, target)

    if touch:

        def dependency(request: Request, session: DbSession, principal: SignedIn) -> Principal:
            return check(request, session, principal)

        return dependency

    def quiet(request: Request, session: DbSession, principal: QuietlySignedIn) -> Principal:
        return check(request, session, principal)

    return quiet

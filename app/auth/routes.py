"""HTTP for sign-in, users and grants."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from app.areas import service as areas
from app.areas.routes import AREA
from app.auth import service
from app.auth.deps import SignedIn, Target, require
from app.auth.models import User
from app.auth.permissions import Permission
from app.auth.schemas import (
    GrantCreate,
    GrantRead,
    HandOver,
    LinkLoginRequest,
    LoginRequest,
    MeRead,
    MeUpdate,
    RevokedSessions,
    SessionRead,
    SignInLinkRead,
    UserCreate,
    UserRead,
)
from app.auth.service import Principal
from app.config import Settings
from app.db import DbSession
from app.deps import Lang, Now, PathId
from app.errors import ERROR_RESPONSES, DomainError, domain_error_response
from app.pagination import Page, PageParams, page_params

router = APIRouter(prefix="/api/v1", tags=["auth"], responses=ERROR_RESPONSES)


def _grant_paths(session: DbSession, grant_id: int) -> list[str]:
    found = service.get_grant(session, grant_id)
    return [areas.get_area(session, found.area_id).path if found.area_id is not None else ""]


USER = Target("user_id", lambda session, user_id: _user_paths(session, user_id), every=True)
GRANT = Target("grant_id", _grant_paths)


def _user_paths(session: DbSession, user_id: int) -> list[str]:
    """Every area the user holds a role on; "" (the installation) for none or for an admin."""
    service.get_user(session, user_id)
    return service.user_area_paths(session, user_id) or [""]


UserReaderHere = Annotated[Principal, Depends(require(Permission.read_users, AREA))]
UserManagerHere = Annotated[Principal, Depends(require(Permission.manage_users, AREA))]
UserManagerOf = Annotated[Principal, Depends(require(Permission.manage_users, USER))]
UserReaderOf = Annotated[Principal, Depends(require(Permission.read_users, USER))]
GrantManager = Annotated[Principal, Depends(require(Permission.manage_users, GRANT))]
RTHandOver = Annotated[Principal, Depends(require(Permission.hand_over, AREA))]


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def user_read(user: User) -> UserRead:
    return UserRead(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        language=user.language,
        is_active=user.is_active,
        has_password=user.password_hash is not None,
    )


@router.post("/auth/login", response_model=SessionRead)
def login(data: LoginRequest, request: Request, session: DbSession, now: Now, lang: Lang) -> object:
    """Sign in with username and password; answers a bearer token."""
    try:
        secret, token = service.login(
            session,
            _settings(request),
            username=data.username,
            password=data.password,
            address=request.client.host if request.client else None,
            now=now,
        )
    except DomainError as exc:
        # Answer, don't raise: the failure counters must be committed with the answer.
        return domain_error_response(exc, lang)
    user = service.get_user(session, token.user_id)
    return SessionRead(access_token=secret, expires_at=token.expires_at, user=user_read(user))


@router.post("/auth/link", response_model=SessionRead)
def login_with_link(data: LinkLoginRequest, session: DbSession, now: Now) -> SessionRead:
    """Open a session on this device with a personal sign-in link."""
    secret, token = service.login_with_link(session, data.token, now)
    user = service.get_user(session, token.user_id)
    return SessionRead(access_token=secret, expires_at=token.expires_at, user=user_read(user))


@router.post("/auth/logout", status_code=204)
def logout(principal: SignedIn, session: DbSession, now: Now) -> Response:
    """End this session."""
    service.logout(session, principal, now)
    return Response(status_code=204)


def _me(session: DbSession, user: User) -> MeRead:
    grants = [GrantRead.model_validate(g) for g in service.grants_of(session, user.id)]
    return MeRead(
        **user_read(user).model_dump(),
        grants=grants,
        notify_channel=user.notify_channel,
        email=user.email,
    )


@router.get("/me", response_model=MeRead)
def me(principal: SignedIn, session: DbSession) -> MeRead:
    """Who am I, where do I hold which role, and how Ronda reaches me."""
    return _me(session, principal.user)


@router.patch("/me", response_model=MeRead)
def update_me(data: MeUpdate, principal: SignedIn, session: DbSession, now: Now) -> MeRead:
    """Choose my language and how Ronda reaches me (log, webhook or e-mail)."""
    user = service.update_preferences(
        session, principal.user, data.model_dump(exclude_unset=True), now=now
    )
    return _me(session, user)


@router.post("/areas/{area_id}/users", status_code=201, response_model=UserRead)
def create_user(
    area_id: PathId,
    data: UserCreate,
    request: Request,
    session: DbSession,
    principal: UserManagerHere,
    now: Now,
) -> UserRead:
    """Create a user with a role in this area (without a password: a sign-in link user)."""
    area = areas.get_area(session, area_id)
    user = service.create_user(
        session,
        _settings(request),
        username=data.username,
        full_name=data.full_name,
        password=data.password,
        phone=data.phone,
        language=data.language,
        now=now,
        actor_id=principal.user.id,
    )
    service.grant(session, user=user, role=data.role, area=area, granted_by=principal, now=now)
    return user_read(user)


@router.get("/areas/{area_id}/users", response_model=Page[UserRead])
def list_users(
    area_id: PathId,
    session: DbSession,
    _: UserReaderHere,
    page: Annotated[PageParams, Depends(page_params)],
) -> Page[UserRead]:
    """Users holding a role in this area or beneath it."""
    area = areas.get_area(session, area_id)
    rows, total = service.users_in(session, [area.path], page.limit, page.offset)
    return Page(
        items=[user_read(u) for u in rows], total=total, limit=page.limit, offset=page.offset
    )


@router.post("/areas/{area_id}/grants", status_code=201, response_model=GrantRead)
def create_grant(
    area_id: PathId, data: GrantCreate, session: DbSession, principal: UserManagerHere, now: Now
) -> GrantRead:
    """Give an existing user a role on this area."""
    user = service.get_user(session, data.user_id)
    created = service.grant(
        session,
        user=user,
        role=data.role,
        area=areas.get_area(session, area_id),
        granted_by=principal,
        now=now,
    )
    return GrantRead.model_validate(created)


@router.delete("/grants/{grant_id}", status_code=204)
def revoke_grant(
    grant_id: PathId, session: DbSession, principal: GrantManager, now: Now
) -> Response:
    """Withdraw a grant."""
    service.revoke_grant(session, principal, service.get_grant(session, grant_id), now)
    return Response(status_code=204)


@router.post("/areas/{area_id}/hand-over", response_model=GrantRead)
def hand_over(
    area_id: PathId, data: HandOver, session: DbSession, principal: RTHandOver, now: Now
) -> GrantRead:
    """Hand this RT over to a successor as its RT head, in one step."""
    successor = service.get_user(session, data.successor_user_id)
    created = service.hand_over(
        session, principal, areas.get_area(session, area_id), successor, now
    )
    return GrantRead.model_validate(created)


@router.get("/users/{user_id}", response_model=MeRead)
def read_user(user_id: PathId, session: DbSession, _: UserReaderOf) -> MeRead:
    """A user and their grants."""
    user = service.get_user(session, user_id)
    grants = [GrantRead.model_validate(g) for g in service.grants_of(session, user.id)]
    return MeRead(**user_read(user).model_dump(), grants=grants)


@router.post("/users/{user_id}/sign-in-link", status_code=201, response_model=SignInLinkRead)
def issue_sign_in_link(
    user_id: PathId, session: DbSession, principal: UserManagerOf, now: Now
) -> SignInLinkRead:
    """Create or rotate a user's personal sign-in link (the old one stops working)."""
    user = service.get_user(session, user_id)
    secret = service.issue_sign_in_link(session, user, actor_id=principal.user.id, now=now)
    return SignInLinkRead(token=secret, path=f"/masuk/{secret}")


@router.delete("/users/{user_id}/sign-in-link", status_code=204)
def revoke_sign_in_link(
    user_id: PathId, session: DbSession, principal: UserManagerOf, now: Now
) -> Response:
    """Withdraw a user's sign-in link."""
    user = service.get_user(session, user_id)
    service.revoke_sign_in_link(session, user, actor_id=principal.user.id, now=now)
    return Response(status_code=204)


@router.post("/users/{user_id}/revoke-sessions", response_model=RevokedSessions)
def revoke_sessions(
    user_id: PathId, session: DbSession, principal: UserManagerOf, now: Now
) -> RevokedSessions:
    """End every session of a user, e.g. after a lost phone."""
    user = service.get_user(session, user_id)
    count = service.revoke_sessions(session, user, actor_id=principal.user.id, now=now)
    return RevokedSessions(revoked=count)

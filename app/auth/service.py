"""Users and grants, passwords and sessions, sign-in links, throttling and the area check."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import case, delete, func, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.areas import service as areas
from app.areas.models import Area, AreaKind
from app.audit import service as audit
from app.auth.models import AccessToken, Grant, LoginThrottle, Role, SignInLink, User
from app.auth.permissions import GRANTABLE, ROLE_PERMISSIONS, Permission
from app.config import Settings
from app.db import UTCDateTime
from app.errors import Conflict, Forbidden, Invalid, NotFound, TooMany, Unauthorized
from app.i18n import N_

SESSION_TTL = timedelta(days=30)
THROTTLE_WINDOW = timedelta(minutes=15)
ACCOUNT_FAILURE_LIMIT = 5
ADDRESS_FAILURE_LIMIT = 20
# Touch a session's last-used time at most this often: one write per request is waste.
LAST_USED_RESOLUTION = timedelta(minutes=5)


class BadCredentials(Unauthorized):
    code = "bad_credentials"
    message = N_("Wrong username or password.")


class SessionInvalid(Unauthorized):
    code = "session_invalid"
    message = N_("Your session has ended; sign in again.")


class LinkInvalid(Unauthorized):
    code = "sign_in_link_invalid"
    message = N_("This sign-in link is not valid any more; ask your RT head for a new one.")


class Throttled(TooMany):
    code = "login_throttled"
    message = N_("Too many failed sign-ins; wait 15 minutes and try again.")


class UserNotFound(NotFound):
    code = "user_not_found"
    message = N_("User {user_id} does not exist.")


class GrantNotFound(NotFound):
    code = "grant_not_found"
    message = N_("Grant {grant_id} does not exist.")


class UsernameTaken(Conflict):
    code = "username_taken"
    message = N_("The username {username} is already taken.")


class RoleNotGrantable(Forbidden):
    code = "role_not_grantable"
    message = N_("You may not grant the role {role} here.")


class RoleNeedsArea(Invalid):
    code = "role_wrong_area"
    message = N_("The role {role} is granted on a {kind}.")


class AlreadyGranted(Conflict):
    code = "already_granted"
    message = N_("This user already has this role here.")


class NotRTHead(Forbidden):
    code = "not_rt_head"
    message = N_("Only the RT head of this RT can hand it over.")


class SuccessorNotInRT(Invalid):
    code = "successor_not_in_rt"
    message = N_("Choose someone of this RT.")


class SameSuccessor(Invalid):
    code = "successor_is_self"
    message = N_("The successor must be someone else.")


# The kind of area each role is granted on (admin and liaison: any level).
ROLE_AREA_KIND: dict[Role, AreaKind | None] = {
    Role.admin: None,
    Role.rw_head: AreaKind.rw,
    Role.rt_head: AreaKind.rt,
    Role.member: AreaKind.rt,
    Role.liaison: None,
}


@dataclass(frozen=True)
class GrantView:
    role: Role
    area_id: int | None
    path: str  # "" for an installation-wide admin: every path starts with it


@dataclass(frozen=True)
class Principal:
    """The signed-in user and their grants, loaded once per request."""

    user: User
    grants: tuple[GrantView, ...]
    token_id: int | None = None

    def roles_over(self, path: str) -> set[Role]:
        """The roles this user holds on the area at ``path`` (through it or an ancestor)."""
        return {g.role for g in self.grants if path.startswith(g.path)}

    def can(self, permission: Permission, path: str) -> bool:
        return any(permission in ROLE_PERMISSIONS[r] for r in self.roles_over(path))

    def paths_for(self, permission: Permission) -> list[str]:
        """The subtrees where this user holds ``permission``."""
        return [g.path for g in self.grants if permission in ROLE_PERMISSIONS[g.role]]

    def check(
        self, permission: Permission, area: Area, *, field: str = "area_id", hide: bool = True
    ) -> None:
        """Refuse unless the user holds ``permission`` on ``area``.

        An area outside every grant answers as if it did not exist, so nobody learns
        what other RTs hold; inside a grant, a missing permission is 403.
        """
        if self.can(permission, area.path):
            return
        if hide and not self.roles_over(area.path):
            raise NotFound(field=field)
        raise Forbidden()


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _hasher(settings: Settings) -> PasswordHasher:
    return PasswordHasher(
        time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_cost_kib
    )


def hash_password(settings: Settings, password: str) -> str:
    """Hash a password with Argon2id."""
    return _hasher(settings).hash(password)


def normalise_username(username: str) -> str:
    return username.strip().lower()


def load_principal(session: Session, user: User, token_id: int | None = None) -> Principal:
    """Load a user's grants with the paths of their areas."""
    rows = session.execute(
        select(Grant.role, Grant.area_id, Area.path)
        .outerjoin(Area, Area.id == Grant.area_id)
        .where(Grant.user_id == user.id)
    ).all()
    grants = tuple(GrantView(role, area_id, path or "") for role, area_id, path in rows)
    return Principal(user=user, grants=grants, token_id=token_id)


def authenticate_token(session: Session, secret: str, now: datetime, *, touch: bool) -> Principal:
    """Find the live session for a bearer secret; ``touch=False`` leaves no trace of the use."""
    row = session.execute(
        select(AccessToken, User)
        .join(User, User.id == AccessToken.user_id)
        .where(AccessToken.token_hash == _sha256(secret))
    ).one_or_none()
    if row is None:
        raise SessionInvalid()
    token, user = row
    if token.revoked_at is not None or token.expires_at <= now or not user.is_active:
        raise SessionInvalid()
    if touch and (token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION):
        token.last_used_at = now
    return load_principal(session, user, token.id)


def open_session(session: Session, user: User, now: datetime) -> tuple[str, AccessToken]:
    """Open a bearer session for ``user``; the secret is returned once and stored hashed."""
    secret = secrets.token_urlsafe(32)
    token = AccessToken(
        user_id=user.id, token_hash=_sha256(secret), created_at=now, expires_at=now + SESSION_TTL
    )
    session.add(token)
    session.flush()
    return secret, token


def _throttle_keys(username: str, address: str | None) -> list[tuple[str, int]]:
    keys = [(f"user:{username}", ACCOUNT_FAILURE_LIMIT)]
    if address:
        keys.append((f"addr:{address}", ADDRESS_FAILURE_LIMIT))
    return keys


def _check_throttle(session: Session, keys: list[tuple[str, int]], now: datetime) -> None:
    locked = session.scalar(
        select(func.count())
        .select_from(LoginThrottle)
        .where(LoginThrottle.key.in_([k for k, _ in keys]), LoginThrottle.locked_until > now)
    )
    if locked:
        raise Throttled()


def _count_failure(session: Session, keys: list[tuple[str, int]], now: datetime) -> None:
    """Add one failure per key with an atomic update, so parallel workers all count."""
    cutoff = now - THROTTLE_WINDOW
    for key, limit in keys:
        try:
            with session.begin_nested():
                session.add(LoginThrottle(key=key, failures=0, window_start=now))
        except IntegrityError:
            pass
        # A failure after the window has passed starts a new window at 1.
        expired = LoginThrottle.window_start < cutoff
        failures = session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key == key)
            .values(
                failures=case((expired, 1), else_=LoginThrottle.failures + 1),
                window_start=case(
                    (expired, literal(now, UTCDateTime())), else_=LoginThrottle.window_start
                ),
            )
            .returning(LoginThrottle.failures)
        ).scalar_one()
        if failures >= limit:
            session.execute(
                update(LoginThrottle)
                .where(LoginThrottle.key == key)
                .values(locked_until=now + THROTTLE_WINDOW)
            )


def login(
    session: Session,
    settings: Settings,
    *,
    username: str,
    password: str,
    address: str | None,
    now: datetime,
) -> tuple[str, AccessToken]:
    """Check a password and open a session; failures are counted even though they raise.

    The caller must commit what this wrote before answering a failure, because the
    failure counters are the point of the failure.
    """
    username = normalise_username(username)
    keys = _throttle_keys(username, address)
    _check_throttle(session, keys, now)
    user = session.scalar(select(User).where(User.username == username))
    hasher = _hasher(settings)
    valid = False
    if user is not None and user.password_hash and user.is_active:
        try:
            valid = hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            valid = False
    else:
        # Spend the same time on unknown users so timing does not reveal who exists.
        hasher.hash(password)
    if not valid or user is None:
        _count_failure(session, keys, now)
        raise BadCredentials(field="password")
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == keys[0][0]))
    if hasher.check_needs_rehash(user.password_hash or ""):
        user.password_hash = hasher.hash(password)
    return open_session(session, user, now)


def login_with_link(session: Session, secret: str, now: datetime) -> tuple[str, AccessToken]:
    """Open a session on this device from a personal sign-in link."""
    row = session.execute(
        select(SignInLink, User)
        .join(User, User.id == SignInLink.user_id)
        .where(SignInLink.token_hash == _sha256(secret))
    ).one_or_none()
    if row is None or row[0].revoked_at is not None or not row[1].is_active:
        raise LinkInvalid(field="token")
    return open_session(session, row[1], now)


def logout(session: Session, principal: Principal, now: datetime) -> None:
    """End the session the request was made with."""
    if principal.token_id is not None:
        token = session.get(AccessToken, principal.token_id)
        if token is not None and token.revoked_at is None:
            token.revoked_at = now


def revoke_sessions(session: Session, user: User, *, actor_id: int, now: datetime) -> int:
    """End every session of a user (a lost phone); returns how many ended."""
    result = session.execute(
        update(AccessToken)
        .where(AccessToken.user_id == user.id, AccessToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    audit.record(
        session,
        actor_id=actor_id,
        action="user.revoke_sessions",
        object_type="user",
        object_id=user.id,
        at=now,
    )
    return int(getattr(result, "rowcount", 0) or 0)


def get_user(session: Session, user_id: int) -> User:
    """Return the user or raise ``UserNotFound``."""
    user = session.get(User, user_id)
    if user is None:
        raise UserNotFound(user_id=user_id, field="user_id")
    return user


def user_area_paths(session: Session, user_id: int) -> list[str]:
    """The paths of the areas a user holds grants on ("" for an installation-wide grant)."""
    rows = session.execute(
        select(Area.path)
        .select_from(Grant)
        .outerjoin(Area, Area.id == Grant.area_id)
        .where(Grant.user_id == user_id)
    ).all()
    return [path or "" for (path,) in rows]


class EmailNeeded(Invalid):
    code = "email_needed"
    message = N_("Give an e-mail address to be reached by e-mail.")


def update_preferences(
    session: Session, user: User, changes: dict[str, object], *, now: datetime
) -> User:
    """Change a user's language and how Ronda reaches them."""
    before = (user.language, user.notify_channel, user.email)
    for name in ("language", "notify_channel", "email"):
        if changes.get(name) is not None:
            setattr(user, name, changes[name])
    if user.notify_channel == "email" and not user.email:
        raise EmailNeeded(field="email")
    if (user.language, user.notify_channel, user.email) == before:
        return user
    session.flush()
    audit.record(
        session,
        actor_id=user.id,
        action="user.preferences",
        object_type="user",
        object_id=user.id,
        at=now,
        after={"language": user.language, "notify_channel": user.notify_channel},
    )
    return user


def create_user(
    session: Session,
    settings: Settings,
    *,
    username: str,
    full_name: str,
    password: str | None,
    phone: str | None,
    language: str,
    now: datetime,
    actor_id: int | None,
) -> User:
    """Create a user; without a password they sign in with a personal link."""
    username = normalise_username(username)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise UsernameTaken(username=username, field="username")
    user = User(
        username=username,
        full_name=full_name,
        phone=phone,
        password_hash=hash_password(settings, password) if password else None,
        language=language,
        is_active=True,
        created_at=now,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="user.create",
        object_type="user",
        object_id=user.id,
        at=now,
        after={"username": username, "full_name": full_name},
    )
    return user


def _grantable_by(principal: Principal, path: str) -> set[Role]:
    """Roles ``principal`` may hand out on the area at ``path`` ("" = installation-wide)."""
    allowed: set[Role] = set()
    for role in principal.roles_over(path):
        allowed |= GRANTABLE[role]
    return allowed


def grant(
    session: Session,
    *,
    user: User,
    role: Role,
    area: Area | None,
    granted_by: Principal | None,
    now: datetime,
) -> Grant:
    """Give ``user`` a role on ``area``; the granter must hold a role that may grant it there."""
    wanted_kind = ROLE_AREA_KIND[role]
    if area is None and role != Role.admin:
        raise RoleNeedsArea(role=role.value, kind=(wanted_kind or AreaKind.kelurahan).value)
    if area is not None and wanted_kind is not None and area.kind != wanted_kind:
        raise RoleNeedsArea(role=role.value, kind=wanted_kind.value, field="role")
    if granted_by is not None:
        if granted_by.user.id == user.id:
            raise RoleNotGrantable(role=role.value, field="user_id")
        if role not in _grantable_by(granted_by, area.path if area is not None else ""):
            raise RoleNotGrantable(role=role.value, field="role")
    exists = session.scalar(
        select(Grant.id).where(
            Grant.user_id == user.id,
            Grant.role == role,
            Grant.area_id.is_(None) if area is None else Grant.area_id == area.id,
        )
    )
    if exists is not None:
        raise AlreadyGranted(field="role")
    new = Grant(
        user_id=user.id,
        role=role,
        area_id=area.id if area else None,
        granted_by_id=granted_by.user.id if granted_by else None,
        created_at=now,
    )
    session.add(new)
    session.flush()
    audit.record(
        session,
        actor_id=granted_by.user.id if granted_by else None,
        action="grant.create",
        object_type="grant",
        object_id=new.id,
        area_id=new.area_id,
        at=now,
        after={"user_id": user.id, "role": role, "area_id": new.area_id},
    )
    return new


def get_grant(session: Session, grant_id: int) -> Grant:
    """Return the grant or raise ``GrantNotFound``."""
    found = session.get(Grant, grant_id)
    if found is None:
        raise GrantNotFound(grant_id=grant_id, field="grant_id")
    return found


def revoke_grant(session: Session, principal: Principal, found: Grant, now: datetime) -> None:
    """Withdraw a grant the caller could have given."""
    path = areas.get_area(session, found.area_id).path if found.area_id is not None else ""
    if found.role not in _grantable_by(principal, path):
        raise RoleNotGrantable(role=found.role.value, field="grant_id")
    audit.record(
        session,
        actor_id=principal.user.id,
        action="grant.revoke",
        object_type="grant",
        object_id=found.id,
        area_id=found.area_id,
        at=now,
        before={"user_id": found.user_id, "role": found.role, "area_id": found.area_id},
    )
    session.delete(found)
    session.flush()


def hand_over(
    session: Session, principal: Principal, rt: Area, successor: User, now: datetime
) -> Grant:
    """Pass the RT head's role on ``rt`` to a successor in one step."""
    current = session.scalar(
        select(Grant).where(
            Grant.user_id == principal.user.id, Grant.role == Role.rt_head, Grant.area_id == rt.id
        )
    )
    if current is None:
        raise NotRTHead(field="area_id")
    if successor.id == principal.user.id:
        raise SameSuccessor(field="successor_user_id")
    if not any(p.startswith(rt.path) for p in user_area_paths(session, successor.id)):
        raise SuccessorNotInRT(field="successor_user_id")
    session.delete(current)
    session.flush()
    new = Grant(
        user_id=successor.id,
        role=Role.rt_head,
        area_id=rt.id,
        granted_by_id=principal.user.id,
        created_at=now,
    )
    session.add(new)
    session.flush()
    audit.record(
        session,
        actor_id=principal.user.id,
        action="rt.hand_over",
        object_type="area",
        object_id=rt.id,
        area_id=rt.id,
        at=now,
        before={"rt_head_user_id": principal.user.id},
        after={"rt_head_user_id": successor.id},
    )
    return new


def issue_sign_in_link(session: Session, user: User, *, actor_id: int | None, now: datetime) -> str:
    """Create (or rotate) a user's personal sign-in link; the secret is shown only now."""
    session.execute(
        update(SignInLink)
        .where(SignInLink.user_id == user.id, SignInLink.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    secret = secrets.token_urlsafe(32)
    session.add(
        SignInLink(
            user_id=user.id, token_hash=_sha256(secret), created_by_id=actor_id, created_at=now
        )
    )
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="sign_in_link.issue",
        object_type="user",
        object_id=user.id,
        at=now,
    )
    return secret


def revoke_sign_in_link(session: Session, user: User, *, actor_id: int, now: datetime) -> None:
    """Withdraw a user's sign-in link; sessions it opened stay until revoked separately."""
    session.execute(
        update(SignInLink)
        .where(SignInLink.user_id == user.id, SignInLink.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    audit.record(
        session,
        actor_id=actor_id,
        action="sign_in_link.revoke",
        object_type="user",
        object_id=user.id,
        at=now,
    )


def users_in(session: Session, paths: list[str], limit: int, offset: int) -> tuple[list[User], int]:
    """Users holding a grant in any of the subtrees ``paths``."""
    if not paths:
        return [], 0
    ids = (
        select(Grant.user_id)
        .join(Area, Area.id == Grant.area_id)
        .where(or_(*(Area.path.startswith(p) for p in paths)))
    )
    query = select(User).where(User.id.in_(ids))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(User.username).limit(limit).offset(offset)).all()
    return list(rows), total


def grants_of(session: Session, user_id: int) -> list[Grant]:
    return list(session.scalars(select(Grant).where(Grant.user_id == user_id).order_by(Grant.id)))

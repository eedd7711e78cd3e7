"""Households of an RT: the register, its members, absences, and who may see what of it."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.areas import service as areas
from app.areas.models import Area, AreaKind
from app.audit import service as audit
from app.auth import service as auth
from app.auth.models import Grant, Role, User
from app.auth.permissions import Permission
from app.auth.service import Principal
from app.config import Settings
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.households.models import AwayPeriod, Household, HouseholdStatus, Member
from app.households.schemas import (
    AwayCreate,
    HouseholdCreate,
    HouseholdRead,
    MemberCreate,
    MemberRead,
)
from app.i18n import N_

HOUSEHOLD_FIELDS = [
    "house_code",
    "head_name",
    "phone",
    "address",
    "status",
    "exempt_reason",
    "exempt_from",
    "exempt_until",
    "moved_out_date",
    "joined_date",
]
MEMBER_FIELDS = ["name", "phone", "may_patrol", "user_id"]


class HouseholdNotFound(NotFound):
    code = "household_not_found"
    message = N_("Household {household_id} does not exist.")


class MemberNotFound(NotFound):
    code = "member_not_found"
    message = N_("Member {member_id} does not exist.")


class AwayNotFound(NotFound):
    code = "away_not_found"
    message = N_("Away period {away_id} does not exist.")


class NotAnRT(Invalid):
    code = "households_need_rt"
    message = N_("Households belong to an RT.")


class HouseTaken(Conflict):
    code = "house_code_taken"
    message = N_("House {house_code} is already registered in this RT.")


class MemberNameTaken(Conflict):
    code = "member_name_taken"
    message = N_("This household already has a member named {name}.")


class UserAlreadyLinked(Conflict):
    code = "user_already_linked"
    message = N_("This user is already linked to another member.")


class UserNotInRT(Invalid):
    code = "user_not_in_rt"
    message = N_("The linked user must be a member of this RT.")


class ExemptNeedsReason(Invalid):
    code = "exempt_needs_reason"
    message = N_("An exempt household needs a reason.")


class MovedOutNeedsDate(Invalid):
    code = "moved_out_needs_date"
    message = N_("A household that moved out needs the date it left.")


class DatesOutOfOrder(Invalid):
    code = "dates_out_of_order"
    message = N_("{field} is before the date it follows.")


def require_rt(area: Area) -> Area:
    """Refuse anything but an RT as the home of households."""
    if area.kind != AreaKind.rt:
        raise NotAnRT(field="area_id")
    return area


def get_rt(session: Session, area_id: int) -> Area:
    """The RT with this id; any other area is refused as not an RT."""
    return require_rt(areas.get_area(session, area_id))


def get_household(session: Session, household_id: int) -> Household:
    """Return the household or raise ``HouseholdNotFound``."""
    found = session.get(Household, household_id)
    if found is None:
        raise HouseholdNotFound(household_id=household_id, field="household_id")
    return found


def get_member(session: Session, member_id: int) -> Member:
    """Return the member or raise ``MemberNotFound``."""
    found = session.get(Member, member_id)
    if found is None:
        raise MemberNotFound(member_id=member_id, field="member_id")
    return found


def get_away(session: Session, away_id: int) -> AwayPeriod:
    """Return the away period or raise ``AwayNotFound``."""
    found = session.get(AwayPeriod, away_id)
    if found is None:
        raise AwayNotFound(away_id=away_id, field="away_id")
    return found


def rt_path_of_household(session: Session, household_id: int) -> str:
    return areas.get_area(session, get_household(session, household_id).rt_id).path


def own_household_id(session: Session, principal: Principal) -> int | None:
    """The household the caller is a member of, if their user is linked to one."""
    return session.scalar(select(Member.household_id).where(Member.user_id == principal.user.id))


# --- who sees what ------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """What one reader may see of an RT's households (DESIGN.md, "Who sees what")."""

    details: bool  # phones, addresses, reasons, dates of every household
    own_household_id: int | None

    def full(self, household: Household) -> bool:
        return self.details or household.id == self.own_household_id


def viewer(session: Session, principal: Principal, rt: Area) -> Viewer:
    """Decide, once per request, how much of ``rt``'s households the caller sees."""
    return Viewer(
        details=principal.can(Permission.read_household_details, rt.path),
        own_household_id=own_household_id(session, principal),
    )


def check_sees_in_full(session: Session, principal: Principal, household: Household) -> None:
    """Refuse anyone but the RT's heads and the household itself (away dates, the ledger)."""
    rt = areas.get_area(session, household.rt_id)
    if not viewer(session, principal, rt).full(household):
        raise Forbidden()


def to_read(household: Household, members: list[Member], view: Viewer) -> HouseholdRead:
    """Shape a household for a reader: a fellow member sees only the names on the roster."""
    full = view.full(household)
    return HouseholdRead(
        id=household.id,
        rt_id=household.rt_id,
        house_code=household.house_code,
        head_name=household.head_name,
        full=full,
        phone=household.phone if full else None,
        address=household.address if full else None,
        status=household.status if full else None,
        exempt_reason=household.exempt_reason if full else None,
        exempt_from=household.exempt_from if full else None,
        exempt_until=household.exempt_until if full else None,
        moved_out_date=household.moved_out_date if full else None,
        joined_date=household.joined_date if full else None,
        members=[
            MemberRead(
                id=m.id,
                name=m.name,
                phone=m.phone if full else None,
                may_patrol=m.may_patrol,
                user_id=m.user_id if full else None,
            )
            for m in members
        ],
    )


def members_by_household(session: Session, household_ids: list[int]) -> dict[int, list[Member]]:
    """Members of many households in one query."""
    result: dict[int, list[Member]] = {h: [] for h in household_ids}
    if household_ids:
        rows = session.scalars(
            select(Member).where(Member.household_id.in_(household_ids)).order_by(Member.id)
        )
        for member in rows:
            result[member.household_id].append(member)
    return result


def list_households(
    session: Session,
    rt: Area,
    *,
    view: Viewer,
    status: HouseholdStatus | None = None,
    query: str | None = None,
    away_on: date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[HouseholdRead], int]:
    """Households of an RT, filtered, one page, shaped for the reader."""
    stmt = select(Household).where(Household.rt_id == rt.id)
    if status is not None:
        if not view.details:
            # Who is exempt (and why) is not a fellow member's business.
            raise Forbidden(field="status")
        stmt = stmt.where(Household.status == status)
    if query:
        like = f"%{query.lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(Household.head_name).like(like),
                func.lower(Household.house_code).like(like),
            )
        )
    if away_on is not None:
        if not view.details:
            raise Forbidden(field="away_on")
        stmt = stmt.where(
            Household.id.in_(
                select(AwayPeriod.household_id).where(
                    AwayPeriod.start_date <= away_on, AwayPeriod.end_date >= away_on
                )
            )
        )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = list(session.scalars(stmt.order_by(Household.house_code).limit(limit).offset(offset)))
    members = members_by_household(session, [h.id for h in rows])
    return [to_read(h, members[h.id], view) for h in rows], total


# --- changes --------------------------------------------------------------------------------


def _check_status(household: Household) -> None:
    if household.status == HouseholdStatus.exempt:
        if not household.exempt_reason:
            raise ExemptNeedsReason(field="exempt_reason")
        if household.exempt_from and household.exempt_until:
            if household.exempt_until < household.exempt_from:
                raise DatesOutOfOrder(field="exempt_until")
    else:
        household.exempt_reason = None
        household.exempt_from = None
        household.exempt_until = None
    if household.status == HouseholdStatus.moved_out:
        if household.moved_out_date is None:
            raise MovedOutNeedsDate(field="moved_out_date")
        if household.moved_out_date < household.joined_date:
            raise DatesOutOfOrder(field="moved_out_date")
    else:
        household.moved_out_date = None


def _check_house_free(session: Session, rt_id: int, code: str, exclude: int | None) -> None:
    stmt = select(Household.id).where(Household.rt_id == rt_id, Household.house_code == code)
    if exclude is not None:
        stmt = stmt.where(Household.id != exclude)
    if session.scalar(stmt) is not None:
        raise HouseTaken(house_code=code, field="house_code")


def create_household(
    session: Session, rt: Area, data: HouseholdCreate, *, actor_id: int | None, now: datetime
) -> Household:
    """Register a household (KK) in an RT."""
    require_rt(rt)
    _check_house_free(session, rt.id, data.house_code, None)
    household = Household(
        rt_id=rt.id,
        **data.model_dump(exclude={"joined_date"}),
        joined_date=data.joined_date or now.date(),
        created_at=now,
        updated_at=now,
    )
    _check_status(household)
    session.add(household)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="household.create",
        object_type="household",
        object_id=household.id,
        area_id=rt.id,
        at=now,
        after=audit.snapshot(household, HOUSEHOLD_FIELDS),
    )
    return household


def update_household(
    session: Session,
    household: Household,
    changes: dict[str, Any],
    *,
    actor_id: int | None,
    now: datetime,
) -> bool:
    """Apply changes to a household; returns whether anything changed (and was audited)."""
    before = audit.snapshot(household, HOUSEHOLD_FIELDS)
    if "house_code" in changes and changes["house_code"] != household.house_code:
        _check_house_free(session, household.rt_id, changes["house_code"], household.id)
    for name, value in changes.items():
        if value is None and name in {"house_code", "head_name", "status", "joined_date"}:
            continue
        setattr(household, name, value)
    _check_status(household)
    after = audit.snapshot(household, HOUSEHOLD_FIELDS)
    if after == before:
        return False
    household.updated_at = now
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="household.update",
        object_type="household",
        object_id=household.id,
        area_id=household.rt_id,
        at=now,
        before=before,
        after=after,
    )
    return True


def _check_user_link(
    session: Session, household: Household, user_id: int, member_id: int | None
) -> None:
    linked = session.scalar(select(Member.id).where(Member.user_id == user_id))
    if linked is not None and linked != member_id:
        raise UserAlreadyLinked(field="user_id")
    in_rt = session.scalar(
        select(Grant.id).where(
            Grant.user_id == user_id, Grant.area_id == household.rt_id, Grant.role.in_(list(Role))
        )
    )
    if in_rt is None:
        raise UserNotInRT(field="user_id")


def _check_member_name(session: Session, household_id: int, name: str, exclude: int | None) -> None:
    stmt = select(Member.id).where(Member.household_id == household_id, Member.name == name)
    if exclude is not None:
        stmt = stmt.where(Member.id != exclude)
    if session.scalar(stmt) is not None:
        raise MemberNameTaken(name=name, field="name")


def add_member(
    session: Session,
    household: Household,
    data: MemberCreate,
    *,
    actor_id: int | None,
    now: datetime,
) -> Member:
    """Add a member to a household, optionally linked to the user they sign in as."""
    _check_member_name(session, household.id, data.name, None)
    if data.user_id is not None:
        _check_user_link(session, household, data.user_id, None)
    member = Member(household_id=household.id, **data.model_dump(), created_at=now, updated_at=now)
    session.add(member)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="member.create",
        object_type="member",
        object_id=member.id,
        area_id=household.rt_id,
        at=now,
        after=audit.snapshot(member, MEMBER_FIELDS),
    )
    return member


def update_member(
    session: Session,
    member: Member,
    changes: dict[str, Any],
    *,
    actor_id: int | None,
    now: datetime,
) -> bool:
    """Change a member; returns whether anything changed (and was audited)."""
    household = get_household(session, member.household_id)
    if changes.get("name") is not None and changes["name"] != member.name:
        _check_member_name(session, household.id, changes["name"], member.id)
    if changes.get("user_id") is not None:
        _check_user_link(session, household, changes["user_id"], member.id)
    before = audit.snapshot(member, MEMBER_FIELDS)
    for name, value in changes.items():
        if value is None and name in {"name", "may_patrol"}:
            continue
        setattr(member, name, value)
    after = audit.snapshot(member, MEMBER_FIELDS)
    if after == before:
        return False
    member.updated_at = now
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="member.update",
        object_type="member",
        object_id=member.id,
        area_id=household.rt_id,
        at=now,
        before=before,
        after=after,
    )
    return True


def remove_member(session: Session, member: Member, *, actor_id: int | None, now: datetime) -> None:
    """Remove a member from their household."""
    household = get_household(session, member.household_id)
    audit.record(
        session,
        actor_id=actor_id,
        action="member.delete",
        object_type="member",
        object_id=member.id,
        area_id=household.rt_id,
        at=now,
        before=audit.snapshot(member, MEMBER_FIELDS),
    )
    session.delete(member)
    session.flush()


def check_may_mark_away(session: Session, principal: Principal, household: Household) -> None:
    """The RT head marks anyone away; a member marks their own household."""
    rt = areas.get_area(session, household.rt_id)
    if principal.can(Permission.manage_households, rt.path):
        return
    if own_household_id(session, principal) == household.id:
        return
    raise Forbidden()


def add_away(
    session: Session, household: Household, data: AwayCreate, *, actor_id: int | None, now: datetime
) -> AwayPeriod:
    """Record that a household is away for a range of dates (mudik, sakit, kerja, lainnya)."""
    away = AwayPeriod(household_id=household.id, **data.model_dump(), created_at=now)
    session.add(away)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="away.create",
        object_type="away_period",
        object_id=away.id,
        area_id=household.rt_id,
        at=now,
        after=audit.snapshot(away, ["household_id", "start_date", "end_date", "reason"]),
    )
    return away


def list_away(session: Session, household: Household) -> list[AwayPeriod]:
    """A household's away periods, latest first."""
    return list(
        session.scalars(
            select(AwayPeriod)
            .where(AwayPeriod.household_id == household.id)
            .order_by(AwayPeriod.start_date.desc())
        )
    )


def remove_away(session: Session, away: AwayPeriod, *, actor_id: int | None, now: datetime) -> None:
    """Withdraw an away period."""
    household = get_household(session, away.household_id)
    audit.record(
        session,
        actor_id=actor_id,
        action="away.delete",
        object_type="away_period",
        object_id=away.id,
        area_id=household.rt_id,
        at=now,
        before=audit.snapshot(away, ["household_id", "start_date", "end_date", "reason"]),
    )
    session.delete(away)
    session.flush()


def create_member_account(
    session: Session,
    settings: Settings,
    principal: Principal,
    household: Household,
    *,
    username: str,
    full_name: str,
    language: str,
    now: datetime,
) -> User:
    """An account for a new member of a household: a member of its RT, signing in by link."""
    rt = areas.get_area(session, household.rt_id)
    user = auth.create_user(
        session,
        settings,
        username=username,
        full_name=full_name,
        password=None,
        phone=None,
        language=language,
        now=now,
        actor_id=principal.user.id,
    )
    auth.grant(session, user=user, role=Role.member, area=rt, granted_by=principal, now=now)
    add_member(
        session,
        household,
        MemberCreate(name=full_name, user_id=user.id),
        actor_id=principal.user.id,
        now=now,
    )
    return user

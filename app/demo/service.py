"""Demo data for ``make run``: a realistic kelurahan to click through."""

import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.areas import service as areas
from app.areas.models import Area, AreaKind
from app.auth import service as auth
from app.auth.models import Role, User
from app.config import Settings
from app.demo import people
from app.households import service as households
from app.households.models import Household, Member
from app.households.schemas import AwayCreate, HouseholdCreate, MemberCreate
from app.patrols.models import CheckIn, CheckInKind, EntryKind, LogEntry, NightLog
from app.rostering import calendar
from app.rostering import service as rostering
from app.rostering.models import Assignment, AssignmentStatus, RosterNight

DEMO_TREE = Path(__file__).with_name("areas.yaml")
DEMO_PASSWORD = "ronda-demo"
# One login per role; README lists them.
DEMO_LOGINS: list[tuple[str, str, Role, tuple[str, ...] | None]] = [
    ("admin", "Admin Kelurahan", Role.admin, None),
    ("ketua.rw01", "Bapak Suharto Wibowo", Role.rw_head, ("RW 01",)),
    ("ketua.rt01", "Bapak Agus Setiawan", Role.rt_head, ("RW 01", "RT 01")),
    ("warga.rt01", "Ibu Sri Wahyuni", Role.member, ("RW 01", "RT 01")),
    ("bhabin.bulusan", "Bripka Dedi Kurniawan", Role.liaison, ()),
]


def is_empty(session: Session) -> bool:
    """Tell whether the database holds no area yet."""
    return session.scalar(select(Area.id).limit(1)) is None


def _area(session: Session, *names: str) -> Area:
    """Find a demo area by its names from the top, e.g. ("RW 01", "RT 01") under Bulusan."""
    area = session.scalars(select(Area).where(Area.name == "Bulusan")).one()
    for name in names:
        area = session.scalars(
            select(Area).where(Area.parent_id == area.id, Area.name == name)
        ).one()
    return area


def load(session: Session, now: datetime, settings: Settings) -> dict[str, Any]:
    """Load the demo kelurahan and one login per role; returns what was created."""
    tree = yaml.safe_load(DEMO_TREE.read_text(encoding="utf-8"))
    created, existing = areas.import_tree(session, tree, now=now)
    logins = 0
    for username, full_name, role, where in DEMO_LOGINS:
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            continue
        user = auth.create_user(
            session,
            settings,
            username=username,
            full_name=full_name,
            password=DEMO_PASSWORD,
            phone=None,
            language="id",
            now=now,
            actor_id=None,
        )
        area = _area(session, *where) if where is not None else None
        auth.grant(session, user=user, role=role, area=area, granted_by=None, now=now)
        logins += 1
    households_created = _load_households(session, now)
    rosters = _load_rosters(session, now)
    return {
        "areas_created": created,
        "areas_existing": existing,
        "logins_created": logins,
        "households_created": households_created,
        "rosters_created": rosters,
    }


def _load_rosters(session: Session, now: datetime) -> int:
    """Three published months played out (mostly present), and a draft for next month."""
    this_month = now.date().strftime("%Y-%m")
    months = [calendar.shift_month(this_month, k) for k in (-2, -1, 0)]
    next_month = calendar.shift_month(this_month, 1)
    rng = random.Random(7)
    made = 0
    rts = session.scalars(
        select(Area)
        .where(Area.kind == AreaKind.rt, Area.path.startswith(_area(session).path))
        .order_by(Area.path)
    ).all()
    for rt in rts:
        if rostering.list_rosters(session, rt):
            continue
        for month in months:
            roster = rostering.generate_draft(session, rt, month, actor_id=None, now=now)
            rostering.publish(session, roster, actor_id=None, now=now)
            for assignment in session.scalars(
                select(Assignment).where(
                    Assignment.roster_id == roster.id, Assignment.night_date < now.date()
                )
            ):
                roll = rng.random()
                assignment.status = (
                    AssignmentStatus.present
                    if roll < 0.88
                    else AssignmentStatus.absent
                    if roll < 0.94
                    else AssignmentStatus.covered
                    if roll < 0.97
                    else AssignmentStatus.excused
                )
            session.flush()
            _play_out(session, roster.id, rt.id, now, rng)
            made += 1
        rostering.generate_draft(session, rt, next_month, actor_id=None, now=now)
        made += 1
    return made


def _load_households(session: Session, now: datetime) -> int:
    """Fill every demo RT that has no household yet; link the demo member and RT head."""
    rts = session.scalars(
        select(Area)
        .where(Area.kind == AreaKind.rt, Area.path.startswith(_area(session).path))
        .order_by(Area.path)
    ).all()
    created = 0
    for index, rt in enumerate(rts):
        if session.scalar(select(Household.id).where(Household.rt_id == rt.id).limit(1)):
            continue
        for house in people.households_for(index, now.date()):
            data = {k: v for k, v in house.items() if k not in {"members", "away"}}
            household = households.create_household(
                session, rt, HouseholdCreate.model_validate(data), actor_id=None, now=now
            )
            for member in house["members"]:  # type: ignore[attr-defined]
                households.add_member(
                    session, household, MemberCreate.model_validate(member), actor_id=None, now=now
                )
            for away in house["away"]:  # type: ignore[attr-defined]
                households.add_away(
                    session, household, AwayCreate.model_validate(away), actor_id=None, now=now
                )
            created += 1
    _link_demo_users(session, now)
    return created


def _play_out(
    session: Session, roster_id: int, rt_id: int, now: datetime, rng: random.Random
) -> None:
    """The past nights as the patrol left them: check-ins, jimpitan, closed logs."""
    nights = session.scalars(
        select(RosterNight).where(
            RosterNight.roster_id == roster_id,
            RosterNight.ends_at < now,
            RosterNight.team_size > 0,
        )
    ).all()
    for night in nights:
        log = NightLog(
            night_id=night.id,
            rt_id=rt_id,
            night_date=night.night_date,
            opened_at=night.starts_at,
            closed_at=night.ends_at + timedelta(hours=3),
        )
        session.add(log)
        session.flush()
        for turn in session.scalars(select(Assignment).where(Assignment.night_id == night.id)):
            if turn.status in (AssignmentStatus.present, AssignmentStatus.covered):
                session.add(
                    CheckIn(
                        night_id=night.id,
                        rt_id=rt_id,
                        night_date=night.night_date,
                        kind=CheckInKind.rostered,
                        assignment_id=turn.id,
                        checked_in_at=night.starts_at + timedelta(minutes=rng.randint(-20, 40)),
                        created_at=night.starts_at,
                    )
                )
        session.add(
            LogEntry(
                log_id=log.id,
                kind=EntryKind.jimpitan,
                amount_rupiah=rng.randrange(5_000, 40_000, 500),
                at=night.ends_at,
            )
        )
    session.flush()


def _link_demo_users(session: Session, now: datetime) -> None:
    rt01 = _area(session, "RW 01", "RT 01")
    first_two = session.scalars(
        select(Household).where(Household.rt_id == rt01.id).order_by(Household.house_code).limit(2)
    ).all()
    for username, household in zip(("ketua.rt01", "warga.rt01"), first_two, strict=False):
        user = session.scalars(select(User).where(User.username == username)).one()
        if session.scalar(select(Member.id).where(Member.user_id == user.id)) is not None:
            continue
        member = session.scalars(
            select(Member).where(Member.household_id == household.id).order_by(Member.id)
        ).first()
        if member is not None:
            households.update_member(session, member, {"user_id": user.id}, actor_id=None, now=now)

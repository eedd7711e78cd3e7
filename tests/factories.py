"""Small typed factories: each flushes, none commits."""

from datetime import datetime
from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from app.areas import service as areas
from app.areas.models import Area, AreaKind
from app.areas.schemas import AreaCreate
from app.auth import service as auth
from app.auth.models import Grant, Role, User
from app.config import Settings
from app.households import service as households
from app.households.models import Household
from app.households.schemas import HouseholdCreate, MemberCreate

_seq = count(1)


def make_area(
    session: Session, kind: AreaKind, parent: Area | None, now: datetime, **overrides: Any
) -> Area:
    data = AreaCreate.model_validate(
        {"kind": kind, "name": f"{kind.value.upper()} {next(_seq):03d}"} | overrides
    )
    return areas.create_area(session, data, parent, actor_id=None, now=now)


def make_tree(session: Session, now: datetime) -> dict[str, Area]:
    """A kota down to two RWs, three RTs: rt1 and rt2 in rw1, rt3 in rw2."""
    kota = make_area(session, AreaKind.kota, None, now)
    kecamatan = make_area(session, AreaKind.kecamatan, kota, now)
    kelurahan = make_area(session, AreaKind.kelurahan, kecamatan, now)
    rw1 = make_area(session, AreaKind.rw, kelurahan, now)
    rw2 = make_area(session, AreaKind.rw, kelurahan, now)
    return {
        "kota": kota,
        "kecamatan": kecamatan,
        "kelurahan": kelurahan,
        "rw1": rw1,
        "rw2": rw2,
        "rt1": make_area(session, AreaKind.rt, rw1, now),
        "rt2": make_area(session, AreaKind.rt, rw1, now),
        "rt3": make_area(session, AreaKind.rt, rw2, now),
    }


def make_user(
    session: Session,
    now: datetime,
    *,
    role: Role | None = None,
    area: Area | None = None,
    password: str | None = None,
    settings: Settings | None = None,
    **overrides: Any,
) -> User:
    n = next(_seq)
    user = auth.create_user(
        session,
        settings or Settings(argon2_time_cost=1, argon2_memory_cost_kib=1024),
        username=overrides.pop("username", f"user{n}"),
        full_name=overrides.pop("full_name", f"Warga {n}"),
        password=password,
        phone=overrides.pop("phone", None),
        language=overrides.pop("language", "id"),
        now=now,
        actor_id=None,
    )
    if role is not None:
        session.add(
            Grant(user_id=user.id, role=role, area_id=area.id if area else None, created_at=now)
        )
        session.flush()
    return user


def bearer(session: Session, user: User, now: datetime) -> dict[str, str]:
    """Headers that sign a request in as ``user``."""
    secret, _token = auth.open_session(session, user, now)
    return {"Authorization": f"Bearer {secret}"}


def make_household(
    session: Session, rt: Area, now: datetime, *, members: int = 2, **overrides: Any
) -> Household:
    n = next(_seq)
    data = HouseholdCreate.model_validate(
        {"house_code": f"A-{n:03d}", "head_name": f"Kepala {n}", "phone": "0812 3456 7890"}
        | overrides
    )
    household = households.create_household(session, rt, data, actor_id=None, now=now)
    for i in range(members):
        households.add_member(
            session,
            household,
            MemberCreate(name=f"Anggota {n}-{i}", phone=f"08123456{n % 1000:03d}{i}"),
            actor_id=None,
            now=now,
        )
    return household

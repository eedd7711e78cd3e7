"""An RT with one user per role, for the incident tests."""

from dataclasses import dataclass

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.areas.models import Area
from app.auth.models import Role, User
from app.clock import FixedClock
from app.households.models import Member
from tests.factories import bearer, make_household, make_tree, make_user


@dataclass
class People:
    rt: Area
    users: dict[str, User]
    headers: dict[str, dict[str, str]]
    secrets: dict[str, str]


@pytest.fixture
def people(session: Session, clock: FixedClock) -> People:
    tree = make_tree(session, clock.now())
    rt = tree["rt1"]
    roles = {
        "reporter": (Role.member, rt),
        "neighbour": (Role.member, rt),
        "rt_head": (Role.rt_head, rt),
        "rw_head": (Role.rw_head, tree["rw1"]),
        "liaison": (Role.liaison, tree["kelurahan"]),
        "admin": (Role.admin, tree["kota"]),
    }
    users, headers, secrets = {}, {}, {}
    for name, (role, area) in roles.items():
        user = make_user(
            session,
            clock.now(),
            role=role,
            area=area,
            username=f"{name}.x",
            full_name=f"Nama {name.title()} Rahasia",
            phone=f"+62812000{len(users):05d}",
        )
        users[name] = user
        headers[name] = bearer(session, user, clock.now())
        secrets[name] = headers[name]["Authorization"].removeprefix("Bearer ")
    for name in ("reporter", "neighbour"):
        house = make_household(session, rt, clock.now(), members=1)
        session.execute(
            update(Member).where(Member.household_id == house.id).values(user_id=users[name].id)
        )
    session.commit()
    return People(rt=rt, users=users, headers=headers, secrets=secrets)

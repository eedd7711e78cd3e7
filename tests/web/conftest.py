"""Pages through the real app: a phone's cookies, its CSRF token, its forms."""

import re
from dataclasses import dataclass
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.areas.models import Area
from app.auth.models import Role, User
from app.auth.service import open_session
from app.clock import FixedClock
from app.web.session import SESSION_COOKIE
from tests.factories import make_household, make_tree, make_user

CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')
KEY_FIELD = re.compile(r'name="idempotency_key" value="([^"]+)"')


def csrf_of(page: str) -> str:
    found = CSRF_FIELD.search(page)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, session: Session, user: User, now: datetime) -> None:
    """Open a session as ``user`` the way the sign-in page does: a cookie."""
    secret, _ = open_session(session, user, now)
    session.commit()
    client.cookies.set(SESSION_COOKIE, secret)


@dataclass
class RTWorld:
    rt: Area
    other_rt: Area
    head: User
    houses: list[int]


@pytest.fixture
def world(session: Session, clock: FixedClock) -> RTWorld:
    now = clock.now()
    tree = make_tree(session, now)
    rt, other = tree["rt1"], tree["rt2"]
    head = make_user(session, now, role=Role.rt_head, area=rt, username="ketua", full_name="Pak RT")
    houses = [make_household(session, rt, now, house_code=f"A-{i:02d}").id for i in range(1, 13)]
    for i in range(1, 4):
        make_household(session, other, now, house_code=f"B-{i:02d}")
    session.commit()
    return RTWorld(rt=rt, other_rt=other, head=head, houses=houses)


@pytest.fixture
def page_client(
    client: TestClient, session: Session, clock: FixedClock, world: RTWorld
) -> TestClient:
    """The RT head's phone, signed in; redirects are looked at, not followed."""
    client.follow_redirects = False
    sign_in(client, session, world.head, clock.now())
    return client

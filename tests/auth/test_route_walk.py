"""Walk every route: each is guarded, and nobody reaches an object of another RT.

Each path parameter needs a factory that yields an object of the *other* RT; a new
route whose parameter has none fails here, so every later issue extends this file.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.areas.models import Area, AreaKind
from app.auth.models import Grant, Role, User
from app.clock import FixedClock
from app.households import service as households
from app.households.models import AwayPeriod, Household, Member
from app.households.schemas import AwayCreate
from app.incidents.models import Incident, IncidentPhoto
from app.models import Base
from app.patrols import service as patrols
from app.patrols.models import Fine, HouseWatch
from app.rostering import exports
from app.rostering import service as rostering
from app.rostering.models import (
    Assignment,
    CalendarFeed,
    CalendarOverride,
    Roster,
    RosterNight,
    SwapOffer,
)
from tests.factories import bearer, make_area, make_household, make_user


@dataclass
class World:
    home: dict[str, Area]
    other_rt: Area
    other_user: User
    other_grant: Grant
    other_household: Household
    other_member: Member
    other_away: AwayPeriod
    other_roster: Roster
    other_override: CalendarOverride
    other_assignment: Assignment
    other_offer: SwapOffer
    other_feed: CalendarFeed
    other_night: RosterNight
    other_watch: HouseWatch
    other_fine: Fine
    other_incident: Incident
    other_photo: IncidentPhoto


def build_world(session: Session, now: Any) -> World:
    kota = make_area(session, AreaKind.kota, None, now)
    kecamatan = make_area(session, AreaKind.kecamatan, kota, now)
    home_kel = make_area(session, AreaKind.kelurahan, kecamatan, now)
    home_rw = make_area(session, AreaKind.rw, home_kel, now)
    home_rt = make_area(session, AreaKind.rt, home_rw, now)
    other_kel = make_area(session, AreaKind.kelurahan, kecamatan, now)
    other_rw = make_area(session, AreaKind.rw, other_kel, now)
    other_rt = make_area(session, AreaKind.rt, other_rw, now)
    other_user = make_user(session, now, role=Role.member, area=other_rt)
    other_head = make_user(session, now, role=Role.rt_head, area=other_rt)
    other_grant = session.scalars(select(Grant).where(Grant.user_id == other_head.id)).one()
    other_household = make_household(session, other_rt, now)
    make_household(session, home_rt, now)
    other_away = households.add_away(
        session,
        other_household,
        AwayCreate(start_date="2026-12-20", end_date="2026-12-31", reason="mudik"),
        actor_id=None,
        now=now,
    )
    other_override = rostering.add_override(
        session,
        other_rt,
        start_date=date(2026, 12, 31),
        end_date=date(2026, 12, 31),
        team_size=0,
        patrol_start=None,
        patrol_end=None,
        note=None,
        actor_id=None,
        now=now,
    )
    other_roster = rostering.generate_draft(session, other_rt, "2026-12", actor_id=None, now=now)
    rostering.publish(session, other_roster, actor_id=None, now=now)
    other_assignment = session.scalars(
        select(Assignment).where(Assignment.roster_id == other_roster.id).order_by(Assignment.id)
    ).first()
    assert other_assignment is not None
    other_offer = SwapOffer(
        roster_id=other_roster.id,
        assignment_id=other_assignment.id,
        household_id=other_assignment.household_id,
        created_at=now,
        expires_at=now.replace(year=2027),
    )
    session.add(other_offer)
    other_feed, _secret = exports.create_feed(session, other_rt, None, actor_id=None, now=now)
    other_watch = patrols.add_watch(
        session,
        other_household,
        start_date=date(2026, 12, 1),
        end_date=date(2026, 12, 31),
        note=None,
        actor_id=other_head.id,
        now=now,
    )
    other_fine = Fine(
        household_id=other_assignment.household_id,
        assignment_id=other_assignment.id,
        amount_rupiah=10_000,
        created_at=now,
    )
    session.add(other_fine)
    other_incident = Incident(
        rt_id=other_rt.id,
        category="pencurian",
        severity="sedang",
        occurred_at=now,
        local_date=now.date(),
        description="Sepeda hilang",
        privacy="named",
        reporter_user_id=other_user.id,
        created_at=now,
    )
    session.add(other_incident)
    session.flush()
    other_photo = IncidentPhoto(
        incident_id=other_incident.id, file_name="x.png", content_type="image/png", size_bytes=1
    )
    session.add(other_photo)
    session.flush()
    return World(
        other_incident=other_incident,
        other_photo=other_photo,
        other_night=session.get(RosterNight, other_assignment.night_id),
        other_watch=other_watch,
        other_fine=other_fine,
        other_assignment=other_assignment,
        other_offer=other_offer,
        other_feed=other_feed,
        home={"kelurahan": home_kel, "rw": home_rw, "rt": home_rt},
        other_roster=other_roster,
        other_override=other_override,
        other_rt=other_rt,
        other_user=other_user,
        other_grant=other_grant,
        other_household=other_household,
        other_member=households.members_by_household(session, [other_household.id])[
            other_household.id
        ][0],
        other_away=other_away,
    )


# Path parameter -> the id of an object that belongs to the other RT.
FACTORIES: dict[str, Callable[[World], int | str]] = {
    "area_id": lambda w: w.other_rt.id,
    "user_id": lambda w: w.other_user.id,
    "grant_id": lambda w: w.other_grant.id,
    "household_id": lambda w: w.other_household.id,
    "member_id": lambda w: w.other_member.id,
    "away_id": lambda w: w.other_away.id,
    "roster_id": lambda w: w.other_roster.id,
    "override_id": lambda w: w.other_override.id,
    "assignment_id": lambda w: w.other_assignment.id,
    "offer_id": lambda w: w.other_offer.id,
    "feed_id": lambda w: w.other_feed.id,
    "night_id": lambda w: w.other_night.id,
    "watch_id": lambda w: w.other_watch.id,
    "fine_id": lambda w: w.other_fine.id,
    "incident_id": lambda w: w.other_incident.id,
    "photo_id": lambda w: w.other_photo.id,
    "week": lambda w: "2026-W49",  # not an object: the area it is read for is
}

# Valid bodies, so a refusal is the guard's and not the validator's.
BODIES: dict[tuple[str, str], Callable[[World], dict[str, Any]]] = {
    ("POST", "/api/v1/areas"): lambda w: {"kind": "kota", "name": "Kota Lain"},
    ("POST", "/api/v1/areas/{area_id}/children"): lambda w: {"kind": "rt", "name": "RT 99"},
    ("PATCH", "/api/v1/areas/{area_id}"): lambda w: {"team_size": 2},
    ("POST", "/api/v1/areas/{area_id}/move"): lambda w: {"parent_id": w.home["rw"].id},
    ("POST", "/api/v1/areas/{area_id}/users"): lambda w: {"username": "intruder", "full_name": "X"},
    ("POST", "/api/v1/areas/{area_id}/grants"): lambda w: {
        "user_id": w.other_user.id,
        "role": "member",
    },
    ("POST", "/api/v1/areas/{area_id}/hand-over"): lambda w: {"successor_user_id": 1},
    ("POST", "/api/v1/auth/login"): lambda w: {"username": "x", "password": "y"},
    ("POST", "/api/v1/auth/link"): lambda w: {"token": "nope"},
    ("POST", "/api/v1/areas/{area_id}/households"): lambda w: {
        "house_code": "Z-1",
        "head_name": "Penyusup",
    },
    ("PATCH", "/api/v1/households/{household_id}"): lambda w: {"head_name": "Diubah"},
    ("POST", "/api/v1/households/{household_id}/members"): lambda w: {"name": "Baru"},
    ("PATCH", "/api/v1/members/{member_id}"): lambda w: {"name": "Diubah"},
    ("POST", "/api/v1/households/{household_id}/away"): lambda w: {
        "start_date": "2026-12-01",
        "end_date": "2026-12-02",
        "reason": "kerja",
    },
}
BODIES |= {
    ("POST", "/api/v1/areas/{area_id}/rosters"): lambda w: {"month": "2026-12"},
    ("POST", "/api/v1/rosters/{roster_id}/comments"): lambda w: {"body": "keberatan"},
    ("POST", "/api/v1/areas/{area_id}/calendar"): lambda w: {
        "start_date": "2026-12-01",
        "end_date": "2026-12-01",
        "team_size": 0,
    },
}
BODIES |= {
    ("POST", "/api/v1/assignments/{assignment_id}/offer"): lambda w: {"note": "x"},
    ("POST", "/api/v1/offers/{offer_id}/take"): lambda w: {},
    ("PUT", "/api/v1/assignments/{assignment_id}/stand-in"): lambda w: {"name": "Joko"},
    ("POST", "/api/v1/incidents/{incident_id}/notes"): lambda w: {"note": "kami cek"},
    ("PUT", "/api/v1/assignments/{assignment_id}/household"): lambda w: {
        "household_id": w.other_household.id
    },
}
BODIES |= {
    ("POST", "/api/v1/nights/{night_id}/check-in"): lambda w: {},
    ("POST", "/api/v1/nights/{night_id}/check-out"): lambda w: {},
    ("POST", "/api/v1/nights/{night_id}/walk-in"): lambda w: {"name": "Penyusup"},
    ("POST", "/api/v1/nights/{night_id}/log"): lambda w: {"kind": "aman"},
    ("PUT", "/api/v1/assignments/{assignment_id}/attendance"): lambda w: {
        "status": "present",
        "reason": "dibetulkan",
    },
    ("POST", "/api/v1/households/{household_id}/house-watch"): lambda w: {
        "start_date": "2026-12-01",
        "end_date": "2026-12-02",
    },
}
BODIES |= {
    ("POST", "/api/v1/areas/{area_id}/incidents"): lambda w: {
        "category": "pencurian",
        "privacy": "anonymous",
        "description": "uji",
    },
    ("POST", "/api/v1/incidents/{incident_id}/status"): lambda w: {"status": "acknowledged"},
    ("POST", "/api/v1/incidents/{incident_id}/hide"): lambda w: {"reason": "fitnah"},
}
BODIES |= {
    ("PATCH", "/api/v1/households/{household_id}/personal-data"): lambda w: {
        "address": "Jl. Penyusup 1"
    },
    ("POST", "/api/v1/households/{household_id}/erasure"): lambda w: {
        "confirm_house_code": w.other_household.house_code
    },
}
QUERIES: dict[tuple[str, str], dict[str, str]] = {
    ("GET", "/api/v1/areas/{area_id}/fairness"): {"month": "2026-12"},
}
# Raw (non-JSON) bodies.
RAW_BODIES: dict[tuple[str, str], bytes] = {
    ("POST", "/api/v1/incidents/{incident_id}/photos"): b"\x89PNG not really",
    ("POST", "/api/v1/areas/{area_id}/households/import"): (
        b"house,head_name,member_name\nZ-9,Penyusup,Penyusup\n"
    ),
}

PUBLIC = {
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/link"),
    # The receipt is the secret; asking for a session would tie the reader to the report.
    ("POST", "/api/v1/incidents/receipt"),
}

# Routes without an object of their own: what a stranger must (not) see there.
NO_OBJECT: dict[tuple[str, str], Callable[[TestClient, World, dict[str, str]], None]] = {}


def _no_object(method: str, path: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def register(check: Callable[..., None]) -> Callable[..., None]:
        NO_OBJECT[(method, path)] = check
        return check

    return register


@_no_object("GET", "/api/v1/areas")
def _list_areas(client: TestClient, world: World, headers: dict[str, str]) -> None:
    response = client.get("/api/v1/areas", params={"limit": 500}, headers=headers)
    assert response.status_code == 200
    ids = {a["id"] for a in response.json()["items"]}
    assert world.other_rt.id not in ids
    assert world.other_rt.parent_id not in ids


@_no_object("POST", "/api/v1/areas")
def _create_kota(client: TestClient, world: World, headers: dict[str, str]) -> None:
    response = client.post("/api/v1/areas", json={"kind": "kota", "name": "K"}, headers=headers)
    assert response.status_code == 403


@_no_object("GET", "/api/v1/me")
def _me(client: TestClient, world: World, headers: dict[str, str]) -> None:
    grants = client.get("/api/v1/me", headers=headers).json()["grants"]
    assert all(g["area_id"] != world.other_rt.id for g in grants)


@_no_object("GET", "/api/v1/incident-categories")
def _categories(client: TestClient, world: World, headers: dict[str, str]) -> None:
    """The same list for everyone: no area's data in it."""
    response = client.get("/api/v1/incident-categories", headers=headers)
    assert response.status_code in (200, 403)


@_no_object("PATCH", "/api/v1/me")
def _update_me(client: TestClient, world: World, headers: dict[str, str]) -> None:
    """One's own preferences only: nothing of another RT is in reach."""
    response = client.patch("/api/v1/me", json={}, headers=headers)
    assert response.status_code == 200
    assert all(g["area_id"] != world.other_rt.id for g in response.json()["grants"])


@_no_object("POST", "/api/v1/auth/logout")
def _logout(client: TestClient, world: World, headers: dict[str, str]) -> None:
    """Logging out ends only the caller's own session: see test_auth_api."""


def api_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every API operation, read from the OpenAPI document (what clients see)."""
    routes = sorted(
        (method.upper(), path)
        for path, item in app.openapi()["paths"].items()
        if path.startswith("/api/")
        for method in item
    )
    assert len(routes) > 10
    return routes


def fill(path: str, world: World) -> str:
    for name in re.findall(r"{(\w+)}", path):
        if name not in FACTORIES:
            pytest.fail(f"no factory for path parameter {name!r} of {path}: add one to FACTORIES")
        path = path.replace("{" + name + "}", str(FACTORIES[name](world)))
    return path


def _send(client: TestClient, method: str, path: str, world: World, headers: dict[str, str]):
    url = fill(path, world)
    if (method, path) in RAW_BODIES:
        return client.request(method, url, content=RAW_BODIES[(method, path)], headers=headers)
    body = BODIES.get((method, path), lambda _w: {})(world)
    params = QUERIES.get((method, path))
    return client.request(method, url, json=body or None, headers=headers, params=params)


def table_state(session: Session) -> dict[str, tuple[int, Any]]:
    """Row count and greatest id of every table: any insert or delete changes it."""
    state = {}
    for table in Base.metadata.sorted_tables:
        count = session.scalar(select(func.count()).select_from(table))
        top = session.scalar(select(func.max(table.c.id))) if "id" in table.c else None
        state[table.name] = (count or 0, top)
    return state


def content_state(session: Session) -> Any:
    areas = session.execute(select(Area).order_by(Area.id)).scalars().all()
    houses = session.execute(select(Household).order_by(Household.id)).scalars().all()
    members = session.execute(select(Member).order_by(Member.id)).scalars().all()
    return (
        [(a.id, a.name, a.parent_id, a.path, a.team_size, a.timezone) for a in areas]
        + sorted(session.execute(select(Grant.user_id, Grant.role, Grant.area_id)).all())
        + [(h.id, h.head_name, h.status, h.phone, h.address, h.erased_at) for h in houses]
        + [(m.id, m.name, m.phone, m.user_id) for m in members]
        + sorted(session.execute(select(Roster.id, Roster.status, Roster.generated_at)).all())
        + sorted(
            session.execute(
                select(
                    Assignment.id,
                    Assignment.status,
                    Assignment.household_id,
                    Assignment.stand_in_name,
                )
            ).all()
        )
        + sorted(session.execute(select(SwapOffer.id, SwapOffer.status)).all())
        + sorted(session.execute(select(CalendarFeed.id, CalendarFeed.revoked_at)).all())
        + sorted(session.execute(select(Fine.id, Fine.paid_at)).all())
        + sorted(session.execute(select(Incident.id, Incident.status, Incident.hidden)).all())
        + sorted(session.execute(select(IncidentPhoto.id)).all())
    )


HOME_ROLES = [
    (Role.admin, "kelurahan"),
    (Role.rw_head, "rw"),
    (Role.rt_head, "rt"),
    (Role.member, "rt"),
    (Role.liaison, "kelurahan"),
]


def test_every_route_is_known_to_the_walk(app: FastAPI) -> None:
    for method, path in api_routes(app):
        if (method, path) in PUBLIC or (method, path) in NO_OBJECT:
            continue
        assert "{" in path, f"{method} {path} has no object: register it in NO_OBJECT"


def test_every_route_needs_credentials(
    app: FastAPI, client: TestClient, session: Session, clock: FixedClock
) -> None:
    world = build_world(session, clock.now())
    session.commit()
    for method, path in api_routes(app):
        if (method, path) in PUBLIC:
            continue
        response = _send(client, method, path, world, {})
        assert response.status_code == 401, (method, path, response.text)
        assert response.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(("role", "level"), HOME_ROLES, ids=[r.value for r, _ in HOME_ROLES])
def test_no_role_reaches_another_rt(
    app: FastAPI,
    client: TestClient,
    session: Session,
    clock: FixedClock,
    role: Role,
    level: str,
) -> None:
    world = build_world(session, clock.now())
    intruder = make_user(session, clock.now(), role=role, area=world.home[level])
    headers = bearer(session, intruder, clock.now())
    session.commit()
    rows_before, content_before = table_state(session), content_state(session)
    for method, path in api_routes(app):
        if (method, path) in PUBLIC:
            continue
        if (method, path) in NO_OBJECT:
            NO_OBJECT[(method, path)](client, world, headers)
            continue
        response = _send(client, method, path, world, headers)
        assert response.status_code in (403, 404), (role, method, path, response.text)
        assert set(response.json()) == {"error"}, (method, path)
        session.expire_all()
        assert content_state(session) == content_before, (role, method, path)
    session.expire_all()
    after = table_state(session)
    # Only the intruder's own logout may have written (it revokes, it does not add).
    assert after == rows_before


# --- the web pages: the same guard, signed in by a cookie ---------------------------------

FACTORIES |= {"decision": lambda w: "setujui"}
PAGE_PUBLIC = {
    ("GET", "/masuk"),
    ("POST", "/masuk"),
    ("GET", "/masuk/{secret}"),
    ("POST", "/masuk/{secret}"),
    ("GET", "/bahasa/{language}"),
    ("GET", "/laporan/tanda-terima"),
    ("POST", "/laporan/tanda-terima"),
    ("GET", "/privasi"),
    ("GET", "/privacy"),
}
# Pages about the caller themself (their household, their session): no object to steal.
PAGE_NO_OBJECT = {
    ("GET", "/"),
    ("GET", "/saya"),
    ("GET", "/saya/buku"),
    ("GET", "/saya/laporan"),
    ("GET", "/saya/laporan/baru"),
    ("POST", "/saya/kalender"),
    ("GET", "/saya/kalender"),
    ("POST", "/keluar"),
}


def page_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every page route, read from the web routers the app includes."""
    from fastapi.routing import APIRoute

    from app.web.routes import MODULES

    routes = sorted(
        (method, route.path)
        for module in MODULES
        for route in module.router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    )
    assert len(routes) > 30
    return routes


def _csrf(client: TestClient, path: str = "/masuk") -> str:
    page = client.get(path)
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, (page.status_code, page.text[:300])
    return found.group(1)


def test_every_page_needs_a_session(
    app: FastAPI, client: TestClient, session: Session, clock: FixedClock
) -> None:
    world = build_world(session, clock.now())
    session.commit()
    client.follow_redirects = False
    token = _csrf(client)
    rows_before = table_state(session)
    for method, path in page_routes(app):
        if (method, path) in PAGE_PUBLIC:
            continue
        data = {"csrf": token} if method == "POST" else None
        response = client.request(method, fill(path, world), data=data)
        assert response.status_code == 303, (method, path, response.status_code)
        assert response.headers["location"].startswith("/masuk?next="), (method, path)
    session.expire_all()
    assert table_state(session) == rows_before


@pytest.mark.parametrize(("role", "level"), HOME_ROLES, ids=[r.value for r, _ in HOME_ROLES])
def test_no_role_reaches_another_rts_pages(
    app: FastAPI,
    client: TestClient,
    session: Session,
    clock: FixedClock,
    role: Role,
    level: str,
) -> None:
    from app.auth.service import open_session
    from app.web.session import SESSION_COOKIE

    world = build_world(session, clock.now())
    intruder = make_user(session, clock.now(), role=role, area=world.home[level])
    secret, _ = open_session(session, intruder, clock.now())
    session.commit()
    client.follow_redirects = False
    client.cookies.set(SESSION_COOKIE, secret)
    token = _csrf(client, "/")
    rows_before, content_before = table_state(session), content_state(session)
    for method, path in page_routes(app):
        if (method, path) in PAGE_PUBLIC or (method, path) in PAGE_NO_OBJECT:
            continue
        data = {"csrf": token, "household_id": str(world.other_household.id)}
        response = client.request(
            method, fill(path, world), data=data if method == "POST" else None
        )
        assert response.status_code in (403, 404), (role, method, path, response.status_code)
        session.expire_all()
        assert content_state(session) == content_before, (role, method, path)
    session.expire_all()
    assert table_state(session) == rows_before

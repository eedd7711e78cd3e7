"""A lived-in RT: three months of served turns, a household with a trace in every table."""

import io
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.areas.models import Area
from app.auth.models import Role, User
from app.clock import FixedClock
from app.households.models import AwayPeriod, AwayReason, Household, Member
from app.idempotency.models import IdempotencyRecord
from app.notifications.models import OutboxMessage
from app.patrols.models import (
    CheckIn,
    CheckInKind,
    Fine,
    HouseWatch,
    HouseWatchCheck,
    LogEntry,
    NightLog,
)
from app.rostering import service as rostering
from app.rostering.models import (
    Assignment,
    AssignmentStatus,
    RosterComment,
    RosterNight,
    SwapOffer,
)
from app.summaries.models import WeeklySummary
from tests.factories import bearer, make_household, make_tree, make_user

HISTORY = ("2026-08", "2026-09", "2026-10", "2026-11")
NEXT = "2026-12"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (30, 120, 200)).save(out, format="PNG")
    return out.getvalue()


@dataclass
class Neighbourhood:
    rt: Area
    other_rt: Area
    target: Household
    neighbour: Household
    houses: list[Household]
    target_user: User
    target_head: User  # the household's head signs in too
    neighbour_user: User
    rt_head: User
    liaison: User
    headers: dict[str, dict[str, str]]
    named_incident_id: int
    anonymous_incident_id: int
    anonymous_description: str


def _link(session: Session, household: Household, user: User, index: int) -> None:
    member = session.scalars(
        select(Member).where(Member.household_id == household.id).order_by(Member.id)
    ).all()[index]
    member.user_id = user.id
    session.flush()


@pytest.fixture
def hood(client: TestClient, session: Session, clock: FixedClock) -> Neighbourhood:
    now = clock.now()
    tree = make_tree(session, now)
    rt = tree["rt1"]
    rt.team_size = 2
    rt.min_gap_days = 2
    houses = [
        make_household(
            session,
            rt,
            now,
            members=2,
            joined_date=date(2026, 1, 1),
            head_name=f"Kepala Rumah {i:02d}",
            address=f"Jl. Melati {i}",
            phone=f"0812-7000-{i:04d}",
        )
        for i in range(10)
    ]
    target, neighbour = houses[0], houses[1]
    other_house = make_household(session, tree["rt3"], now, head_name="Orang RT Lain")
    del other_house
    people = {
        "target": make_user(
            session,
            now,
            role=Role.member,
            area=rt,
            username="warga.target",
            full_name="Siti Target",
            phone="+6281299990001",
        ),
        "target_head": make_user(
            session,
            now,
            role=Role.member,
            area=rt,
            username="kepala.target",
            full_name="Budi Target",
        ),
        "neighbour": make_user(
            session,
            now,
            role=Role.member,
            area=rt,
            username="warga.tetangga",
            full_name="Joko Tetangga",
            phone="+6281299990002",
        ),
        "rt_head": make_user(session, now, role=Role.rt_head, area=rt, username="ketua.rt"),
        "liaison": make_user(
            session, now, role=Role.liaison, area=tree["kelurahan"], username="bhabin"
        ),
        "other_member": make_user(session, now, role=Role.member, area=tree["rt3"]),
    }
    _link(session, target, people["target"], 0)
    _link(session, target, people["target_head"], 1)
    _link(session, neighbour, people["neighbour"], 0)
    headers = {name: bearer(session, user, now) for name, user in people.items()}

    # Three months of history: published, played out; one absence each for two houses.
    for month in HISTORY:
        roster = rostering.generate_draft(session, rt, month, actor_id=None, now=now)
        rostering.publish(session, roster, actor_id=None, now=now)
        session.execute(
            update(Assignment)
            .where(Assignment.roster_id == roster.id)
            .values(status=AssignmentStatus.present)
        )
    turns = session.scalars(
        select(Assignment)
        .where(Assignment.household_id.in_([target.id, neighbour.id]))
        .order_by(Assignment.night_date)
    ).all()
    target_turn = next(a for a in turns if a.household_id == target.id)
    neighbour_turn = next(a for a in turns if a.household_id == neighbour.id)
    target_turn.status = AssignmentStatus.absent
    neighbour_turn.stand_in_household_id = target.id
    neighbour_turn.status = AssignmentStatus.covered
    session.add(
        Fine(
            household_id=target.id,
            assignment_id=target_turn.id,
            amount_rupiah=10000,
            created_at=now,
        )
    )
    night = session.get_one(RosterNight, target_turn.night_id)
    session.add_all(
        [
            AwayPeriod(
                household_id=target.id,
                start_date=date(2026, 12, 10),
                end_date=date(2026, 12, 14),
                reason=AwayReason.sakit,
                note="operasi lutut",
                created_at=now,
            ),
            CheckIn(
                night_id=night.id,
                rt_id=rt.id,
                night_date=night.night_date,
                kind=CheckInKind.rostered,
                assignment_id=target_turn.id,
                user_id=people["target"].id,
                checked_in_at=night.starts_at,
                latitude=-7.05,
                longitude=110.43,
                accuracy_m=12,
                created_at=now,
            ),
            SwapOffer(
                roster_id=target_turn.roster_id,
                assignment_id=target_turn.id,
                household_id=target.id,
                status="done",
                note="ada hajatan",
                taker_household_id=neighbour.id,
                created_by_id=people["target"].id,
                created_at=now,
                expires_at=night.starts_at,
            ),
            RosterComment(
                roster_id=target_turn.roster_id,
                user_id=people["target"].id,
                body="tolong geser",
                created_at=now,
            ),
            RosterComment(
                roster_id=target_turn.roster_id,
                user_id=people["neighbour"].id,
                body="komentar tetangga",
                created_at=now,
            ),
        ]
    )
    log = NightLog(night_id=night.id, rt_id=rt.id, night_date=night.night_date, opened_at=now)
    session.add(log)
    session.flush()
    session.add(
        LogEntry(
            log_id=log.id,
            kind="note",
            text="pagar rumah 7 terbuka",
            user_id=people["target"].id,
            at=now,
        )
    )
    watch = HouseWatch(
        household_id=target.id,
        rt_id=rt.id,
        start_date=night.night_date,
        end_date=night.night_date + timedelta(days=3),
        note="kunci di tetangga",
        created_at=now,
    )
    session.add(watch)
    session.flush()
    session.add(
        HouseWatchCheck(
            watch_id=watch.id, night_id=night.id, user_id=people["neighbour"].id, checked_at=now
        )
    )
    # A stored summary that names both houses among those who missed a turn.
    session.add(
        WeeklySummary(
            area_id=tree["kelurahan"].id,
            week_start=date(2026, 11, 2),
            built_at=now,
            data={
                "rts": [
                    {
                        "rt_id": rt.id,
                        "missed_households": [
                            {
                                "household_id": target.id,
                                "house_code": target.house_code,
                                "head_name": target.head_name,
                                "missed": 1,
                            },
                            {
                                "household_id": neighbour.id,
                                "house_code": neighbour.house_code,
                                "head_name": neighbour.head_name,
                                "missed": 2,
                            },
                        ],
                    }
                ]
            },
        )
    )
    session.commit()

    feed = client.post(f"/api/v1/households/{target.id}/calendar-feed", headers=headers["target"])
    assert feed.status_code == 201, feed.text
    named = client.post(
        f"/api/v1/areas/{rt.id}/incidents",
        json={
            "category": "pencurian",
            "privacy": "named",
            "description": "motor hilang di gang",
            "place": "Gang Mawar",
            "latitude": -7.05,
            "longitude": 110.4,
        },
        headers=headers["target"] | {"Idempotency-Key": "named-1"},
    )
    assert named.status_code == 201, named.text
    named_id = named.json()["incident"]["id"]
    photo = client.post(
        f"/api/v1/incidents/{named_id}/photos",
        content=png(),
        headers=headers["target"] | {"Content-Type": "image/png"},
    )
    assert photo.status_code == 201, photo.text
    secret = "lampu jalan mati, ada yang mengintip rumah pak RW"
    anonymous = client.post(
        f"/api/v1/areas/{rt.id}/incidents",
        json={"category": "mencurigakan", "privacy": "anonymous", "description": secret},
        headers=headers["target"],
    )
    assert anonymous.status_code == 201, anonymous.text
    client.post(
        f"/api/v1/areas/{rt.id}/incidents",
        json={"category": "keributan", "privacy": "named", "description": "tetangga ribut"},
        headers=headers["neighbour"],
    )
    # Messages to the household: a reminder through the outbox, as the scheduler sends.
    from app.notifications import service as outbox

    outbox.notify_households(
        session,
        [target.id, neighbour.id],
        subject="Patrol tonight",
        body="Your household is on patrol tonight ({date}), from {start}.",
        params={"date": "2026-11-30", "start": "22:00"},
        zone=rt.timezone,
        now=now,
    )
    session.commit()
    assert session.scalar(select(OutboxMessage.id).limit(1)) is not None
    assert session.scalar(select(IdempotencyRecord.id).limit(1)) is not None
    return Neighbourhood(
        rt=rt,
        other_rt=tree["rt3"],
        target=target,
        neighbour=neighbour,
        houses=houses,
        target_user=people["target"],
        target_head=people["target_head"],
        neighbour_user=people["neighbour"],
        rt_head=people["rt_head"],
        liaison=people["liaison"],
        headers=headers,
        named_incident_id=named_id,
        anonymous_incident_id=anonymous.json()["incident"]["id"],
        anonymous_description=secret,
    )

"""Monthly rosters from the database, over HTTP: drafted, explained, published, carried on."""

import re
from datetime import UTC, date, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.areas.models import Area
from app.auth.models import Role
from app.clock import FixedClock
from app.households.models import Member
from app.rostering import service as rostering
from app.rostering.models import Assignment, AssignmentStatus
from tests.factories import bearer, make_household, make_tree, make_user
from tests.rostering.validity import broken_rules


def _rt_with_households(session: Session, clock: FixedClock, n: int = 20, **rt_settings: Any):
    tree = make_tree(session, clock.now())
    rt: Area = tree["rt1"]
    for name, value in rt_settings.items():
        setattr(rt, name, value)
    houses = [
        make_household(session, rt, clock.now(), members=1, joined_date=date(2025, 1, 1))
        for _ in range(n)
    ]
    head = make_user(session, clock.now(), role=Role.rt_head, area=rt)
    headers = bearer(session, head, clock.now())
    session.commit()
    return tree, rt, houses, headers


def _solution(roster: dict[str, Any]) -> dict[str, Any]:
    return {
        "nights": [
            {"date": n["date"], "households": [str(a["household_id"]) for a in n["households"]]}
            for n in roster["nights"]
        ]
    }


def test_a_draft_respects_every_household_rule(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    _tree, rt, houses, headers = _rt_with_households(session, clock, team_size=3, min_gap_days=4)
    exempt, away, newcomer, leaver, no_patrol = houses[:5]
    exempt.status, exempt.exempt_reason = "exempt", "lansia"
    partly = houses[5]
    partly.status, partly.exempt_reason = "exempt", "sakit"
    partly.exempt_until = date(2026, 12, 15)
    newcomer.joined_date = date(2026, 12, 10)
    leaver.status, leaver.moved_out_date = "moved_out", date(2026, 12, 20)
    session.execute(
        update(Member).where(Member.household_id == no_patrol.id).values(may_patrol=False)
    )
    session.commit()
    client.post(
        f"/api/v1/households/{away.id}/away",
        json={"start_date": "2026-12-01", "end_date": "2026-12-14", "reason": "mudik"},
        headers=headers,
    )
    response = client.post(
        f"/api/v1/areas/{rt.id}/rosters", json={"month": "2026-12"}, headers=headers
    )
    assert response.status_code == 201, response.text
    roster = response.json()
    assert roster["status"] == "draft"
    assert len(roster["nights"]) == 31
    problem = session.get(rostering.Roster, roster["id"]).problem
    assert broken_rules(problem, _solution(roster)) == []
    on = {n["date"]: {a["household_id"] for a in n["households"]} for n in roster["nights"]}
    for day, ids in on.items():
        d = date.fromisoformat(day)
        assert exempt.id not in ids
        assert no_patrol.id not in ids
        assert not (away.id in ids and d <= date(2026, 12, 14))
        assert not (newcomer.id in ids and d < date(2026, 12, 10))
        assert not (leaver.id in ids and d >= date(2026, 12, 20))
        assert not (partly.id in ids and d <= date(2026, 12, 15))
        assert len(ids) == 3
    figures = roster["figures"]
    assert figures["unfilled"] == 0
    assert figures["spread"] >= figures["spread_bound"]


def test_nights_carry_local_hours_holidays_and_calendar_changes(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    _tree, rt, _houses, headers = _rt_with_households(session, clock, team_size=2)
    cancel = client.post(
        f"/api/v1/areas/{rt.id}/calendar",
        json={
            "start_date": "2026-12-31",
            "end_date": "2026-12-31",
            "team_size": 0,
            "note": "malam tahun baru: acara warga",
        },
        headers=headers,
    )
    assert cancel.status_code == 201
    sahur = client.post(
        f"/api/v1/areas/{rt.id}/calendar",
        json={
            "start_date": "2026-12-20",
            "end_date": "2026-12-22",
            "team_size": 4,
            "patrol_start": "02:00",
            "patrol_end": "04:30",
        },
        headers=headers,
    )
    assert sahur.json()["patrol_start"] == "02:00"
    roster = client.post(
        f"/api/v1/areas/{rt.id}/rosters", json={"month": "2026-12"}, headers=headers
    ).json()
    nights = {n["date"]: n for n in roster["nights"]}
    # Jakarta is UTC+7: 22:00 on 5 December is 15:00 UTC, ending 04:00 local on the 6th.
    assert nights["2026-12-05"]["starts_at"] == "2026-12-05T15:00:00Z"
    assert nights["2026-12-05"]["ends_at"] == "2026-12-05T21:00:00Z"
    # The sahur night of the 20th starts after midnight, on the 21st, and belongs to the 20th.
    assert nights["2026-12-20"]["starts_at"] == "2026-12-20T19:00:00Z"
    assert nights["2026-12-20"]["ends_at"] == "2026-12-20T21:30:00Z"
    assert len(nights["2026-12-20"]["households"]) == 4
    assert nights["2026-12-31"]["households"] == []
    assert nights["2026-12-31"]["team_size"] == 0
    assert nights["2026-12-31"]["note"] == "malam tahun baru: acara warga"
    assert nights["2026-12-25"]["holiday"] == "Hari Raya Natal"
    assert nights["2026-12-05"]["weekday"] == "sat"
    problem = session.get(rostering.Roster, roster["id"]).problem
    assert problem["team_size_by_date"] == {
        "2026-12-20": 4,
        "2026-12-21": 4,
        "2026-12-22": 4,
        "2026-12-31": 0,
    }


def test_reasons_read_their_numbers_from_the_board(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    _tree, rt, _houses, headers = _rt_with_households(session, clock, n=15, team_size=2)
    roster = client.post(
        f"/api/v1/areas/{rt.id}/rosters", json={"month": "2026-12"}, headers=headers
    ).json()
    explained = client.get(
        f"/api/v1/rosters/{roster['id']}", params={"explain": "true"}, headers=headers
    ).json()
    board = client.get(
        f"/api/v1/areas/{rt.id}/fairness", params={"month": "2026-12"}, headers=headers
    ).json()
    rows = {r["household_id"]: r for r in board["rows"]}
    loads = [r["load"] for r in board["rows"] if r["eligible"]]
    pattern = re.compile(
        r"^(\d+) giliran bulan ini; (\d+) dalam 12 bulan terakhir \(RT: (\d+) sampai (\d+)\)"
        r"(, termasuk yang paling sedikit di RT)?; (giliran sebelumnya (\d+) hari sebelumnya|"
        r"giliran pertama dalam periode ini)$"
    )
    checked = 0
    for night in explained["nights"]:
        for turn in night["households"]:
            match = pattern.match(turn["reason"])
            assert match, turn["reason"]
            row = rows[turn["household_id"]]
            assert int(match[1]) == row["scheduled"]
            assert int(match[2]) == row["load"]
            assert (int(match[3]), int(match[4])) == (min(loads), max(loads))
            assert (match[5] is not None) == (row["load"] == min(loads))
            checked += 1
    assert checked == sum(r["scheduled"] for r in board["rows"]) == 62
    english = client.get(
        f"/api/v1/rosters/{roster['id']}",
        params={"explain": "true"},
        headers={**headers, "Accept-Language": "en"},
    ).json()
    assert "turn(s) this month" in english["nights"][0]["households"][0]["reason"]


def test_publish_after_objections_then_never_redrawn(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    _tree, rt, _houses, headers = _rt_with_households(session, clock, n=12, objection_days=3)
    member = make_user(session, clock.now(), role=Role.member, area=rt)
    member_headers = bearer(session, member, clock.now())
    session.commit()
    roster = client.post(
        f"/api/v1/areas/{rt.id}/rosters", json={"month": "2026-12"}, headers=headers
    ).json()
    url = f"/api/v1/rosters/{roster['id']}"
    early = client.post(
        f"{url}/comments", json={"body": "Saya mudik tgl 24"}, headers=member_headers
    )
    assert early.json()["error"]["code"] == "not_in_objection_window"
    opened = client.post(f"{url}/publish", headers=headers).json()
    assert opened["status"] == "draft"
    assert opened["objection_until"] == "2026-12-03T03:00:00Z"
    comment = client.post(
        f"{url}/comments", json={"body": "Saya mudik tgl 24"}, headers=member_headers
    )
    assert comment.status_code == 201
    assert client.post(f"{url}/publish", headers=member_headers).status_code == 403
    too_soon = client.post(f"{url}/publish", headers=headers)
    assert too_soon.json()["error"]["code"] == "objection_window_open"
    clock.set(datetime(2026, 12, 3, 3, 0, tzinfo=UTC))
    published = client.post(f"{url}/publish", headers=headers).json()
    assert published["status"] == "published"
    redraw = client.post(
        f"/api/v1/areas/{rt.id}/rosters", json={"month": "2026-12"}, headers=headers
    )
    assert redraw.status_code == 409
    assert redraw.json()["error"]["code"] == "roster_published"
    assert [c["body"] for c in client.get(f"{url}/comments", headers=headers).json()] == [
        "Saya mudik tgl 24"
    ]


def test_next_month_carries_served_turns_forward(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    _tree, rt, houses, headers = _rt_with_households(session, clock, n=16, team_size=2)
    december = client.post(
        f"/api/v1/areas/{rt.id}/rosters", json={"month": "2026-12"}, headers=headers
    ).json()
    client.post(f"/api/v1/rosters/{december['id']}/publish", headers=headers)
    # Play the month out: one household never shows up, one was excused, the rest served.
    truant, excused = houses[0].id, houses[1].id
    session.execute(update(Assignment).values(status=AssignmentStatus.present))
    session.execute(
        update(Assignment).where(Assignment.household_id == truant).values(status="absent")
    )
    session.execute(
        update(Assignment).where(Assignment.household_id == excused).values(status="excused")
    )
    newcomer = make_household(session, rt, clock.now(), members=1, joined_date=date(2026, 12, 20))
    session.commit()
    served = dict(
        session.execute(
            select(Assignment.household_id, func.count())
            .where(Assignment.status == "present")
            .group_by(Assignment.household_id)
        ).all()
    )
    board = client.get(
        f"/api/v1/areas/{rt.id}/fairness", params={"month": "2027-01"}, headers=headers
    ).json()
    rows = {r["household_id"]: r for r in board["rows"]}
    for household in houses[2:]:
        assert rows[household.id]["served"] == served[household.id]
    assert rows[truant]["served"] == 0
    assert rows[truant]["missed"] >= 1
    assert rows[excused]["served"] == 0
    established_min = min(rows[h.id]["served"] for h in houses)
    assert established_min == 0
    assert rows[newcomer.id]["carried"] == established_min
    january = client.post(
        f"/api/v1/areas/{rt.id}/rosters", json={"month": "2027-01"}, headers=headers
    ).json()
    assert january["figures"]["unfilled"] == 0
    turns = dict.fromkeys(rows, 0)
    for night in january["nights"]:
        for a in night["households"]:
            turns[a["household_id"]] += 1
    # Those who missed December's turns are owed them: they patrol at least as often.
    regular = min(turns[h.id] for h in houses[2:])
    assert turns[truant] >= regular
    assert turns[excused] >= regular
    # The minimum gap holds across the month boundary.
    problem = session.get(rostering.Roster, january["id"]).problem
    assert all(
        h["last_shift_date"] is None or h["last_shift_date"] < "2027-01-01"
        for h in problem["households"]
    )
    assert broken_rules(problem, _solution(january)) == []


def test_a_bad_month_is_named(client: TestClient, session: Session, clock: FixedClock) -> None:
    _tree, rt, _houses, headers = _rt_with_households(session, clock, n=3)
    response = client.post(
        f"/api/v1/areas/{rt.id}/rosters", json={"month": "2026-13"}, headers=headers
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "month"


def test_redrawing_a_draft_keeps_its_comments_and_changes_with_the_seed(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    _tree, rt, _houses, headers = _rt_with_households(session, clock, n=14, objection_days=2)
    member = make_user(session, clock.now(), role=Role.member, area=rt)
    member_headers = bearer(session, member, clock.now())
    session.commit()
    first = client.post(
        f"/api/v1/areas/{rt.id}/rosters", json={"month": "2026-12"}, headers=headers
    ).json()
    client.post(f"/api/v1/rosters/{first['id']}/publish", headers=headers)
    client.post(
        f"/api/v1/rosters/{first['id']}/comments", json={"body": "tolong"}, headers=member_headers
    )
    again = client.post(
        f"/api/v1/areas/{rt.id}/rosters", json={"month": "2026-12", "seed": 5}, headers=headers
    ).json()
    assert again["id"] == first["id"]
    assert again["objection_until"] is None
    assert len(client.get(f"/api/v1/rosters/{first['id']}/comments", headers=headers).json()) == 1
    assert [len(n["households"]) for n in again["nights"]] == [4] * 31


def test_publishing_tells_every_household_in_its_language(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    from app.notifications.models import OutboxMessage

    _tree, rt, houses, headers = _rt_with_households(session, clock, n=8, team_size=2)
    english = make_user(session, clock.now(), role=Role.member, area=rt, language="en")
    session.execute(
        update(Member).where(Member.household_id == houses[0].id).values(user_id=english.id)
    )
    session.commit()
    roster = client.post(
        f"/api/v1/areas/{rt.id}/rosters", json={"month": "2026-12"}, headers=headers
    ).json()
    client.post(f"/api/v1/rosters/{roster['id']}/publish", headers=headers)
    messages = session.scalars(
        select(OutboxMessage).where(OutboxMessage.payload["roster_id"].as_integer() == roster["id"])
    ).all()
    by_household = {m.payload["household_id"]: m for m in messages}
    assert set(by_household) == {h.id for h in houses}
    assert by_household[houses[0].id].recipient == f"user:{english.id}"
    assert by_household[houses[0].id].subject == "Roster published"
    assert by_household[houses[1].id].subject == "Jadwal ronda terbit"

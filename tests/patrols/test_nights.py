"""A night played out over HTTP: check-ins, the log, titip rumah, attendance, fines, carry-over."""

from datetime import date, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.auth.models import Role, User
from app.clock import FixedClock
from app.households.models import Member
from app.rostering.models import Assignment, Roster, RosterNight
from tests.factories import bearer, make_household, make_tree, make_user


def _resident(session: Session, clock: FixedClock, rt, household_id: int) -> dict[str, str]:
    """A user linked to a member of the household, signed in."""
    user: User = make_user(session, clock.now(), role=Role.member, area=rt)
    member = session.scalars(select(Member).where(Member.household_id == household_id)).first()
    member.user_id = user.id
    return bearer(session, user, clock.now())


def _setup(client: TestClient, session: Session, clock: FixedClock):
    tree = make_tree(session, clock.now())
    rt = tree["rt1"]
    rt.team_size, rt.min_gap_days = 3, 2
    rt.noshow_makeup, rt.noshow_fine_rupiah = False, 20_000
    houses = [
        make_household(session, rt, clock.now(), members=1, joined_date=date(2025, 1, 1))
        for _ in range(12)
    ]
    head = make_user(session, clock.now(), role=Role.rt_head, area=rt)
    head_headers = bearer(session, head, clock.now())
    session.commit()
    roster = client.post(
        f"/api/v1/areas/{rt.id}/rosters", json={"month": "2026-12"}, headers=head_headers
    ).json()
    client.post(f"/api/v1/rosters/{roster['id']}/publish", headers=head_headers)
    night = session.scalars(
        select(RosterNight).where(RosterNight.night_date == date(2026, 12, 5))
    ).one()
    turns = session.scalars(
        select(Assignment).where(Assignment.night_id == night.id).order_by(Assignment.id)
    ).all()
    on_team = {t.household_id for t in turns}
    others = [h for h in houses if h.id not in on_team]
    return rt, houses, head_headers, night, turns, others


def test_a_night_played_out(client: TestClient, session: Session, clock: FixedClock) -> None:
    rt, _houses, head, night, turns, others = _setup(client, session, clock)
    first, second, third = turns
    stand_in_house, outsider_house, empty_house = others[0], others[1], others[2]
    a = _resident(session, clock, rt, first.household_id)
    b = _resident(session, clock, rt, second.household_id)
    c = _resident(session, clock, rt, stand_in_house.id)
    outsider = _resident(session, clock, rt, outsider_house.id)
    empty = _resident(session, clock, rt, empty_house.id)
    session.commit()
    # The third household arranges a stand-in from another house.
    stand_in = client.put(
        f"/api/v1/assignments/{third.id}/stand-in",
        json={"household_id": stand_in_house.id},
        headers=head,
    )
    assert stand_in.status_code == 200, stand_in.text
    # Titip rumah: an empty house for the holidays.
    watch = client.post(
        f"/api/v1/households/{empty_house.id}/house-watch",
        json={"start_date": "2026-12-04", "end_date": "2026-12-06", "note": "mudik ke Solo"},
        headers=empty,
    )
    assert watch.status_code == 201, watch.text
    url = f"/api/v1/nights/{night.id}"
    # 20:30 Jakarta: too early (check-in opens 21:00).
    clock.set(datetime.fromisoformat("2026-12-05T13:30:00+00:00"))
    early = client.post(f"{url}/check-in", json={}, headers=a)
    assert early.status_code == 409
    assert early.json()["error"]["message"] == "Absen dibuka pukul 21:00 (60 menit sebelum ronda)."
    # 22:05: the first checks in with location.
    clock.set(datetime.fromisoformat("2026-12-05T15:05:00+00:00"))
    checked = client.post(
        f"{url}/check-in",
        json={"latitude": -7.05, "longitude": 110.44, "accuracy_m": 25},
        headers={**a, "Idempotency-Key": "a-1"},
    )
    assert checked.status_code == 201, checked.text
    again = client.post(
        f"{url}/check-in",
        json={"latitude": -7.05, "longitude": 110.44, "accuracy_m": 25},
        headers={**a, "Idempotency-Key": "a-1"},
    )
    assert again.json() == checked.json()
    # The second's phone took it at 22:10 but the upload arrived at 22:22: 22:10 stands.
    clock.set(datetime.fromisoformat("2026-12-05T15:22:00+00:00"))
    late = client.post(
        f"{url}/check-in", json={"captured_at": "2026-12-05T22:10:00+07:00"}, headers=b
    )
    assert late.json()["checked_in_at"] == "2026-12-05T15:10:00Z"
    # A clock far off is not trusted.
    by_stand_in = client.post(
        f"{url}/check-in", json={"captured_at": "2026-12-05T10:00:00+07:00"}, headers=c
    )
    assert by_stand_in.json()["kind"] == "stand_in"
    assert by_stand_in.json()["checked_in_at"] == "2026-12-05T15:22:00Z"
    refused = client.post(f"{url}/check-in", json={}, headers={**outsider, "Accept-Language": "en"})
    assert refused.status_code == 403
    assert (
        refused.json()["error"]["message"] == "You are not on the team for the night of 2026-12-05."
    )
    helper = client.post(f"{url}/walk-in", json={"name": "Pak Darto (tetangga)"}, headers=head)
    assert helper.status_code == 201
    team = client.get(f"{url}/team", headers=b).json()
    assert [m["checked_in_at"] is not None for m in team["team"]].count(True) == 3
    # A resident not on tonight's team sees who is on, not who came or how it ended.
    outside_view = client.get(f"{url}/team", headers=outsider).json()
    assert {m["checked_in_at"] for m in outside_view["team"]} == {None}
    assert {m["status"] for m in outside_view["team"]} == {None}
    assert [h["walk_in_name"] for h in team["helpers"]] == ["Pak Darto (tetangga)"]
    # The log: a round, "aman", jimpitan.
    for body in (
        {"kind": "round", "text": "Keliling blok A-C"},
        {"kind": "aman"},
        {"kind": "jimpitan", "amount_rupiah": 12_000},
        {"kind": "jimpitan", "amount_rupiah": 8_500},
    ):
        assert client.post(f"{url}/log", json=body, headers=a).status_code == 201
    assert client.post(f"{url}/log", json={"kind": "note"}, headers=outsider).status_code == 403
    watched = client.get(f"{url}/house-watch", headers=a).json()
    assert [(w["household_id"], w["note"]) for w in watched] == [(empty_house.id, "mudik ke Solo")]
    ticked = client.post(f"{url}/house-watch/{watched[0]['watch_id']}", headers=b)
    assert ticked.json()["checked_at"] is not None
    # 04:10: the team closes the night; attendance follows the check-ins.
    clock.set(datetime.fromisoformat("2026-12-05T21:10:00+00:00"))
    out = client.post(f"{url}/check-out", json={}, headers=a)
    assert out.json()["checked_out_at"] == "2026-12-05T21:10:00Z"
    closed = client.post(f"{url}/close", headers=b).json()
    assert closed["jimpitan_rupiah"] == 20_500
    assert [e["kind"] for e in closed["entries"]] == ["round", "aman", "jimpitan", "jimpitan"]
    session.expire_all()
    statuses = [session.get(Assignment, t.id).status.value for t in turns]
    assert statuses == ["present", "present", "covered"]
    after = client.post(f"{url}/log", json={"kind": "note", "text": "x"}, headers=a)
    assert after.json()["error"]["code"] == "night_closed"


def test_no_shows_are_fined_corrected_and_carried(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    rt, houses, head, night, turns, _others = _setup(client, session, clock)
    first, second, third = turns
    session.commit()
    # Nobody came. The scheduler (or the RT head) closes the night next morning.
    clock.set(datetime.fromisoformat("2026-12-06T00:00:00+00:00"))
    client.post(f"/api/v1/nights/{night.id}/close", headers=head)
    session.expire_all()
    assert {session.get(Assignment, t.id).status.value for t in turns} == {"absent"}
    ledger = client.get(f"/api/v1/households/{first.household_id}/ledger", headers=head).json()
    assert (ledger["missed"], ledger["fines_owed_rupiah"]) == (1, 20_000)
    # One was sick after all: excused, and the fine goes.
    corrected = client.put(
        f"/api/v1/assignments/{second.id}/attendance",
        json={"status": "excused", "reason": "sakit, surat dokter"},
        headers=head,
    )
    assert corrected.json()["status"] == "excused"
    excused = client.get(f"/api/v1/households/{second.household_id}/ledger", headers=head).json()
    assert (excused["excused"], excused["fines_owed_rupiah"]) == (1, 0)
    # The first pays: without make-up a paid fine settles the turn.
    fine_id = ledger["fines"][0]["id"]
    paid = client.post(f"/api/v1/fines/{fine_id}/paid", headers=head).json()
    assert paid["paid_at"] is not None
    # Play the rest of the month as served and look at January's carry-over.
    session.execute(
        update(Assignment).where(Assignment.night_id != night.id).values(status="present")
    )
    session.commit()
    board = client.get(
        f"/api/v1/areas/{rt.id}/fairness", params={"month": "2027-01"}, headers=head
    ).json()
    rows = {r["household_id"]: r for r in board["rows"]}
    total = dict.fromkeys((h.id for h in houses), 0)
    for turn in session.scalars(select(Assignment)):
        total[turn.household_id] += 1
    assert rows[first.household_id]["served"] == total[first.household_id]
    assert rows[second.household_id]["served"] == total[second.household_id] - 1
    assert rows[third.household_id]["served"] == total[third.household_id] - 1
    assert rows[third.household_id]["missed"] == 1
    draft = client.post(
        f"/api/v1/areas/{rt.id}/rosters", json={"month": "2027-01"}, headers=head
    ).json()
    problem_prior = {
        h["id"]: h["prior_shifts"] for h in session.get(Roster, draft["id"]).problem["households"]
    }
    assert problem_prior[str(third.household_id)] == rows[third.household_id]["served"]


def test_the_team_cannot_close_early_nor_reset_a_turn(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    rt, _houses, head, night, turns, _others = _setup(client, session, clock)
    member = _resident(session, clock, rt, turns[0].household_id)
    session.commit()
    clock.set(datetime.fromisoformat("2026-12-05T15:00:00+00:00"))
    early = client.post(f"/api/v1/nights/{night.id}/close", headers=member)
    assert early.json()["error"]["code"] == "too_soon_to_close"
    reset = client.put(
        f"/api/v1/assignments/{turns[0].id}/attendance",
        json={"status": "scheduled", "reason": "hapus"},
        headers=head,
    )
    assert reset.json()["error"]["code"] == "attendance_not_correctable"

"""Swaps and stand-ins on a published roster, over HTTP: each checked by the hard rules."""

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.auth.models import Role
from app.clock import FixedClock
from app.households.models import Member
from app.notifications.models import OutboxMessage
from app.rostering.models import Assignment, AssignmentStatus
from tests.factories import bearer, make_household, make_tree, make_user


def _published(client: TestClient, session: Session, clock: FixedClock, **settings):
    tree = make_tree(session, clock.now())
    rt = tree["rt1"]
    rt.team_size, rt.min_gap_days = 2, 3
    for name, value in settings.items():
        setattr(rt, name, value)
    houses = [
        make_household(session, rt, clock.now(), members=1, joined_date=date(2025, 1, 1))
        for _ in range(18)
    ]
    head = make_user(session, clock.now(), role=Role.rt_head, area=rt)
    users = []
    for house in houses[:3]:
        user = make_user(session, clock.now(), role=Role.member, area=rt)
        session.execute(
            update(Member).where(Member.household_id == house.id).values(user_id=user.id)
        )
        users.append(bearer(session, user, clock.now()))
    head_headers = bearer(session, head, clock.now())
    session.commit()
    roster = client.post(
        f"/api/v1/areas/{rt.id}/rosters", json={"month": "2026-12"}, headers=head_headers
    ).json()
    client.post(f"/api/v1/rosters/{roster['id']}/publish", headers=head_headers)
    return rt, houses, head_headers, users, roster


def _turns(session: Session, household_id: int) -> list[Assignment]:
    return list(
        session.scalars(
            select(Assignment)
            .where(Assignment.household_id == household_id)
            .order_by(Assignment.night_date)
        )
    )


def _swappable(session: Session, a: int, b: int, gap: int = 3):
    """A turn of ``a`` and one of ``b`` that can trade places keeping the minimum gap."""

    def fits(day: date, others: list[Assignment]) -> bool:
        return all(abs((day - o.night_date).days) >= gap for o in others)

    turns_a, turns_b = _turns(session, a), _turns(session, b)
    for mine in turns_a:
        for theirs in turns_b:
            if fits(theirs.night_date, [t for t in turns_a if t.id != mine.id]) and fits(
                mine.night_date, [t for t in turns_b if t.id != theirs.id]
            ):
                return mine, theirs
    raise AssertionError("no pair of turns can be swapped")


def _taker_for(session: Session, houses, offered: Assignment, gap: int = 3):
    """A household for which taking ``offered`` keeps the minimum gap."""
    for house in houses:
        days = [t.night_date for t in _turns(session, house.id)]
        if house.id != offered.household_id and all(
            abs((d - offered.night_date).days) >= gap for d in days
        ):
            return house
    raise AssertionError("no household can take this night")


def test_a_take_moves_the_turn_and_tells_both_households(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    _rt, houses, head, members, _roster = _published(client, session, clock)
    offered = _turns(session, houses[0].id)[0]
    offer = client.post(
        f"/api/v1/assignments/{offered.id}/offer", json={"note": "ada hajatan"}, headers=members[0]
    )
    assert offer.status_code == 201, offer.text
    # Another member cannot offer someone else's turn.
    not_mine = client.post(f"/api/v1/assignments/{offered.id}/offer", json={}, headers=members[1])
    assert not_mine.status_code == 403
    taker = _taker_for(session, houses, offered)
    taken = client.post(
        f"/api/v1/offers/{offer.json()['id']}/take", json={"household_id": taker.id}, headers=head
    )
    assert taken.status_code == 200, taken.text
    assert taken.json()["status"] == "done"
    session.expire_all()
    assert session.get(Assignment, offered.id).household_id == taker.id
    told = {
        (m.recipient, m.payload.get("household_id"))
        for m in session.scalars(
            select(OutboxMessage).where(OutboxMessage.subject == "Giliran ronda Anda berubah")
        )
    }
    # Each household touched is told: its signed-in member in person, else via the log.
    assert {houses[0].id, taker.id} <= {household for _recipient, household in told}
    assert any(r.startswith("user:") for r, h in told if h == houses[0].id)
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "swap.take")).one()


def test_a_swap_that_breaks_the_gap_is_refused_with_the_rule_named(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    _rt, houses, head, members, _roster = _published(client, session, clock)
    offered = _turns(session, houses[0].id)[0]
    offer = client.post(f"/api/v1/assignments/{offered.id}/offer", json={}, headers=members[0])
    # A household on duty the night before cannot take it: min gap 3.
    neighbour = session.scalars(
        select(Assignment).where(
            Assignment.night_date == date.fromordinal(offered.night_date.toordinal() + 1),
            Assignment.household_id != houses[0].id,
        )
    ).first()
    assert neighbour is not None
    refused = client.post(
        f"/api/v1/offers/{offer.json()['id']}/take",
        json={"household_id": neighbour.household_id},
        headers={**head, "Accept-Language": "en"},
    )
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "breaks_rule"
    assert "rule 4 (two turns of one household are at least 3 days apart)" in error["message"]
    session.expire_all()
    assert session.get(Assignment, offered.id).household_id == houses[0].id


def test_an_unavailable_or_exempt_taker_is_refused(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    _rt, houses, head, members, _roster = _published(client, session, clock)
    offered = _turns(session, houses[0].id)[0]
    offer = client.post(f"/api/v1/assignments/{offered.id}/offer", json={}, headers=members[0])
    taker = _taker_for(session, houses, offered)
    client.post(
        f"/api/v1/households/{taker.id}/away",
        json={
            "start_date": offered.night_date.isoformat(),
            "end_date": offered.night_date.isoformat(),
            "reason": "kerja",
        },
        headers=head,
    )
    refused = client.post(
        f"/api/v1/offers/{offer.json()['id']}/take", json={"household_id": taker.id}, headers=head
    )
    assert refused.json()["error"]["code"] == "breaks_rule"
    assert "aturan 3" in refused.json()["error"]["message"]


def test_swap_with_approval_and_the_next_month_counts_it(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    rt, houses, head, members, _roster = _published(
        client, session, clock, swap_needs_approval=True
    )
    mine, theirs = _swappable(session, houses[0].id, houses[1].id)
    offer = client.post(f"/api/v1/assignments/{mine.id}/offer", json={}, headers=members[0]).json()
    pending = client.post(
        f"/api/v1/offers/{offer['id']}/take",
        json={"swap_assignment_id": theirs.id},
        headers=members[1],
    )
    assert pending.status_code == 200, pending.text
    assert pending.json()["status"] == "pending"
    assert (
        client.post(f"/api/v1/offers/{offer['id']}/approve", headers=members[0]).status_code == 403
    )
    approved = client.post(f"/api/v1/offers/{offer['id']}/approve", headers=head)
    assert approved.json()["status"] == "done"
    session.expire_all()
    assert session.get(Assignment, mine.id).household_id == houses[1].id
    assert session.get(Assignment, theirs.id).household_id == houses[0].id
    # The month is played out; the swapped turns count for whoever served them.
    session.execute(update(Assignment).values(status=AssignmentStatus.present))
    session.commit()
    board = client.get(
        f"/api/v1/areas/{rt.id}/fairness", params={"month": "2027-01"}, headers=head
    ).json()
    rows = {r["household_id"]: r for r in board["rows"]}
    for house in houses:
        assert rows[house.id]["served"] == len(_turns(session, house.id))


def test_a_stand_in_covers_and_the_turn_stays_the_households(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    rt, houses, head, members, _roster = _published(client, session, clock)
    turn = _turns(session, houses[0].id)[0]
    same_night = session.scalars(
        select(Assignment).where(
            Assignment.night_id == turn.night_id, Assignment.household_id != houses[0].id
        )
    ).first()
    assert same_night is not None
    refused = client.put(
        f"/api/v1/assignments/{turn.id}/stand-in",
        json={"household_id": same_night.household_id},
        headers=members[0],
    )
    assert refused.json()["error"]["code"] == "breaks_rule"
    paid = client.put(
        f"/api/v1/assignments/{turn.id}/stand-in",
        json={"name": "Mas Joko (dibayar)", "paid": True},
        headers=members[0],
    )
    assert paid.status_code == 200, paid.text
    assert (paid.json()["stand_in_name"], paid.json()["stand_in_paid"]) == (
        "Mas Joko (dibayar)",
        True,
    )
    assert paid.json()["household_id"] == houses[0].id
    # On the night the stand-in shows up: covered, which counts as the household's turn.
    session.execute(update(Assignment).values(status=AssignmentStatus.present))
    session.execute(
        update(Assignment).where(Assignment.id == turn.id).values(status=AssignmentStatus.covered)
    )
    session.commit()
    board = client.get(
        f"/api/v1/areas/{rt.id}/fairness", params={"month": "2027-01"}, headers=head
    ).json()
    row = next(r for r in board["rows"] if r["household_id"] == houses[0].id)
    assert row["served"] == len(_turns(session, houses[0].id))
    cleared = client.delete(f"/api/v1/assignments/{turn.id}/stand-in", headers=head)
    assert cleared.status_code == 200
    assert cleared.json()["stand_in_name"] is None


def test_offers_lapse_when_the_night_begins(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    _rt, houses, head, members, roster = _published(client, session, clock)
    turn = _turns(session, houses[0].id)[0]
    offer = client.post(f"/api/v1/assignments/{turn.id}/offer", json={}, headers=members[0]).json()
    assert [
        o["id"] for o in client.get(f"/api/v1/rosters/{roster['id']}/offers", headers=head).json()
    ] == [offer["id"]]
    from datetime import datetime

    clock.set(datetime.fromisoformat(offer["expires_at"].replace("Z", "+00:00")))
    assert client.get(f"/api/v1/rosters/{roster['id']}/offers", headers=head).json() == []
    late = client.post(
        f"/api/v1/offers/{offer['id']}/take", json={"household_id": houses[5].id}, headers=head
    )
    assert late.json()["error"]["code"] == "offer_closed"


def test_a_draft_is_not_changed_by_swaps(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    tree = make_tree(session, clock.now())
    rt = tree["rt1"]
    make_household(session, rt, clock.now(), members=1)
    head = make_user(session, clock.now(), role=Role.rt_head, area=rt)
    headers = bearer(session, head, clock.now())
    session.commit()
    client.post(f"/api/v1/areas/{rt.id}/rosters", json={"month": "2026-12"}, headers=headers)
    turn = session.scalars(select(Assignment)).first()
    response = client.post(f"/api/v1/assignments/{turn.id}/offer", json={}, headers=headers)
    assert response.json()["error"]["code"] == "roster_not_published"

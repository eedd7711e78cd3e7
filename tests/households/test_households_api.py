"""Households, members and away periods over HTTP, as the RT head keeps them."""

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.auth.models import Role
from app.clock import FixedClock
from tests.factories import bearer, make_household, make_tree, make_user


def _head(session: Session, clock: FixedClock):
    tree = make_tree(session, clock.now())
    head = make_user(session, clock.now(), role=Role.rt_head, area=tree["rt1"])
    headers = bearer(session, head, clock.now())
    session.commit()
    return tree, head, headers


def test_register_a_household_with_members(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    tree, _head_user, headers = _head(session, clock)
    rt = tree["rt1"].id
    created = client.post(
        f"/api/v1/areas/{rt}/households",
        json={"house_code": "B-07", "head_name": "Bapak Slamet", "phone": "0812-3456-7890"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    household = created.json()
    assert household["phone"] == "+6281234567890"
    assert household["status"] == "active"
    assert household["joined_date"] == "2026-11-30"
    member = client.post(
        f"/api/v1/households/{household['id']}/members",
        json={"name": "Joko", "phone": "+62 813 1111 2222", "may_patrol": True},
        headers=headers,
    )
    assert member.status_code == 201
    assert member.json()["phone"] == "+6281311112222"
    again = client.post(
        f"/api/v1/areas/{rt}/households",
        json={"house_code": "B-07", "head_name": "Orang Lain"},
        headers={**headers, "Accept-Language": "en"},
    )
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "House B-07 is already registered in this RT."
    read = client.get(f"/api/v1/households/{household['id']}", headers=headers).json()
    assert [m["name"] for m in read["members"]] == ["Joko"]
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert "household.create" in actions
    assert "member.create" in actions


def test_bad_phone_is_named(client: TestClient, session: Session, clock: FixedClock) -> None:
    tree, _h, headers = _head(session, clock)
    response = client.post(
        f"/api/v1/areas/{tree['rt1'].id}/households",
        json={"house_code": "C-1", "head_name": "X", "phone": "12345"},
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "phone"


def test_status_changes_carry_their_dates(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    tree, _h, headers = _head(session, clock)
    household = make_household(session, tree["rt1"], clock.now())
    session.commit()
    url = f"/api/v1/households/{household.id}"
    no_reason = client.patch(url, json={"status": "exempt"}, headers=headers)
    assert no_reason.status_code == 422
    assert no_reason.json()["error"]["code"] == "exempt_needs_reason"
    exempt = client.patch(
        url,
        json={"status": "exempt", "exempt_reason": "lansia", "exempt_until": "2027-06-30"},
        headers=headers,
    ).json()
    assert (exempt["status"], exempt["exempt_reason"], exempt["exempt_until"]) == (
        "exempt",
        "lansia",
        "2027-06-30",
    )
    no_date = client.patch(url, json={"status": "moved_out"}, headers=headers)
    assert no_date.json()["error"]["code"] == "moved_out_needs_date"
    moved = client.patch(
        url, json={"status": "moved_out", "moved_out_date": "2026-12-15"}, headers=headers
    ).json()
    assert moved["status"] == "moved_out"
    assert moved["exempt_reason"] is None
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "household.update").order_by(AuditEntry.id)
    ).all()
    assert [e.after["status"] for e in entries if e.after] == ["exempt", "moved_out"]


def test_filters_and_pages(client: TestClient, session: Session, clock: FixedClock) -> None:
    tree, _h, headers = _head(session, clock)
    for i in range(7):
        make_household(session, tree["rt1"], clock.now(), head_name=f"Bapak Uji {i}", members=0)
    make_household(
        session,
        tree["rt1"],
        clock.now(),
        head_name="Mbah Karto",
        status="exempt",
        exempt_reason="sakit",
        members=0,
    )
    session.commit()
    url = f"/api/v1/areas/{tree['rt1'].id}/households"
    page = client.get(url, params={"limit": 5}, headers=headers).json()
    assert (page["total"], len(page["items"])) == (8, 5)
    exempt = client.get(url, params={"status": "exempt"}, headers=headers).json()
    assert [h["head_name"] for h in exempt["items"]] == ["Mbah Karto"]
    search = client.get(url, params={"q": "uji 3"}, headers=headers).json()
    assert [h["head_name"] for h in search["items"]] == ["Bapak Uji 3"]
    not_rt = client.get(f"/api/v1/areas/{tree['rw1'].id}/households", headers=headers)
    assert not_rt.status_code == 404


def test_away_periods(client: TestClient, session: Session, clock: FixedClock) -> None:
    tree, _h, headers = _head(session, clock)
    household = make_household(session, tree["rt1"], clock.now())
    session.commit()
    url = f"/api/v1/households/{household.id}/away"
    backwards = client.post(
        url,
        json={"start_date": "2026-12-10", "end_date": "2026-12-01", "reason": "mudik"},
        headers=headers,
    )
    assert backwards.status_code == 422
    assert backwards.json()["error"]["field"] == "end_date"
    bad_reason = client.post(
        url,
        json={"start_date": "2026-12-01", "end_date": "2026-12-02", "reason": "liburan"},
        headers=headers,
    )
    assert bad_reason.json()["error"]["field"] == "reason"
    created = client.post(
        url,
        json={"start_date": "2026-12-20", "end_date": "2027-01-02", "reason": "mudik"},
        headers=headers,
    )
    assert created.status_code == 201
    listing = client.get(
        f"/api/v1/areas/{tree['rt1'].id}/households",
        params={"away_on": "2026-12-25"},
        headers=headers,
    ).json()
    assert [h["id"] for h in listing["items"]] == [household.id]
    assert client.delete(f"/api/v1/away/{created.json()['id']}", headers=headers).status_code == 204
    assert client.get(url, headers=headers).json() == []


def test_a_member_marks_their_own_household_away_only(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    tree = make_tree(session, clock.now())
    mine = make_household(session, tree["rt1"], clock.now(), members=0)
    theirs = make_household(session, tree["rt1"], clock.now(), members=0)
    user = make_user(session, clock.now(), role=Role.member, area=tree["rt1"])
    head = make_user(session, clock.now(), role=Role.rt_head, area=tree["rt1"])
    head_headers = bearer(session, head, clock.now())
    headers = bearer(session, user, clock.now())
    session.commit()
    linked = client.post(
        f"/api/v1/households/{mine.id}/members",
        json={"name": "Saya", "user_id": user.id},
        headers=head_headers,
    )
    assert linked.status_code == 201
    twice = client.post(
        f"/api/v1/households/{theirs.id}/members",
        json={"name": "Saya Lagi", "user_id": user.id},
        headers=head_headers,
    )
    assert twice.json()["error"]["code"] == "user_already_linked"
    body = {"start_date": "2026-12-24", "end_date": "2026-12-26", "reason": "mudik"}
    own = client.post(f"/api/v1/households/{mine.id}/away", json=body, headers=headers)
    assert own.status_code == 201
    other = client.post(f"/api/v1/households/{theirs.id}/away", json=body, headers=headers)
    assert other.status_code == 403

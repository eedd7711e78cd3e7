"""DESIGN.md "Who sees what", the households row: one case per cell.

| households, members, phones | RT head: all | RW head: all, read | member: names on the
roster; own household | liaison: none | admin: all |
"""

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.models import Role
from app.clock import FixedClock
from app.households import service as households
from app.households.schemas import MemberCreate
from tests.factories import bearer, make_household, make_tree, make_user


@dataclass(frozen=True)
class Cell:
    role: Role
    level: str
    list_status: int
    others_phones: bool
    own_phones: bool
    may_edit: bool


CELLS = [
    Cell(Role.rt_head, "rt1", 200, others_phones=True, own_phones=True, may_edit=True),
    Cell(Role.rw_head, "rw1", 200, others_phones=True, own_phones=True, may_edit=False),
    Cell(Role.member, "rt1", 200, others_phones=False, own_phones=True, may_edit=False),
    Cell(Role.liaison, "kelurahan", 403, others_phones=False, own_phones=False, may_edit=False),
    Cell(Role.admin, "kelurahan", 200, others_phones=True, own_phones=True, may_edit=True),
]


@pytest.mark.parametrize("cell", CELLS, ids=[c.role.value for c in CELLS])
def test_households_cell(
    client: TestClient, session: Session, clock: FixedClock, cell: Cell
) -> None:
    tree = make_tree(session, clock.now())
    user = make_user(session, clock.now(), role=cell.role, area=tree[cell.level])
    own = make_household(session, tree["rt1"], clock.now(), members=1)
    other = make_household(
        session, tree["rt1"], clock.now(), members=1, status="exempt", exempt_reason="sakit"
    )
    households.add_member(
        session, own, MemberCreate(name="Saya", user_id=None), actor_id=None, now=clock.now()
    )
    # The reader is linked to a member of ``own`` (a liaison or head might be a resident too).
    if cell.role == Role.member:
        member = households.members_by_household(session, [own.id])[own.id][-1]
        member.user_id = user.id
    headers = bearer(session, user, clock.now())
    session.commit()

    listing = client.get(f"/api/v1/areas/{tree['rt1'].id}/households", headers=headers)
    assert listing.status_code == cell.list_status
    detail = client.get(f"/api/v1/households/{other.id}", headers=headers)
    if cell.list_status != 200:
        assert detail.status_code == 403
        assert client.get(f"/api/v1/households/{own.id}", headers=headers).status_code == 403
    else:
        rows = {h["id"]: h for h in listing.json()["items"]}
        assert rows[other.id]["head_name"] == other.head_name
        assert [m["name"] for m in rows[other.id]["members"]]
        shows = rows[other.id]["phone"] is not None
        assert shows == cell.others_phones
        assert (rows[other.id]["members"][0]["phone"] is not None) == cell.others_phones
        # Why a household is exempt is as private as its phone.
        assert (rows[other.id]["exempt_reason"] is not None) == cell.others_phones
        assert (detail.json()["phone"] is not None) == cell.others_phones
        assert (rows[own.id]["phone"] is not None) == cell.own_phones
    edit = client.patch(
        f"/api/v1/households/{other.id}", json={"head_name": "Diubah"}, headers=headers
    )
    assert (edit.status_code == 200) == cell.may_edit
    export = client.get(f"/api/v1/areas/{tree['rt1'].id}/households/export", headers=headers)
    assert (export.status_code == 200) == cell.others_phones

"""A household's own data from the pages: download, correct, erase; nobody else's."""

import io
import json
import zipfile

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.models import Role
from app.clock import FixedClock
from app.households import service as households
from app.households.models import Household
from app.households.schemas import MemberCreate
from tests.factories import make_user
from tests.web.conftest import RTWorld, csrf_of, sign_in


def test_a_member_downloads_corrects_and_erases_their_own_household(
    client: TestClient, session: Session, clock: FixedClock, world: RTWorld
) -> None:
    now = clock.now()
    mine, neighbour = world.houses[0], world.houses[1]
    user = make_user(session, now, role=Role.member, area=world.rt, full_name="Bu Sari")
    households.add_member(
        session,
        households.get_household(session, mine),
        MemberCreate(name="Bu Sari", user_id=user.id),
        actor_id=None,
        now=now,
    )
    session.commit()
    client.follow_redirects = False
    sign_in(client, session, user, now)
    page = client.get(f"/warga/{mine}/data")
    assert page.status_code == 200
    token = csrf_of(page.text)
    exported = client.get(f"/warga/{mine}/data/unduh?format=json")
    assert exported.status_code == 200
    assert "attachment" in exported.headers["content-disposition"]
    text = json.dumps(exported.json())
    assert "Bu Sari" in text
    assert "A-02" not in text  # nothing of the neighbours
    zipped = client.get(f"/warga/{mine}/data/unduh?format=csv")
    assert zipfile.ZipFile(io.BytesIO(zipped.content)).namelist()
    # The neighbour's data is not a fellow member's to read or change.
    assert client.get(f"/warga/{neighbour}/data").status_code == 403
    assert client.get(f"/warga/{neighbour}/data/unduh").status_code == 403

    bad = client.post(
        f"/warga/{mine}/data", data={"csrf": token, "head_name": "", "phone": "", "address": ""}
    )
    assert bad.status_code == 422
    fixed = client.post(
        f"/warga/{mine}/data",
        data={"csrf": token, "head_name": "Ibu Sari W.", "phone": "0812-9999-0000", "address": ""},
    )
    assert fixed.status_code == 303
    session.expire_all()
    household = session.get(Household, mine)
    assert household is not None
    assert household.head_name == "Ibu Sari W."
    assert household.phone == "+6281299990000"

    wrong = client.post(
        f"/warga/{mine}/hapus-data", data={"csrf": token, "confirm_house_code": "X"}
    )
    assert wrong.status_code in (409, 422)
    erased = client.post(
        f"/warga/{mine}/hapus-data", data={"csrf": token, "confirm_house_code": "A-01"}
    )
    assert erased.status_code == 200
    session.expire_all()
    household = session.get(Household, mine)
    assert household is not None
    assert "Sari" not in household.head_name
    assert household.phone is None

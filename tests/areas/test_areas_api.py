"""The area tree over HTTP."""

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.areas.models import Area
from app.audit.models import AuditEntry


def _create(client: TestClient, **body: object) -> dict:
    response = client.post("/api/v1/areas", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _tree(client: TestClient) -> dict[str, dict]:
    kota = _create(client, kind="kota", name="Kota Semarang")
    kec = _create(client, kind="kecamatan", name="Tembalang", parent_id=kota["id"])
    kel = _create(client, kind="kelurahan", name="Bulusan", parent_id=kec["id"])
    rw1 = _create(client, kind="rw", name="RW 01", parent_id=kel["id"])
    rw2 = _create(client, kind="rw", name="RW 02", parent_id=kel["id"])
    rt = _create(client, kind="rt", name="RT 03", parent_id=rw1["id"])
    return {"kota": kota, "kel": kel, "rw1": rw1, "rw2": rw2, "rt": rt}


def test_an_rt_gets_default_patrol_settings(client: TestClient) -> None:
    tree = _tree(client)
    rt = tree["rt"]
    assert rt["timezone"] == "Asia/Jakarta"
    assert rt["patrol"] == {
        "patrol_start": "22:00:00",
        "patrol_end": "04:00:00",
        "team_size": 4,
        "team_size_by_weekday": {},
        "min_gap_days": 3,
        "weekend_nights": ["fri", "sat"],
        "fairness_window_months": 12,
    }
    assert tree["rw1"]["patrol"] is None
    assert rt["path"] == f"{tree['rw1']['path']}{rt['id']}/"


def test_a_child_inherits_the_time_zone(client: TestClient) -> None:
    kota = _create(client, kind="kota", name="Kota Makassar", timezone="Asia/Makassar")
    kec = _create(client, kind="kecamatan", name="Panakkukang", parent_id=kota["id"])
    assert kec["timezone"] == "Asia/Makassar"


def test_wrong_parent_kind_is_refused_and_nothing_is_written(
    client: TestClient, session: Session
) -> None:
    tree = _tree(client)
    before = session.scalar(select(func.count()).select_from(Area))
    response = client.post(
        "/api/v1/areas", json={"kind": "rt", "name": "RT 09", "parent_id": tree["kel"]["id"]}
    )
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "area_wrong_parent",
        "message": "rt harus berada di bawah rw.",
        "field": "parent_id",
    }
    assert session.scalar(select(func.count()).select_from(Area)) == before


def test_root_with_parent_and_missing_parent(client: TestClient) -> None:
    tree = _tree(client)
    with_parent = client.post(
        "/api/v1/areas", json={"kind": "kota", "name": "X", "parent_id": tree["kota"]["id"]}
    )
    assert with_parent.json()["error"]["code"] == "area_root_has_parent"
    orphan = client.post("/api/v1/areas", json={"kind": "rw", "name": "RW 9", "parent_id": 10**9})
    assert orphan.status_code == 404
    assert orphan.json()["error"]["field"] == "parent_id"


def test_duplicate_sibling_name_is_a_conflict(client: TestClient) -> None:
    tree = _tree(client)
    response = client.post(
        "/api/v1/areas",
        json={"kind": "rt", "name": "RT 03", "parent_id": tree["rw1"]["id"]},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "There is already a rt named RT 03 here."
    # The same name under another RW is another RT.
    _create(client, kind="rt", name="RT 03", parent_id=tree["rw2"]["id"])


def test_update_patrol_settings(client: TestClient, session: Session) -> None:
    rt = _tree(client)["rt"]
    response = client.patch(
        f"/api/v1/areas/{rt['id']}",
        json={
            "team_size": 6,
            "team_size_by_weekday": {"sat": 7, "sun": 0},
            "patrol_start": "02:00",
            "patrol_end": "04:30",
            "weekend_nights": ["sat", "fri", "sat"],
            "timezone": "Asia/Jayapura",
        },
    )
    assert response.status_code == 200, response.text
    patrol = response.json()["patrol"]
    assert patrol["team_size"] == 6
    assert patrol["team_size_by_weekday"] == {"sat": 7, "sun": 0}
    assert patrol["weekend_nights"] == ["fri", "sat"]
    assert response.json()["timezone"] == "Asia/Jayapura"
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "area.update").order_by(AuditEntry.id.desc())
    ).first()
    assert entry is not None
    assert entry.before is not None
    assert entry.after is not None
    assert (entry.before["team_size"], entry.after["team_size"]) == (4, 6)


def test_bad_settings_are_refused_by_name(client: TestClient) -> None:
    tree = _tree(client)
    rt_id = tree["rt"]["id"]
    cases = [
        ({"team_size": 0}, "team_size"),
        ({"timezone": "Asia/Atlantis"}, "timezone"),
        ({"team_size_by_weekday": {"caturday": 2}}, "team_size_by_weekday.caturday.[key]"),
        ({"min_gap_days": 40}, "min_gap_days"),
        ({"patrol_start": "25:00"}, "patrol_start"),
        ({"patrol_start": "22:00", "patrol_end": "22:00"}, "patrol_end"),
    ]
    for body, field in cases:
        response = client.patch(f"/api/v1/areas/{rt_id}", json=body)
        assert response.status_code == 422, body
        assert response.json()["error"]["field"] == field, body
    not_rt = client.patch(f"/api/v1/areas/{tree['rw1']['id']}", json={"team_size": 3})
    assert not_rt.json()["error"] == {
        "code": "area_not_rt",
        "message": "Pengaturan ronda hanya untuk RT.",
        "field": "team_size",
    }


def test_move_carries_the_subtree(client: TestClient) -> None:
    tree = _tree(client)
    rt = tree["rt"]
    response = client.post(f"/api/v1/areas/{rt['id']}/move", json={"parent_id": tree["rw2"]["id"]})
    assert response.status_code == 200
    assert response.json()["path"] == f"{tree['rw2']['path']}{rt['id']}/"
    # Moving the RW moves its RTs' paths with it.
    kec2 = _create(client, kind="kecamatan", name="Banyumanik", parent_id=tree["kota"]["id"])
    kel2 = _create(client, kind="kelurahan", name="Pudakpayung", parent_id=kec2["id"])
    moved = client.post(f"/api/v1/areas/{tree['rw2']['id']}/move", json={"parent_id": kel2["id"]})
    assert moved.status_code == 200
    rt_now = client.get(f"/api/v1/areas/{rt['id']}").json()
    assert rt_now["path"].startswith(moved.json()["path"])


def test_list_filters_and_pages(client: TestClient) -> None:
    tree = _tree(client)
    for n in range(4, 9):
        _create(client, kind="rt", name=f"RT {n:02d}", parent_id=tree["rw1"]["id"])
    page = client.get(
        "/api/v1/areas", params={"parent_id": tree["rw1"]["id"], "limit": 4, "offset": 0}
    ).json()
    assert page["total"] == 6
    assert len(page["items"]) == 4
    rest = client.get(
        "/api/v1/areas", params={"parent_id": tree["rw1"]["id"], "limit": 4, "offset": 4}
    ).json()
    assert len(rest["items"]) == 2
    names = {a["name"] for a in page["items"] + rest["items"]}
    assert names == {"RT 03", *(f"RT {n:02d}" for n in range(4, 9))}
    only_rw = client.get("/api/v1/areas", params={"kind": "rw"}).json()
    assert {a["kind"] for a in only_rw["items"]} == {"rw"}
    assert client.get("/api/v1/areas", params={"limit": 0}).status_code == 422

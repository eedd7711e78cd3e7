"""The area tree over HTTP."""

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.areas.models import Area
from app.audit.models import AuditEntry


def _create(admin_client: TestClient, parent_id: int | None = None, **body: object) -> dict:
    url = "/api/v1/areas" if parent_id is None else f"/api/v1/areas/{parent_id}/children"
    response = admin_client.post(url, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _tree(admin_client: TestClient) -> dict[str, dict]:
    kota = _create(admin_client, kind="kota", name="Kota Semarang")
    kec = _create(admin_client, kind="kecamatan", name="Tembalang", parent_id=kota["id"])
    kel = _create(admin_client, kind="kelurahan", name="Bulusan", parent_id=kec["id"])
    rw1 = _create(admin_client, kind="rw", name="RW 01", parent_id=kel["id"])
    rw2 = _create(admin_client, kind="rw", name="RW 02", parent_id=kel["id"])
    rt = _create(admin_client, kind="rt", name="RT 03", parent_id=rw1["id"])
    return {"kota": kota, "kel": kel, "rw1": rw1, "rw2": rw2, "rt": rt}


def test_an_rt_gets_default_patrol_settings(admin_client: TestClient) -> None:
    tree = _tree(admin_client)
    rt = tree["rt"]
    assert rt["timezone"] == "Asia/Jakarta"
    assert rt["patrol"] == {
        "patrol_start": "22:00",
        "patrol_end": "04:00",
        "team_size": 4,
        "team_size_by_weekday": {},
        "min_gap_days": 3,
        "weekend_nights": ["fri", "sat"],
        "fairness_window_months": 12,
        "objection_days": 0,
        "swap_needs_approval": False,
        "noshow_makeup": True,
        "noshow_fine_rupiah": 0,
        "escalate_after_hours": 24,
    }
    assert tree["rw1"]["patrol"] is None
    assert rt["path"] == f"{tree['rw1']['path']}{rt['id']}/"


def test_a_child_inherits_the_time_zone(admin_client: TestClient) -> None:
    kota = _create(admin_client, kind="kota", name="Kota Makassar", timezone="Asia/Makassar")
    kec = _create(admin_client, kind="kecamatan", name="Panakkukang", parent_id=kota["id"])
    assert kec["timezone"] == "Asia/Makassar"


def test_wrong_parent_kind_is_refused_and_nothing_is_written(
    admin_client: TestClient, session: Session
) -> None:
    tree = _tree(admin_client)
    before = session.scalar(select(func.count()).select_from(Area))
    response = admin_client.post(
        f"/api/v1/areas/{tree['kel']['id']}/children", json={"kind": "rt", "name": "RT 09"}
    )
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "area_wrong_parent",
        "message": "rt harus berada di bawah rw.",
        "field": "kind",
    }
    assert session.scalar(select(func.count()).select_from(Area)) == before


def test_root_with_parent_and_missing_parent(admin_client: TestClient) -> None:
    tree = _tree(admin_client)
    with_parent = admin_client.post(
        f"/api/v1/areas/{tree['kota']['id']}/children", json={"kind": "kota", "name": "X"}
    )
    assert with_parent.json()["error"]["code"] == "area_root_has_parent"
    orphan = admin_client.post(f"/api/v1/areas/{10**9}/children", json={"kind": "rw", "name": "RW"})
    assert orphan.status_code == 404
    assert orphan.json()["error"]["field"] == "area_id"
    not_root = admin_client.post("/api/v1/areas", json={"kind": "rw", "name": "RW 9"})
    assert not_root.json()["error"]["code"] == "area_wrong_parent"


def test_duplicate_sibling_name_is_a_conflict(admin_client: TestClient) -> None:
    tree = _tree(admin_client)
    response = admin_client.post(
        f"/api/v1/areas/{tree['rw1']['id']}/children",
        json={"kind": "rt", "name": "RT 03"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "There is already a rt named RT 03 here."
    # The same name under another RW is another RT.
    _create(admin_client, kind="rt", name="RT 03", parent_id=tree["rw2"]["id"])


def test_update_patrol_settings(admin_client: TestClient, session: Session) -> None:
    rt = _tree(admin_client)["rt"]
    response = admin_client.patch(
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


def test_bad_settings_are_refused_by_name(admin_client: TestClient) -> None:
    tree = _tree(admin_client)
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
        response = admin_client.patch(f"/api/v1/areas/{rt_id}", json=body)
        assert response.status_code == 422, body
        assert response.json()["error"]["field"] == field, body
    not_rt = admin_client.patch(f"/api/v1/areas/{tree['rw1']['id']}", json={"team_size": 3})
    assert not_rt.json()["error"] == {
        "code": "area_not_rt",
        "message": "Pengaturan ronda hanya untuk RT.",
        "field": "team_size",
    }


def test_move_carries_the_subtree(admin_client: TestClient) -> None:
    tree = _tree(admin_client)
    rt = tree["rt"]
    response = admin_client.post(
        f"/api/v1/areas/{rt['id']}/move", json={"parent_id": tree["rw2"]["id"]}
    )
    assert response.status_code == 200
    assert response.json()["path"] == f"{tree['rw2']['path']}{rt['id']}/"
    # Moving the RW moves its RTs' paths with it.
    kec2 = _create(admin_client, kind="kecamatan", name="Banyumanik", parent_id=tree["kota"]["id"])
    kel2 = _create(admin_client, kind="kelurahan", name="Pudakpayung", parent_id=kec2["id"])
    moved = admin_client.post(
        f"/api/v1/areas/{tree['rw2']['id']}/move", json={"parent_id": kel2["id"]}
    )
    assert moved.status_code == 200
    rt_now = admin_client.get(f"/api/v1/areas/{rt['id']}").json()
    assert rt_now["path"].startswith(moved.json()["path"])


def test_list_filters_and_pages(admin_client: TestClient) -> None:
    tree = _tree(admin_client)
    for n in range(4, 9):
        _create(admin_client, kind="rt", name=f"RT {n:02d}", parent_id=tree["rw1"]["id"])
    page = admin_client.get(
        "/api/v1/areas", params={"parent_id": tree["rw1"]["id"], "limit": 4, "offset": 0}
    ).json()
    assert page["total"] == 6
    assert len(page["items"]) == 4
    rest = admin_client.get(
        "/api/v1/areas", params={"parent_id": tree["rw1"]["id"], "limit": 4, "offset": 4}
    ).json()
    assert len(rest["items"]) == 2
    names = {a["name"] for a in page["items"] + rest["items"]}
    assert names == {"RT 03", *(f"RT {n:02d}" for n in range(4, 9))}
    only_rw = admin_client.get("/api/v1/areas", params={"kind": "rw"}).json()
    assert {a["kind"] for a in only_rw["items"]} == {"rw"}
    assert admin_client.get("/api/v1/areas", params={"limit": 0}).status_code == 422

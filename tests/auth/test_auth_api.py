"""Sign-in, sessions, sign-in links, throttling, users, grants and the RT hand-over."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.auth.models import AccessToken, Grant, Role
from app.clock import FixedClock
from app.config import Settings
from tests.factories import bearer, make_tree, make_user

PASSWORD = "rahasia-ronda-1"


def _login(client: TestClient, username: str, password: str = PASSWORD, **kw: object):
    return client.post(
        "/api/v1/auth/login", json={"username": username, "password": password}, **kw
    )


def test_login_me_logout(
    client: TestClient, session: Session, clock: FixedClock, settings: Settings
) -> None:
    tree = make_tree(session, clock.now())
    user = make_user(
        session,
        clock.now(),
        role=Role.rt_head,
        area=tree["rt1"],
        password=PASSWORD,
        settings=settings,
        username="pak.rt",
    )
    session.commit()
    response = _login(client, "  Pak.RT ")
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    assert len(token) >= 40
    assert response.json()["expires_at"].startswith("2026-12-30")
    stored = session.scalars(select(AccessToken).where(AccessToken.user_id == user.id)).one()
    assert token not in stored.token_hash
    headers = {"Authorization": f"Bearer {token}"}
    me = client.get("/api/v1/me", headers=headers).json()
    assert me["username"] == "pak.rt"
    assert me["grants"] == [
        {
            "id": me["grants"][0]["id"],
            "user_id": user.id,
            "role": "rt_head",
            "area_id": tree["rt1"].id,
        }
    ]
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    after = client.get("/api/v1/me", headers=headers)
    assert after.status_code == 401
    assert after.json()["error"]["code"] == "session_invalid"
    assert after.headers["WWW-Authenticate"] == "Bearer"


def test_wrong_password_is_named_in_both_languages(
    client: TestClient, session: Session, clock: FixedClock, settings: Settings
) -> None:
    make_user(session, clock.now(), password=PASSWORD, settings=settings, username="bu.ani")
    session.commit()
    indonesian = _login(client, "bu.ani", "salah")
    english = _login(client, "bu.ani", "salah", headers={"Accept-Language": "en"})
    assert indonesian.status_code == 401
    assert indonesian.json()["error"] == {
        "code": "bad_credentials",
        "message": "Nama pengguna atau kata sandi salah.",
        "field": "password",
    }
    assert english.json()["error"]["message"] == "Wrong username or password."
    assert _login(client, "nobody").json()["error"]["code"] == "bad_credentials"


def test_a_session_expires(client: TestClient, session: Session, clock: FixedClock) -> None:
    user = make_user(session, clock.now())
    headers = bearer(session, user, clock.now())
    session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    clock.set(clock.now() + timedelta(days=31))
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_five_failures_lock_the_account_even_for_the_right_password(
    client: TestClient, session: Session, clock: FixedClock, settings: Settings
) -> None:
    make_user(session, clock.now(), password=PASSWORD, settings=settings, username="pak.budi")
    session.commit()
    codes = [_login(client, "pak.budi", f"wrong{i}").status_code for i in range(5)]
    assert codes == [401] * 5
    locked = _login(client, "pak.budi")
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "login_throttled"
    clock.set(clock.now() + timedelta(minutes=16))
    assert _login(client, "pak.budi").status_code == 200
    # A success clears the account's count: four more failures do not lock it.
    for i in range(4):
        _login(client, "pak.budi", f"again{i}")
    assert _login(client, "pak.budi").status_code == 200


def test_one_address_guessing_many_accounts_is_throttled(
    client: TestClient, session: Session, clock: FixedClock, settings: Settings
) -> None:
    make_user(session, clock.now(), password=PASSWORD, settings=settings, username="target")
    session.commit()
    for i in range(20):
        _login(client, f"guess{i}", "x")
    response = _login(client, "target")
    assert response.status_code == 429


def test_sign_in_link_is_reusable_until_rotated_or_revoked(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    tree = make_tree(session, clock.now())
    head = make_user(session, clock.now(), role=Role.rt_head, area=tree["rt1"])
    member = make_user(session, clock.now(), role=Role.member, area=tree["rt1"])
    headers = bearer(session, head, clock.now())
    session.commit()
    issued = client.post(f"/api/v1/users/{member.id}/sign-in-link", headers=headers)
    assert issued.status_code == 201
    link = issued.json()["token"]
    assert issued.json()["path"] == f"/masuk/{link}"
    first = client.post("/api/v1/auth/link", json={"token": link})
    second = client.post("/api/v1/auth/link", json={"token": link})
    assert first.status_code == second.status_code == 200
    assert first.json()["user"]["id"] == member.id
    assert first.json()["access_token"] != second.json()["access_token"]
    rotated = client.post(f"/api/v1/users/{member.id}/sign-in-link", headers=headers).json()
    old = client.post("/api/v1/auth/link", json={"token": link})
    assert old.status_code == 401
    assert old.json()["error"]["code"] == "sign_in_link_invalid"
    assert client.post("/api/v1/auth/link", json={"token": rotated["token"]}).status_code == 200
    assert (
        client.delete(f"/api/v1/users/{member.id}/sign-in-link", headers=headers).status_code == 204
    )
    assert client.post("/api/v1/auth/link", json={"token": rotated["token"]}).status_code == 401
    # The sessions the link opened end only when revoked.
    phone = {"Authorization": f"Bearer {first.json()['access_token']}"}
    assert client.get("/api/v1/me", headers=phone).status_code == 200
    revoked = client.post(f"/api/v1/users/{member.id}/revoke-sessions", headers=headers)
    assert revoked.json()["revoked"] == 3
    assert client.get("/api/v1/me", headers=phone).status_code == 401


def test_rt_head_creates_members_but_not_heads(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    tree = make_tree(session, clock.now())
    head = make_user(session, clock.now(), role=Role.rt_head, area=tree["rt1"])
    headers = bearer(session, head, clock.now())
    session.commit()
    url = f"/api/v1/areas/{tree['rt1'].id}/users"
    created = client.post(
        url,
        json={"username": "ibu.siti", "full_name": "Ibu Siti", "role": "member"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["has_password"] is False
    refused = client.post(
        url, json={"username": "calon.rt", "full_name": "Calon", "role": "rt_head"}, headers=headers
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "role_not_grantable"
    assert client.get("/api/v1/users/by-name", headers=headers).status_code in (404, 422)
    duplicate = client.post(
        url, json={"username": "IBU.SITI", "full_name": "Lagi"}, headers=headers
    )
    assert duplicate.status_code == 409
    listed = client.get(url, headers=headers).json()
    assert {u["username"] for u in listed["items"]} == {head.username, "ibu.siti"}


def test_rw_head_grants_an_rt_head_in_their_rw_only(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    tree = make_tree(session, clock.now())
    rw_head = make_user(session, clock.now(), role=Role.rw_head, area=tree["rw1"])
    someone = make_user(session, clock.now())
    headers = bearer(session, rw_head, clock.now())
    session.commit()
    body = {"user_id": someone.id, "role": "rt_head"}
    granted = client.post(f"/api/v1/areas/{tree['rt2'].id}/grants", json=body, headers=headers)
    assert granted.status_code == 201
    wrong_kind = client.post(f"/api/v1/areas/{tree['rw1'].id}/grants", json=body, headers=headers)
    assert wrong_kind.json()["error"]["code"] == "role_wrong_area"
    elsewhere = client.post(f"/api/v1/areas/{tree['rt3'].id}/grants", json=body, headers=headers)
    assert elsewhere.status_code == 404
    again = client.post(f"/api/v1/areas/{tree['rt2'].id}/grants", json=body, headers=headers)
    assert again.status_code == 409
    revoke = client.delete(f"/api/v1/grants/{granted.json()['id']}", headers=headers)
    assert revoke.status_code == 204


def test_hand_over_moves_the_rt_in_one_audited_step(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    tree = make_tree(session, clock.now())
    old = make_user(session, clock.now(), role=Role.rt_head, area=tree["rt1"])
    new = make_user(session, clock.now(), role=Role.member, area=tree["rt1"])
    old_headers = bearer(session, old, clock.now())
    new_headers = bearer(session, new, clock.now())
    session.commit()
    rt = tree["rt1"].id
    assert (
        client.patch(f"/api/v1/areas/{rt}", json={"team_size": 5}, headers=new_headers).status_code
        == 403
    )
    response = client.post(
        f"/api/v1/areas/{rt}/hand-over", json={"successor_user_id": new.id}, headers=old_headers
    )
    assert response.status_code == 200
    assert response.json()["role"] == "rt_head"
    assert (
        client.patch(f"/api/v1/areas/{rt}", json={"team_size": 5}, headers=new_headers).status_code
        == 200
    )
    assert client.get(f"/api/v1/areas/{rt}", headers=old_headers).status_code == 404
    heads = session.scalars(
        select(Grant.user_id).where(Grant.area_id == rt, Grant.role == Role.rt_head)
    ).all()
    assert heads == [new.id]
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "rt.hand_over")).one()
    assert entry.actor_id == old.id
    assert entry.after == {"rt_head_user_id": new.id}


def test_member_reads_own_rt_but_cannot_change_it(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    tree = make_tree(session, clock.now())
    member = make_user(session, clock.now(), role=Role.member, area=tree["rt1"])
    headers = bearer(session, member, clock.now())
    session.commit()
    assert client.get(f"/api/v1/areas/{tree['rt1'].id}", headers=headers).status_code == 200
    patch = client.patch(f"/api/v1/areas/{tree['rt1'].id}", json={"team_size": 1}, headers=headers)
    assert patch.status_code == 403
    assert patch.json()["error"]["code"] == "forbidden"
    assert client.get(f"/api/v1/areas/{tree['rt2'].id}", headers=headers).status_code == 404
    listed = client.get("/api/v1/areas", headers=headers).json()
    assert [a["id"] for a in listed["items"]] == [tree["rt1"].id]


def test_nobody_takes_over_an_account_from_outside_their_area(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    tree = make_tree(session, clock.now())
    head = make_user(session, clock.now(), role=Role.rt_head, area=tree["rt1"])
    rw_head = make_user(session, clock.now(), role=Role.rw_head, area=tree["rw1"])
    admin = make_user(session, clock.now(), role=Role.admin)
    headers = bearer(session, head, clock.now())
    rw_headers = bearer(session, rw_head, clock.now())
    session.commit()
    # A member grant in one's own RT does not make another RT's (or the installation's)
    # people one's own to manage.
    granted = client.post(
        f"/api/v1/areas/{tree['rt1'].id}/grants",
        json={"user_id": admin.id, "role": "member"},
        headers=headers,
    )
    assert granted.status_code == 201
    for method, url in (
        ("POST", f"/api/v1/users/{admin.id}/sign-in-link"),
        ("POST", f"/api/v1/users/{admin.id}/revoke-sessions"),
    ):
        assert client.request(method, url, headers=headers).status_code in (403, 404)
    yourself = client.post(
        f"/api/v1/areas/{tree['rt1'].id}/grants",
        json={"user_id": head.id, "role": "member"},
        headers=headers,
    )
    assert yourself.status_code == 403
    liaison = client.post(
        f"/api/v1/areas/{tree['rw1'].id}/grants",
        json={"user_id": head.id, "role": "liaison"},
        headers=rw_headers,
    )
    assert liaison.status_code == 403

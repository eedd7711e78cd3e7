"""The RT head's pages through the real app, on both databases."""

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.households.models import Household, HouseholdStatus
from app.rostering.models import Assignment, Roster, RosterStatus
from tests.web.conftest import KEY_FIELD, RTWorld, csrf_of

SCRIPT_INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_ATTR = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"<[^>]+\sstyle\s*=", re.I)


def _households(session: Session, world: RTWorld) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Household).where(Household.rt_id == world.rt.id)
        )
        or 0
    )


def test_a_page_without_a_session_sends_to_sign_in(client: TestClient, world: RTWorld) -> None:
    client.follow_redirects = False
    answer = client.get(f"/rt/{world.rt.id}/warga?q=x")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/masuk?next=/rt/{world.rt.id}/warga%3Fq%3Dx"


def test_sign_in_with_a_password_keeps_the_username_on_failure(
    client: TestClient, session: Session, world: RTWorld
) -> None:
    from app.auth.service import hash_password
    from app.config import Settings

    world.head.password_hash = hash_password(
        Settings(argon2_time_cost=1, argon2_memory_cost_kib=1024), "rahasia-rt"
    )
    session.commit()
    client.follow_redirects = False
    page = client.get("/masuk")
    assert page.status_code == 200
    token = csrf_of(page.text)
    wrong = client.post(
        "/masuk", data={"csrf": token, "username": "ketua", "password": "keliru-99", "next": "/"}
    )
    assert wrong.status_code == 401
    assert 'value="ketua"' in wrong.text
    assert "keliru-99" not in wrong.text  # the password is never typed back into the page
    right = client.post(
        "/masuk",
        data={"csrf": token, "username": "ketua", "password": "rahasia-rt", "next": "//evil.test"},
    )
    assert right.status_code == 303
    assert right.headers["location"] == "/"  # never sent off-site
    cookie = right.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert client.get("/").status_code == 200


def test_a_form_without_its_csrf_token_is_refused_and_writes_nothing(
    page_client: TestClient, session: Session, world: RTWorld
) -> None:
    before = _households(session, world)
    answer = page_client.post(
        f"/rt/{world.rt.id}/warga/baru", data={"house_code": "Z-1", "head_name": "Penyusup"}
    )
    assert answer.status_code == 403
    forged = page_client.post(
        f"/rt/{world.rt.id}/warga/baru",
        data={"csrf": "0" * 64, "house_code": "Z-1", "head_name": "Penyusup"},
    )
    assert forged.status_code == 403
    assert _households(session, world) == before


def test_add_a_household_keeps_what_was_typed_and_a_resend_adds_it_once(
    page_client: TestClient, session: Session, world: RTWorld
) -> None:
    page = page_client.get(f"/rt/{world.rt.id}/warga/baru")
    token, key = csrf_of(page.text), KEY_FIELD.search(page.text).group(1)  # type: ignore[union-attr]
    before = _households(session, world)
    bad = page_client.post(
        f"/rt/{world.rt.id}/warga/baru",
        data={
            "csrf": token,
            "idempotency_key": key,
            "house_code": "C-07",
            "head_name": "Bapak Joko",
            "phone": "12",
        },
    )
    assert bad.status_code == 422
    assert 'value="C-07"' in bad.text
    assert 'value="Bapak Joko"' in bad.text
    assert 'aria-invalid="true"' in bad.text
    assert _households(session, world) == before
    form = {
        "csrf": token,
        "idempotency_key": key,
        "house_code": "C-07",
        "head_name": "Bapak Joko",
        "phone": "0812-1111-2222",
    }
    first = page_client.post(f"/rt/{world.rt.id}/warga/baru", data=form)
    again = page_client.post(f"/rt/{world.rt.id}/warga/baru", data=form)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    assert _households(session, world) == before + 1
    shown = page_client.get(first.headers["location"])
    assert "Bapak Joko" in shown.text
    assert "+6281211112222" in shown.text


def test_exempt_a_household_needs_a_reason(
    page_client: TestClient, session: Session, world: RTWorld
) -> None:
    hid = world.houses[0]
    page = page_client.get(f"/warga/{hid}")
    token = csrf_of(page.text)
    form = {
        "csrf": token,
        "house_code": "A-01",
        "head_name": "Kepala",
        "status": "exempt",
        "exempt_reason": "",
    }
    refused = page_client.post(f"/warga/{hid}", data=form)
    assert refused.status_code == 422
    assert session.get(Household, hid).status == HouseholdStatus.active  # type: ignore[union-attr]
    saved = page_client.post(f"/warga/{hid}", data=form | {"exempt_reason": "lansia"})
    assert saved.status_code == 303
    session.expire_all()
    assert session.get(Household, hid).status == HouseholdStatus.exempt  # type: ignore[union-attr]


def test_csv_import_shows_every_bad_row_and_saves_nothing(
    page_client: TestClient, session: Session, world: RTWorld
) -> None:
    page = page_client.get(f"/rt/{world.rt.id}/warga/impor")
    token = csrf_of(page.text)
    bad = "rumah,nama_kepala_keluarga,telepon\nD-1,Ibu Ani,08123\nD-2,,0812-3333-4444\n"
    before = _households(session, world)
    answer = page_client.post(
        f"/rt/{world.rt.id}/warga/impor",
        data={"csrf": token},
        files={"file": ("warga.csv", bad.encode(), "text/csv")},
    )
    assert answer.status_code == 422
    assert answer.text.count('<tr><td class="num">') == 2  # one row per problem
    assert _households(session, world) == before
    good = "rumah,nama_kepala_keluarga,telepon\nD-1,Ibu Ani,0812-1234-5678\nD-2,Pak Budi,\n"
    answer = page_client.post(
        f"/rt/{world.rt.id}/warga/impor",
        data={"csrf": token},
        files={"file": ("warga.csv", good.encode(), "text/csv")},
    )
    assert answer.status_code == 200
    assert _households(session, world) == before + 2


def test_draft_explain_move_publish_share_and_print(
    page_client: TestClient, session: Session, world: RTWorld
) -> None:
    page = page_client.get(f"/rt/{world.rt.id}/jadwal")
    token = csrf_of(page.text)
    drafted = page_client.post(
        f"/rt/{world.rt.id}/jadwal", data={"csrf": token, "month": "2026-12"}
    )
    assert drafted.status_code == 303
    roster_page = page_client.get(drafted.headers["location"])
    assert roster_page.status_code == 200
    assert "giliran" in roster_page.text  # each turn carries its reason, in Indonesian
    roster = session.scalars(select(Roster).where(Roster.rt_id == world.rt.id)).one()
    turns = list(session.scalars(select(Assignment).where(Assignment.roster_id == roster.id)))
    # Moving a turn onto a household already on that night breaks rule 1, and says so.
    same_night = [t for t in turns if t.night_date == turns[0].night_date]
    assert len(same_night) >= 2
    refused = page_client.post(
        f"/giliran/{same_night[0].id}/pindah",
        data={"csrf": token, "household_id": str(same_night[1].household_id)},
    )
    assert refused.status_code == 409
    assert "sekali" in refused.text  # "a household appears at most once per night"
    published = page_client.post(f"/jadwal/{roster.id}/terbitkan", data={"csrf": token})
    assert published.status_code == 303
    session.expire_all()
    assert session.get(Roster, roster.id).status == RosterStatus.published  # type: ignore[union-attr]
    share = page_client.get(f"/jadwal/{roster.id}/bagikan")
    assert "https://wa.me/?text=" in share.text
    printed = page_client.get(f"/jadwal/{roster.id}/cetak")
    assert printed.status_code == 200
    assert printed.text.count("<tr") == 32


def test_pages_of_another_rt_do_not_exist_for_this_head(
    page_client: TestClient, session: Session, world: RTWorld
) -> None:
    other_house = session.scalars(
        select(Household.id).where(Household.rt_id == world.other_rt.id)
    ).first()
    for path in (
        f"/rt/{world.other_rt.id}/warga",
        f"/rt/{world.other_rt.id}/jadwal",
        f"/rt/{world.other_rt.id}/pengaturan",
        f"/rt/{world.other_rt.id}/anggota",
        f"/warga/{other_house}",
    ):
        assert page_client.get(path).status_code == 404, path
    token = csrf_of(page_client.get("/").text)
    answer = page_client.post(
        f"/warga/{other_house}", data={"csrf": token, "house_code": "X", "head_name": "Y"}
    )
    assert answer.status_code == 404


def test_every_page_is_safe_by_headers_and_has_no_inline_script(
    page_client: TestClient, world: RTWorld
) -> None:
    for path in (
        "/",
        f"/rt/{world.rt.id}/warga",
        f"/rt/{world.rt.id}/warga/baru",
        f"/rt/{world.rt.id}/warga/impor",
        f"/warga/{world.houses[0]}",
        f"/rt/{world.rt.id}/jadwal",
        f"/rt/{world.rt.id}/keadilan",
        f"/rt/{world.rt.id}/tukar",
        f"/rt/{world.rt.id}/kehadiran",
        f"/rt/{world.rt.id}/buku",
        f"/rt/{world.rt.id}/pengaturan",
        f"/rt/{world.rt.id}/anggota",
    ):
        answer = page_client.get(path)
        assert answer.status_code == 200, path
        csp = answer.headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert answer.headers["x-frame-options"] == "DENY"
        assert not SCRIPT_INLINE.search(answer.text), path
        assert not EVENT_ATTR.search(answer.text), path
        assert not STYLE_ATTR.search(answer.text), path
        assert 'lang="id"' in answer.text


def test_the_language_switch_is_remembered(page_client: TestClient, world: RTWorld) -> None:
    assert "Daftar KK" in page_client.get(f"/rt/{world.rt.id}/warga").text
    switched = page_client.get("/bahasa/en?next=/")
    assert switched.status_code == 303
    page = page_client.get(f"/rt/{world.rt.id}/warga")
    assert "Households" in page.text
    assert 'lang="en"' in page.text


def test_settings_refuse_a_bad_value_naming_the_field(
    page_client: TestClient, session: Session, world: RTWorld
) -> None:
    page = page_client.get(f"/rt/{world.rt.id}/pengaturan")
    token = csrf_of(page.text)
    answer = page_client.post(
        f"/rt/{world.rt.id}/pengaturan",
        data={"csrf": token, "name": world.rt.name, "team_size": "0", "weekend_nights": "sat"},
    )
    assert answer.status_code == 422
    assert 'id="f-team_size"' in answer.text
    assert 'aria-invalid="true"' in answer.text
    saved = page_client.post(
        f"/rt/{world.rt.id}/pengaturan",
        data={"csrf": token, "name": world.rt.name, "team_size": "3", "weekend_nights": "sat"},
    )
    assert saved.status_code == 303
    session.expire_all()
    assert world.rt.team_size == 3
    assert world.rt.weekend_nights == ["sat"]


def test_sign_in_links_are_issued_shown_once_and_revoked(
    page_client: TestClient, session: Session, world: RTWorld, client: TestClient
) -> None:
    page = page_client.get(f"/rt/{world.rt.id}/anggota")
    token, key = csrf_of(page.text), KEY_FIELD.search(page.text).group(1)  # type: ignore[union-attr]
    made = page_client.post(
        f"/rt/{world.rt.id}/anggota",
        data={
            "csrf": token,
            "idempotency_key": key,
            "full_name": "Mas Eko",
            "username": "eko.a01",
            "household_id": str(world.houses[0]),
        },
    )
    assert made.status_code == 303
    listed = page_client.get(f"/rt/{world.rt.id}/anggota")
    user_id = re.search(r'id="u(\d+)"><strong>Mas Eko', listed.text).group(1)  # type: ignore[union-attr]
    made_link = page_client.post(f"/pengguna/{user_id}/tautan", data={"csrf": token})
    assert made_link.status_code == 303
    issued = page_client.get(made_link.headers["location"])
    # Shown once: a reload shows no link, and makes no new one.
    again_page = page_client.get(made_link.headers["location"])
    assert "/masuk/" not in again_page.text
    link = re.search(
        r'<p class="secret" id="link">http://testserver(/masuk/[^<]+)</p>', issued.text
    )
    assert link is not None
    # The member's own phone: a new visitor opens the link and taps "Masuk".
    member = TestClient(page_client.app, follow_redirects=False)
    landing = member.get(link.group(1))
    signed = member.post(link.group(1), data={"csrf": csrf_of(landing.text)})
    assert signed.status_code == 303
    assert "Mas Eko" in member.get("/").text
    revoked = page_client.post(
        f"/pengguna/{user_id}/tautan/cabut", data={"csrf": token, "area_id": str(world.rt.id)}
    )
    assert revoked.status_code == 303
    assert member.get("/").status_code == 303  # the phone's session ended with the link
    again = member.post(link.group(1), data={"csrf": csrf_of(member.get(link.group(1)).text)})
    assert again.status_code == 401

"""The member's and the liaison's pages through the real app, on both databases."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.models import AccessToken, Role, User
from app.clock import FixedClock
from app.households import service as households
from app.households.schemas import MemberCreate
from app.incidents.models import Incident, IncidentEvent
from app.patrols.models import CheckIn, LogEntry
from app.rostering import service as rostering
from app.rostering.models import Assignment, RosterNight
from app.web.session import SESSION_COOKIE
from tests.factories import make_user
from tests.web.conftest import KEY_FIELD, RTWorld, csrf_of, sign_in

# 22:30 WIB on 30 November 2026: that night's patrol is on.
NIGHT_TIME = datetime(2026, 11, 30, 15, 30, tzinfo=UTC)


@dataclass
class Night:
    night_id: int
    member: User
    liaison: User


@pytest.fixture
def night(session: Session, clock: FixedClock, world: RTWorld) -> Night:
    """A published November roster; the member's household is on the night of the 30th."""
    now = clock.now()
    world.rt.team_size = 3
    roster = rostering.generate_draft(session, world.rt, "2026-11", actor_id=None, now=now)
    rostering.publish(session, roster, actor_id=None, now=now)
    night = session.scalars(
        select(RosterNight).where(
            RosterNight.roster_id == roster.id, RosterNight.night_date == NIGHT_TIME.date()
        )
    ).one()
    on_duty = session.scalars(select(Assignment).where(Assignment.night_id == night.id)).first()
    assert on_duty is not None
    member = make_user(session, now, role=Role.member, area=world.rt, full_name="Pak Warga")
    households.add_member(
        session,
        households.get_household(session, on_duty.household_id),
        MemberCreate(name="Pak Warga", user_id=member.id),
        actor_id=None,
        now=now,
    )
    liaison = make_user(
        session,
        now,
        role=Role.liaison,
        area=world.rt,
        full_name="Bripka Dedi",
        phone="+6281200000001",
    )
    session.commit()
    clock.at = NIGHT_TIME
    return Night(night_id=night.id, member=member, liaison=liaison)


def _phone(client: TestClient, session: Session, user: User, clock: FixedClock) -> TestClient:
    phone = TestClient(client.app, follow_redirects=False)
    sign_in(phone, session, user, clock.now())
    return phone


def test_check_in_twice_with_one_key_is_one_check_in(
    client: TestClient, session: Session, clock: FixedClock, night: Night
) -> None:
    phone = _phone(client, session, night.member, clock)
    page = phone.get(f"/malam/{night.night_id}")
    assert page.status_code == 200
    form = {
        "csrf": csrf_of(page.text),
        "idempotency_key": KEY_FIELD.search(page.text).group(1),  # type: ignore[union-attr]
        "captured_at": "2026-11-30T15:29:00Z",
    }
    first = phone.post(f"/malam/{night.night_id}/hadir", data=form)
    again = phone.post(f"/malam/{night.night_id}/hadir", data=form)
    assert first.status_code == again.status_code == 303
    count = session.scalar(
        select(func.count()).select_from(CheckIn).where(CheckIn.night_id == night.night_id)
    )
    assert count == 1
    made = session.scalars(select(CheckIn).where(CheckIn.night_id == night.night_id)).one()
    assert made.checked_in_at == datetime(2026, 11, 30, 15, 29, tzinfo=UTC)  # the phone's time
    shown = phone.get(f"/malam/{night.night_id}")
    assert "Anda sudah absen hadir" in shown.text
    aman = phone.post(
        f"/malam/{night.night_id}/catat",
        data={"csrf": form["csrf"], "idempotency_key": "aman-1", "kind": "aman"},
    )
    assert aman.status_code == 303
    assert session.scalar(select(func.count()).select_from(LogEntry)) == 1


def test_a_member_cannot_open_another_rts_night(
    client: TestClient, session: Session, clock: FixedClock, world: RTWorld, night: Night
) -> None:
    other = rostering.generate_draft(
        session, world.other_rt, "2026-11", actor_id=None, now=clock.now()
    )
    rostering.publish(session, other, actor_id=None, now=clock.now())
    other_night = session.scalars(select(RosterNight).where(RosterNight.roster_id == other.id))
    session.commit()
    phone = _phone(client, session, night.member, clock)
    assert phone.get(f"/malam/{other_night.first().id}").status_code == 404  # type: ignore[union-attr]


def test_an_anonymous_report_leaves_no_trace_of_its_reporter(
    client: TestClient, session: Session, clock: FixedClock, night: Night
) -> None:
    phone = _phone(client, session, night.member, clock)
    form_page = phone.get("/saya/laporan/baru")
    token = session.scalars(select(AccessToken).where(AccessToken.user_id == night.member.id)).one()
    used_before = token.last_used_at
    assert used_before is not None
    # Long enough later that any use of the session would be written down.
    clock.at = NIGHT_TIME + timedelta(minutes=20)
    rt_id = re.search(r'action="/rt/(\d+)/laporan"', form_page.text).group(1)  # type: ignore[union-attr]
    filed = phone.post(
        f"/rt/{rt_id}/laporan",
        data={
            "csrf": csrf_of(form_page.text),
            "idempotency_key": KEY_FIELD.search(form_page.text).group(1),  # type: ignore[union-attr]
            "category": "mencurigakan",
            "severity": "tinggi",
            "privacy": "anonymous",
            "description": "Orang asing memeriksa pagar",
        },
    )
    assert filed.status_code == 200
    receipt = re.search(r'data-receipt="([^"]+)"', filed.text).group(1)  # type: ignore[union-attr]
    incident = session.scalars(select(Incident)).one()
    assert incident.reporter_user_id is None
    session.refresh(token)
    assert token.last_used_at == used_before  # filing touched nothing of the session
    # Not among "my reports": nothing links the report to this account.
    assert f"/laporan/{incident.id}" not in phone.get("/saya/laporan").text

    police = _phone(client, session, night.liaison, clock)
    page = police.get(f"/laporan/{incident.id}")
    assert page.status_code == 200
    assert "Pak Warga" not in page.text
    assert "Tanpa nama" in page.text
    token_csrf = csrf_of(page.text)
    no_reason = police.post(
        f"/laporan/{incident.id}/tindak", data={"csrf": token_csrf, "status": "dismissed"}
    )
    assert no_reason.status_code == 422
    acked = police.post(
        f"/laporan/{incident.id}/tindak",
        data={"csrf": token_csrf, "status": "acknowledged", "note": "Kami patroli ke sana"},
    )
    assert acked.status_code == 303
    assert session.scalar(select(func.count()).select_from(IncidentEvent)) == 2

    # The reporter follows it by the receipt alone, signed in or not.
    stranger = TestClient(client.app, follow_redirects=False)
    lookup = stranger.get("/laporan/tanda-terima")
    status = stranger.post(
        "/laporan/tanda-terima", data={"csrf": csrf_of(lookup.text), "receipt": receipt}
    )
    assert status.status_code == 200
    assert "Kami patroli ke sana" in status.text
    assert "Bripka Dedi" not in status.text
    wrong = stranger.post(
        "/laporan/tanda-terima", data={"csrf": csrf_of(lookup.text), "receipt": "x" * 32}
    )
    assert wrong.status_code == 404


def test_a_confidential_reporter_is_seen_by_the_liaison_only(
    client: TestClient, session: Session, clock: FixedClock, world: RTWorld, night: Night
) -> None:
    phone = _phone(client, session, night.member, clock)
    form_page = phone.get("/saya/laporan/baru")
    filed = phone.post(
        f"/rt/{world.rt.id}/laporan",
        data={
            "csrf": csrf_of(form_page.text),
            "idempotency_key": "conf-1",
            "category": "pencurian",
            "severity": "sedang",
            "privacy": "confidential",
            "description": "Sepeda motor hilang",
        },
    )
    assert filed.status_code == 303
    incident_id = int(filed.headers["location"].rsplit("/", 1)[1])
    police = _phone(client, session, night.liaison, clock).get(f"/laporan/{incident_id}")
    assert "Pak Warga" in police.text
    head = _phone(client, session, world.head, clock).get(f"/laporan/{incident_id}")
    assert head.status_code == 200
    assert "Pak Warga" not in head.text
    # The member may read it but not answer it.
    token = csrf_of(phone.get(f"/laporan/{incident_id}").text)
    answer = phone.post(
        f"/laporan/{incident_id}/tindak", data={"csrf": token, "status": "acknowledged"}
    )
    assert answer.status_code == 403


def test_the_liaison_reads_the_summary_and_open_reports(
    client: TestClient, session: Session, clock: FixedClock, world: RTWorld, night: Night
) -> None:
    police = _phone(client, session, night.liaison, clock)
    home = police.get("/")
    assert f"/wilayah/{world.rt.id}/ringkasan" in home.text
    summary = police.get(f"/wilayah/{world.rt.id}/ringkasan?week=2026-W48")
    assert summary.status_code == 200
    assert summary.text.count("<svg") == 3
    bad_week = police.get(f"/wilayah/{world.rt.id}/ringkasan?week=2026-W99")
    assert bad_week.status_code == 200
    assert 'class="alert"' in bad_week.text
    assert police.get(f"/wilayah/{world.rt.id}/laporan").status_code == 200
    assert police.get(f"/wilayah/{world.other_rt.id}/laporan").status_code == 404


def test_a_member_without_a_session_cookie_is_sent_to_sign_in(
    client: TestClient, night: Night
) -> None:
    client.follow_redirects = False
    client.cookies.delete(SESSION_COOKIE)
    assert client.get("/saya").status_code == 303


def test_offer_a_night_and_a_neighbour_swaps_for_it(
    client: TestClient, session: Session, clock: FixedClock, world: RTWorld
) -> None:
    now = clock.now()
    world.rt.min_gap_days = 1  # so only "once a night" can stand in the swap's way
    roster = rostering.generate_draft(session, world.rt, "2026-12", actor_id=None, now=now)
    rostering.publish(session, roster, actor_id=None, now=now)
    turns = list(session.scalars(select(Assignment).where(Assignment.roster_id == roster.id)))
    on = {(t.household_id, t.night_date) for t in turns}
    mine, theirs = next(
        (a, b)
        for a in turns
        for b in turns
        if (a.household_id, b.night_date) not in on and (b.household_id, a.night_date) not in on
    )
    my_house, their_house = mine.household_id, theirs.household_id
    people = []
    for turn, name in ((mine, "Pak Satu"), (theirs, "Bu Dua")):
        user = make_user(session, now, role=Role.member, area=world.rt, full_name=name)
        households.add_member(
            session,
            households.get_household(session, turn.household_id),
            MemberCreate(name=name, user_id=user.id),
            actor_id=None,
            now=now,
        )
        people.append(user)
    session.commit()
    offerer = _phone(client, session, people[0], clock)
    token = csrf_of(offerer.get("/saya").text)
    offered = offerer.post(f"/giliran/{mine.id}/tawarkan", data={"csrf": token, "note": "kerja"})
    assert offered.status_code == 303
    code = households.get_household(session, my_house).house_code
    listed = _phone(client, session, world.head, clock).get(f"/rt/{world.rt.id}/tukar")
    assert f"Rumah {code} menawarkan gilirannya." in listed.text
    taker = _phone(client, session, people[1], clock)
    page = taker.get("/saya")
    offer_id = re.search(r'action="/tawaran/(\d+)/ambil"', page.text).group(1)  # type: ignore[union-attr]
    taken = taker.post(
        f"/tawaran/{offer_id}/ambil",
        data={"csrf": csrf_of(page.text), "swap_assignment_id": str(theirs.id)},
    )
    assert taken.status_code == 303
    session.expire_all()
    assert session.get(Assignment, mine.id).household_id == their_house  # type: ignore[union-attr]
    assert session.get(Assignment, theirs.id).household_id == my_house  # type: ignore[union-attr]


def test_the_phone_keeps_the_receipt_it_made_even_when_the_answer_is_lost(
    client: TestClient, session: Session, clock: FixedClock, world: RTWorld, night: Night
) -> None:
    phone = _phone(client, session, night.member, clock)
    form_page = phone.get("/saya/laporan/baru")
    kept = "AbCdEfGhIjKlMnOpQrStUvWxYz012-_9"  # made on the phone before sending
    form = {
        "csrf": csrf_of(form_page.text),
        "idempotency_key": "anon-1",
        "category": "mencurigakan",
        "severity": "sedang",
        "privacy": "anonymous",
        "description": "Lampu jalan dirusak",
        "receipt": kept,
    }
    first = phone.post(f"/rt/{world.rt.id}/laporan", data=form)
    assert first.status_code == 200
    assert f'data-receipt="{kept}"' in first.text
    # The answer never reached the phone; it sends again with the same key.
    again = phone.post(f"/rt/{world.rt.id}/laporan", data=form)
    assert again.status_code == 303
    assert session.scalar(select(func.count()).select_from(Incident)) == 1
    lookup = phone.get("/laporan/tanda-terima")
    status = phone.post(
        "/laporan/tanda-terima", data={"csrf": csrf_of(lookup.text), "receipt": kept}
    )
    assert status.status_code == 200
    weak = phone.post(
        f"/rt/{world.rt.id}/laporan",
        data=form | {"idempotency_key": "anon-2", "receipt": "short"},
    )
    assert weak.status_code == 422


def test_the_liaison_sends_a_note_without_moving_the_report(
    client: TestClient, session: Session, clock: FixedClock, world: RTWorld, night: Night
) -> None:
    phone = _phone(client, session, night.member, clock)
    form_page = phone.get("/saya/laporan/baru")
    filed = phone.post(
        f"/rt/{world.rt.id}/laporan",
        data={
            "csrf": csrf_of(form_page.text),
            "idempotency_key": "named-1",
            "category": "keributan",
            "severity": "rendah",
            "privacy": "named",
            "description": "Suara musik keras",
        },
    )
    incident_id = int(filed.headers["location"].rsplit("/", 1)[1])
    police = _phone(client, session, night.liaison, clock)
    page = police.get(f"/laporan/{incident_id}").text
    assert 'name="status" value="note"' in page
    assert 'name="status" value="acknowledged"' in page
    # The reporter reads the report but has no buttons to answer it.
    assert 'name="status"' not in phone.get(f"/laporan/{incident_id}").text
    token = csrf_of(page)
    empty = police.post(f"/laporan/{incident_id}/tindak", data={"csrf": token, "status": "note"})
    assert empty.status_code == 422
    noted = police.post(
        f"/laporan/{incident_id}/tindak",
        data={"csrf": token, "status": "note", "note": "Sudah kami tegur"},
    )
    assert noted.status_code == 303
    incident = session.get(Incident, incident_id)
    assert incident is not None
    assert incident.status.value == "reported"
    assert "Sudah kami tegur" in phone.get(f"/laporan/{incident_id}").text

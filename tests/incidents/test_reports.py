"""Reports over HTTP: filing, the follow-up the reporter sees, who sees what, photos, floods."""

import io
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.clock import FixedClock
from app.incidents.models import Incident

from .conftest import People

REPORT = {
    "category": "mencurigakan",
    "severity": "tinggi",
    "place": "Gang Mawar dekat pos",
    "description": "Dua orang mengamati rumah kosong A-07 dengan motor tanpa pelat.",
}


def _file(client: TestClient, people: People, privacy: str, who: str = "reporter", **extra):
    response = client.post(
        f"/api/v1/areas/{people.rt.id}/incidents",
        json=REPORT | {"privacy": privacy} | extra,
        headers=people.headers[who],
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_named_report_followed_up_step_by_step(
    client: TestClient, session: Session, clock: FixedClock, people: People
) -> None:
    filed = _file(client, people, "named", severity="darurat")
    assert filed["emergency_notice"].startswith("Darurat: segera hubungi polisi di 110")
    assert filed["receipt"] is None
    incident_id = filed["incident"]["id"]
    liaison = people.headers["liaison"]
    steps = [
        ("acknowledged", "Sudah kami terima, Bhabinkamtibmas akan datang."),
        ("in_progress", "Patroli Polsek diperketat malam ini."),
        ("resolved", "Pelaku sudah diamankan."),
    ]
    for minutes, (status, note) in enumerate(steps, start=1):
        clock.set(clock.now() + timedelta(minutes=30 * minutes))
        moved = client.post(
            f"/api/v1/incidents/{incident_id}/status",
            json={"status": status, "note": note},
            headers=liaison,
        )
        assert moved.status_code == 200, moved.text
    mine = client.get(f"/api/v1/incidents/{incident_id}", headers=people.headers["reporter"]).json()
    assert [(e["status"], e["note"]) for e in mine["trail"]] == [("reported", None), *steps]
    assert mine["acknowledged_at"] == "2026-11-30T03:30:00Z"
    assert mine["closed_at"] is not None
    # Only the liaison (or an admin) moves a report.
    other = _file(client, people, "named")
    refused = client.post(
        f"/api/v1/incidents/{other['incident']['id']}/status",
        json={"status": "acknowledged"},
        headers=people.headers["rt_head"],
    )
    assert refused.status_code == 403
    no_reason = client.post(
        f"/api/v1/incidents/{other['incident']['id']}/status",
        json={"status": "dismissed"},
        headers=liaison,
    )
    assert no_reason.json()["error"]["code"] == "dismiss_needs_reason"
    backwards = client.post(
        f"/api/v1/incidents/{incident_id}/status", json={"status": "acknowledged"}, headers=liaison
    )
    assert backwards.json()["error"]["code"] == "bad_transition"


def test_anonymous_report_is_followed_by_receipt_alone(
    client: TestClient, session: Session, clock: FixedClock, people: People
) -> None:
    clock.set(clock.now() + timedelta(minutes=17, seconds=5))
    filed = _file(client, people, "anonymous")
    receipt = filed["receipt"]
    assert len(receipt) >= 32
    assert filed["incident"]["reporter"] is None
    row = session.get(Incident, filed["incident"]["id"])
    assert row.reporter_user_id is None
    assert row.receipt_hash != receipt
    assert row.created_at.minute == 0
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "incident.file")).one()
    assert entry.actor_id is None
    client.post(
        f"/api/v1/incidents/{row.id}/status",
        json={"status": "acknowledged", "note": "Diterima."},
        headers=people.headers["liaison"],
    )
    followed = client.post("/api/v1/incidents/receipt", json={"receipt": receipt})
    assert followed.status_code == 200
    assert [e["status"] for e in followed.json()["trail"]] == ["reported", "acknowledged"]
    assert followed.json()["reporter"] is None
    wrong = client.post("/api/v1/incidents/receipt", json={"receipt": "x" * 32})
    assert wrong.status_code == 404


# DESIGN.md "Who sees what", the report rows: (contents, named reporter, confidential
# reporter, confidential reporter's phone) per role.
CELLS = {
    "rt_head": (True, True, False, False),
    "rw_head": (True, True, False, False),
    "neighbour": (False, False, False, False),
    "liaison": (True, True, True, True),
    "admin": (True, True, False, False),
}


@pytest.mark.parametrize("role", list(CELLS))
def test_who_sees_what_of_a_report(
    client: TestClient, session: Session, people: People, role: str
) -> None:
    contents, named, confidential, phone = CELLS[role]
    reports = {
        p: _file(client, people, p)["incident"]["id"]
        for p in ("named", "confidential", "anonymous")
    }
    headers = people.headers[role]
    for privacy, incident_id in reports.items():
        seen = client.get(f"/api/v1/incidents/{incident_id}", headers=headers).json()
        assert seen["full"] is contents, (role, privacy)
        assert (seen["description"] is not None) is contents
        assert seen["category"] == "mencurigakan"
        assert seen["status"] == "reported"
        reporter = seen["reporter"]
        expected = {"named": named, "confidential": confidential, "anonymous": False}[privacy]
        assert (reporter is not None) is expected, (role, privacy)
        if reporter is not None:
            assert reporter["full_name"] == "Nama Reporter Rahasia"
            assert (reporter["phone"] is not None) is (phone and privacy == "confidential")
    listed = client.get(f"/api/v1/areas/{people.rt.id}/incidents", headers=headers).json()
    assert {i["id"] for i in listed["items"]} == set(reports.values())
    # The reporter sees their own named and confidential reports in full.
    own = client.get(
        f"/api/v1/incidents/{reports['confidential']}", headers=people.headers["reporter"]
    ).json()
    assert own["full"] is True


def test_rt_head_hides_abuse_from_residents_not_from_the_liaison(
    client: TestClient, session: Session, people: People
) -> None:
    incident_id = _file(client, people, "anonymous", who="neighbour")["incident"]["id"]
    hidden = client.post(
        f"/api/v1/incidents/{incident_id}/hide",
        json={"reason": "fitnah terhadap tetangga"},
        headers=people.headers["rt_head"],
    )
    assert hidden.json()["hidden"] is True
    listed = client.get(
        f"/api/v1/areas/{people.rt.id}/incidents", headers=people.headers["reporter"]
    ).json()
    assert listed["total"] == 0
    assert (
        client.get(
            f"/api/v1/incidents/{incident_id}", headers=people.headers["reporter"]
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/incidents/{incident_id}", headers=people.headers["liaison"]).json()[
        "hidden"
    ]
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "incident.hide")).one()


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "KameraHP"  # Make
    gps = exif.get_ifd(0x8825)
    gps[2] = (7.0, 3.0, 12.0)  # latitude
    gps[4] = (110.0, 26.0, 30.0)  # longitude
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_photos_lose_their_metadata_and_stay_private(
    client: TestClient, session: Session, people: People
) -> None:
    incident_id = _file(client, people, "named")["incident"]["id"]
    url = f"/api/v1/incidents/{incident_id}/photos"
    original = _jpeg_with_gps()
    assert b"KameraHP" in original
    headers = people.headers["reporter"] | {"Content-Type": "image/jpeg"}
    added = client.post(url, content=original, headers=headers)
    assert added.status_code == 201, added.text
    photo_id = added.json()["photo_ids"][0]
    served = client.get(f"{url}/{photo_id}", headers=people.headers["liaison"])
    assert served.headers["content-type"] == "image/jpeg"
    assert b"KameraHP" not in served.content
    assert not Image.open(io.BytesIO(served.content)).getexif()
    assert client.get(f"{url}/{photo_id}", headers=people.headers["neighbour"]).status_code == 404
    fake = client.post(url, content=b"%PDF-1.4 not an image", headers=headers)
    assert fake.json()["error"]["code"] == "not_an_image"
    for _ in range(2):
        client.post(url, content=original, headers=headers)
    fourth = client.post(url, content=original, headers=headers)
    assert fourth.json()["error"]["code"] == "too_many_photos"
    stranger = client.post(
        url, content=original, headers=people.headers["neighbour"] | {"Content-Type": "image/jpeg"}
    )
    assert stranger.status_code == 403


def test_a_flood_is_stopped_per_rt(client: TestClient, session: Session, people: People) -> None:
    for _ in range(30):
        _file(client, people, "anonymous", who="neighbour")
    flood = client.post(
        f"/api/v1/areas/{people.rt.id}/incidents",
        json=REPORT | {"privacy": "anonymous"},
        headers=people.headers["neighbour"],
    )
    assert flood.status_code == 429
    assert flood.json()["error"]["code"] == "too_many_reports"


def test_retried_report_is_filed_once(client: TestClient, session: Session, people: People) -> None:
    headers = people.headers["reporter"] | {"Idempotency-Key": "lapor-1"}
    body = REPORT | {"privacy": "anonymous"}
    first = client.post(f"/api/v1/areas/{people.rt.id}/incidents", json=body, headers=headers)
    again = client.post(f"/api/v1/areas/{people.rt.id}/incidents", json=body, headers=headers)
    # The receipt is shown once: the replay answers the same report without it.
    assert first.json() | {"receipt": None} == again.json()
    assert len(session.scalars(select(Incident)).all()) == 1


def test_no_receipt_is_kept_and_no_night_is_named(
    client: TestClient, session: Session, people: People
) -> None:
    from app.idempotency.models import IdempotencyRecord

    headers = people.headers["reporter"] | {"Idempotency-Key": "anon-x"}
    body = REPORT | {"privacy": "anonymous"}
    url = f"/api/v1/areas/{people.rt.id}/incidents"
    first = client.post(url, json=body, headers=headers).json()
    assert first["receipt"]
    stored = session.scalars(select(IdempotencyRecord)).one()
    assert first["receipt"] not in repr(stored.response_body)
    assert client.post(url, json=body, headers=headers).json()["receipt"] is None
    named_night = client.post(
        url, json=body | {"night_log_id": 1}, headers=people.headers["reporter"]
    )
    assert named_night.json()["error"]["code"] == "anonymous_no_log"
    naive = client.post(
        url,
        json=REPORT | {"occurred_at": "2026-11-29T22:00:00"},
        headers=people.headers["reporter"],
    )
    assert naive.status_code == 422
    assert naive.json()["error"]["field"] == "occurred_at"


def test_the_reporter_hears_back_in_their_language_but_not_at_night(
    client: TestClient, session: Session, clock: FixedClock, people: People
) -> None:
    from datetime import datetime

    from app.notifications.models import OutboxMessage

    prefs = client.patch(
        "/api/v1/me",
        json={"language": "en", "notify_channel": "email", "email": "pelapor@example.org"},
        headers=people.headers["reporter"],
    )
    assert prefs.status_code == 200, prefs.text
    assert prefs.json()["notify_channel"] == "email"
    assert (
        client.patch(
            "/api/v1/me",
            json={"notify_channel": "email", "email": None},
            headers=people.headers["neighbour"],
        ).json()["error"]["code"]
        == "email_needed"
    )
    incident_id = _file(client, people, "named")["incident"]["id"]
    # 23:00 in Jakarta: the answer waits for 06:00.
    clock.set(datetime.fromisoformat("2026-11-30T23:00:00+07:00"))
    client.post(
        f"/api/v1/incidents/{incident_id}/status",
        json={"status": "acknowledged", "note": "Diterima"},
        headers=people.headers["liaison"],
    )
    message = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.recipient == f"user:{people.users['reporter'].id}"
        )
    ).one()
    assert message.subject == "Your report was followed up"
    assert message.body == f"Your report #{incident_id} is now: acknowledged."
    assert message.channel == "email"
    assert message.payload["email"] == "pelapor@example.org"
    assert message.next_attempt_at == datetime.fromisoformat("2026-12-01T06:00:00+07:00")

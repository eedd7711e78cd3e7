"""The roster where people already look: CSV, WhatsApp, iCalendar feeds, the A4 page."""

import csv
import io
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy.orm import Session

from app.auth.models import Role
from app.clock import FixedClock
from tests.factories import bearer, make_household, make_tree, make_user

LONG_NAMES = [
    "Bapak Muhammad Nur Prasetyo Wibowo",
    "Ibu Sri Wahyuni Kusumaningrum",
    "Bapak Agus Setiawan Hadiprojo",
    "Bapak Bambang Sugeng Purnomo",
]


def _roster(client: TestClient, session: Session, clock: FixedClock, *, n: int, team: int):
    tree = make_tree(session, clock.now())
    rt = tree["rt1"]
    rt.team_size, rt.min_gap_days = team, 2
    houses = [
        make_household(
            session,
            rt,
            clock.now(),
            members=1,
            joined_date=date(2025, 1, 1),
            head_name=f"{LONG_NAMES[i % 4]} {i}",
        )
        for i in range(n)
    ]
    head = make_user(session, clock.now(), role=Role.rt_head, area=rt)
    headers = bearer(session, head, clock.now())
    session.commit()
    client.post(
        f"/api/v1/areas/{rt.id}/calendar",
        json={
            "start_date": "2026-12-31",
            "end_date": "2026-12-31",
            "team_size": 0,
            "note": "acara tahun baru",
        },
        headers=headers,
    )
    roster = client.post(
        f"/api/v1/areas/{rt.id}/rosters", json={"month": "2026-12"}, headers=headers
    ).json()
    client.post(f"/api/v1/rosters/{roster['id']}/publish", headers=headers)
    return rt, houses, headers, roster


def test_whatsapp_text_reads_in_indonesian(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    _rt, _houses, headers, roster = _roster(client, session, clock, n=20, team=3)
    wa = client.get(f"/api/v1/rosters/{roster['id']}/whatsapp", headers=headers).json()
    lines = wa["text"].splitlines()
    assert re.fullmatch(
        r"\*Jadwal Ronda Malam RT \d+ / RW \d+ KELURAHAN \d+, Desember 2026\*", lines[0]
    )
    first = lines[2]
    assert first.startswith("Sel 1 Des, 22.00\u201304.00: ")
    assert first.count("(A-") == 3
    assert any(line.startswith("Jum 25 Des (Hari Raya Natal), 22.00") for line in lines)
    assert "Kam 31 Des: _acara tahun baru_" in lines
    assert lines[-1] == "Tukar giliran lewat aplikasi Ronda atau kabari Ketua RT. Tetap waspada!"
    assert wa["share_url"].startswith("https://wa.me/?text=%2AJadwal%20Ronda")


def test_csv_has_a_row_per_turn(client: TestClient, session: Session, clock: FixedClock) -> None:
    _rt, _houses, headers, roster = _roster(client, session, clock, n=20, team=3)
    response = client.get(
        f"/api/v1/rosters/{roster['id']}/export.csv", headers={**headers, "Accept-Language": "en"}
    )
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 30 * 3
    assert rows[0]["date"] == "2026-12-01"
    assert rows[0]["weekday"] == "Tuesday"
    assert {r["status"] for r in rows} == {"scheduled"}


def test_ical_feeds_match_the_roster_and_can_be_revoked(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    rt, houses, headers, roster = _roster(client, session, clock, n=20, team=3)
    household = houses[4]
    feed = client.post(f"/api/v1/households/{household.id}/calendar-feed", headers=headers)
    assert feed.status_code == 201
    url = feed.json()["url"]
    response = client.get(url)
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = sorted((e.decoded("dtstart"), e.decoded("dtend")) for e in calendar.walk("VEVENT"))
    expected = sorted(
        (n["starts_at"], n["ends_at"])
        for n in roster["nights"]
        if any(a["household_id"] == household.id for a in n["households"])
    )
    assert [
        (s.isoformat().replace("+00:00", "Z"), e.isoformat().replace("+00:00", "Z"))
        for s, e in events
    ] == expected
    assert len(events) >= 3
    whole = client.post(f"/api/v1/areas/{rt.id}/calendar-feed", headers=headers).json()
    nights = Calendar.from_ical(client.get(whole["url"]).content).walk("VEVENT")
    assert len(nights) == 30
    assert (
        client.delete(f"/api/v1/calendar-feeds/{feed.json()['id']}", headers=headers).status_code
        == 204
    )
    gone = client.get(url)
    assert gone.status_code == 404
    assert client.get("/ical/not-a-real-secret.ics").status_code == 404


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_the_print_page_fits_one_a4_sheet(
    client: TestClient, session: Session, clock: FixedClock, tmp_path: Path
) -> None:
    browser = _chromium()
    if browser is None:
        if os.environ.get("RONDA_TEST_REQUIRE_BROWSER") == "1":
            pytest.fail("RONDA_TEST_REQUIRE_BROWSER=1 but chromium is not installed")
        pytest.skip("chromium not installed (apt-get install chromium)")
    _rt, _houses, headers, roster = _roster(client, session, clock, n=80, team=7)
    page = client.get(f"/api/v1/rosters/{roster['id']}/print", headers=headers)
    assert page.headers["content-type"].startswith("text/html")
    assert page.text.count("<tr") == 32  # the header and 31 nights
    html = tmp_path / "roster.html"
    html.write_text(page.text, encoding="utf-8")
    pdf = tmp_path / "roster.pdf"
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert pages == 1

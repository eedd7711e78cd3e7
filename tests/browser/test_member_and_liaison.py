"""A night at the post and a report answered, at 360 px in Chromium against ``ronda serve``.

The server's clock starts at 22:30 WIB tonight, so the patrol is on. The member
checks in while the phone is offline; the check-in arrives once the signal returns.
"""

import io
import json
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy import create_engine, func, select

from app.patrols.models import CheckIn
from tests.browser.conftest import OUTPUT, PAGE_BUDGET_BYTES, Phone, make_rt
from tests.server.conftest import Database

LIAISON_PASSWORD = "bhabin-rahasia-1"
NOTE = "Sudah kami cek bersama Babinsa"


def _check_ins(database: Database) -> int:
    engine = create_engine(database.url)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(CheckIn)) or 0
    finally:
        engine.dispose()


def _photo(path: Path) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 40, 40)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def test_member_night_and_anonymous_report_answered_by_the_liaison(
    live_server: Callable[..., Any],
    live_database: Database,
    phone: Callable[..., Phone],
    tmp_path: Path,
) -> None:
    today = datetime.now(UTC).date()
    # 22:30 WIB tonight: the patrol (22:00-04:00) is on.
    tonight = datetime.combine(today, datetime.min.time(), UTC) + timedelta(hours=15, minutes=30)
    server = live_server(RONDA_CLOCK_START=tonight.isoformat())
    world = make_rt(server, head_password="ketua-rahasia-1", team_size=2, min_gap_days=1)
    api, rt = world["api"], world["rt"]
    houses = [
        api.post(
            f"/areas/{rt['id']}/households",
            json={"house_code": code, "head_name": name, "address": f"Gang Mawar {code}"},
        ).json()
        for code, name in (("B-01", "Bapak Slamet"), ("B-02", "Ibu Ratna"))
    ]
    member = api.post(
        f"/areas/{rt['id']}/users",
        json={"username": "slamet.b01", "full_name": "Bapak Slamet", "role": "member"},
    ).json()
    linked = api.post(
        f"/households/{houses[0]['id']}/members", json={"name": "Slamet", "user_id": member["id"]}
    )
    assert linked.status_code == 201, linked.text
    watch = api.post(
        f"/households/{houses[1]['id']}/house-watch",
        json={
            "start_date": today.isoformat(),
            "end_date": (today + timedelta(days=3)).isoformat(),
            "note": "Mudik ke Solo",
        },
    )
    assert watch.status_code == 201, watch.text
    roster = api.post(f"/areas/{rt['id']}/rosters", json={"month": today.strftime("%Y-%m")}).json()
    assert api.post(f"/rosters/{roster['id']}/publish").status_code == 200
    liaison = api.post(
        f"/areas/{world['kelurahan']['id']}/users",
        json={
            "username": "bhabin.bulusan",
            "full_name": "Bripka Dedi",
            "password": LIAISON_PASSWORD,
            "role": "liaison",
        },
    )
    assert liaison.status_code == 201, liaison.text
    link = api.post(f"/users/{member['id']}/sign-in-link").json()["path"]

    me = phone(server.base_url, "member")
    page = me.page
    me.open(link)
    me.shot("sign-in-link")
    me.follow("button[type=submit]")
    me.follow("a[href='/saya']")
    me.shot("my-nights")
    me.follow("a.button.big")  # tonight at the post
    me.shot("tonight")

    # No signal at the post: the check-in waits on the phone, then arrives once.
    page.context.set_offline(True)
    page.locator("form[data-checkin] button").click()
    page.locator("[data-pending]").wait_for(state="visible")
    me.shot("check-in-kept-offline")
    assert _check_ins(live_database) == 0
    page.context.set_offline(False)
    deadline = time.monotonic() + 30
    while _check_ins(live_database) == 0 and time.monotonic() < deadline:
        page.wait_for_timeout(300)  # lets Playwright serve the page's requests meanwhile
    assert _check_ins(live_database) == 1
    me.measure(lambda: page.reload())
    assert page.locator("form[data-checkin]").count() == 0
    page.wait_for_timeout(500)  # the page's own flush finds nothing left to send
    assert _check_ins(live_database) == 1

    me.follow("form[action$='/catat'] button.big")  # aman, in one tap
    assert "Sudah dicatat" in page.locator("main").inner_text()
    me.follow("#titip + ul form button")
    assert page.locator("#titip + ul .badge.ok").count() == 1
    me.shot("logged-and-ticked")

    me.open("/saya/laporan/baru")
    page.select_option("#f-category", "mencurigakan")
    page.select_option("#f-severity", "tinggi")
    page.fill("#f-description", "Dua orang asing memeriksa pagar rumah kosong")
    page.fill("#f-place", "Gang Mawar")
    page.set_input_files("#f-photo", str(_photo(tmp_path / "foto.jpg")))
    page.check("input[name=privacy][value=anonymous]")
    me.shot("report-form")
    page.locator("form[data-offline] button[type=submit]").click()
    receipt_box = page.locator("[data-receipt]")
    receipt_box.wait_for()
    receipt = receipt_box.get_attribute("data-receipt")
    assert receipt
    me.shot("receipt")

    officer = phone(server.base_url, "liaison")
    police = officer.page
    officer.open("/masuk")
    police.fill("#f-username", "bhabin.bulusan")
    police.fill("#f-password", LIAISON_PASSWORD)
    officer.follow("button[type=submit]")
    officer.follow("a[href$='/ringkasan']")
    assert police.locator("svg").count() == 3  # charts drawn on the server
    officer.shot("summary")
    officer.follow("a[href$='/laporan']")
    officer.shot("open-reports")
    officer.follow("ul.cards a.row-link")
    assert "Tanpa nama" in police.locator("main").inner_text()  # nobody's name
    assert police.locator("main img").count() == 1  # the photo
    officer.shot("report")
    police.fill("#f-note", NOTE)
    officer.follow("button[name=status][value=acknowledged]")
    assert NOTE in police.locator("main").inner_text()
    officer.shot("report-acknowledged")

    me.open("/saya/laporan")
    me.follow("[data-receipts] button")
    assert NOTE in page.locator("main").inner_text()
    me.shot("report-followed-by-receipt")

    for device in (me, officer):
        assert device.outside == []
        assert {u: s for u, s in device.weights.items() if s > PAGE_BUDGET_BYTES} == {}
    weights = {"member": me.weights, "liaison": officer.weights}
    (OUTPUT / "page-weights-member-liaison.json").write_text(json.dumps(weights, indent=1))
    assert date.today()  # the machine's date, the server's "tonight"

"""The RT head's month at 360 px in Chromium: import, draft, publish, share, print."""

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.browser.conftest import OUTPUT, PAGE_BUDGET_BYTES, Phone, make_rt

PASSWORD = "ketua-rt07-rahasia"
BAD_CSV = "rumah,nama_kepala_keluarga,telepon\nC-01,Bapak Ali,0812\nC-02,,\n"


def _households_csv(count: int) -> str:
    rows = ["rumah,nama_kepala_keluarga,telepon,nama_anggota"]
    for i in range(1, count + 1):
        rows.append(f"C-{i:02d},Bapak Warga {i},0812-7000-{i:04d},Anak {i}")
    return "\n".join(rows) + "\n"


def test_rt_head_imports_drafts_publishes_shares_and_prints(
    live_server: Callable[..., Any], phone: Callable[..., Phone], tmp_path: Path
) -> None:
    server = live_server()
    world = make_rt(server, head_password=PASSWORD)
    rt_id = world["rt"]["id"]
    me = phone(server.base_url, "rt-head")
    page = me.page

    me.open("/")
    assert "/masuk" in page.url
    me.shot("sign-in")
    page.fill("#f-username", "ketua.rt07")
    page.fill("#f-password", PASSWORD)
    me.follow("button[type=submit]")
    assert page.locator("h1").inner_text().startswith("Halo")
    me.shot("home")

    me.follow(f"a[href='/rt/{rt_id}/warga']")
    me.follow(f"a[href='/rt/{rt_id}/warga/impor']")
    bad = tmp_path / "salah.csv"
    bad.write_text(BAD_CSV)
    page.set_input_files("#f-file", str(bad))
    me.follow("form[enctype] button[type=submit]")
    assert page.locator("table tbody tr").count() == 2  # every bad row, with its line
    me.shot("import-errors")
    good = tmp_path / "warga.csv"
    good.write_text(_households_csv(24))
    page.set_input_files("#f-file", str(good))
    me.follow("form[enctype] button[type=submit]")
    assert "24 KK baru" in page.locator(".flash").inner_text()
    me.shot("import-done")

    me.open(f"/rt/{rt_id}/jadwal")
    page.fill("#f-month", "2026-12")
    me.follow("form button.big")
    assert "Draf sudah siap" in page.locator(".flash").inner_text()
    assert page.locator("section.night").count() == 31
    assert page.locator(".reason").first.inner_text()  # each turn says why
    me.shot("draft")

    me.follow("form[action$='/terbitkan'] button")
    assert "diterbitkan" in page.locator(".flash").inner_text()
    roster_url = page.url

    me.follow("a[href$='/bagikan']")
    share = page.locator("#wa-share").get_attribute("href")
    assert share is not None
    assert share.startswith("https://wa.me/?text=")
    assert "RT%2007" in share
    me.shot("share")

    roster_id = re.search(r"/jadwal/(\d+)", roster_url).group(1)  # type: ignore[union-attr]
    me.open(f"/jadwal/{roster_id}/cetak")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (OUTPUT / "roster.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1  # the month on one A4 sheet

    for path, name in (
        (f"/rt/{rt_id}/tukar", "swaps"),
        (f"/rt/{rt_id}/keadilan?month=2026-12", "fairness"),
        (f"/rt/{rt_id}/kehadiran", "attendance"),
        (f"/rt/{rt_id}/buku", "ledger"),
        (f"/rt/{rt_id}/pengaturan", "settings"),
        (f"/rt/{rt_id}/anggota", "members"),
    ):
        me.open(path)
        assert page.locator("h1").count() == 1
        me.shot(name)

    assert me.outside == []  # no page asked anything of another site
    heavy = {url: size for url, size in me.weights.items() if size > PAGE_BUDGET_BYTES}
    assert heavy == {}
    (OUTPUT / "page-weights-rt-head.json").write_text(json.dumps(me.weights, indent=1))

"""The privacy notice: from the deployment's settings, Indonesian by default, self-contained."""

import re

from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app


def test_notice_in_indonesian_by_default_and_english_on_request(client: TestClient) -> None:
    page = client.get("/privasi")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<html lang="id">' in html
    assert "Pemberitahuan Privasi Ronda" in html
    assert "Undang-Undang Nomor 27 Tahun 2022" in html
    assert "dihapus setelah 90 hari" in html  # the default for check-in locations
    assert "Pelapor laporan anonim" in html
    english = client.get("/privasi", params={"lang": "en"}).text
    assert '<html lang="en">' in english
    assert "Ronda Privacy Notice" in english
    assert "deleted after 90 days" in english
    assert "Reporter of a confidential report" in english
    # The choice is remembered on the phone, as on every page.
    client.get("/bahasa/en")
    remembered = client.get("/privacy").text
    assert '<html lang="en">' in remembered
    assert "deleted after 90 days" in remembered


def test_notice_says_what_this_deployment_keeps(settings: Settings) -> None:
    custom = settings.model_copy(
        update={
            "retention_checkin_location_days": 30,
            "retention_report_text_days": 0,
            "privacy_controller": "Pengurus RW 05 Bulusan",
            "privacy_contact": "rw05@example.id",
        }
    )
    with TestClient(create_app(custom)) as client:
        html = client.get("/privasi").text
    assert "dihapus setelah 30 hari" in html
    assert "Uraian laporan yang selesai: disimpan tanpa batas waktu" in html
    assert "Pengurus RW 05 Bulusan" in html
    assert "rw05@example.id" in html


def test_notice_page_is_self_contained(client: TestClient) -> None:
    page = client.get("/privasi")
    html = page.text
    assert not re.search(r"<script(?![^>]*\ssrc=\"/static/)", html)  # only the app's own script
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert " style=" not in html
    assert "<style" not in html  # the app's stylesheet only
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert 'name="viewport"' in html

"""Backups of a live deployment under write load, restored into a fresh one: every write
acknowledged before the backup began is there, photos included."""

import io
import subprocess
import tarfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from PIL import Image
from sqlalchemy import select

from app.db import make_engine
from app.incidents.models import IncidentPhoto

from .conftest import (
    ADMIN_PASSWORD,
    RONDA,
    Database,
    LiveServer,
    _fresh_postgres,
    free_port,
    ronda_env,
    run_ronda,
    wait_healthy,
)

pytestmark = pytest.mark.server

REPORTS_PER_RT = 20  # under the per-RT flood limit of 30 an hour


def _png(i: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (i % 255, 90, 160)).save(out, format="PNG")
    return out.getvalue()


def _tree(base: str, headers: dict[str, str]) -> list[int]:
    parent = httpx.post(
        f"{base}/api/v1/areas", json={"kind": "kota", "name": "Kota Cadangan"}, headers=headers
    ).json()["id"]
    for kind in ("kecamatan", "kelurahan", "rw"):
        parent = httpx.post(
            f"{base}/api/v1/areas/{parent}/children",
            json={"kind": kind, "name": f"{kind} 1"},
            headers=headers,
        ).json()["id"]
    rts = []
    for n in (1, 2):
        created = httpx.post(
            f"{base}/api/v1/areas/{parent}/children",
            json={"kind": "rt", "name": f"RT 0{n}"},
            headers=headers,
        )
        assert created.status_code == 201, created.text
        rts.append(created.json()["id"])
    return rts


def _serve(url: str, cwd: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [RONDA, "serve", "--port", str(port)],
        env=ronda_env(url, RONDA_RUN_SCHEDULER="false"),
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_healthy(base, process)
    return process, base


def test_backup_under_load_restores_every_acknowledged_write(
    live_server: Callable[..., LiveServer], live_database: Database, tmp_path: Path
) -> None:
    sqlite = live_database.url.startswith("sqlite")
    server = live_server(workers=1 if sqlite else 2)
    base, headers = server.base_url, server.admin_headers
    rts = _tree(base, headers)
    acked: list[tuple[float, str, int, int | str]] = []
    failures: list[str] = []
    stop = threading.Event()

    def households(writer: int) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            i = 0
            while not stop.is_set():
                code = f"W{writer}-{i:04d}"
                response = client.post(
                    f"/api/v1/areas/{rts[writer % 2]}/households",
                    json={"house_code": code, "head_name": f"Kepala {code}"},
                )
                if response.status_code == 201:
                    acked.append((time.monotonic(), "household", response.json()["id"], code))
                else:
                    failures.append(response.text)
                i += 1

    def reports() -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            for i in range(REPORTS_PER_RT * len(rts)):
                if stop.is_set():
                    return
                filed = client.post(
                    f"/api/v1/areas/{rts[i % 2]}/incidents",
                    json={"category": "pencurian", "description": f"laporan {i}"},
                )
                if filed.status_code != 201:
                    failures.append(filed.text)
                    continue
                incident = filed.json()["incident"]["id"]
                photo = client.post(
                    f"/api/v1/incidents/{incident}/photos",
                    content=_png(i),
                    headers={"Content-Type": "image/png"},
                )
                if photo.status_code == 201:
                    acked.append(
                        (time.monotonic(), "photo", incident, photo.json()["photo_ids"][0])
                    )
                else:
                    failures.append(photo.text)

    writers = [threading.Thread(target=households, args=(w,)) for w in range(2)]
    writers.append(threading.Thread(target=reports))
    for thread in writers:
        thread.start()
    try:
        # Enough acknowledged writes of each kind first, however slow the machine is.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (
            sum(1 for a in acked if a[1] == "household") > 20
            and sum(1 for a in acked if a[1] == "photo") > 3
        ):
            time.sleep(0.2)
        archive = tmp_path / "backups" / "ronda.tar.gz"
        started = time.monotonic()
        env = ronda_env(live_database.url)
        made = run_ronda("backup", "--output", str(archive), env=env, cwd=tmp_path)
        finished = time.monotonic()
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in writers:
            thread.join(timeout=60)
    assert made.returncode == 0, made.stderr
    assert failures == []
    before = [a for a in acked if a[0] < started]
    during = [a for a in acked if started <= a[0] < finished]
    assert sum(1 for a in before if a[1] == "household") > 20
    assert sum(1 for a in before if a[1] == "photo") > 3
    assert during, "the load went on while the backup ran"
    with tarfile.open(archive) as opened:
        names = opened.getnames()
    assert "ronda-backup/manifest.json" in names
    assert any(n.startswith("ronda-backup/media/incidents/") for n in names)

    # A fresh deployment: an empty database and an empty folder.
    fresh_dir = tmp_path / "restored"
    fresh_dir.mkdir()
    fresh = (
        Database(url=f"sqlite:///{fresh_dir / 'restored.db'}", drop=lambda: None)
        if sqlite
        else _fresh_postgres()
    )
    process = None
    try:
        fresh_env = ronda_env(fresh.url)
        restored = run_ronda("restore", str(archive), env=fresh_env, cwd=fresh_dir)
        assert restored.returncode == 0, restored.stderr
        again = run_ronda("restore", str(archive), env=fresh_env, cwd=fresh_dir)
        assert again.returncode == 2
        assert "not empty" in again.stderr
        process, fresh_base = _serve(fresh.url, fresh_dir)
        login = httpx.post(
            f"{fresh_base}/api/v1/auth/login",
            json={"username": "admin", "password": ADMIN_PASSWORD},
        )
        assert login.status_code == 200, login.text
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
        missing = []
        with httpx.Client(base_url=fresh_base, headers=auth, timeout=30) as client:
            for _at, kind, first, second in before:
                if kind == "household":
                    got = client.get(f"/api/v1/households/{first}")
                    if got.status_code != 200 or got.json()["house_code"] != second:
                        missing.append((kind, first))
                else:
                    got = client.get(f"/api/v1/incidents/{first}/photos/{second}")
                    if got.status_code != 200 or got.headers["content-type"] != "image/png":
                        missing.append((kind, first))
        assert missing == []
        # Consistent: every photo the restored database names has its file.
        engine = make_engine(fresh.url)
        with engine.connect() as connection:
            files = connection.scalars(select(IncidentPhoto.file_name)).all()
        engine.dispose()
        assert len(files) >= sum(1 for a in before if a[1] == "photo")
        assert all((fresh_dir / "media" / "incidents" / name).is_file() for name in files)
        dry = run_ronda("purge", "--dry-run", env=fresh_env, cwd=fresh_dir)
        assert dry.returncode == 0, dry.stderr
        assert "dry run: nothing was changed" in dry.stdout
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=15)
        fresh.drop()


def test_backup_says_clearly_when_pg_dump_is_missing(
    postgres_database: Database, tmp_path: Path
) -> None:
    env = ronda_env(postgres_database.url, PATH="/nonexistent")
    upgraded = run_ronda("db", "upgrade", env=ronda_env(postgres_database.url), cwd=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    made = run_ronda("backup", "--output", str(tmp_path / "b.tar.gz"), env=env, cwd=tmp_path)
    assert made.returncode == 2
    assert "pg_dump was not found on PATH" in made.stderr
    assert not (tmp_path / "b.tar.gz").exists()

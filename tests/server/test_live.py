"""Real uvicorn processes: what needs several connections at once."""

import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from app.db import make_engine

from .conftest import (
    RONDA,
    Database,
    LiveServer,
    free_port,
    ronda_env,
    run_ronda,
    wait_healthy,
)

pytestmark = pytest.mark.server


def test_parallel_repeats_of_one_key_create_one_area(
    live_server: Callable[..., LiveServer], live_database: Database
) -> None:
    workers = 1 if live_database.url.startswith("sqlite") else 2
    server = live_server(workers=workers)
    body = {"kind": "kota", "name": "Kota Surakarta"}

    def post(_: int) -> httpx.Response:
        return httpx.post(
            f"{server.base_url}/api/v1/areas",
            json=body,
            headers={"Idempotency-Key": "storm-1"} | server.admin_headers,
            timeout=30,
        )

    with ThreadPoolExecutor(max_workers=12) as pool:
        responses = list(pool.map(post, range(24)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    listing = httpx.get(
        f"{server.base_url}/api/v1/areas", params={"kind": "kota"}, headers=server.admin_headers
    ).json()
    assert listing["total"] == 1


def test_serve_refuses_several_workers_on_sqlite(tmp_path: Path) -> None:
    env = ronda_env(f"sqlite:///{tmp_path / 'x.db'}")
    result = run_ronda("serve", "--workers", "2", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "SQLite allows one worker only" in result.stderr


def test_replicas_upgrading_together_upgrade_once(
    postgres_database: Database, tmp_path: Path
) -> None:
    env = ronda_env(postgres_database.url, RONDA_LOG_LEVEL="INFO")
    processes = [
        subprocess.Popen(
            [RONDA, "db", "upgrade"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    ran = sum("Running upgrade" in err for _out, err in outputs)
    assert ran == 1, outputs
    engine = make_engine(postgres_database.url)
    with engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    engine.dispose()
    assert len(versions) == 1


def test_parallel_wrong_passwords_across_two_workers_throttle_the_account(
    postgres_database: Database, tmp_path: Path
) -> None:
    env = ronda_env(postgres_database.url, RONDA_RUN_SCHEDULER="false")
    assert run_ronda("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    created = run_ronda(
        "user",
        "create",
        "pak.rt",
        "--name",
        "Pak RT",
        "--password",
        "benar-sekali",
        env=env,
        cwd=tmp_path,
    )
    assert created.returncode == 0, created.stderr
    port = free_port()
    process = subprocess.Popen(
        [RONDA, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process)

        def attempt(password: str) -> int:
            response = httpx.post(
                f"{base}/api/v1/auth/login",
                json={"username": "pak.rt", "password": password},
                timeout=30,
            )
            return response.status_code

        with ThreadPoolExecutor(max_workers=10) as pool:
            codes = list(pool.map(attempt, [f"salah-{i}" for i in range(10)]))
        assert set(codes) <= {401, 429}
        assert attempt("benar-sekali") == 429
    finally:
        process.terminate()
        process.wait(timeout=15)

"""The second tier: real ``ronda serve`` processes, each on a database of its own."""

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.conftest import create_postgres_database

POSTGRES_URL = os.environ.get("RONDA_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = os.environ.get("RONDA_TEST_REQUIRE_POSTGRES") == "1"
ADMIN_PASSWORD = "admin-live-test"
RONDA = shutil.which("ronda", path=str(Path(sys.executable).parent)) or "ronda"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Database:
    url: str
    drop: Callable[[], None] = field(repr=False)


def _fresh_postgres() -> Database:
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("RONDA_TEST_REQUIRE_POSTGRES=1 but RONDA_TEST_POSTGRES_URL is not set")
        pytest.skip("PostgreSQL not configured: set RONDA_TEST_POSTGRES_URL")
    url, drop = create_postgres_database(f"ronda_live_{uuid.uuid4().hex[:10]}")
    return Database(url=url, drop=drop)


@pytest.fixture(params=["sqlite", "postgresql"])
def live_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A new, empty database of each kind, dropped afterwards."""
    if request.param == "sqlite":
        yield Database(url=f"sqlite:///{tmp_path / 'live.db'}", drop=lambda: None)
        return
    database = _fresh_postgres()
    try:
        yield database
    finally:
        database.drop()


@pytest.fixture
def postgres_database() -> Iterator[Database]:
    database = _fresh_postgres()
    try:
        yield database
    finally:
        database.drop()


def ronda_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RONDA_")}
    env |= {"RONDA_DATABASE_URL": database_url, "RONDA_LOG_LEVEL": "WARNING"} | extra
    return env


def run_ronda(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [RONDA, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )


def wait_healthy(base_url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """Wait until ``/healthz`` answers 200, or fail if the server exits or stays silent."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"ronda serve exited with {process.returncode}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"ronda serve did not become healthy within {timeout} s")


@dataclass
class LiveServer:
    base_url: str
    process: subprocess.Popen[bytes]
    admin_headers: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def live_server(live_database: Database, tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start ``ronda serve`` on the live database after ``ronda db upgrade``."""
    started: list[LiveServer] = []

    def start(workers: int = 1, **extra_env: str) -> LiveServer:
        env = ronda_env(live_database.url, RONDA_RUN_SCHEDULER="false", **extra_env)
        upgraded = run_ronda("db", "upgrade", env=env, cwd=tmp_path)
        assert upgraded.returncode == 0, upgraded.stderr
        if not started:
            for args in (
                ("user", "create", "admin", "--name", "Admin", "--password", ADMIN_PASSWORD),
                ("grant", "admin", "admin"),
            ):
                done = run_ronda(*args, env=env, cwd=tmp_path)
                assert done.returncode == 0, done.stderr
        port = free_port()
        process = subprocess.Popen(
            [RONDA, "serve", "--port", str(port), "--workers", str(workers)],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        server = LiveServer(base_url=f"http://127.0.0.1:{port}", process=process)
        started.append(server)
        wait_healthy(server.base_url, process)
        login = httpx.post(
            f"{server.base_url}/api/v1/auth/login",
            json={"username": "admin", "password": ADMIN_PASSWORD},
        )
        server.admin_headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        return server

    yield start
    for server in started:
        server.process.terminate()
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()

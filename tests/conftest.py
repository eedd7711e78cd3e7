"""Fixtures: the suite runs on SQLite, and again on PostgreSQL when it is configured.

Set ``RONDA_TEST_POSTGRES_URL`` (a database the tests may wipe) to add PostgreSQL;
``RONDA_TEST_REQUIRE_POSTGRES=1`` turns an unreachable PostgreSQL into a failure.
"""

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, make_url, text
from sqlalchemy.orm import Session

from app import migrate
from app.clock import FixedClock
from app.config import Settings
from app.db import get_session, make_engine
from app.main import create_app

POSTGRES_URL = os.environ.get("RONDA_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = os.environ.get("RONDA_TEST_REQUIRE_POSTGRES") == "1"
# A Monday morning in Jakarta; tests move the clock instead of patching time.
T0 = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


def _postgres_reachable(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        return str(exc).splitlines()[0]
    finally:
        engine.dispose()
    return None


def pytest_report_header() -> list[str]:
    return [f"databases: sqlite{', postgresql' if POSTGRES_URL else ' (postgresql not set)'}"]


def create_postgres_database(name: str) -> tuple[str, Callable[[], None]]:
    """A new, empty PostgreSQL database ``name`` on the server of
    ``RONDA_TEST_POSTGRES_URL`` (one a stopped run left behind is dropped first):
    its URL, and how to drop it."""
    assert POSTGRES_URL
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    dropping = text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    with admin.connect() as connection:
        connection.execute(dropping)
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(dropping)
        admin.dispose()

    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    return url, drop


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database of each kind, built by ``alembic upgrade head``.

    Under pytest-xdist each worker migrates a PostgreSQL database of its own beside
    the one named (``<name>_gw0``, ...), dropped at the end.
    """
    drop: Callable[[], None] | None = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        if not POSTGRES_URL:
            if REQUIRE_POSTGRES:
                pytest.fail("RONDA_TEST_REQUIRE_POSTGRES=1 but RONDA_TEST_POSTGRES_URL is not set")
            pytest.skip("PostgreSQL not configured: set RONDA_TEST_POSTGRES_URL")
        problem = _postgres_reachable(POSTGRES_URL)
        if problem:
            if REQUIRE_POSTGRES:
                pytest.fail(f"PostgreSQL unreachable: {problem}")
            pytest.skip(f"PostgreSQL unreachable: {problem}")
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker:
            url, drop = create_postgres_database(f"{make_url(POSTGRES_URL).database}_{worker}")
        else:
            url = POSTGRES_URL
            _reset_postgres(url)
    migrate.upgrade(url)
    yield url
    if drop:
        drop()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """One connection whose outer transaction is rolled back after the test."""
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    """The test's session; a commit only releases a savepoint of the outer transaction."""
    with Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    ) as session:
        yield session


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        media_dir=tmp_path / "media",
        run_scheduler=False,
        argon2_time_cost=1,
        argon2_memory_cost_kib=1024,
    )


@pytest.fixture
def app(settings: Settings, engine: Engine, session: Session, clock: FixedClock) -> FastAPI:
    """The real app, its unit of work bound to the test's rolled-back transaction."""
    application = create_app(settings, engine=engine, clock=clock)

    def test_session() -> Iterator[Session]:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

    application.dependency_overrides[get_session] = test_session
    return application


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def admin_client(client: TestClient, session: Session, clock: FixedClock) -> TestClient:
    """The client signed in as an installation-wide admin."""
    from app.auth.models import Role
    from tests.factories import bearer, make_user

    admin = make_user(session, clock.now(), role=Role.admin, username="admin-root")
    client.headers.update(bearer(session, admin, clock.now()))
    # Commit the set-up (into the outer transaction) so a request that fails and
    # rolls back its own work does not take the admin with it.
    session.commit()
    return client

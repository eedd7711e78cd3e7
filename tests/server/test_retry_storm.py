"""A weak signal's retry storm: 1,000 submissions, repeats and parallel duplicates included,
against two uvicorn workers on PostgreSQL, leave exactly one record per submission."""

import random
import subprocess
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from app import migrate
from app.auth import service as auth
from app.auth.models import Role
from app.db import make_engine, make_sessionmaker
from app.households.models import Member
from app.idempotency.models import IdempotencyRecord
from app.patrols.models import CheckIn, LogEntry
from app.rostering import service as rostering
from app.rostering.models import Assignment, RosterNight
from tests.factories import make_household, make_tree, make_user

from .conftest import RONDA, Database, free_port, ronda_env, wait_healthy

pytestmark = pytest.mark.server

KEYS = 250
COPIES = 4


def test_retry_storm_leaves_one_record_each(postgres_database: Database, tmp_path: Path) -> None:
    migrate.upgrade(postgres_database.url)
    engine = make_engine(postgres_database.url)
    now = datetime.now(UTC)
    # A night that runs 13:00 to 12:59 UTC is under way whenever the test runs.
    night_date = now.date() - timedelta(days=1) if now.time() < time(12, 59) else now.date()
    with make_sessionmaker(engine).begin() as session:
        tree = make_tree(session, now)
        rt = tree["rt1"]
        rt.timezone, rt.patrol_start, rt.patrol_end = "UTC", time(13, 0), time(12, 59)
        for _ in range(10):
            make_household(
                session, rt, now, members=1, joined_date=night_date - timedelta(days=400)
            )
        roster = rostering.generate_draft(
            session, rt, night_date.strftime("%Y-%m"), actor_id=None, now=now
        )
        rostering.publish(session, roster, actor_id=None, now=now)
        night = session.scalars(
            select(RosterNight).where(
                RosterNight.roster_id == roster.id, RosterNight.night_date == night_date
            )
        ).one()
        turn = session.scalars(select(Assignment).where(Assignment.night_id == night.id)).first()
        user = make_user(session, now, role=Role.member, area=rt)
        member = session.scalars(
            select(Member).where(Member.household_id == turn.household_id)
        ).first()
        member.user_id = user.id
        secret, _token = auth.open_session(session, user, now)
        night_id = night.id
    port = free_port()
    process = subprocess.Popen(
        [RONDA, "serve", "--port", str(port), "--workers", "2"],
        env=ronda_env(postgres_database.url, RONDA_RUN_SCHEDULER="false"),
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process)
        sends = [(k, n) for k in range(KEYS) for n in range(COPIES)]
        random.Random(8).shuffle(sends)
        headers = {"Authorization": f"Bearer {secret}"}

        with httpx.Client(base_url=base, timeout=60) as client:

            def send(item: tuple[int, int]) -> tuple[int, int, dict]:
                key, _copy = item
                response = client.post(
                    f"/api/v1/nights/{night_id}/log",
                    json={"kind": "note", "text": f"laporan {key}"},
                    headers={**headers, "Idempotency-Key": f"storm-{key}"},
                )
                return key, response.status_code, response.json()

            with ThreadPoolExecutor(max_workers=16) as pool:
                results = list(pool.map(send, sends))
            # The check-in, resent by an impatient phone, in parallel.
            with ThreadPoolExecutor(max_workers=8) as pool:
                checkins = list(
                    pool.map(
                        lambda _i: client.post(
                            f"/api/v1/nights/{night_id}/check-in",
                            json={},
                            headers={**headers, "Idempotency-Key": "checkin-1"},
                        ),
                        range(20),
                    )
                )
    finally:
        process.terminate()
        process.wait(timeout=15)
    assert len(results) == KEYS * COPIES
    assert {status for _k, status, _b in results} == {201}
    bodies: dict[int, set[int]] = defaultdict(set)
    for key, _status, body in results:
        bodies[key].add(body["id"])
    assert all(len(ids) == 1 for ids in bodies.values())
    assert {c.status_code for c in checkins} == {201}
    assert len({c.json()["id"] for c in checkins}) == 1
    with engine.connect() as connection:
        entries = connection.scalar(select(func.count()).select_from(LogEntry))
        records = connection.scalar(select(func.count()).select_from(IdempotencyRecord))
        check_ins = connection.scalar(select(func.count()).select_from(CheckIn))
    engine.dispose()
    assert entries == KEYS
    assert check_ins == 1
    assert records == KEYS + 1

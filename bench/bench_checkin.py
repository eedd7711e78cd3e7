"""Benchmark: check-in over HTTP against PostgreSQL, beside a bare FastAPI+ORM insert.

Builds a database of RTs whose night is under way, one signed-in member per turn, starts
``ronda serve`` and ``bench/bare_app.py`` with the same number of uvicorn workers, and
drives each with the same closed-loop load: every request a distinct check-in (a real
insert, the log opened on the first of each night). Prints requests per second and
latency percentiles for both.

    python bench/bench_checkin.py [--rts 400] [--seconds 10] [--concurrency 16]
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import httpx
import psycopg
from sqlalchemy import select
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import migrate  # noqa: E402
from app.areas.models import AreaKind  # noqa: E402
from app.auth import service as auth  # noqa: E402
from app.auth.models import Role  # noqa: E402
from app.db import make_engine, make_sessionmaker  # noqa: E402
from app.households.models import Member  # noqa: E402
from app.rostering import drafting  # noqa: E402
from app.rostering import service as rostering  # noqa: E402
from app.rostering.models import Assignment, Roster, RosterNight  # noqa: E402
from tests.factories import make_area, make_household, make_tree, make_user  # noqa: E402


def recreate(url: str) -> None:
    target = make_url(url)
    admin = target.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{target.database}"')
    migrate.upgrade(url)


def build(url: str, rts: int) -> tuple[list[tuple[int, str]], int]:
    """RTs whose night runs now; returns (night id, bearer secret) per turn."""
    now = datetime.now(UTC)
    night_date = now.date() - timedelta(days=1) if now.time() < clock_time(12, 59) else now.date()
    month = night_date.strftime("%Y-%m")
    factory = make_sessionmaker(make_engine(url))
    with factory.begin() as session:
        tree = make_tree(session, now)
        rw = tree["rw1"]
        for i in range(rts):
            rt = make_area(
                session,
                AreaKind.rt,
                rw,
                now,
                timezone="UTC",
                patrol_start="13:00",
                patrol_end="12:59",
                team_size=5,
                name=f"RT B{i:04d}",
            )
            for _ in range(25):
                make_household(
                    session, rt, now, members=1, joined_date=night_date - timedelta(days=400)
                )
    drafting.draft_all(factory, month, now=now, workers=2)
    pairs: list[tuple[int, str]] = []
    with factory.begin() as session:
        for roster in session.scalars(select(Roster).where(Roster.month == month)):
            rostering.publish(session, roster, actor_id=None, now=now)
        rows = session.execute(
            select(Assignment, RosterNight)
            .join(RosterNight, RosterNight.id == Assignment.night_id)
            .where(RosterNight.night_date == night_date)
        ).all()
        for assignment, night in rows:
            rt = session.get(
                __import__("app.areas.models", fromlist=["Area"]).Area, assignment.rt_id
            )
            user = make_user(session, now, role=Role.member, area=rt)
            member = session.scalars(
                select(Member).where(Member.household_id == assignment.household_id)
            ).first()
            member.user_id = user.id
            secret, _token = auth.open_session(session, user, now)
            pairs.append((night.id, secret))
    return pairs, len(pairs)


async def drive(
    base: str, requests: list[tuple[str, dict[str, str], dict]], seconds: float, concurrency: int
) -> tuple[int, list[float], int]:
    latencies: list[float] = []
    errors = 0
    index = 0
    deadline = time.perf_counter() + seconds

    async with httpx.AsyncClient(base_url=base, timeout=30) as client:

        async def worker() -> None:
            nonlocal index, errors
            while time.perf_counter() < deadline and index < len(requests):
                path, headers, body = requests[index]
                index += 1
                started = time.perf_counter()
                response = await client.post(path, json=body, headers=headers)
                latencies.append(time.perf_counter() - started)
                if response.status_code != 201:
                    errors += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return len(latencies), latencies, errors


def serve(command: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    for _ in range(100):
        try:
            httpx.get(f"http://127.0.0.1:{port}/docs", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def report(name: str, count: int, latencies: list[float], errors: int, seconds: float) -> None:
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[int(len(ordered) * 0.99) - 1] * 1000
    print(
        f"{name:>10}: {count / seconds:7.0f} req/s, p50 {p50:6.1f} ms, p99 {p99:6.1f} ms, "
        f"{errors} errors ({count} requests)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/ronda_bench")
    parser.add_argument("--rts", type=int, default=400)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    recreate(args.url)
    started = time.perf_counter()
    pairs, turns = build(args.url, args.rts)
    built = time.perf_counter() - started
    print(f"{turns} turns tonight across {args.rts} RTs, built in {built:.0f} s")
    with psycopg.connect(
        make_url(args.url).set(drivername="postgresql").render_as_string(hide_password=False),
        autocommit=True,
    ) as c:
        c.execute(
            "CREATE TABLE bench_row "
            "(id serial PRIMARY KEY, note varchar(100), created_at timestamptz)"
        )
    env = {k: v for k, v in os.environ.items() if not k.startswith("RONDA_")}
    env |= {
        "RONDA_DATABASE_URL": args.url,
        "RONDA_RUN_SCHEDULER": "false",
        "RONDA_LOG_LEVEL": "WARNING",
        "BENCH_DATABASE_URL": args.url,
    }
    bin_dir = Path(sys.executable).parent
    ronda = serve(
        [str(bin_dir / "ronda"), "serve", "--port", "8811", "--workers", str(args.workers)],
        env,
        8811,
    )
    bare = serve(
        [
            str(bin_dir / "uvicorn"),
            "bench.bare_app:app",
            "--port",
            "8812",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        env,
        8812,
    )
    try:
        checkins = [
            (f"/api/v1/nights/{night}/check-in", {"Authorization": f"Bearer {secret}"}, {})
            for night, secret in pairs
        ]
        warm = asyncio.run(drive("http://127.0.0.1:8811", checkins[:50], 5, 4))
        count, latencies, errors = asyncio.run(
            drive("http://127.0.0.1:8811", checkins[50:], args.seconds, args.concurrency)
        )
        if count >= len(checkins) - 50:
            print("warning: ran out of distinct check-ins; raise --rts")
        report("check-in", count, latencies, errors + warm[2], args.seconds)
        bare_requests = [("/bare", {}, {})] * 1_000_000
        b_count, b_latencies, b_errors = asyncio.run(
            drive("http://127.0.0.1:8812", bare_requests, args.seconds, args.concurrency)
        )
        report("bare ORM", b_count, b_latencies, b_errors, args.seconds)
    finally:
        for process in (ronda, bare):
            process.terminate()
            process.wait(timeout=15)


if __name__ == "__main__":
    main()

"""Real `ronda scheduler` processes on PostgreSQL, their clocks run fast to cross due times."""

import os
import signal
import subprocess
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.jobs.models import JobRun
from app.notifications.models import OutboxMessage
from app.patrols.models import NightLog

from .conftest import RONDA, Database, ronda_env
from .test_jobs import _city

pytestmark = pytest.mark.server


def _scheduler(
    url: str, cwd: Path, start: str, speed: float, hold: float = 0, anchor: str = ""
) -> subprocess.Popen[str]:
    env = ronda_env(
        url,
        RONDA_TICK_SECONDS="0.5",
        RONDA_CLOCK_START=start,
        RONDA_CLOCK_SPEED=str(speed),
        **({"RONDA_CLOCK_ANCHOR": anchor} if anchor else {}),
        RONDA_JOB_HOLD_SECONDS=str(hold),
        RONDA_LOG_LEVEL="INFO",
    )
    # The log goes to a file: a pipe nobody reads fills up and stops the scheduler mid-write.
    with tempfile.NamedTemporaryFile(
        "w", dir=cwd, prefix="scheduler-", suffix=".log", delete=False
    ) as log:
        return subprocess.Popen(
            [RONDA, "scheduler"], env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, text=True
        )


def _stop(*processes: subprocess.Popen[str]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait(predicate, timeout: float = 40) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_two_schedulers_over_several_due_times(postgres_database: Database, tmp_path: Path) -> None:
    engine, factory, _rts = _city(postgres_database.url)
    # Two hours a second from 06:00 on 5 December: close-night at 07:00, reminders at
    # 17:00, close-night again at 07:00 next day, all crossed within about 15 seconds.
    start = "2026-12-05T06:00:00+07:00"
    # One clock for both, standing at 06:00 until both have surely started, and each slot
    # held a little: whichever ticks first after a due time must not do every slot alone.
    anchor = (datetime.now(UTC) + timedelta(seconds=6)).isoformat()
    first = _scheduler(postgres_database.url, tmp_path, start, 7200, hold=0.3, anchor=anchor)
    second = _scheduler(postgres_database.url, tmp_path, start, 7200, hold=0.3, anchor=anchor)

    def nights_closed() -> int:
        with factory() as session:
            return int(session.scalar(select(func.count()).select_from(NightLog)) or 0)

    try:
        # Nights 2 to 5 December closed (two caught up, then two due times), for 3 RTs.
        assert _wait(lambda: nights_closed() >= 12, timeout=60)
    finally:
        _stop(first, second)
    with factory() as session:
        runs = session.execute(select(JobRun.job, JobRun.area_id, JobRun.slot, JobRun.runner)).all()
        reminders = session.execute(
            select(OutboxMessage.recipient, OutboxMessage.payload).where(
                OutboxMessage.subject == "Ronda malam ini"
            )
        ).all()
    slots = Counter((job, area, slot) for job, area, slot, _runner in runs)
    assert slots
    assert max(slots.values()) == 1
    assert len({runner for *_rest, runner in runs}) == 2, "both schedulers did some of the work"
    assert {slot for job, _a, slot, _r in runs if job == "close-night"} >= {
        "2026-12-02",
        "2026-12-03",
        "2026-12-04",
        "2026-12-05",
    }
    told = Counter((recipient, payload["night_id"]) for recipient, payload in reminders)
    assert told
    assert max(told.values()) == 1
    engine.dispose()


def test_a_scheduler_killed_mid_slot_leaves_it_to_the_next(
    postgres_database: Database, tmp_path: Path
) -> None:
    engine, factory, _rts = _city(postgres_database.url, rts=1)
    start = "2026-12-05T07:30:00+07:00"
    doomed = _scheduler(postgres_database.url, tmp_path, start, 1, hold=60)

    def in_slot() -> bool:
        with engine.connect() as connection:
            return bool(
                connection.exec_driver_sql(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                ).scalar()
            )

    try:
        assert _wait(in_slot), "the first scheduler never started a slot"
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=10)
    finally:
        _stop(doomed)
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(JobRun)) == 0
    survivor = _scheduler(postgres_database.url, tmp_path, start, 1)
    try:
        # The tree has three RTs; three nights each are due (two caught up).
        done = _wait(lambda: _count_runs(factory, "close-night") >= 9)
        assert done, "the slots were not done after the kill"
        time.sleep(1)
    finally:
        _stop(survivor)
    with factory() as session:
        runs = session.execute(
            select(JobRun.area_id, JobRun.slot, JobRun.runner).where(JobRun.job == "close-night")
        ).all()
        closed = session.scalars(select(NightLog.night_id)).all()
    assert max(Counter((area, slot) for area, slot, _r in runs).values()) == 1
    assert {slot for _a, slot, _r in runs} == {"2026-12-02", "2026-12-03", "2026-12-04"}
    assert all(runner.endswith(f":{survivor.pid}") for *_rest, runner in runs)
    # The one RT with a roster: three nights, each closed once.
    assert len(closed) == len(set(closed))
    assert len(closed) == 3
    engine.dispose()


def _count_runs(factory, job: str) -> int:
    with factory() as session:
        return int(
            session.scalar(select(func.count()).select_from(JobRun).where(JobRun.job == job)) or 0
        )


def test_stop_and_start_across_a_due_time(postgres_database: Database, tmp_path: Path) -> None:
    engine, factory, _rts = _city(postgres_database.url, rts=1)
    before = _scheduler(postgres_database.url, tmp_path, "2026-12-05T06:58:00+07:00", 1)
    try:
        # The two earlier nights (the grace) are caught up, for the tree's three RTs;
        # 07:00 has not come yet.
        assert _wait(lambda: _count_runs(factory, "close-night") >= 6)
        time.sleep(1)
    finally:
        _stop(before)
    assert _count_runs(factory, "close-night") == 6
    # Back at 07:20, after the due time passed while it was stopped: done once.
    after = _scheduler(postgres_database.url, tmp_path, "2026-12-05T07:20:00+07:00", 1)
    try:
        assert _wait(lambda: _count_runs(factory, "close-night") >= 9)
        time.sleep(1.5)
    finally:
        _stop(after)
    with factory() as session:
        slots = Counter(session.scalars(select(JobRun.slot).where(JobRun.job == "close-night")))
    assert slots == Counter({"2026-12-02": 3, "2026-12-03": 3, "2026-12-04": 3})
    engine.dispose()

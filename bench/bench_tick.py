"""Benchmark: one reminders tick over the generated city (10,600 RTs) finds and does every slot.

Uses the city database ``bench/bench_draft_all.py`` (or ``bench/city.py``) built; upgrades
it to the current schema first.

    python bench/bench_tick.py [--url ...]
"""

import argparse
import time
from datetime import datetime

from sqlalchemy import delete

from app import migrate
from app.db import make_engine, make_sessionmaker
from app.jobs import service as jobs
from app.jobs.models import JobRun


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/ronda_city")
    parser.add_argument("--at", default="2026-11-30T17:05:00+07:00")
    args = parser.parse_args()
    migrate.upgrade(args.url)
    factory = make_sessionmaker(make_engine(args.url))
    with factory.begin() as session:
        session.execute(delete(JobRun).where(JobRun.job == "reminders"))
    at = datetime.fromisoformat(args.at)
    started = time.perf_counter()
    done = jobs.run_tick(factory, "reminders", at)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = jobs.run_tick(factory, "reminders", at)
    second = time.perf_counter() - started
    print(
        f"reminders tick: {done} slots done in {first:.1f} s ({done / first:.0f} slots/s); "
        f"the same tick again: {again} slots in {second:.2f} s; target < 60 s: "
        f"{'met' if first < 60 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()

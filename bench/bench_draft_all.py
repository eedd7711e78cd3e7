"""Benchmark: draft next month for a whole generated city on PostgreSQL.

Builds the city of ``bench/city.py`` (10,600 RTs, 3 months of history), then runs the
same code as ``ronda roster draft-all`` and prints its time and rows per second.

    python bench/bench_draft_all.py [--rts 10600] [--workers 2]
"""

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from city import build_city, recreate_database

from app.db import make_engine, make_sessionmaker
from app.rostering import drafting


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/ronda_city")
    parser.add_argument("--rts", type=int, default=10_600)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    started = time.perf_counter()
    recreate_database(args.url)
    counts = build_city(args.url, rts=args.rts)
    print(f"city: {counts} built in {time.perf_counter() - started:.1f} s")

    factory = make_sessionmaker(make_engine(args.url))
    started = time.perf_counter()
    done = 0

    def progress(n: int) -> None:
        nonlocal done
        done += n
        if done % 2000 < n:
            print(f"  {done} RTs after {time.perf_counter() - started:.1f} s", flush=True)

    result = drafting.draft_all(
        factory,
        "2026-12",
        now=datetime(2026, 11, 25, 1, 0, tzinfo=UTC),
        workers=args.workers,
        progress=progress,
    )
    seconds = time.perf_counter() - started
    rows = result.assignments + result.rts * 32  # assignments, nights and rosters
    print(
        f"draft-all 2026-12: {result.rts} RTs in {seconds:.1f} s "
        f"({result.rts / seconds:.0f} RTs/s, {rows / seconds:,.0f} rows/s, "
        f"{result.assignments:,} assignments); {result.proved_optimal} proved optimal, "
        f"{result.unfilled} places unfilled; target < 120 s: "
        f"{'met' if seconds < 120 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()

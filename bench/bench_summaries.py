"""Benchmark: weekly summaries over a year of a Semarang-sized city on PostgreSQL.

Builds ``bench/city.py`` with twelve months of nights (10,600 RTs: some 15 million
assignments, loaded with COPY) and five weeks of activity, then times the summary
of one kelurahan (~60 RTs), one kecamatan and the whole city.

    python bench/bench_summaries.py [--rts 10600] [--months 12]
"""

import argparse
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from city import build_city, recreate_database
from sqlalchemy import select

from app.areas.models import Area, AreaKind
from app.db import make_engine, make_sessionmaker
from app.summaries import service

WEEK = date(2026, 11, 23)  # the last full week of the history


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/ronda_year")
    parser.add_argument("--rts", type=int, default=10_600)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--reuse", action="store_true", help="Keep a city built before")
    args = parser.parse_args()
    if not args.reuse:
        started = time.perf_counter()
        recreate_database(args.url)
        counts = build_city(args.url, rts=args.rts, history_months=args.months, activity_days=35)
        print(f"city: {counts} built in {time.perf_counter() - started:.0f} s", flush=True)
    factory = make_sessionmaker(make_engine(args.url))
    now = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    with factory() as session:
        kota = session.scalars(select(Area).where(Area.kind == AreaKind.kota)).first()
        kecamatan = session.scalars(select(Area).where(Area.kind == AreaKind.kecamatan)).first()
        kelurahan = session.scalars(select(Area).where(Area.kind == AreaKind.kelurahan)).first()
        for label, area, target in (
            ("kelurahan", kelurahan, 0.1),
            ("kecamatan", kecamatan, 0.5),
            ("city", kota, 2.0),
        ):
            times = []
            for _ in range(5):
                started = time.perf_counter()
                data = service.compute(session, area, WEEK, now=now, with_missed=True)
                times.append(time.perf_counter() - started)
            median = statistics.median(times)
            print(
                f"{label:>10}: {len(data['rts']):5d} RTs, median {median * 1000:7.1f} ms, "
                f"worst {max(times) * 1000:7.1f} ms (target {target * 1000:.0f} ms: "
                f"{'met' if median < target else 'NOT met'}); "
                f"turns {data['totals']['turns']}, reports {data['totals']['reports']}",
                flush=True,
            )


if __name__ == "__main__":
    main()

"""A generated Semarang-sized city on PostgreSQL, for benchmarks that need one.

10,600 RTs of 40-70 households under 177 kelurahan, each household with one or two
members, and three published months of history played out. Written with COPY, so a
benchmark spends its time on what it measures, not on building the city.

    python bench/city.py --url postgresql+psycopg://postgres@127.0.0.1/ronda_city

Importable: ``build_city(url, rts=..., history_months=..., last_history_month=...)``.
"""

import argparse
import json
import random
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from app import migrate
from app.rostering import calendar

KECAMATAN = 16
KELURAHAN = 177
RTS_PER_RW = 7
NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def recreate_database(url: str) -> None:
    """Drop and create the database ``url`` names, then migrate it."""
    target = make_url(url)
    admin = target.set(database="postgres")
    with psycopg.connect(_dsn(admin.render_as_string(hide_password=False)), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{target.database}"')
    migrate.upgrade(url)


def build_city(
    url: str,
    *,
    rts: int = 10_600,
    history_months: int = 3,
    last_history_month: str = "2026-11",
    activity_days: int = 0,
    seed: int = 1,
) -> dict[str, int]:
    """Fill an empty, migrated database with the city; returns row counts.

    ``activity_days``: for the last that many nights of the history, also the nights'
    closed logs, check-ins, jimpitan and some incident reports (what summaries read).
    """
    rng = random.Random(seed)
    counts = dict.fromkeys(("area", "household", "member", "roster", "night", "assignment"), 0)
    with psycopg.connect(_dsn(url)) as conn, conn.cursor() as cur:
        area_cols = (
            "id, kind, name, parent_id, path, timezone, patrol_start, patrol_end, team_size, "
            "team_size_by_weekday, min_gap_days, weekend_nights, fairness_window_months, "
            "objection_days, created_at, updated_at"
        )
        rt_rows: list[int] = []
        with cur.copy(f"COPY area ({area_cols}) FROM STDIN") as copy:
            next_id = 1

            def area(kind: str, name: str, parent: int | None, path: str) -> tuple[int, str]:
                nonlocal next_id
                aid = next_id
                next_id += 1
                own = f"{path}{aid}/"
                copy.write_row(
                    (
                        aid,
                        kind,
                        name,
                        parent,
                        own,
                        "Asia/Jakarta",
                        "22:00",
                        "04:00",
                        4,
                        json.dumps({"sat": 5}),
                        3,
                        json.dumps(["fri", "sat"]),
                        12,
                        0,
                        NOW,
                        NOW,
                    )
                )
                counts["area"] += 1
                return aid, own

            kota, kota_path = area("kota", "Kota Semarang", None, "/")
            kecs = [
                area("kecamatan", f"Kecamatan {k + 1}", kota, kota_path) for k in range(KECAMATAN)
            ]
            kels = [
                area("kelurahan", f"Kelurahan {k + 1}", *kecs[k % KECAMATAN])
                for k in range(KELURAHAN)
            ]
            made = 0
            rw_number = 0
            while made < rts:
                kel_id, kel_path = kels[rw_number % KELURAHAN]
                rw, rw_path = area("rw", f"RW {rw_number + 1:03d}", kel_id, kel_path)
                rw_number += 1
                for r in range(min(RTS_PER_RW, rts - made)):
                    rt_id, _ = area("rt", f"RT {r + 1:02d}", rw, rw_path)
                    rt_rows.append(rt_id)
                    made += 1
        cur.execute("SELECT setval('area_id_seq', %s)", (next_id,))

        houses: dict[int, list[int]] = {}
        hid = 0
        with cur.copy(
            "COPY household (id, rt_id, house_code, head_name, phone, status, joined_date, "
            "created_at, updated_at) FROM STDIN"
        ) as copy:
            for rt_id in rt_rows:
                ids = []
                for n in range(rng.randint(40, 70)):
                    hid += 1
                    copy.write_row(
                        (
                            hid,
                            rt_id,
                            f"A-{n + 1:02d}",
                            f"Warga {hid}",
                            None,
                            "active",
                            date(2020, 1, 1),
                            NOW,
                            NOW,
                        )
                    )
                    ids.append(hid)
                houses[rt_id] = ids
        counts["household"] = hid
        cur.execute("SELECT setval('household_id_seq', %s)", (hid,))
        with cur.copy(
            "COPY member (household_id, name, may_patrol, created_at, updated_at) FROM STDIN"
        ) as copy:
            for ids in houses.values():
                for h in ids:
                    copy.write_row((h, f"Bapak {h}", True, NOW, NOW))
                    counts["member"] += 1
                    if rng.random() < 0.5:
                        copy.write_row((h, f"Ibu {h}", False, NOW, NOW))
                        counts["member"] += 1

        months = [calendar.shift_month(last_history_month, -k) for k in range(history_months)][::-1]
        roster_id = night_id = 0
        statuses = ["present"] * 90 + ["absent"] * 5 + ["covered"] * 3 + ["excused"] * 2
        nights: list[tuple] = []
        assignments: list[tuple] = []
        with cur.copy(
            "COPY roster (id, rt_id, month, status, seed, figures, problem, generated_at, "
            "published_at) FROM STDIN"
        ) as copy:
            for rt_id in rt_rows:
                ids = houses[rt_id]
                turn = rng.randrange(len(ids))
                for month in months:
                    roster_id += 1
                    copy.write_row((roster_id, rt_id, month, "published", 0, "{}", "{}", NOW, NOW))
                    for day in calendar.month_dates(month):
                        night_id += 1
                        start = datetime.combine(day, datetime.min.time(), UTC) + timedelta(
                            hours=15
                        )
                        nights.append(
                            (
                                night_id,
                                roster_id,
                                day,
                                start,
                                start + timedelta(hours=6),
                                5 if day.weekday() == 5 else 4,
                            )
                        )
                        weekend = day.weekday() in (4, 5)
                        for _ in range(5 if day.weekday() == 5 else 4):
                            assignments.append(
                                (
                                    night_id,
                                    roster_id,
                                    rt_id,
                                    ids[turn % len(ids)],
                                    day,
                                    weekend,
                                    rng.choice(statuses),
                                )
                            )
                            turn += 1
        counts["roster"] = roster_id
        cur.execute("SELECT setval('roster_id_seq', %s)", (roster_id,))
        with cur.copy(
            "COPY roster_night (id, roster_id, night_date, starts_at, ends_at, team_size) "
            "FROM STDIN"
        ) as copy:
            for row in nights:
                copy.write_row(row)
        counts["night"] = len(nights)
        cur.execute("SELECT setval('roster_night_id_seq', %s)", (night_id,))
        with cur.copy(
            "COPY assignment (night_id, roster_id, rt_id, household_id, night_date, weekend, "
            "status) FROM STDIN"
        ) as copy:
            for row in assignments:
                copy.write_row(row)
        counts["assignment"] = len(assignments)
        if activity_days:
            counts |= _activity(cur, rng, nights, assignments, activity_days)
        conn.commit()
        cur.execute("ANALYZE")
    return counts


def _activity(
    cur: Any, rng: random.Random, nights: list[tuple], assignments: list[tuple], days: int
) -> dict[str, int]:
    """Closed logs, check-ins, jimpitan and reports for the last ``days`` nights."""
    last = max(n[2] for n in nights)
    since = last - timedelta(days=days - 1)
    recent = {n[0]: n for n in nights if n[2] >= since}
    rt_of = {}
    came: dict[int, list[tuple]] = {}
    for row in assignments:
        night_id = row[0]
        if night_id in recent:
            rt_of[night_id] = row[2]
            if row[6] in ("present", "covered"):
                came.setdefault(night_id, []).append(row)
    counts = {"night_log": 0, "check_in": 0, "log_entry": 0, "incident": 0}
    with cur.copy(
        "COPY night_log (id, night_id, rt_id, night_date, opened_at, closed_at) FROM STDIN"
    ) as copy:
        for log_id, (night_id, night) in enumerate(recent.items(), start=1):
            copy.write_row(
                (log_id, night_id, rt_of.get(night_id, 0) or None, night[2], night[3], night[4])
            )
            counts["night_log"] += 1
    cur.execute("SELECT setval('night_log_id_seq', %s)", (counts["night_log"],))
    with cur.copy(
        "COPY check_in (night_id, rt_id, night_date, kind, checked_in_at, created_at) FROM STDIN"
    ) as copy:
        for night_id, rows in came.items():
            night = recent[night_id]
            copy.write_row((night_id, rows[0][2], night[2], "rostered", night[3], night[3]))
            counts["check_in"] += 1
    with cur.copy("COPY log_entry (log_id, kind, amount_rupiah, at) FROM STDIN") as copy:
        for log_id, (_night_id, night) in enumerate(recent.items(), start=1):
            if rng.random() < 0.8:
                copy.write_row((log_id, "jimpitan", rng.randrange(2000, 30000, 500), night[3]))
                counts["log_entry"] += 1
    categories = ["pencurian", "mencurigakan", "keributan", "kecelakaan", "lainnya"]
    with cur.copy(
        "COPY incident (rt_id, category, severity, occurred_at, local_date, description, "
        "privacy, status, hidden, created_at, acknowledged_at, ack_seconds) FROM STDIN"
    ) as copy:
        for night_id, night in recent.items():
            if rng.random() < 0.05 and night_id in rt_of:
                acked = rng.random() < 0.7
                seconds = rng.randrange(300, 86400)
                copy.write_row(
                    (
                        rt_of[night_id],
                        rng.choice(categories),
                        "sedang",
                        night[3],
                        night[2],
                        "laporan",
                        "named",
                        "acknowledged" if acked else "reported",
                        False,
                        night[3],
                        night[3] + timedelta(seconds=seconds) if acked else None,
                        seconds if acked else None,
                    )
                )
                counts["incident"] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/ronda_city")
    parser.add_argument("--rts", type=int, default=10_600)
    args = parser.parse_args()
    started = time.perf_counter()
    recreate_database(args.url)
    counts = build_city(args.url, rts=args.rts)
    print(f"city built in {time.perf_counter() - started:.1f} s: {counts}")


if __name__ == "__main__":
    main()

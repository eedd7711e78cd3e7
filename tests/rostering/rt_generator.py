"""Random but realistic RT problems (roster-problem.md JSON), by family.

Used by the tests (via this directory on ``sys.path``), the benchmark and
``bench/verify_solver.py``.  Standard library only.
"""

from __future__ import annotations

import calendar
import random
from datetime import date, timedelta
from typing import Any

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# family -> (households range, team range, min gap range)
FAMILIES: dict[str, tuple[tuple[int, int], tuple[int, int], tuple[int, int]]] = {
    "small": ((15, 40), (1, 3), (1, 4)),
    "typical": ((40, 120), (2, 6), (2, 5)),
    "large": ((120, 200), (3, 8), (2, 6)),
    "tight": ((15, 30), (4, 8), (3, 6)),
    "gap1": ((15, 60), (1, 5), (1, 1)),
    # tight too, with more households and longer gaps: the LP is twice a tight RT's
    "crowded": ((30, 50), (6, 8), (5, 6)),
    # the whole ranges, drawn evenly: an RT of any size, team and gap
    "uniform": ((15, 200), (1, 8), (1, 6)),
    # the same, with the gap at its longest: of 520 RTs with CP-SAT optima, the only
    # ones whose optimum the default budget misses are of this family
    "gap6": ((15, 200), (1, 8), (6, 6)),
}


def random_problem(rng: random.Random, family: str = "typical") -> dict[str, Any]:
    """Return one problem of ``family`` drawn from ``rng``."""
    (h_lo, h_hi), (t_lo, t_hi), (g_lo, g_hi) = FAMILIES[family]
    year = rng.choice([2025, 2026, 2027, 2028])
    month = rng.randint(1, 12)
    ndays = calendar.monthrange(year, month)[1]
    first = date(year, month, 1)
    days = [first + timedelta(days=i) for i in range(ndays)]
    team = rng.randint(t_lo, t_hi)
    gap = rng.randint(g_lo, g_hi)
    count = rng.randint(h_lo, h_hi)

    by_weekday: dict[str, int] = {}
    if rng.random() < 0.6:
        by_weekday["sat"] = min(t_hi + 2, team + rng.randint(0, 2))
    if rng.random() < 0.3:
        by_weekday[rng.choice(WEEKDAYS[:5])] = max(0, team - rng.randint(1, 2))
    if rng.random() < 0.15:
        by_weekday["sun"] = 0
    by_date: dict[str, int] = {}
    for _ in range(rng.choice([0, 0, 1, 2, 3])):
        day = rng.choice(days)
        by_date[day.isoformat()] = rng.choice([0, 0, team + 1, max(1, team - 1)])

    weekend = rng.choice([["fri", "sat"], ["fri", "sat"], ["sat"], ["fri", "sat", "sun"]])

    # carry-over: a shared base plus uneven history; newcomers start near the low end
    base = rng.randint(0, 12)
    households = []
    for i in range(count):
        hid = f"RT{rng.randint(1, 20):02d}-{i + 1:03d}"
        newcomer = rng.random() < 0.08
        prior = max(0, base + rng.randint(-3, 3)) if not newcomer else max(0, base - 2)
        if rng.random() < 0.05:
            prior += rng.randint(3, 6)
        prior_weekend = min(prior, max(0, round(prior * len(weekend) / 7) + rng.randint(-1, 1)))
        unavailable: list[str] = []
        roll = rng.random()
        if roll < 0.2:  # away for a stretch
            start = rng.randrange(ndays)
            span = rng.randint(2, 12)
            unavailable = [
                (first + timedelta(days=d)).isoformat() for d in range(start, start + span)
            ]
        elif roll < 0.35:
            unavailable = sorted({rng.choice(days).isoformat() for _ in range(rng.randint(1, 4))})
        if rng.random() < 0.03:  # away all month
            unavailable = [d.isoformat() for d in days]
        last = None
        if not newcomer and rng.random() < 0.7:
            last = (first - timedelta(days=rng.randint(1, 20))).isoformat()
        households.append(
            {
                "id": hid,
                "exempt": rng.random() < 0.05,
                "unavailable": unavailable,
                "prior_shifts": prior,
                "prior_weekend_shifts": prior_weekend,
                "last_shift_date": last,
            }
        )
    return {
        "month": f"{year:04d}-{month:02d}",
        "team_size": team,
        "team_size_by_weekday": by_weekday,
        "team_size_by_date": by_date,
        "min_gap_days": gap,
        "weekend_nights": weekend,
        "households": households,
        "seed": rng.randint(0, 1000),
    }


def round_robin(problem: dict[str, Any]) -> dict[str, Any]:
    """The naive roster: walk the households in id order, skipping those who may not serve.

    A baseline to measure the solver against; valid (it checks every hard rule) but
    blind to loads and to the nights ahead.
    """
    first = date.fromisoformat(problem["month"] + "-01")
    ndays = calendar.monthrange(first.year, first.month)[1]
    gap = int(problem.get("min_gap_days", 1))
    eligible = sorted(
        (h for h in problem["households"] if not h.get("exempt", False)), key=lambda h: h["id"]
    )
    last: dict[str, date | None] = {
        h["id"]: date.fromisoformat(h["last_shift_date"]) if h.get("last_shift_date") else None
        for h in eligible
    }
    away = {h["id"]: set(h.get("unavailable") or []) for h in eligible}
    pointer = 0
    nights = []
    for i in range(ndays):
        day = first + timedelta(days=i)
        size = _team_size(problem, day)
        chosen: list[str] = []
        for step in range(len(eligible)):
            if len(chosen) >= size:
                break
            h = eligible[(pointer + step) % len(eligible)]["id"]
            prev = last[h]
            if day.isoformat() in away[h] or (prev is not None and (day - prev).days < gap):
                continue
            chosen.append(h)
            last[h] = day
        if chosen:
            pointer = ([h["id"] for h in eligible].index(chosen[-1]) + 1) % len(eligible)
        nights.append({"date": day.isoformat(), "households": chosen})
    return {"nights": nights}


def _team_size(problem: dict[str, Any], day: date) -> int:
    by_date = problem.get("team_size_by_date") or {}
    if day.isoformat() in by_date:
        return int(by_date[day.isoformat()])
    by_weekday = problem.get("team_size_by_weekday") or {}
    return int(by_weekday.get(WEEKDAYS[day.weekday()], problem["team_size"]))

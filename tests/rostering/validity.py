"""The hard rules and figures of roster-problem.md, re-derived for the tests.

Deliberately independent of app.rostering.solver (works on the JSON only), so
the tests still judge every answer when ../shared/roster-check.py is absent.
"""

import calendar
import itertools
from datetime import date, timedelta
from typing import Any

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def team_size(problem: dict[str, Any], day: date) -> int:
    by_date = problem.get("team_size_by_date") or {}
    if day.isoformat() in by_date:
        return int(by_date[day.isoformat()])
    by_weekday = problem.get("team_size_by_weekday") or {}
    return int(by_weekday.get(WEEKDAYS[day.weekday()], problem["team_size"]))


def broken_rules(problem: dict[str, Any], solution: dict[str, Any]) -> list[str]:
    """Every hard-rule violation (and malformed output) in ``solution``, as text."""
    first = date.fromisoformat(problem["month"] + "-01")
    days = [
        first + timedelta(days=i) for i in range(calendar.monthrange(first.year, first.month)[1])
    ]
    gap = int(problem.get("min_gap_days", 1))
    households = {h["id"]: h for h in problem["households"]}
    errors: list[str] = []
    nights = solution["nights"]
    if [n["date"] for n in nights] != [d.isoformat() for d in days]:
        errors.append("nights are not exactly the month's dates in order")
        return errors
    shifts: dict[str, list[date]] = {hid: [] for hid in households}
    for night, day in zip(nights, days, strict=True):
        ids = night["households"]
        if len(ids) != len(set(ids)):
            errors.append(f"{day}: a household twice (rule 1)")
        if len(ids) > team_size(problem, day):
            errors.append(f"{day}: {len(ids)} on a team of {team_size(problem, day)} (rule 5)")
        for hid in ids:
            if hid not in households:
                errors.append(f"{day}: unknown household {hid}")
                continue
            if households[hid].get("exempt", False):
                errors.append(f"{day}: exempt {hid} on duty (rule 2)")
            if day.isoformat() in (households[hid].get("unavailable") or []):
                errors.append(f"{day}: {hid} unavailable (rule 3)")
            shifts[hid].append(day)
    for hid, h in households.items():
        seq = sorted(shifts[hid])
        if h.get("last_shift_date"):
            seq.insert(0, date.fromisoformat(h["last_shift_date"]))
        for a, b in itertools.pairwise(seq):
            if (b - a).days < gap:
                errors.append(f"{hid}: shifts {a} and {b} closer than {gap} days (rule 4)")
    return errors


def figures(problem: dict[str, Any], solution: dict[str, Any]) -> tuple[int, int, int]:
    """(unfilled, spread, weekend_spread) recomputed from the nights."""
    weekend = set(problem.get("weekend_nights", ["fri", "sat"]))
    eligible = {h["id"]: h for h in problem["households"] if not h.get("exempt", False)}
    load = {hid: int(h.get("prior_shifts", 0)) for hid, h in eligible.items()}
    wload = {hid: int(h.get("prior_weekend_shifts", 0)) for hid, h in eligible.items()}
    unfilled = 0
    for night in solution["nights"]:
        day = date.fromisoformat(night["date"])
        unfilled += max(0, team_size(problem, day) - len(set(night["households"])))
        for hid in night["households"]:
            if hid in load:
                load[hid] += 1
                wload[hid] += WEEKDAYS[day.weekday()] in weekend
    spread = max(load.values()) - min(load.values()) if load else 0
    wspread = max(wload.values()) - min(wload.values()) if wload else 0
    return unfilled, spread, wspread

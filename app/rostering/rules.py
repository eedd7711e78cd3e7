"""The hard rules of roster-problem.md, checked on a roster after a change: pure, no database."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any

from app.rostering import calendar

# Rule numbers as roster-problem.md names them.
DUPLICATE, EXEMPT, UNAVAILABLE, MIN_GAP, TEAM_SIZE = 1, 2, 3, 4, 5


@dataclass(frozen=True)
class Breach:
    rule: int
    household: str
    night: date


def team_size(problem: Mapping[str, Any], night: date) -> int:
    by_date = problem.get("team_size_by_date") or {}
    if night.isoformat() in by_date:
        return int(by_date[night.isoformat()])
    by_weekday = problem.get("team_size_by_weekday") or {}
    return int(by_weekday.get(calendar.weekday_key(night), problem["team_size"]))


def breaches(
    problem: Mapping[str, Any],
    nights: Mapping[date, list[str]],
    *,
    households: Iterable[str],
    elsewhere: Mapping[str, list[date]] | None = None,
) -> list[Breach]:
    """Every hard rule the given households break on ``nights``.

    ``elsewhere`` holds their turns outside this month (the months either side), so
    the minimum gap is checked across both month boundaries.
    """
    info = {h["id"]: h for h in problem["households"]}
    gap = int(problem.get("min_gap_days", 1))
    found: list[Breach] = []
    for household in households:
        facts = info.get(household, {"exempt": True, "unavailable": []})
        blocked = set(facts.get("unavailable") or [])
        mine: list[date] = []
        for night, on_duty in nights.items():
            count = on_duty.count(household)
            if count == 0:
                continue
            if count > 1:
                found.append(Breach(DUPLICATE, household, night))
            if facts.get("exempt"):
                found.append(Breach(EXEMPT, household, night))
            if night.isoformat() in blocked:
                found.append(Breach(UNAVAILABLE, household, night))
            mine.append(night)
        others = list((elsewhere or {}).get(household, []))
        last = facts.get("last_shift_date")
        if last:
            others.append(date.fromisoformat(last))
        shifts = sorted(set(mine) | set(others))
        for earlier, later in pairwise(shifts):
            if (later - earlier).days < gap and (earlier in mine or later in mine):
                found.append(Breach(MIN_GAP, household, later if later in mine else earlier))
    for night, on_duty in nights.items():
        if len(on_duty) > team_size(problem, night):
            found.append(Breach(TEAM_SIZE, "", night))
    return found


def metrics(problem: Mapping[str, Any], nights: Mapping[date, list[str]]) -> dict[str, int]:
    """The figures roster-problem.md judges a roster by, recomputed from its nights.

    For a roster changed by hand after the solver drew it.
    """
    weekend_days = set(problem.get("weekend_nights") or ["fri", "sat"])
    eligible = {h["id"]: h for h in problem["households"] if not h.get("exempt")}
    load = {h: int(info.get("prior_shifts", 0)) for h, info in eligible.items()}
    weekend = {h: int(info.get("prior_weekend_shifts", 0)) for h, info in eligible.items()}
    unfilled = 0
    for night in calendar.month_dates(str(problem["month"])):
        on_duty = nights.get(night, [])
        unfilled += max(0, team_size(problem, night) - len(on_duty))
        is_weekend = calendar.weekday_key(night) in weekend_days
        for household in on_duty:
            if household in load:
                load[household] += 1
                weekend[household] += int(is_weekend)
    if not load:
        return {"unfilled": unfilled, "spread": 0, "weekend_spread": 0, "violations": 0}
    return {
        "unfilled": unfilled,
        "spread": max(load.values()) - min(load.values()),
        "weekend_spread": max(weekend.values()) - min(weekend.values()),
        "violations": 0,
    }

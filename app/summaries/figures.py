"""The weekly figures, derived from aggregated rows: pure, no database, no clock."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

OPEN_AGE_BUCKETS = ((1, "under_1_day"), (3, "1_to_3_days"), (7, "3_to_7_days"))
OLDEST_BUCKET = "over_7_days"


@dataclass
class RTRows:
    """What SQL gave for one RT and the week."""

    rt_id: int
    name: str
    nights_scheduled: int = 0
    nights_patrolled: int = 0
    turns: dict[str, int] = field(default_factory=dict)  # status -> count
    jimpitan_rupiah: int = 0
    reports: dict[tuple[str, str], int] = field(default_factory=dict)  # (category, severity)
    open_ages_days: list[float] = field(default_factory=list)
    ack_median_s: float | None = None
    ack_worst_s: int | None = None
    missed: list[dict[str, Any]] = field(default_factory=list)


def week_of(day: date) -> date:
    """The Monday of the ISO week ``day`` falls in."""
    return day - timedelta(days=day.weekday())


def attendance_rate(turns: dict[str, int]) -> float | None:
    """Turns served over turns due; excused turns are not due."""
    due = sum(turns.values()) - turns.get("excused", 0) - turns.get("scheduled", 0)
    served = turns.get("present", 0) + turns.get("covered", 0)
    return round(served / due, 4) if due else None


def _bucket(days: float) -> str:
    for limit, name in OPEN_AGE_BUCKETS:
        if days < limit:
            return name
    return OLDEST_BUCKET


def rt_figures(rows: RTRows, *, with_missed: bool) -> dict[str, Any]:
    by_category: dict[str, int] = defaultdict(int)
    by_severity: dict[str, int] = defaultdict(int)
    for (category, severity), count in rows.reports.items():
        by_category[category] += count
        by_severity[severity] += count
    ages: dict[str, int] = defaultdict(int)
    for days in rows.open_ages_days:
        ages[_bucket(days)] += 1
    figures: dict[str, Any] = {
        "rt_id": rows.rt_id,
        "name": rows.name,
        "nights_scheduled": rows.nights_scheduled,
        "nights_patrolled": rows.nights_patrolled,
        "turns": sum(rows.turns.values()),
        "served": rows.turns.get("present", 0) + rows.turns.get("covered", 0),
        "no_shows": rows.turns.get("absent", 0),
        "excused": rows.turns.get("excused", 0),
        "attendance_rate": attendance_rate(rows.turns),
        "jimpitan_rupiah": rows.jimpitan_rupiah,
        "reports": sum(rows.reports.values()),
        "reports_by_category": dict(sorted(by_category.items())),
        "reports_by_severity": dict(sorted(by_severity.items())),
        "open_reports_by_age": dict(sorted(ages.items())),
        "ack_median_minutes": round(rows.ack_median_s / 60, 1)
        if rows.ack_median_s is not None
        else None,
        "ack_worst_minutes": round(rows.ack_worst_s / 60, 1)
        if rows.ack_worst_s is not None
        else None,
    }
    if with_missed:
        figures["missed_households"] = rows.missed
    return figures


def totals(rts: list[dict[str, Any]], area_ack: tuple[float | None, int | None]) -> dict[str, Any]:
    """The area's totals: sums of the RTs, and the area's own median time to acknowledge."""
    summed: dict[str, Any] = {
        key: sum(r[key] for r in rts)
        for key in (
            "nights_scheduled",
            "nights_patrolled",
            "turns",
            "served",
            "no_shows",
            "excused",
            "jimpitan_rupiah",
            "reports",
        )
    }
    due = summed["turns"] - summed["excused"]
    summed["attendance_rate"] = round(summed["served"] / due, 4) if due else None
    for key in ("reports_by_category", "reports_by_severity", "open_reports_by_age"):
        merged: dict[str, int] = defaultdict(int)
        for r in rts:
            for name, count in r[key].items():
                merged[name] += count
        summed[key] = dict(sorted(merged.items()))
    median, worst = area_ack
    summed["ack_median_minutes"] = round(median / 60, 1) if median is not None else None
    summed["ack_worst_minutes"] = round(worst / 60, 1) if worst is not None else None
    return summed


def trend(
    week_start: date,
    turns_by_date: dict[date, dict[str, int]],
    patrolled_by_date: dict[date, int],
    reports_by_date: dict[date, int],
) -> dict[str, Any]:
    """This week and the four before it, and the change against their average."""
    weeks = [week_start - timedelta(weeks=k) for k in range(4, -1, -1)]
    rows: list[dict[str, Any]] = []
    for monday in weeks:
        days = [monday + timedelta(days=d) for d in range(7)]
        turns: dict[str, int] = defaultdict(int)
        for day in days:
            for status, count in turns_by_date.get(day, {}).items():
                turns[status] += count
        rows.append(
            {
                "week_start": monday.isoformat(),
                "attendance_rate": attendance_rate(turns),
                "nights_patrolled": sum(patrolled_by_date.get(d, 0) for d in days),
                "reports": sum(reports_by_date.get(d, 0) for d in days),
            }
        )
    current, before = rows[-1], rows[:-1]
    change: dict[str, float | None] = {}
    for key in ("attendance_rate", "nights_patrolled", "reports"):
        earlier: list[float] = [float(r[key]) for r in before if r[key] is not None]
        now_value = current[key]
        if now_value is None or not earlier:
            change[key] = None
        else:
            change[key] = round(float(now_value) - sum(earlier) / len(earlier), 4)
    return {"weeks": rows, "change_vs_previous_4_weeks": change}

"""Weekly summaries for the police liaison: grouped SQL, the same on SQLite and PostgreSQL.

Every date grouped by is a local date stored when it was written (a night's date, a
report's local date), so no query does time-zone arithmetic; the median is taken with
window functions both databases have. ``figures`` derives everything from the rows.
"""

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, func, literal_column, select
from sqlalchemy.orm import Session

from app.areas.models import Area, AreaKind
from app.audit import service as audit
from app.auth.permissions import Permission
from app.auth.service import Principal
from app.errors import Conflict, Invalid
from app.households.models import Household
from app.i18n import N_
from app.incidents.models import Incident, IncidentStatus
from app.patrols.models import CheckIn, EntryKind, LogEntry, NightLog
from app.rostering.models import Assignment, Roster, RosterNight, RosterStatus
from app.summaries import figures
from app.summaries.models import WeeklySummary

OPEN = (IncidentStatus.reported, IncidentStatus.acknowledged, IncidentStatus.in_progress)


class BadWeek(Invalid):
    code = "bad_week"
    message = N_("The week must be written YYYY-Www, e.g. 2026-W48.")


class WeekNotClosed(Conflict):
    code = "week_not_closed"
    message = N_("{open} night(s) of this week are not closed yet; the summary waits for them.")


class AlreadyBuilt(Conflict):
    code = "summary_exists"
    message = N_("This week's summary is already stored; rebuild it explicitly.")


def parse_week(text: str) -> date:
    """The Monday of an ISO week written ``2026-W48``."""
    try:
        year, week = text.split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise BadWeek(field="week") from None


def _in(area: Area, column: Any) -> Any:
    """RTs of the area: the RT itself or everything beneath the area."""
    return column.in_(
        select(Area.id).where(Area.kind == AreaKind.rt, Area.path.startswith(area.path))
    )


def _week(column: Any, start: date, days: int = 7) -> Any:
    return and_(column >= start, column < start + timedelta(days=days))


def _published_nights(area: Area, start: date, days: int = 7) -> Select[int, int, date]:
    return (
        select(Roster.rt_id, RosterNight.id, RosterNight.night_date)
        .join(Roster, Roster.id == RosterNight.roster_id)
        .where(
            _in(area, Roster.rt_id),
            Roster.status == RosterStatus.published,
            RosterNight.team_size > 0,
            _week(RosterNight.night_date, start, days),
        )
    )


def open_nights(session: Session, area: Area, start: date) -> int:
    """Nights of the week, in the area, whose log is not closed."""
    nights = _published_nights(area, start).subquery()
    return int(
        session.scalar(
            select(func.count())
            .select_from(nights)
            .outerjoin(NightLog, NightLog.night_id == nights.c.id)
            .where(NightLog.closed_at.is_(None))
        )
        or 0
    )


def _median(session: Session, area: Area, start: date, by_rt: bool) -> dict[int, float]:
    """Median seconds to acknowledge, per RT (or for the area under key 0)."""
    partition = [Incident.rt_id] if by_rt else []
    ranked = (
        select(
            (Incident.rt_id if by_rt else literal_column("0")).label("rt"),
            Incident.ack_seconds.label("s"),
            func.row_number()
            .over(partition_by=partition, order_by=Incident.ack_seconds)
            .label("rn"),
            func.count().over(partition_by=partition).label("n"),
        )
        .where(
            _in(area, Incident.rt_id),
            _week(Incident.local_date, start),
            Incident.ack_seconds.is_not(None),
        )
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.rt, func.avg(ranked.c.s))
        .where(ranked.c.rn.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2]))
        .group_by(ranked.c.rt)
    )
    return {int(rt): float(value) for rt, value in rows}


def compute(
    session: Session, area: Area, start: date, *, now: datetime, with_missed: bool
) -> dict[str, Any]:
    """The summary of an area for the week starting on Monday ``start``."""
    rts = {
        rt_id: figures.RTRows(rt_id=rt_id, name=name)
        for rt_id, name in session.execute(
            select(Area.id, Area.name)
            .where(Area.kind == AreaKind.rt, Area.path.startswith(area.path))
            .order_by(Area.path)
        )
    }
    nights = _published_nights(area, start).subquery()
    for rt_id, count in session.execute(
        select(nights.c.rt_id, func.count()).group_by(nights.c.rt_id)
    ):
        rts[rt_id].nights_scheduled = count
    for rt_id, count in session.execute(
        select(CheckIn.rt_id, func.count(func.distinct(CheckIn.night_id)))
        .where(_in(area, CheckIn.rt_id), _week(CheckIn.night_date, start))
        .group_by(CheckIn.rt_id)
    ):
        rts[rt_id].nights_patrolled = count
    published = select(Roster.id).where(Roster.status == RosterStatus.published)
    for rt_id, status, count in session.execute(
        select(Assignment.rt_id, Assignment.status, func.count())
        .where(
            _in(area, Assignment.rt_id),
            _week(Assignment.night_date, start),
            Assignment.roster_id.in_(published),
        )
        .group_by(Assignment.rt_id, Assignment.status)
    ):
        rts[rt_id].turns[status.value] = count
    for rt_id, total in session.execute(
        select(NightLog.rt_id, func.sum(LogEntry.amount_rupiah))
        .join(LogEntry, LogEntry.log_id == NightLog.id)
        .where(
            _in(area, NightLog.rt_id),
            _week(NightLog.night_date, start),
            LogEntry.kind == EntryKind.jimpitan,
        )
        .group_by(NightLog.rt_id)
    ):
        rts[rt_id].jimpitan_rupiah = int(total or 0)
    for rt_id, category, severity, count in session.execute(
        select(Incident.rt_id, Incident.category, Incident.severity, func.count())
        .where(_in(area, Incident.rt_id), _week(Incident.local_date, start))
        .group_by(Incident.rt_id, Incident.category, Incident.severity)
    ):
        rts[rt_id].reports[(category.value, severity.value)] = count
    for rt_id, created in session.execute(
        select(Incident.rt_id, Incident.created_at).where(
            _in(area, Incident.rt_id), Incident.status.in_(OPEN), Incident.created_at <= now
        )
    ):
        rts[rt_id].open_ages_days.append((now - created).total_seconds() / 86400)
    for rt_id, worst in session.execute(
        select(Incident.rt_id, func.max(Incident.ack_seconds))
        .where(_in(area, Incident.rt_id), _week(Incident.local_date, start))
        .group_by(Incident.rt_id)
    ):
        rts[rt_id].ack_worst_s = worst
    for rt_id, median in _median(session, area, start, by_rt=True).items():
        rts[rt_id].ack_median_s = median
    if with_missed:
        for rt_id, household_id, house, head, count in session.execute(
            select(
                Assignment.rt_id,
                Household.id,
                Household.house_code,
                Household.head_name,
                func.count(),
            )
            .join(Household, Household.id == Assignment.household_id)
            .where(
                _in(area, Assignment.rt_id),
                _week(Assignment.night_date, start),
                Assignment.status == "absent",
            )
            .group_by(Assignment.rt_id, Household.id, Household.house_code, Household.head_name)
            .order_by(Household.house_code)
        ):
            rts[rt_id].missed.append(
                {
                    "household_id": household_id,
                    "house_code": house,
                    "head_name": head,
                    "missed": count,
                }
            )
    per_rt = [figures.rt_figures(r, with_missed=with_missed) for r in rts.values()]
    area_worst = session.scalar(
        select(func.max(Incident.ack_seconds)).where(
            _in(area, Incident.rt_id), _week(Incident.local_date, start)
        )
    )
    area_median = _median(session, area, start, by_rt=False).get(0)
    return {
        "area_id": area.id,
        "area_name": area.name,
        "area_kind": area.kind.value,
        "week": f"{start.isocalendar().year}-W{start.isocalendar().week:02d}",
        "week_start": start.isoformat(),
        "week_end": (start + timedelta(days=6)).isoformat(),
        "rts": per_rt,
        "totals": figures.totals(per_rt, (area_median, area_worst)),
        "trend": _trend(session, area, start),
    }


def _trend(session: Session, area: Area, start: date) -> dict[str, Any]:
    first = start - timedelta(weeks=4)
    published = select(Roster.id).where(Roster.status == RosterStatus.published)
    turns: dict[date, dict[str, int]] = defaultdict(dict)
    for day, status, count in session.execute(
        select(Assignment.night_date, Assignment.status, func.count())
        .where(
            _in(area, Assignment.rt_id),
            _week(Assignment.night_date, first, 35),
            Assignment.roster_id.in_(published),
        )
        .group_by(Assignment.night_date, Assignment.status)
    ):
        turns[day][status.value] = count
    patrolled = dict(
        session.execute(
            select(CheckIn.night_date, func.count(func.distinct(CheckIn.night_id)))
            .where(_in(area, CheckIn.rt_id), _week(CheckIn.night_date, first, 35))
            .group_by(CheckIn.night_date)
        ).all()
    )
    reports = dict(
        session.execute(
            select(Incident.local_date, func.count())
            .where(_in(area, Incident.rt_id), _week(Incident.local_date, first, 35))
            .group_by(Incident.local_date)
        ).all()
    )
    return figures.trend(start, turns, patrolled, reports)


def may_see_missed(principal: Principal, area: Area) -> bool:
    """RT and RW heads (and admins) see which households missed; a liaison sees counts."""
    return principal.can(Permission.read_household_details, area.path)


def stored(session: Session, area: Area, start: date) -> WeeklySummary | None:
    return session.scalar(
        select(WeeklySummary).where(
            WeeklySummary.area_id == area.id, WeeklySummary.week_start == start
        )
    )


def build(
    session: Session,
    area: Area,
    start: date,
    *,
    now: datetime,
    rebuild: bool = False,
    actor_id: int | None = None,
) -> WeeklySummary:
    """Store the week's summary once every night is closed; a rebuild is explicit and audited."""
    existing = stored(session, area, start)
    if existing is not None and not rebuild:
        raise AlreadyBuilt(field="week")
    waiting = open_nights(session, area, start)
    if waiting:
        raise WeekNotClosed(open=waiting, field="week")
    data = compute(session, area, start, now=now, with_missed=True)
    if existing is None:
        existing = WeeklySummary(area_id=area.id, week_start=start, data=data, built_at=now)
        session.add(existing)
    else:
        existing.data = data
        existing.built_at = now
        existing.rebuilt_count += 1
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="summary.rebuild" if rebuild else "summary.build",
        object_type="weekly_summary",
        object_id=existing.id,
        area_id=area.id,
        at=now,
    )
    return existing


def for_reader(data: dict[str, Any], with_missed: bool) -> dict[str, Any]:
    """Drop the names of households that missed their turn for readers who see counts only."""
    if with_missed:
        return data
    return data | {
        "rts": [{k: v for k, v in r.items() if k != "missed_households"} for r in data["rts"]]
    }


def read_week(
    session: Session, area: Area, start: date, *, now: datetime, with_missed: bool
) -> dict[str, Any]:
    """The stored snapshot when there is one, else the figures as they stand now."""
    snapshot = stored(session, area, start)
    if snapshot is not None:
        data = snapshot.data | {"stored": True, "built_at": snapshot.built_at.isoformat()}
    else:
        data = compute(session, area, start, now=now, with_missed=with_missed) | {
            "stored": False,
            "built_at": None,
        }
    return for_reader(data, with_missed)


def last_full_week(now: datetime, zone: str) -> str:
    """The ISO week before this one, in the area's zone: the one a liaison reads on Monday."""
    local = now.astimezone(ZoneInfo(zone)).date() - timedelta(weeks=1)
    iso = local.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"

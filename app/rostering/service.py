"""Monthly rosters from the database: the problem, drafts, publishing, the fairness board."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, delete, func, insert, select, text
from sqlalchemy.orm import Session

from app.areas import service as areas
from app.areas.models import Area
from app.audit import service as audit
from app.audit.models import AuditEntry
from app.errors import Conflict, Invalid, NotFound
from app.households import service as households
from app.households.models import AwayPeriod, Household, HouseholdStatus, Member
from app.i18n import N_, gettext
from app.notifications import service as outbox
from app.patrols.models import Fine
from app.rostering import calendar, solver
from app.rostering.models import (
    Assignment,
    AssignmentStatus,
    CalendarOverride,
    Roster,
    RosterComment,
    RosterNight,
    RosterStatus,
)

# What a turn counts as, decided here and nowhere else.
#
# - present: a member of the household patrolled;
# - covered: a stand-in patrolled for the household, which counts as its turn;
# - scheduled (on a published roster): the night has not been closed yet; the turn
#   is counted as it is expected to be served, and closing the night (attendance)
#   replaces it with what happened before it can mislead a later month;
# - absent: not served, so the turn is owed again through carry-over; except where
#   the RT's no-show rule has no make-up: there a paid fine settles the turn;
# - excused: not served either.
SERVED = frozenset({AssignmentStatus.present, AssignmentStatus.covered})
EXPECTED = frozenset({AssignmentStatus.scheduled})
MISSED = frozenset({AssignmentStatus.absent})


class RosterNotFound(NotFound):
    code = "roster_not_found"
    message = N_("Roster {roster_id} does not exist.")


class BadMonth(Invalid):
    code = "bad_month"
    message = N_("The month must be written YYYY-MM.")


class RosterPublished(Conflict):
    code = "roster_published"
    message = N_("The roster for {month} is published; change it through swaps and stand-ins.")


class ObjectionWindowOpen(Conflict):
    code = "objection_window_open"
    message = N_("Members may comment on this draft until {until}; publish after that.")


class NotInObjectionWindow(Conflict):
    code = "not_in_objection_window"
    message = N_("Comments are taken only while the draft is open for objections.")


class OverrideNotFound(NotFound):
    code = "calendar_override_not_found"
    message = N_("Calendar change {override_id} does not exist.")


def check_month(text: str) -> str:
    """Refuse a month not written ``YYYY-MM``."""
    try:
        calendar.parse_month(text)
    except ValueError:
        raise BadMonth(field="month") from None
    return text


def get_roster(session: Session, roster_id: int) -> Roster:
    """Return the roster or raise ``RosterNotFound``."""
    roster = session.get(Roster, roster_id)
    if roster is None:
        raise RosterNotFound(roster_id=roster_id, field="roster_id")
    return roster


def rt_path_of_roster(session: Session, roster_id: int) -> str:
    return areas.get_area(session, get_roster(session, roster_id).rt_id).path


# --- the calendar of a month --------------------------------------------------------------


@dataclass(frozen=True)
class NightPlan:
    night_date: date
    team_size: int
    start: time
    end: time
    holiday: str | None
    note: str | None


def plan_month(rt: Area, month: str, overrides: list[CalendarOverride]) -> list[NightPlan]:
    """Each night's team size and hours: RT defaults, weekday sizes, then date overrides."""
    plans = []
    for day in calendar.month_dates(month):
        size = rt.team_size_by_weekday.get(calendar.weekday_key(day), rt.team_size)
        start, end, note = rt.patrol_start, rt.patrol_end, None
        # A later override wins where ranges overlap.
        for override in overrides:
            if override.start_date <= day <= override.end_date:
                if override.team_size is not None:
                    size = override.team_size
                start = override.patrol_start or start
                end = override.patrol_end or end
                note = override.note or note
        plans.append(NightPlan(day, size, start, end, calendar.holiday_name(day), note))
    return plans


# --- the problem from the database --------------------------------------------------------


@dataclass
class Carry:
    """A household's turns in the fairness window before the month."""

    served: int = 0
    weekend: int = 0
    missed: int = 0
    last_shift: date | None = None


def carry_over(session: Session, rts: list[Area], month: str) -> dict[int, Carry]:
    """Turns per household on its RT's published rosters within the window before ``month``."""
    month_start = calendar.month_dates(month)[0]
    result: dict[int, Carry] = {}
    groups: dict[tuple[int, bool], list[int]] = defaultdict(list)
    for rt in rts:
        groups[(rt.fairness_window_months, rt.noshow_makeup)].append(rt.id)
    settled = Assignment.id.in_(select(Fine.assignment_id).where(Fine.paid_at.is_not(None)))
    for (window, makeup), rt_ids in groups.items():
        counted: ColumnElement[bool] = Assignment.status.in_(list(SERVED | EXPECTED))
        if not makeup:
            counted = counted | ((Assignment.status == AssignmentStatus.absent) & settled)
        window_start = calendar.month_dates(calendar.shift_month(month, -window))[0]
        rows = session.execute(
            select(
                Assignment.household_id,
                func.sum(case((counted, 1), else_=0)),
                func.sum(case((counted & Assignment.weekend, 1), else_=0)),
                func.sum(case((Assignment.status.in_(list(MISSED)) & ~counted, 1), else_=0)),
                func.max(Assignment.night_date),
            )
            .join(Roster, Roster.id == Assignment.roster_id)
            .where(
                Assignment.rt_id.in_(rt_ids),
                Roster.status == RosterStatus.published,
                Assignment.night_date >= window_start,
                Assignment.night_date < month_start,
                Assignment.status != AssignmentStatus.excused,
            )
            .group_by(Assignment.household_id)
        ).all()
        for hid, served, weekend, missed, last in rows:
            result[hid] = Carry(int(served or 0), int(weekend or 0), int(missed or 0), last)
    return result


@dataclass
class ProblemContext:
    """The problem handed to the solver and what it was built from."""

    rt: Area
    problem: dict[str, Any]
    households: dict[int, Household]
    carry: dict[int, Carry]
    prior: dict[int, tuple[int, int]]
    plans: list[NightPlan]
    eligible: set[int] = field(default_factory=set)


@dataclass
class RTData:
    """Everything the problem of one RT and month is built from, read in bulk."""

    rt: Area
    households: list[Household] = field(default_factory=list)
    capable: set[int] = field(default_factory=set)
    away: dict[int, list[AwayPeriod]] = field(default_factory=lambda: defaultdict(list))
    carry: dict[int, Carry] = field(default_factory=dict)
    overrides: list[CalendarOverride] = field(default_factory=list)


def gather(session: Session, rts: list[Area], month: str) -> dict[int, RTData]:
    """Read what the problems of many RTs need in a handful of queries, whatever their number."""
    dates = calendar.month_dates(month)
    first, last = dates[0], dates[-1]
    data = {rt.id: RTData(rt) for rt in rts}
    rt_ids = list(data)
    for household in session.scalars(
        select(Household)
        .where(
            Household.rt_id.in_(rt_ids),
            Household.joined_date <= last,
            (Household.moved_out_date.is_(None)) | (Household.moved_out_date > first),
        )
        .order_by(Household.id)
    ):
        data[household.rt_id].households.append(household)
    in_rts = select(Household.id).where(Household.rt_id.in_(rt_ids)).scalar_subquery()
    capable = set(
        session.scalars(
            select(Member.household_id)
            .where(Member.household_id.in_(in_rts), Member.may_patrol.is_(True))
            .distinct()
        )
    )
    away: dict[int, list[AwayPeriod]] = defaultdict(list)
    for period in session.scalars(
        select(AwayPeriod).where(
            AwayPeriod.household_id.in_(in_rts),
            AwayPeriod.start_date <= last,
            AwayPeriod.end_date >= first,
        )
    ):
        away[period.household_id].append(period)
    carry = carry_over(session, rts, month)
    for override in session.scalars(
        select(CalendarOverride)
        .where(
            CalendarOverride.rt_id.in_(rt_ids),
            CalendarOverride.start_date <= last,
            CalendarOverride.end_date >= first,
        )
        .order_by(CalendarOverride.id)
    ):
        data[override.rt_id].overrides.append(override)
    for item in data.values():
        ids = {h.id for h in item.households}
        item.capable = capable & ids
        item.away = defaultdict(list, {h: away[h] for h in ids if h in away})
        item.carry = {h: carry[h] for h in ids if h in carry}
    return data


def build_problem(session: Session, rt: Area, month: str, seed: int = 0) -> ProblemContext:
    """The roster problem of an RT and month, from households, absences and past turns."""
    return problem_from(gather(session, [rt], month)[rt.id], month, seed)


def problem_from(data: RTData, month: str, seed: int = 0) -> ProblemContext:
    """Build the solver's problem from one RT's data; no database."""
    rt = data.rt
    dates = calendar.month_dates(month)
    window_start = calendar.month_dates(calendar.shift_month(month, -rt.fairness_window_months))[0]
    plans = plan_month(rt, month, data.overrides)
    candidates, capable, away, carry = data.households, data.capable, data.away, data.carry

    problem_households: list[dict[str, Any]] = []
    unavailable: dict[int, list[date]] = {}
    exempt: dict[int, bool] = {}
    first, last = dates[0], dates[-1]
    for household in candidates:
        # Date ranges the household cannot patrol; most households have none.
        ranges: list[tuple[date, date]] = []
        if household.joined_date > first:
            ranges.append((first, household.joined_date - timedelta(days=1)))
        if household.moved_out_date is not None and household.moved_out_date <= last:
            ranges.append((household.moved_out_date, last))
        ranges.extend((p.start_date, p.end_date) for p in away.get(household.id, ()))
        whole_month = household.id not in capable
        if household.status == HouseholdStatus.exempt:
            start = household.exempt_from or first
            end = household.exempt_until or last
            if start <= first and end >= last:
                whole_month = True
            ranges.append((start, end))
        exempt[household.id] = whole_month
        unavailable[household.id] = (
            [d for d in dates if any(a <= d <= b for a, b in ranges)] if ranges else []
        )

    # Newcomers (present for only part of the window) start at the RT's current minimum
    # load: starting them at zero would load all the catch-up onto them.
    established = [h.id for h in candidates if not exempt[h.id] and h.joined_date <= window_start]
    floor = min((carry.get(h, Carry()).served for h in established), default=0)
    weekend_floor = min((carry.get(h, Carry()).weekend for h in established), default=0)
    prior: dict[int, tuple[int, int]] = {}
    for household in candidates:
        own = carry.get(household.id, Carry())
        served, weekend = own.served, own.weekend
        if household.joined_date > window_start:
            served = max(served, floor)
            weekend = min(served, max(weekend, weekend_floor))
        prior[household.id] = (served, weekend)
        last_shift = own.last_shift
        problem_households.append(
            {
                "id": str(household.id),
                "exempt": exempt[household.id],
                "unavailable": [d.isoformat() for d in unavailable[household.id]],
                "prior_shifts": served,
                "prior_weekend_shifts": weekend,
                "last_shift_date": last_shift.isoformat() if last_shift else None,
            }
        )
    problem = {
        "month": month,
        "team_size": rt.team_size,
        "team_size_by_weekday": dict(rt.team_size_by_weekday),
        "team_size_by_date": {
            p.night_date.isoformat(): p.team_size
            for p in plans
            if p.team_size
            != rt.team_size_by_weekday.get(calendar.weekday_key(p.night_date), rt.team_size)
        },
        "min_gap_days": rt.min_gap_days,
        "weekend_nights": list(rt.weekend_nights),
        "households": problem_households,
        "seed": seed,
    }
    return ProblemContext(
        rt=rt,
        problem=problem,
        households={h.id: h for h in candidates},
        carry=carry,
        prior=prior,
        plans=plans,
        eligible={h.id for h in candidates if not exempt[h.id]},
    )


# --- drafts and publishing ----------------------------------------------------------------


def list_rosters(session: Session, rt: Area) -> list[Roster]:
    """An RT's rosters, newest month first."""
    return list(
        session.scalars(select(Roster).where(Roster.rt_id == rt.id).order_by(Roster.month.desc()))
    )


def find_roster(session: Session, rt: Area, month: str) -> Roster | None:
    return session.scalar(select(Roster).where(Roster.rt_id == rt.id, Roster.month == month))


def solve_problem(problem: dict[str, Any]) -> dict[str, Any]:
    """Solve one roster problem (JSON in, JSON out): what worker processes run."""
    return solver.solve(solver.parse_problem(problem)).to_json()


def generate_draft(
    session: Session,
    rt: Area,
    month: str,
    *,
    actor_id: int | None,
    now: datetime,
    seed: int = 0,
) -> Roster:
    """Draw (or redraw) the draft roster of an RT for a month; a published one stays."""
    households.require_rt(rt)
    check_month(month)
    roster = find_roster(session, rt, month)
    if roster is not None and roster.status == RosterStatus.published:
        raise RosterPublished(month=month, field="month")
    context = build_problem(session, rt, month, seed)
    result = solve_problem(context.problem)
    if roster is None:
        store_drafts(session, [(context, result)], actor_id=actor_id, now=now)
        roster = find_roster(session, rt, month)
        assert roster is not None
        return roster
    # Redraw in place: the roster keeps its id and members' comments.
    session.execute(delete(Assignment).where(Assignment.roster_id == roster.id))
    session.execute(delete(RosterNight).where(RosterNight.roster_id == roster.id))
    roster.seed = seed
    roster.generated_at = now
    roster.objection_until = None
    roster.problem = context.problem
    roster.figures = _figures(result)
    _store_nights(session, [(roster.id, context, result)])
    audit.record(
        session,
        actor_id=actor_id,
        action="roster.redraw",
        object_type="roster",
        object_id=roster.id,
        area_id=rt.id,
        at=now,
        after={"month": month, "seed": seed, "figures": result["metrics"]},
    )
    return roster


def _figures(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "metrics": result["metrics"],
        "bounds": result["bounds"],
        "proved_optimal": result["proved_optimal"],
    }


def store_drafts(
    session: Session,
    drafts: list[tuple[ProblemContext, dict[str, Any]]],
    *,
    actor_id: int | None,
    now: datetime,
) -> int:
    """Write solved drafts in bulk: rosters, nights, then assignments (COPY on PostgreSQL).

    Returns the number of assignments written.
    """
    if not drafts:
        return 0
    roster_ids = session.scalars(
        insert(Roster).returning(Roster.id, sort_by_parameter_order=True),
        [
            {
                "rt_id": context.rt.id,
                "month": context.problem["month"],
                "status": RosterStatus.draft,
                "seed": context.problem["seed"],
                "generated_at": now,
                "problem": context.problem,
                "figures": _figures(result),
            }
            for context, result in drafts
        ],
    ).all()
    written = _store_nights(
        session, [(rid, c, r) for rid, (c, r) in zip(roster_ids, drafts, strict=True)]
    )
    session.add_all(
        AuditEntry(
            actor_id=actor_id,
            action="roster.draft",
            object_type="roster",
            object_id=str(roster_id),
            area_id=context.rt.id,
            at=now,
            after={"month": context.problem["month"], "figures": result["metrics"]},
        )
        for roster_id, (context, result) in zip(roster_ids, drafts, strict=True)
    )
    session.flush()
    return written


def _store_nights(
    session: Session, drafts: list[tuple[int, ProblemContext, dict[str, Any]]]
) -> int:
    """Write the nights and assignments of solved rosters; returns the assignments written."""
    night_rows = []
    for roster_id, context, _result in drafts:
        rt = context.rt
        for plan in context.plans:
            starts, ends = calendar.night_span(plan.night_date, plan.start, plan.end, rt.timezone)
            night_rows.append(
                {
                    "roster_id": roster_id,
                    "night_date": plan.night_date,
                    "starts_at": starts,
                    "ends_at": ends,
                    "team_size": plan.team_size,
                    "holiday": plan.holiday,
                    "note": plan.note,
                }
            )
    night_ids = _insert_nights(session, night_rows)
    assignments = []
    for roster_id, context, result in drafts:
        weekend_days = set(context.rt.weekend_nights)
        for night in result["nights"]:
            day = date.fromisoformat(night["date"])
            weekend = calendar.weekday_key(day) in weekend_days
            for hid in night["households"]:
                assignments.append(
                    (night_ids[(roster_id, day)], roster_id, context.rt.id, int(hid), day, weekend)
                )
    _insert_assignments(session, assignments)
    return len(assignments)


NIGHT_COLUMNS = ("roster_id", "night_date", "starts_at", "ends_at", "team_size", "holiday", "note")


def _insert_nights(session: Session, rows: list[dict[str, Any]]) -> dict[tuple[int, date], int]:
    """Insert nights and return their ids by (roster, date); COPY on PostgreSQL."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return {
            (roster_id, night_date): night_id
            for night_id, roster_id, night_date in session.execute(
                insert(RosterNight).returning(
                    RosterNight.id,
                    RosterNight.roster_id,
                    RosterNight.night_date,
                    sort_by_parameter_order=True,
                ),
                rows,
            )
        }
    # Take the ids from the sequence first, so COPY can write them and we know them.
    ids = session.scalars(
        text("SELECT nextval('roster_night_id_seq') FROM generate_series(1, :n)"),
        {"n": len(rows)},
    ).all()
    raw = connection.connection.driver_connection
    columns = ", ".join(("id", *NIGHT_COLUMNS))
    with raw.cursor() as cursor:  # type: ignore[union-attr]
        with cursor.copy(f"COPY roster_night ({columns}) FROM STDIN") as copy:
            for night_id, row in zip(ids, rows, strict=True):
                copy.write_row((night_id, *(row[c] for c in NIGHT_COLUMNS)))
    return {(row["roster_id"], row["night_date"]): nid for nid, row in zip(ids, rows, strict=True)}


ASSIGNMENT_COLUMNS = ("night_id", "roster_id", "rt_id", "household_id", "night_date", "weekend")


def _insert_assignments(
    session: Session, rows: list[tuple[int, int, int, int, date, bool]]
) -> None:
    """Insert assignment rows, with COPY where the database has it."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        columns = ", ".join((*ASSIGNMENT_COLUMNS, "status"))
        with raw.cursor() as cursor:  # type: ignore[union-attr]
            with cursor.copy(f"COPY assignment ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, AssignmentStatus.scheduled.value))
        return
    session.execute(
        insert(Assignment),
        [
            dict(zip(ASSIGNMENT_COLUMNS, row, strict=True)) | {"status": AssignmentStatus.scheduled}
            for row in rows
        ],
    )


def publish(session: Session, roster: Roster, *, actor_id: int | None, now: datetime) -> Roster:
    """Publish a draft; with an objection window, the first call opens it for comments."""
    rt = areas.get_area(session, roster.rt_id)
    if roster.status == RosterStatus.published:
        raise RosterPublished(month=roster.month, field="roster_id")
    if rt.objection_days > 0:
        if roster.objection_until is None:
            roster.objection_until = now + timedelta(days=rt.objection_days)
            audit.record(
                session,
                actor_id=actor_id,
                action="roster.open_objections",
                object_type="roster",
                object_id=roster.id,
                area_id=rt.id,
                at=now,
                after={"objection_until": roster.objection_until},
            )
            return roster
        if now < roster.objection_until:
            raise ObjectionWindowOpen(until=roster.objection_until.isoformat(), field="roster_id")
    roster.status = RosterStatus.published
    roster.published_at = now
    session.flush()
    outbox.notify_households(
        session,
        session.scalars(
            select(Assignment.household_id).where(Assignment.roster_id == roster.id).distinct()
        ).all(),
        subject=N_("Roster published"),
        body=N_("The patrol roster for {month} is published; see your nights in Ronda."),
        params={"month": roster.month},
        zone=rt.timezone,
        now=now,
        payload={"roster_id": roster.id},
    )
    audit.record(
        session,
        actor_id=actor_id,
        action="roster.publish",
        object_type="roster",
        object_id=roster.id,
        area_id=rt.id,
        at=now,
        after={"month": roster.month},
    )
    return roster


def add_comment(
    session: Session, roster: Roster, body: str, *, user_id: int, now: datetime
) -> RosterComment:
    """A member's comment on a draft while it is open for objections."""
    if (
        roster.status != RosterStatus.draft
        or roster.objection_until is None
        or now >= roster.objection_until
    ):
        raise NotInObjectionWindow(field="roster_id")
    comment = RosterComment(roster_id=roster.id, user_id=user_id, body=body, created_at=now)
    session.add(comment)
    session.flush()
    return comment


def comments(session: Session, roster: Roster) -> list[RosterComment]:
    return list(
        session.scalars(
            select(RosterComment)
            .where(RosterComment.roster_id == roster.id)
            .order_by(RosterComment.id)
        )
    )


# --- reading a roster, the fairness board and the reasons ---------------------------------


def roster_nights(
    session: Session, roster: Roster
) -> list[tuple[RosterNight, list[tuple[Assignment, Household]]]]:
    """The roster's nights, each with its assignments and households, in two queries."""
    nights = list(
        session.scalars(
            select(RosterNight)
            .where(RosterNight.roster_id == roster.id)
            .order_by(RosterNight.night_date)
        )
    )
    on: dict[int, list[tuple[Assignment, Household]]] = defaultdict(list)
    for assignment, household in session.execute(
        select(Assignment, Household)
        .join(Household, Household.id == Assignment.household_id)
        .where(Assignment.roster_id == roster.id)
        .order_by(Household.house_code)
    ):
        on[assignment.night_id].append((assignment, household))
    return [(night, on[night.id]) for night in nights]


@dataclass
class BoardRow:
    household_id: int
    house_code: str
    head_name: str
    eligible: bool
    served: int
    weekend_served: int
    missed: int
    carried: int  # the prior the solver was given (newcomers start at the RT minimum)
    scheduled: int
    weekend_scheduled: int
    load: int
    last_shift_before: date | None
    dates: list[date]


def fairness_board(session: Session, rt: Area, month: str) -> list[BoardRow]:
    """Each household's turns over the window before ``month`` and on its roster, if any."""
    check_month(month)
    context = build_problem(session, rt, month)
    roster = find_roster(session, rt, month)
    mine: dict[int, list[tuple[date, bool]]] = defaultdict(list)
    if roster is not None:
        for hid, day, weekend in session.execute(
            select(Assignment.household_id, Assignment.night_date, Assignment.weekend)
            .where(Assignment.roster_id == roster.id)
            .order_by(Assignment.night_date)
        ):
            mine[hid].append((day, weekend))
    rows = []
    for hid, household in context.households.items():
        carry = context.carry.get(hid, Carry())
        prior, _prior_weekend = context.prior[hid]
        turns = mine[hid]
        rows.append(
            BoardRow(
                household_id=hid,
                house_code=household.house_code,
                head_name=household.head_name,
                eligible=hid in context.eligible,
                served=carry.served,
                weekend_served=carry.weekend,
                missed=carry.missed,
                carried=prior,
                scheduled=len(turns),
                weekend_scheduled=sum(1 for _d, w in turns if w),
                load=prior + len(turns),
                last_shift_before=carry.last_shift,
                dates=[d for d, _w in turns],
            )
        )
    return sorted(rows, key=lambda r: r.house_code)


REASON = N_(
    "{month_turns} turn(s) this month; {load} in the last {window} months "
    "(RT: {low} to {high}){least}; {previous}"
)
LEAST = N_(", among the fewest in the RT")
PREVIOUS = N_("previous turn {days} days earlier")
FIRST = N_("first turn in the window")


def explain(
    session: Session, roster: Roster, language: str
) -> tuple[list[BoardRow], dict[int, str]]:
    """A one-line reason per assignment, every number read from the board's own rows."""
    rt = areas.get_area(session, roster.rt_id)
    board = fairness_board(session, rt, roster.month)
    eligible = [r for r in board if r.eligible]
    low = min((r.load for r in eligible), default=0)
    high = max((r.load for r in eligible), default=0)
    by_household = {r.household_id: r for r in board}
    reasons: dict[int, str] = {}
    for assignment in session.scalars(select(Assignment).where(Assignment.roster_id == roster.id)):
        row = by_household.get(assignment.household_id)
        if row is None:
            # The household left the RT after the roster was drawn: no figures to explain.
            continue
        earlier = [d for d in row.dates if d < assignment.night_date]
        before = earlier[-1] if earlier else row.last_shift_before
        previous = (
            gettext(PREVIOUS, language, days=(assignment.night_date - before).days)
            if before
            else gettext(FIRST, language)
        )
        reasons[assignment.id] = gettext(
            REASON,
            language,
            month_turns=row.scheduled,
            load=row.load,
            window=rt.fairness_window_months,
            low=low,
            high=high,
            least=gettext(LEAST, language) if row.load == low else "",
            previous=previous,
        )
    return board, reasons


# --- calendar overrides -------------------------------------------------------------------


def add_override(
    session: Session,
    rt: Area,
    *,
    start_date: date,
    end_date: date,
    team_size: int | None,
    patrol_start: time | None,
    patrol_end: time | None,
    note: str | None,
    actor_id: int | None,
    now: datetime,
) -> CalendarOverride:
    """Cancel nights, or set other hours or team size, for a range of dates."""
    households.require_rt(rt)
    override = CalendarOverride(
        rt_id=rt.id,
        start_date=start_date,
        end_date=end_date,
        team_size=team_size,
        patrol_start=patrol_start,
        patrol_end=patrol_end,
        note=note,
        created_at=now,
    )
    session.add(override)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="calendar.override",
        object_type="calendar_override",
        object_id=override.id,
        area_id=rt.id,
        at=now,
        after=audit.snapshot(
            override, ["start_date", "end_date", "team_size", "patrol_start", "patrol_end", "note"]
        ),
    )
    return override


def get_override(session: Session, override_id: int) -> CalendarOverride:
    found = session.get(CalendarOverride, override_id)
    if found is None:
        raise OverrideNotFound(override_id=override_id, field="override_id")
    return found


def remove_override(
    session: Session, override: CalendarOverride, *, actor_id: int | None, now: datetime
) -> None:
    """Withdraw a calendar change; drafts drawn afterwards no longer see it."""
    audit.record(
        session,
        actor_id=actor_id,
        action="calendar.override_delete",
        object_type="calendar_override",
        object_id=override.id,
        area_id=override.rt_id,
        at=now,
    )
    session.delete(override)
    session.flush()


def list_overrides(session: Session, rt: Area) -> list[CalendarOverride]:
    return list(
        session.scalars(
            select(CalendarOverride)
            .where(CalendarOverride.rt_id == rt.id)
            .order_by(CalendarOverride.start_date)
        )
    )

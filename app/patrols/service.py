"""The night itself: who checks in, what the log says, which houses were watched, who missed."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.areas import service as areas
from app.areas.models import Area
from app.audit import service as audit
from app.auth.permissions import Permission
from app.auth.service import Principal
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.households import service as households
from app.households.models import AwayPeriod, Household
from app.i18n import N_
from app.patrols.models import (
    CheckIn,
    CheckInKind,
    EntryKind,
    Fine,
    HouseWatch,
    HouseWatchCheck,
    LogEntry,
    NightLog,
)
from app.rostering import service as rostering
from app.rostering.models import Assignment, AssignmentStatus, Roster, RosterNight, RosterStatus

CHECK_IN_OPENS = timedelta(minutes=60)
# A phone's own capture time is kept when it is this close to the server's clock.
CLOCK_TOLERANCE = timedelta(minutes=15)
TEAM_CLOSES_BEFORE_END = timedelta(minutes=60)
CORRECTABLE = {
    AssignmentStatus.present,
    AssignmentStatus.covered,
    AssignmentStatus.absent,
    AssignmentStatus.excused,
}


class NightNotFound(NotFound):
    code = "night_not_found"
    message = N_("Night {night_id} does not exist.")


class NotOnTeam(Forbidden):
    code = "not_on_team"
    message = N_("You are not on the team for the night of {night}.")


class TooEarly(Conflict):
    code = "check_in_not_open"
    message = N_("Check-in opens at {opens} (60 minutes before the patrol).")


class NightOver(Conflict):
    code = "night_over"
    message = N_("The night of {night} ended at {ended}.")


class NightClosed(Conflict):
    code = "night_closed"
    message = N_("The night of {night} is closed.")


class NotCheckedIn(Conflict):
    code = "not_checked_in"
    message = N_("Check in before checking out.")


class NotPublishedNight(Conflict):
    code = "night_not_published"
    message = N_("This night is on a draft roster.")


class NightNotStarted(Conflict):
    code = "night_not_started"
    message = N_("The night of {night} has not begun yet.")


class TooSoonToClose(Conflict):
    code = "too_soon_to_close"
    message = N_("The night can be closed from {at}.")


class NotCorrectable(Invalid):
    code = "attendance_not_correctable"
    message = N_(
        "Attendance is corrected to present, covered, absent or excused, once the night has begun."
    )


class WatchNotFound(NotFound):
    code = "house_watch_not_found"
    message = N_("House watch {watch_id} does not exist.")


class FineNotFound(NotFound):
    code = "fine_not_found"
    message = N_("Fine {fine_id} does not exist.")


class NotTonight(Invalid):
    code = "watch_not_tonight"
    message = N_("This house is not on tonight's titip rumah list.")


class AmountNeeded(Invalid):
    code = "amount_needed"
    message = N_("Jimpitan needs an amount in Rupiah.")


def get_night(session: Session, night_id: int) -> RosterNight:
    """Return the night or raise ``NightNotFound``."""
    night = session.get(RosterNight, night_id)
    if night is None:
        raise NightNotFound(night_id=night_id, field="night_id")
    return night


def rt_of_night(session: Session, night: RosterNight) -> Area:
    return areas.get_area(session, rostering.get_roster(session, night.roster_id).rt_id)


def rt_path_of_night(session: Session, night_id: int) -> str:
    return rt_of_night(session, get_night(session, night_id)).path


def recorded_time(now: datetime, captured_at: datetime | None) -> datetime:
    """The phone's capture time when it is close to ours (a late upload keeps its real time)."""
    if captured_at is not None and abs(captured_at - now) <= CLOCK_TOLERANCE:
        return captured_at.astimezone(UTC)
    return now


def _local(moment: datetime, rt: Area) -> str:
    return moment.astimezone(ZoneInfo(rt.timezone)).strftime("%H:%M")


def _published(session: Session, night: RosterNight) -> None:
    if rostering.get_roster(session, night.roster_id).status != RosterStatus.published:
        raise NotPublishedNight(field="night_id")


def _log(session: Session, night: RosterNight) -> NightLog | None:
    return session.scalar(select(NightLog).where(NightLog.night_id == night.id))


def open_log(session: Session, night: RosterNight, rt: Area, now: datetime) -> NightLog:
    """The night's log, opened now if nobody has yet (two first check-ins open it once)."""
    log = _log(session, night)
    if log is not None:
        return log
    try:
        with session.begin_nested():
            log = NightLog(
                night_id=night.id, rt_id=rt.id, night_date=night.night_date, opened_at=now
            )
            session.add(log)
            session.flush()
    except IntegrityError:
        log = _log(session, night)
        assert log is not None
    return log


def _turn_of(
    session: Session, principal: Principal, night: RosterNight
) -> tuple[Assignment, CheckInKind] | None:
    household_id = households.own_household_id(session, principal)
    if household_id is None:
        return None
    turns = session.scalars(
        select(Assignment).where(
            Assignment.night_id == night.id,
            or_(
                Assignment.household_id == household_id,
                Assignment.stand_in_household_id == household_id,
            ),
        )
    ).all()
    for turn in turns:
        if turn.household_id == household_id and turn.stand_in_household_id is None:
            return turn, CheckInKind.rostered
    for turn in turns:
        if turn.stand_in_household_id == household_id:
            return turn, CheckInKind.stand_in
    # A household that arranged a stand-in may still come itself.
    return (turns[0], CheckInKind.rostered) if turns else None


def on_team(session: Session, principal: Principal, night: RosterNight) -> bool:
    """Whether the caller's household (or its stand-in role) is on this night's team."""
    return _turn_of(session, principal, night) is not None


def own_check_in(session: Session, principal: Principal, night: RosterNight) -> CheckIn | None:
    """The caller's check-in for the night, if they have checked in."""
    return session.scalar(
        select(CheckIn).where(CheckIn.night_id == night.id, CheckIn.user_id == principal.user.id)
    )


def check_in(
    session: Session,
    principal: Principal,
    night: RosterNight,
    *,
    captured_at: datetime | None,
    latitude: float | None,
    longitude: float | None,
    accuracy_m: float | None,
    now: datetime,
) -> CheckIn:
    """Check a rostered member (or the household's stand-in) in at the post."""
    _published(session, night)
    rt = rt_of_night(session, night)
    at = recorded_time(now, captured_at)
    turn = _turn_of(session, principal, night)
    if turn is None:
        raise NotOnTeam(night=night.night_date.isoformat(), field="night_id")
    existing = own_check_in(session, principal, night)
    if existing is not None:
        return existing
    opens = night.starts_at - CHECK_IN_OPENS
    if at < opens:
        raise TooEarly(opens=_local(opens, rt), field="night_id")
    if at > night.ends_at:
        raise NightOver(night=night.night_date.isoformat(), ended=_local(night.ends_at, rt))
    log = open_log(session, night, rt, now)
    if log.closed_at is not None:
        raise NightClosed(night=night.night_date.isoformat(), field="night_id")
    assignment, kind = turn
    made = CheckIn(
        night_id=night.id,
        rt_id=rt.id,
        night_date=night.night_date,
        kind=kind,
        assignment_id=assignment.id,
        user_id=principal.user.id,
        checked_in_at=at,
        latitude=latitude,
        longitude=longitude,
        accuracy_m=accuracy_m,
        recorded_by_id=principal.user.id,
        created_at=now,
    )
    session.add(made)
    session.flush()
    return made


def check_out(
    session: Session,
    principal: Principal,
    night: RosterNight,
    *,
    captured_at: datetime | None,
    now: datetime,
) -> CheckIn:
    """Check out at the end of the patrol; a repeat changes nothing."""
    found = session.scalar(
        select(CheckIn).where(CheckIn.night_id == night.id, CheckIn.user_id == principal.user.id)
    )
    if found is None:
        raise NotCheckedIn(field="night_id")
    if found.checked_out_at is None:
        found.checked_out_at = max(recorded_time(now, captured_at), found.checked_in_at)
        session.flush()
    return found


def walk_in(
    session: Session,
    principal: Principal,
    night: RosterNight,
    *,
    name: str,
    assignment_id: int | None,
    now: datetime,
) -> CheckIn:
    """The RT head records a helper who came without being on the roster (or covering a turn)."""
    _published(session, night)
    rt = rt_of_night(session, night)
    principal.check(Permission.manage_roster, rt)
    assignment = None
    if assignment_id is not None:
        assignment = session.get(Assignment, assignment_id)
        if assignment is None or assignment.night_id != night.id:
            raise Invalid(field="assignment_id")
    log = open_log(session, night, rt, now)
    if log.closed_at is not None:
        raise NightClosed(night=night.night_date.isoformat(), field="night_id")
    made = CheckIn(
        night_id=night.id,
        rt_id=rt.id,
        night_date=night.night_date,
        kind=CheckInKind.walk_in,
        assignment_id=assignment.id if assignment else None,
        walk_in_name=name,
        checked_in_at=now,
        recorded_by_id=principal.user.id,
        created_at=now,
    )
    session.add(made)
    session.flush()
    audit.record(
        session,
        actor_id=principal.user.id,
        action="patrol.walk_in",
        object_type="check_in",
        object_id=made.id,
        area_id=rt.id,
        at=now,
        after={"name": name, "assignment_id": assignment_id},
    )
    return made


@dataclass(frozen=True)
class TeamRow:
    assignment_id: int
    household_id: int
    house_code: str
    head_name: str
    stand_in_name: str | None
    status: AssignmentStatus | None
    checked_in_at: datetime | None
    checked_out_at: datetime | None


def team(
    session: Session, principal: Principal, night: RosterNight
) -> tuple[list[TeamRow], list[CheckIn]]:
    """Tonight's team and who has checked in; walk-in helpers listed apart.

    How a turn ended is for the RT's heads and the household itself; who has come
    tonight is the team's business too; a resident off the team sees who is on.
    """
    view = households.viewer(session, principal, rt_of_night(session, night))
    team_mate = view.details or on_team(session, principal, night)
    checks = list(
        session.scalars(select(CheckIn).where(CheckIn.night_id == night.id).order_by(CheckIn.id))
    )
    by_turn: dict[int, CheckIn] = {}
    for item in checks:
        if item.assignment_id is not None:
            by_turn.setdefault(item.assignment_id, item)
    rows = []
    for assignment, household in session.execute(
        select(Assignment, Household)
        .join(Household, Household.id == Assignment.household_id)
        .where(Assignment.night_id == night.id)
        .order_by(Household.house_code)
    ):
        check = by_turn.get(assignment.id)
        full = view.full(household)
        shown = check if check is not None and (full or team_mate) else None
        rows.append(
            TeamRow(
                assignment_id=assignment.id,
                household_id=household.id,
                house_code=household.house_code,
                head_name=household.head_name,
                stand_in_name=assignment.stand_in_name,
                status=assignment.status if full else None,
                checked_in_at=shown.checked_in_at if shown else None,
                checked_out_at=shown.checked_out_at if shown else None,
            )
        )
    return rows, [c for c in checks if c.kind == CheckInKind.walk_in and c.assignment_id is None]


def _may_write_log(session: Session, principal: Principal, night: RosterNight, rt: Area) -> None:
    if principal.can(Permission.manage_roster, rt.path):
        return
    if _turn_of(session, principal, night) is not None:
        return
    raise NotOnTeam(night=night.night_date.isoformat(), field="night_id")


def add_entry(
    session: Session,
    principal: Principal,
    night: RosterNight,
    *,
    kind: EntryKind,
    text: str | None,
    amount_rupiah: int | None,
    now: datetime,
) -> LogEntry:
    """Write to the night's log: a round done, a note, "aman", or jimpitan collected."""
    _published(session, night)
    rt = rt_of_night(session, night)
    _may_write_log(session, principal, night, rt)
    if night.starts_at - CHECK_IN_OPENS > now:
        raise NightNotStarted(night=night.night_date.isoformat(), field="night_id")
    if kind == EntryKind.jimpitan and amount_rupiah is None:
        raise AmountNeeded(field="amount_rupiah")
    log = open_log(session, night, rt, now)
    if log.closed_at is not None:
        raise NightClosed(night=night.night_date.isoformat(), field="night_id")
    entry = LogEntry(
        log_id=log.id,
        kind=kind,
        text=text,
        amount_rupiah=amount_rupiah if kind == EntryKind.jimpitan else None,
        user_id=principal.user.id,
        at=now,
    )
    session.add(entry)
    session.flush()
    return entry


def log_of(session: Session, night: RosterNight) -> tuple[NightLog | None, list[LogEntry]]:
    log = _log(session, night)
    if log is None:
        return None, []
    entries = session.scalars(
        select(LogEntry).where(LogEntry.log_id == log.id).order_by(LogEntry.id)
    )
    return log, list(entries)


def _away_on(session: Session, household_ids: list[int], day: date) -> set[int]:
    return set(
        session.scalars(
            select(AwayPeriod.household_id).where(
                AwayPeriod.household_id.in_(household_ids),
                AwayPeriod.start_date <= day,
                AwayPeriod.end_date >= day,
            )
        )
    )


def _fine_for(
    session: Session, rt: Area, assignment: Assignment, now: datetime, actor_id: int | None
) -> None:
    if rt.noshow_fine_rupiah <= 0:
        return
    if session.scalar(select(Fine.id).where(Fine.assignment_id == assignment.id)) is None:
        session.add(
            Fine(
                household_id=assignment.household_id,
                assignment_id=assignment.id,
                amount_rupiah=rt.noshow_fine_rupiah,
                created_at=now,
                recorded_by_id=actor_id,
            )
        )


def close_night(
    session: Session, night: RosterNight, *, actor: Principal | None, now: datetime
) -> NightLog:
    """Close the log and derive attendance from check-ins; the scheduler closes with no actor.

    A rostered member checked in: present. The household's stand-in (or a helper the RT
    head recorded for the turn) checked in: covered. Nobody, and the household had an
    away period that night: excused. Otherwise absent, with the RT's fine if it has one.
    Turns already corrected by the RT head keep their status.
    """
    _published(session, night)
    rt = rt_of_night(session, night)
    if actor is not None:
        # The RT head closes once the night has begun; the team only at the end of the
        # patrol, so nobody marks teammates absent while they are still on their way.
        if actor.can(Permission.manage_roster, rt.path):
            opens = night.starts_at
        else:
            _may_write_log(session, actor, night, rt)
            opens = night.ends_at - TEAM_CLOSES_BEFORE_END
        if now < opens:
            raise TooSoonToClose(at=_local(opens, rt), field="night_id")
    log = open_log(session, night, rt, now)
    if log.closed_at is not None:
        return log
    checks = session.scalars(select(CheckIn).where(CheckIn.night_id == night.id)).all()
    kinds: dict[int, set[CheckInKind]] = {}
    for check in checks:
        if check.assignment_id is not None:
            kinds.setdefault(check.assignment_id, set()).add(check.kind)
    turns = session.scalars(
        select(Assignment).where(
            Assignment.night_id == night.id, Assignment.status == AssignmentStatus.scheduled
        )
    ).all()
    away = _away_on(session, [t.household_id for t in turns], night.night_date)
    actor_id = actor.user.id if actor else None
    for turn in turns:
        came = kinds.get(turn.id, set())
        if CheckInKind.rostered in came:
            turn.status = AssignmentStatus.present
        elif came:
            turn.status = AssignmentStatus.covered
        elif turn.household_id in away:
            turn.status = AssignmentStatus.excused
        else:
            turn.status = AssignmentStatus.absent
            _fine_for(session, rt, turn, now, actor_id)
    log.closed_at = now
    log.closed_by_id = actor_id
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="night.close",
        object_type="night_log",
        object_id=log.id,
        area_id=rt.id,
        at=now,
        after={"night": night.night_date, "statuses": {t.id: t.status for t in turns}},
    )
    return log


def correct_attendance(
    session: Session,
    principal: Principal,
    assignment: Assignment,
    *,
    status: AssignmentStatus,
    reason: str,
    now: datetime,
) -> Assignment:
    """The RT head corrects a turn's attendance, with a reason; fines follow the status."""
    rt = areas.get_area(session, assignment.rt_id)
    principal.check(Permission.manage_roster, rt)
    night = get_night(session, assignment.night_id)
    if status not in CORRECTABLE or night.starts_at > now:
        raise NotCorrectable(field="status")
    before = assignment.status
    assignment.status = status
    fine = session.scalar(select(Fine).where(Fine.assignment_id == assignment.id))
    if status == AssignmentStatus.absent:
        _fine_for(session, rt, assignment, now, principal.user.id)
    elif fine is not None and fine.paid_at is None:
        session.delete(fine)
    session.flush()
    audit.record(
        session,
        actor_id=principal.user.id,
        action="attendance.correct",
        object_type="assignment",
        object_id=assignment.id,
        area_id=rt.id,
        at=now,
        before={"status": before},
        after={"status": status, "reason": reason},
    )
    return assignment


# --- titip rumah ----------------------------------------------------------------------------


def get_watch(session: Session, watch_id: int) -> HouseWatch:
    found = session.get(HouseWatch, watch_id)
    if found is None:
        raise WatchNotFound(watch_id=watch_id, field="watch_id")
    return found


def add_watch(
    session: Session,
    household: Household,
    *,
    start_date: date,
    end_date: date,
    note: str | None,
    actor_id: int,
    now: datetime,
) -> HouseWatch:
    """Ask the patrol to watch the house while it stands empty."""
    watch = HouseWatch(
        household_id=household.id,
        rt_id=household.rt_id,
        start_date=start_date,
        end_date=end_date,
        note=note,
        created_at=now,
    )
    session.add(watch)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="house_watch.create",
        object_type="house_watch",
        object_id=watch.id,
        area_id=household.rt_id,
        at=now,
    )
    return watch


@dataclass(frozen=True)
class WatchRow:
    watch_id: int
    household_id: int
    house_code: str
    address: str | None
    note: str | None
    checked_at: datetime | None


def watch_list(session: Session, night: RosterNight) -> list[WatchRow]:
    """The houses tonight's patrol passes by, and whether each was ticked."""
    rt = rt_of_night(session, night)
    checked = dict(
        session.execute(
            select(HouseWatchCheck.watch_id, HouseWatchCheck.checked_at).where(
                HouseWatchCheck.night_id == night.id
            )
        ).all()
    )
    return [
        WatchRow(w.id, h.id, h.house_code, h.address, w.note, checked.get(w.id))
        for w, h in session.execute(
            select(HouseWatch, Household)
            .join(Household, Household.id == HouseWatch.household_id)
            .where(
                HouseWatch.rt_id == rt.id,
                HouseWatch.start_date <= night.night_date,
                HouseWatch.end_date >= night.night_date,
            )
            .order_by(Household.house_code)
        )
    ]


def tick_watch(
    session: Session, principal: Principal, night: RosterNight, watch: HouseWatch, now: datetime
) -> HouseWatchCheck:
    """Tick a watched house off tonight's list; ticking twice keeps the first tick."""
    rt = rt_of_night(session, night)
    _may_write_log(session, principal, night, rt)
    if watch.rt_id != rt.id or not watch.start_date <= night.night_date <= watch.end_date:
        raise NotTonight(field="watch_id")
    found = session.scalar(
        select(HouseWatchCheck).where(
            HouseWatchCheck.watch_id == watch.id, HouseWatchCheck.night_id == night.id
        )
    )
    if found is not None:
        return found
    made = HouseWatchCheck(
        watch_id=watch.id, night_id=night.id, user_id=principal.user.id, checked_at=now
    )
    session.add(made)
    session.flush()
    return made


# --- the ledger ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ledger:
    household_id: int
    served: int
    missed: int
    excused: int
    scheduled: int
    fines_owed_rupiah: int
    fines_paid_rupiah: int
    fines: list[Fine]


def ledger(session: Session, household: Household) -> Ledger:
    """A household's turns served, missed and excused, and its fines owed and paid."""
    counts = dict(
        session.execute(
            select(Assignment.status, func.count())
            .join(Roster, Roster.id == Assignment.roster_id)
            .where(
                Assignment.household_id == household.id,
                Roster.status == RosterStatus.published,
            )
            .group_by(Assignment.status)
        ).all()
    )
    fines = list(
        session.scalars(select(Fine).where(Fine.household_id == household.id).order_by(Fine.id))
    )
    return Ledger(
        household_id=household.id,
        served=counts.get(AssignmentStatus.present, 0) + counts.get(AssignmentStatus.covered, 0),
        missed=counts.get(AssignmentStatus.absent, 0),
        excused=counts.get(AssignmentStatus.excused, 0),
        scheduled=counts.get(AssignmentStatus.scheduled, 0),
        fines_owed_rupiah=sum(f.amount_rupiah for f in fines if f.paid_at is None),
        fines_paid_rupiah=sum(f.amount_rupiah for f in fines if f.paid_at is not None),
        fines=fines,
    )


@dataclass(frozen=True)
class LedgerRow:
    household: Household
    served: int
    missed: int
    excused: int
    fines_owed_rupiah: int
    fines: list[Fine]


def rt_ledger(session: Session, rt: Area) -> list[LedgerRow]:
    """Every household's ledger in the RT, in two queries: turns by status, then fines."""
    counts: dict[int, dict[AssignmentStatus, int]] = {}
    for household_id, status, count in session.execute(
        select(Assignment.household_id, Assignment.status, func.count())
        .join(Roster, Roster.id == Assignment.roster_id)
        .where(Assignment.rt_id == rt.id, Roster.status == RosterStatus.published)
        .group_by(Assignment.household_id, Assignment.status)
    ):
        counts.setdefault(household_id, {})[status] = count
    fines: dict[int, list[Fine]] = {}
    for fine in session.scalars(
        select(Fine)
        .join(Household, Household.id == Fine.household_id)
        .where(Household.rt_id == rt.id)
        .order_by(Fine.id)
    ):
        fines.setdefault(fine.household_id, []).append(fine)
    rows = []
    for household in session.scalars(
        select(Household).where(Household.rt_id == rt.id).order_by(Household.house_code)
    ):
        mine = counts.get(household.id, {})
        owed = fines.get(household.id, [])
        rows.append(
            LedgerRow(
                household=household,
                served=mine.get(AssignmentStatus.present, 0)
                + mine.get(AssignmentStatus.covered, 0),
                missed=mine.get(AssignmentStatus.absent, 0),
                excused=mine.get(AssignmentStatus.excused, 0),
                fines_owed_rupiah=sum(f.amount_rupiah for f in owed if f.paid_at is None),
                fines=owed,
            )
        )
    return rows


def recent_turns(
    session: Session, rt: Area, first: date, last: date
) -> list[tuple[RosterNight, list[tuple[Assignment, Household]]]]:
    """The published nights of an RT between two dates, each with its turns, newest first."""
    nights = list(
        session.scalars(
            select(RosterNight)
            .join(Roster, Roster.id == RosterNight.roster_id)
            .where(
                Roster.rt_id == rt.id,
                Roster.status == RosterStatus.published,
                RosterNight.night_date >= first,
                RosterNight.night_date <= last,
                RosterNight.team_size > 0,
            )
            .order_by(RosterNight.night_date.desc())
        )
    )
    turns: dict[int, list[tuple[Assignment, Household]]] = {n.id: [] for n in nights}
    for assignment, household in session.execute(
        select(Assignment, Household)
        .join(Household, Household.id == Assignment.household_id)
        .where(Assignment.night_id.in_(list(turns)))
        .order_by(Household.house_code)
    ):
        turns[assignment.night_id].append((assignment, household))
    return [(n, turns[n.id]) for n in nights]


def household_turns(
    session: Session, household_id: int, first: date, last: date
) -> list[tuple[Assignment, RosterNight]]:
    """A household's turns on published rosters between two dates, soonest first."""
    return [
        (assignment, night)
        for assignment, night in session.execute(
            select(Assignment, RosterNight)
            .join(RosterNight, RosterNight.id == Assignment.night_id)
            .join(Roster, Roster.id == Assignment.roster_id)
            .where(
                Assignment.household_id == household_id,
                Roster.status == RosterStatus.published,
                Assignment.night_date >= first,
                Assignment.night_date <= last,
            )
            .order_by(Assignment.night_date)
        )
    ]


def tonight(session: Session, rt: Area, now: datetime) -> RosterNight | None:
    """The RT's published night under way now (still "tonight" at 01:30), else this evening's."""
    published = (
        select(RosterNight)
        .join(Roster, Roster.id == RosterNight.roster_id)
        .where(Roster.rt_id == rt.id, Roster.status == RosterStatus.published)
    )
    running = session.scalar(
        published.where(RosterNight.starts_at <= now, RosterNight.ends_at > now)
    )
    if running is not None:
        return running
    today = now.astimezone(ZoneInfo(rt.timezone)).date()
    return session.scalar(published.where(RosterNight.night_date == today))


def get_fine(session: Session, fine_id: int) -> Fine:
    found = session.get(Fine, fine_id)
    if found is None:
        raise FineNotFound(fine_id=fine_id, field="fine_id")
    return found


def pay_fine(session: Session, principal: Principal, fine: Fine, now: datetime) -> Fine:
    """The RT head records a fine as paid."""
    household = households.get_household(session, fine.household_id)
    principal.check(Permission.manage_roster, areas.get_area(session, household.rt_id))
    if fine.paid_at is None:
        fine.paid_at = now
        session.flush()
        audit.record(
            session,
            actor_id=principal.user.id,
            action="fine.paid",
            object_type="fine",
            object_id=fine.id,
            area_id=household.rt_id,
            at=now,
            after={"amount_rupiah": fine.amount_rupiah},
        )
    return fine

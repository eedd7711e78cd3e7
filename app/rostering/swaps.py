"""Changing a published roster: offers, takes, swaps and stand-ins, each checked by the rules."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.areas import service as areas
from app.areas.models import Area
from app.audit import service as audit
from app.auth.models import Role
from app.auth.permissions import Permission
from app.auth.service import Principal
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.households import service as households
from app.households.models import Household
from app.i18n import N_, Msg
from app.notifications import service as outbox
from app.rostering import calendar, rules
from app.rostering import service as rostering
from app.rostering.models import (
    Assignment,
    OfferStatus,
    Roster,
    RosterNight,
    RosterStatus,
    SwapOffer,
)

RULE_NAMES = {
    rules.DUPLICATE: N_("a household appears at most once per night"),
    rules.EXEMPT: N_("an exempt household takes no turns"),
    rules.UNAVAILABLE: N_("nobody is on duty on a date they are unavailable"),
    rules.MIN_GAP: N_("two turns of one household are at least {gap} days apart"),
    rules.TEAM_SIZE: N_("no night holds more households than its team size"),
}


class AssignmentNotFound(NotFound):
    code = "assignment_not_found"
    message = N_("Turn {assignment_id} does not exist.")


class OfferNotFound(NotFound):
    code = "offer_not_found"
    message = N_("Offer {offer_id} does not exist.")


class NotPublished(Conflict):
    code = "roster_not_published"
    message = N_("Only a published roster is changed by swaps; redraw the draft instead.")


class NightStarted(Conflict):
    code = "night_started"
    message = N_("The night of {night} has already begun.")


class OfferClosed(Conflict):
    code = "offer_closed"
    message = N_("This offer is {status}.")


class AlreadyOffered(Conflict):
    code = "already_offered"
    message = N_("This turn is already on offer.")


class BreaksRule(Conflict):
    code = "breaks_rule"
    message = N_("Refused: rule {rule} ({name}) would be broken for house {house} on {night}.")


class NoHousehold(Invalid):
    code = "no_household"
    message = N_("Say which household takes the turn, or link your user to your household.")


class NotThisRT(Invalid):
    code = "household_not_in_rt"
    message = N_("Household {household_id} is not in this RT.")


class StandInNeeded(Invalid):
    code = "stand_in_needed"
    message = N_("Name a resident household or a substitute by name.")


def get_assignment(session: Session, assignment_id: int) -> Assignment:
    """Return the assignment or raise ``AssignmentNotFound``."""
    found = session.get(Assignment, assignment_id)
    if found is None:
        raise AssignmentNotFound(assignment_id=assignment_id, field="assignment_id")
    return found


def get_offer(session: Session, offer_id: int) -> SwapOffer:
    """Return the offer or raise ``OfferNotFound``."""
    found = session.get(SwapOffer, offer_id)
    if found is None:
        raise OfferNotFound(offer_id=offer_id, field="offer_id")
    return found


def rt_path_of_assignment(session: Session, assignment_id: int) -> str:
    return areas.get_area(session, get_assignment(session, assignment_id).rt_id).path


def rt_path_of_offer(session: Session, offer_id: int) -> str:
    return rostering.rt_path_of_roster(session, get_offer(session, offer_id).roster_id)


def check_acts_for(session: Session, principal: Principal, rt: Area, household_id: int) -> None:
    """The household itself, or the RT head on behalf of someone without a phone."""
    if principal.can(Permission.manage_roster, rt.path):
        return
    if households.own_household_id(session, principal) == household_id:
        return
    raise Forbidden()


def _night(session: Session, assignment: Assignment) -> RosterNight:
    night = session.get(RosterNight, assignment.night_id)
    assert night is not None
    return night


def _check_changeable(session: Session, assignment: Assignment, now: datetime) -> Roster:
    roster = rostering.get_roster(session, assignment.roster_id)
    if roster.status != RosterStatus.published:
        raise NotPublished(field="assignment_id")
    if _night(session, assignment).starts_at <= now:
        raise NightStarted(night=assignment.night_date.isoformat(), field="assignment_id")
    return roster


def _check_rules(
    session: Session, roster: Roster, rt: Area, moves: dict[int, int], touched: set[int]
) -> None:
    """Refuse, naming the rule, if moving assignments to other households breaks one."""
    context = rostering.build_problem(session, rt, roster.month)
    nights: dict[date, list[str]] = defaultdict(list)
    for assignment in session.scalars(select(Assignment).where(Assignment.roster_id == roster.id)):
        household = moves.get(assignment.id, assignment.household_id)
        nights[assignment.night_date].append(str(household))
    gap = timedelta(days=rt.min_gap_days)
    month = calendar.month_dates(roster.month)
    elsewhere: dict[str, list[date]] = defaultdict(list)
    for household_id, day in session.execute(
        select(Assignment.household_id, Assignment.night_date).where(
            Assignment.household_id.in_(touched),
            Assignment.roster_id != roster.id,
            Assignment.night_date > month[0] - gap,
            Assignment.night_date < month[-1] + gap,
        )
    ):
        elsewhere[str(household_id)].append(day)
    found = rules.breaches(
        context.problem,
        nights,
        households=[str(h) for h in touched],
        elsewhere=elsewhere,
    )
    if found:
        breach = found[0]
        house = session.get(Household, int(breach.household)) if breach.household else None
        raise BreaksRule(
            rule=breach.rule,
            name=Msg(RULE_NAMES[breach.rule]),
            gap=rt.min_gap_days,
            house=house.house_code if house else "-",
            night=breach.night.isoformat(),
            field="household_id",
        )


def _tell(
    session: Session,
    rt: Area,
    household_ids: set[int],
    subject: str,
    body: str,
    night: date,
    now: datetime,
) -> None:
    """Tell each household a change touches, its people in their own language."""
    outbox.notify_households(
        session,
        sorted(household_ids),
        subject=subject,
        body=body,
        params={"night": night.isoformat()},
        zone=rt.timezone,
        now=now,
    )


def offer(
    session: Session, principal: Principal, assignment: Assignment, note: str | None, now: datetime
) -> SwapOffer:
    """Put a turn on offer; it lapses when its night begins."""
    rt = areas.get_area(session, assignment.rt_id)
    check_acts_for(session, principal, rt, assignment.household_id)
    _check_changeable(session, assignment, now)
    if session.scalar(
        select(SwapOffer.id).where(
            SwapOffer.assignment_id == assignment.id,
            SwapOffer.status.in_([OfferStatus.open, OfferStatus.pending]),
        )
    ):
        raise AlreadyOffered(field="assignment_id")
    created = SwapOffer(
        roster_id=assignment.roster_id,
        assignment_id=assignment.id,
        household_id=assignment.household_id,
        status=OfferStatus.open,
        note=note,
        created_by_id=principal.user.id,
        created_at=now,
        expires_at=_night(session, assignment).starts_at,
    )
    session.add(created)
    session.flush()
    outbox.notify_people(
        session,
        outbox.holders(session, rt, [Role.rt_head]),
        subject=N_("A patrol turn is on offer"),
        body=N_("The night of {night} is on offer in your RT."),
        params={"night": assignment.night_date.isoformat()},
        zone=rt.timezone,
        now=now,
        payload={"offer_id": created.id},
    )
    audit.record(
        session,
        actor_id=principal.user.id,
        action="swap.offer",
        object_type="swap_offer",
        object_id=created.id,
        area_id=rt.id,
        at=now,
        after={"assignment_id": assignment.id, "night": assignment.night_date},
    )
    return created


def _current(session: Session, found: SwapOffer, now: datetime) -> None:
    if found.status in (OfferStatus.open, OfferStatus.pending) and found.expires_at <= now:
        found.status = OfferStatus.expired
        found.decided_at = now
        session.flush()
    if found.status not in (OfferStatus.open, OfferStatus.pending):
        raise OfferClosed(status=found.status.value, field="offer_id")


def _still_open(session: Session, where: ColumnElement[bool], now: datetime) -> list[SwapOffer]:
    """Offers still open or waiting among those ``where`` selects, soonest to lapse first,
    marking the lapsed ones expired."""
    found = list(
        session.scalars(
            select(SwapOffer)
            .where(where, SwapOffer.status.in_([OfferStatus.open, OfferStatus.pending]))
            .order_by(SwapOffer.expires_at, SwapOffer.id)
        )
    )
    for item in found:
        if item.expires_at <= now:
            item.status = OfferStatus.expired
            item.decided_at = now
    session.flush()
    return [item for item in found if item.status != OfferStatus.expired]


def open_offers(session: Session, roster: Roster, now: datetime) -> list[SwapOffer]:
    """Offers of a roster still open or waiting, marking the lapsed ones expired."""
    return _still_open(session, SwapOffer.roster_id == roster.id, now)


def open_offers_in(session: Session, rt: Area, now: datetime) -> list[SwapOffer]:
    """Open and waiting offers on all of an RT's published rosters, in one query."""
    published = select(Roster.id).where(
        Roster.rt_id == rt.id, Roster.status == RosterStatus.published
    )
    return _still_open(session, SwapOffer.roster_id.in_(published), now)


@dataclass(frozen=True)
class OfferFacts:
    """What a list of offers shows beside each: its night, and the houses' codes."""

    nights: dict[int, date]  # offer id -> night
    houses: dict[int, str]  # household id -> house code


def offer_facts(session: Session, offers: list[SwapOffer]) -> OfferFacts:
    """The nights and house codes of many offers in two queries, not two each."""
    nights = dict(
        session.execute(
            select(SwapOffer.id, Assignment.night_date)
            .join(Assignment, Assignment.id == SwapOffer.assignment_id)
            .where(SwapOffer.id.in_([o.id for o in offers]))
        ).all()
    )
    ids = {o.household_id for o in offers} | {
        o.taker_household_id for o in offers if o.taker_household_id is not None
    }
    houses = dict(
        session.execute(
            select(Household.id, Household.house_code).where(Household.id.in_(ids))
        ).all()
    )
    return OfferFacts(nights=nights, houses=houses)


def take(
    session: Session,
    principal: Principal,
    found: SwapOffer,
    *,
    household_id: int | None,
    swap_assignment_id: int | None,
    now: datetime,
) -> SwapOffer:
    """Take an offered turn, or swap one of the taker's own turns for it."""
    _current(session, found, now)
    if found.status != OfferStatus.open:
        raise OfferClosed(status=found.status.value, field="offer_id")
    offered = get_assignment(session, found.assignment_id)
    roster = _check_changeable(session, offered, now)
    rt = areas.get_area(session, roster.rt_id)
    taker = household_id or households.own_household_id(session, principal)
    if taker is None:
        raise NoHousehold(field="household_id")
    taker_household = households.get_household(session, taker)
    if taker_household.rt_id != rt.id:
        raise NotThisRT(household_id=taker, field="household_id")
    check_acts_for(session, principal, rt, taker)
    moves = {offered.id: taker}
    if swap_assignment_id is not None:
        mine = get_assignment(session, swap_assignment_id)
        if mine.household_id != taker or mine.roster_id != roster.id:
            raise Invalid(field="swap_assignment_id")
        _check_changeable(session, mine, now)
        moves[mine.id] = offered.household_id
    _check_rules(session, roster, rt, moves, {taker, offered.household_id})
    found.taker_household_id = taker
    found.swap_assignment_id = swap_assignment_id
    if rt.swap_needs_approval and not principal.can(Permission.manage_roster, rt.path):
        found.status = OfferStatus.pending
        session.flush()
        outbox.notify_people(
            session,
            outbox.holders(session, rt, [Role.rt_head]),
            subject=N_("A swap waits for your approval"),
            body=N_("House {house} would take the night of {night}."),
            params={"house": taker_household.house_code, "night": offered.night_date.isoformat()},
            zone=rt.timezone,
            now=now,
            payload={"offer_id": found.id},
        )
        return found
    _apply(session, principal, found, now)
    return found


def _apply(session: Session, principal: Principal, found: SwapOffer, now: datetime) -> None:
    offered = get_assignment(session, found.assignment_id)
    # Checked again at approval: both nights still ahead, the turn still the offerer's.
    roster = _check_changeable(session, offered, now)
    if offered.household_id != found.household_id:
        raise OfferClosed(status="stale", field="offer_id")
    if found.swap_assignment_id is not None:
        given = get_assignment(session, found.swap_assignment_id)
        _check_changeable(session, given, now)
        if given.household_id != found.taker_household_id:
            raise OfferClosed(status="stale", field="offer_id")
    rt = areas.get_area(session, roster.rt_id)
    assert found.taker_household_id is not None
    moves = {offered.id: found.taker_household_id}
    if found.swap_assignment_id is not None:
        moves[found.swap_assignment_id] = found.household_id
    # Checked again: the roster may have changed while the offer waited for approval.
    _check_rules(session, roster, rt, moves, {found.taker_household_id, found.household_id})
    before = {}
    for assignment_id, household_id in moves.items():
        assignment = get_assignment(session, assignment_id)
        before[assignment_id] = assignment.household_id
        assignment.household_id = household_id
        assignment.stand_in_household_id = None
        assignment.stand_in_name = None
        assignment.stand_in_paid = False
    found.status = OfferStatus.done
    found.decided_at = now
    session.flush()
    audit.record(
        session,
        actor_id=principal.user.id,
        action="swap.swap" if found.swap_assignment_id else "swap.take",
        object_type="swap_offer",
        object_id=found.id,
        area_id=rt.id,
        at=now,
        before={str(k): v for k, v in before.items()},
        after={str(k): v for k, v in moves.items()},
    )
    _tell(
        session,
        rt,
        {found.household_id, found.taker_household_id},
        N_("Your patrol turn changed"),
        N_("The roster changed for your household: the night of {night}."),
        offered.night_date,
        now,
    )


def decide(
    session: Session, principal: Principal, found: SwapOffer, *, approve: bool, now: datetime
) -> SwapOffer:
    """The RT head approves or refuses a swap that waits for approval."""
    _current(session, found, now)
    if found.status != OfferStatus.pending:
        raise OfferClosed(status=found.status.value, field="offer_id")
    if approve:
        _apply(session, principal, found, now)
        return found
    found.status = OfferStatus.refused
    found.decided_at = now
    session.flush()
    audit.record(
        session,
        actor_id=principal.user.id,
        action="swap.refuse",
        object_type="swap_offer",
        object_id=found.id,
        at=now,
    )
    return found


def cancel(session: Session, principal: Principal, found: SwapOffer, now: datetime) -> SwapOffer:
    """Withdraw an offer (the offering household or the RT head)."""
    _current(session, found, now)
    rt = areas.get_area(session, rostering.get_roster(session, found.roster_id).rt_id)
    check_acts_for(session, principal, rt, found.household_id)
    found.status = OfferStatus.cancelled
    found.decided_at = now
    session.flush()
    audit.record(
        session,
        actor_id=principal.user.id,
        action="swap.cancel",
        object_type="swap_offer",
        object_id=found.id,
        area_id=rt.id,
        at=now,
    )
    return found


def set_stand_in(
    session: Session,
    principal: Principal,
    assignment: Assignment,
    *,
    household_id: int | None,
    name: str | None,
    paid: bool,
    now: datetime,
) -> Assignment:
    """Someone covers the household's turn; it still counts as the household's."""
    rt = areas.get_area(session, assignment.rt_id)
    check_acts_for(session, principal, rt, assignment.household_id)
    _check_changeable(session, assignment, now)
    if household_id is None and not name:
        raise StandInNeeded(field="household_id")
    if household_id is not None:
        helper = households.get_household(session, household_id)
        if helper.rt_id != rt.id or helper.id == assignment.household_id:
            raise NotThisRT(household_id=household_id, field="household_id")
        if session.scalar(
            select(Assignment.id).where(
                Assignment.night_id == assignment.night_id, Assignment.household_id == helper.id
            )
        ):
            raise BreaksRule(
                rule=rules.DUPLICATE,
                name=Msg(RULE_NAMES[rules.DUPLICATE]),
                house=helper.house_code,
                night=assignment.night_date.isoformat(),
                field="household_id",
            )
        name = name or helper.head_name
    before = audit.snapshot(assignment, ["stand_in_household_id", "stand_in_name", "stand_in_paid"])
    assignment.stand_in_household_id = household_id
    assignment.stand_in_name = name
    assignment.stand_in_paid = paid
    session.flush()
    audit.record(
        session,
        actor_id=principal.user.id,
        action="assignment.stand_in",
        object_type="assignment",
        object_id=assignment.id,
        area_id=rt.id,
        at=now,
        before=before,
        after=audit.snapshot(
            assignment, ["stand_in_household_id", "stand_in_name", "stand_in_paid"]
        ),
    )
    touched = {assignment.household_id} | ({household_id} if household_id else set())
    _tell(
        session,
        rt,
        touched,
        N_("A stand-in covers a patrol turn"),
        N_("A stand-in covers the turn of the night of {night}."),
        assignment.night_date,
        now,
    )
    return assignment


def clear_stand_in(
    session: Session, principal: Principal, assignment: Assignment, now: datetime
) -> Assignment:
    """The household takes its own turn again."""
    rt = areas.get_area(session, assignment.rt_id)
    check_acts_for(session, principal, rt, assignment.household_id)
    _check_changeable(session, assignment, now)
    touched = {assignment.household_id}
    if assignment.stand_in_household_id:
        touched.add(assignment.stand_in_household_id)
    assignment.stand_in_household_id = None
    assignment.stand_in_name = None
    assignment.stand_in_paid = False
    session.flush()
    audit.record(
        session,
        actor_id=principal.user.id,
        action="assignment.stand_in_clear",
        object_type="assignment",
        object_id=assignment.id,
        area_id=rt.id,
        at=now,
    )
    _tell(
        session,
        rt,
        touched,
        N_("The stand-in for a patrol turn was withdrawn"),
        N_("The household takes its own turn again on the night of {night}."),
        assignment.night_date,
        now,
    )
    return assignment


class NotADraft(Conflict):
    code = "roster_not_draft"
    message = N_("Only a draft can be changed by hand; a published roster changes by swaps.")


def move_draft_turn(
    session: Session, principal: Principal, assignment: Assignment, household_id: int, now: datetime
) -> Assignment:
    """The RT head gives a draft's turn to another household, if every hard rule still holds.

    The roster's figures are recomputed, so the board shows what the change cost.
    """
    roster = rostering.get_roster(session, assignment.roster_id)
    if roster.status != RosterStatus.draft:
        raise NotADraft(field="assignment_id")
    rt = areas.get_area(session, assignment.rt_id)
    target = session.get(Household, household_id)
    if target is None or target.rt_id != rt.id:
        raise NotThisRT(household_id=household_id, field="household_id")
    if target.id == assignment.household_id:
        return assignment
    _check_rules(session, roster, rt, {assignment.id: target.id}, {target.id})
    before = assignment.household_id
    assignment.household_id = target.id
    session.flush()
    nights: dict[date, list[str]] = defaultdict(list)
    for hid, day in session.execute(
        select(Assignment.household_id, Assignment.night_date).where(
            Assignment.roster_id == roster.id
        )
    ):
        nights[day].append(str(hid))
    roster.figures = {
        "metrics": rules.metrics(roster.problem, nights),
        "bounds": roster.figures.get("bounds", {}),
        # A hand-made change is not the solver's proof any more.
        "proved_optimal": False,
        "edited": True,
    }
    audit.record(
        session,
        actor_id=principal.user.id,
        action="assignment.move",
        object_type="assignment",
        object_id=assignment.id,
        area_id=rt.id,
        at=now,
        before={"household_id": before},
        after={"household_id": target.id},
    )
    return assignment

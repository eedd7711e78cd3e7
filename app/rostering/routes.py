"""HTTP for monthly rosters, the fairness board and the RT's calendar."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi import Path as FastAPIPath
from fastapi.responses import HTMLResponse

from app.areas import service as areas
from app.areas.routes import AREA
from app.auth.deps import Target, require
from app.auth.permissions import Permission
from app.auth.service import Principal
from app.db import DbSession
from app.deps import Lang, Now, PathId
from app.errors import ERROR_RESPONSES, ErrorResponse
from app.households import service as households
from app.households.routes import HOUSEHOLD
from app.rostering import calendar, exports, service, swaps
from app.rostering.models import Roster
from app.rostering.schemas import (
    AssignmentRead,
    BoardRead,
    BoardRowRead,
    CommentCreate,
    CommentRead,
    DraftRequest,
    FeedRead,
    Month,
    NightRead,
    OfferCreate,
    OfferRead,
    OfferTake,
    OverrideCreate,
    OverrideRead,
    RosterFigures,
    RosterRead,
    RosterSummary,
    StandInSet,
    TurnMove,
    TurnRead,
    WhatsAppRead,
)

router = APIRouter(prefix="/api/v1", tags=["rosters"], responses=ERROR_RESPONSES)

ROSTER = Target("roster_id", lambda session, rid: [service.rt_path_of_roster(session, rid)])
OVERRIDE = Target(
    "override_id",
    lambda session, oid: [areas.get_area(session, service.get_override(session, oid).rt_id).path],
)

RTRosterReader = Annotated[Principal, Depends(require(Permission.read_roster, AREA))]
RTRosterManager = Annotated[Principal, Depends(require(Permission.manage_roster, AREA))]
RosterReader = Annotated[Principal, Depends(require(Permission.read_roster, ROSTER))]
RosterManager = Annotated[Principal, Depends(require(Permission.manage_roster, ROSTER))]
RosterCommenter = Annotated[Principal, Depends(require(Permission.comment_roster, ROSTER))]
OverrideManager = Annotated[Principal, Depends(require(Permission.manage_roster, OVERRIDE))]


def _summary(roster: Roster) -> RosterSummary:
    metrics = roster.figures.get("metrics", {})
    bounds = roster.figures.get("bounds", {})
    return RosterSummary(
        id=roster.id,
        rt_id=roster.rt_id,
        month=roster.month,
        status=roster.status,
        generated_at=roster.generated_at,
        objection_until=roster.objection_until,
        published_at=roster.published_at,
        figures=RosterFigures(
            unfilled=metrics.get("unfilled", 0),
            spread=metrics.get("spread", 0),
            weekend_spread=metrics.get("weekend_spread", 0),
            unfilled_bound=bounds.get("unfilled", 0),
            spread_bound=bounds.get("spread", 0),
            weekend_spread_bound=bounds.get("weekend_spread", 0),
            proved_optimal=bool(roster.figures.get("proved_optimal", False)),
        ),
    )


def roster_read(
    session: DbSession,
    roster: Roster,
    reasons: dict[int, str] | None,
    view: households.Viewer | None = None,
) -> RosterRead:
    """The roster by night; attendance only for those who may see it (``view``)."""
    nights = [
        NightRead(
            date=night.night_date,
            weekday=calendar.weekday_key(night.night_date),
            starts_at=night.starts_at,
            ends_at=night.ends_at,
            team_size=night.team_size,
            holiday=night.holiday,
            note=night.note,
            households=[
                AssignmentRead(
                    id=a.id,
                    household_id=h.id,
                    house_code=h.house_code,
                    head_name=h.head_name,
                    status=a.status if view is None or view.full(h) else None,
                    weekend=a.weekend,
                    reason=(reasons or {}).get(a.id),
                )
                for a, h in on_duty
            ],
        )
        for night, on_duty in service.roster_nights(session, roster)
    ]
    return RosterRead(**_summary(roster).model_dump(), nights=nights)


@router.get("/areas/{area_id}/rosters", response_model=list[RosterSummary])
def list_rosters(area_id: PathId, session: DbSession, _: RTRosterReader) -> list[RosterSummary]:
    """The RT's rosters, newest month first."""
    return [_summary(r) for r in service.list_rosters(session, households.get_rt(session, area_id))]


@router.post("/areas/{area_id}/rosters", status_code=201, response_model=RosterRead)
def draft_roster(
    area_id: PathId, data: DraftRequest, session: DbSession, principal: RTRosterManager, now: Now
) -> RosterRead:
    """Draw (or redraw) the RT's draft roster for a month; a published roster is never redrawn."""
    roster = service.generate_draft(
        session,
        households.get_rt(session, area_id),
        data.month,
        actor_id=principal.user.id,
        now=now,
        seed=data.seed,
    )
    return roster_read(session, roster, None)


@router.get("/rosters/{roster_id}", response_model=RosterRead)
def read_roster(
    roster_id: PathId,
    session: DbSession,
    principal: RosterReader,
    lang: Lang,
    explain: Annotated[bool, Query(description="Add a one-line reason to each turn")] = False,
) -> RosterRead:
    """A roster by night: who is on, the hours, holidays; optionally why each turn."""
    roster = service.get_roster(session, roster_id)
    reasons = service.explain(session, roster, lang)[1] if explain else None
    view = households.viewer(session, principal, areas.get_area(session, roster.rt_id))
    return roster_read(session, roster, reasons, view)


@router.post("/rosters/{roster_id}/publish", response_model=RosterSummary)
def publish_roster(
    roster_id: PathId, session: DbSession, principal: RosterManager, now: Now
) -> RosterSummary:
    """Publish the draft (the first call opens the objection window where the RT has one)."""
    roster = service.publish(
        session, service.get_roster(session, roster_id), actor_id=principal.user.id, now=now
    )
    return _summary(roster)


@router.get("/rosters/{roster_id}/comments", response_model=list[CommentRead])
def list_comments(roster_id: PathId, session: DbSession, _: RosterReader) -> list[CommentRead]:
    """Comments members left on the draft."""
    roster = service.get_roster(session, roster_id)
    return [CommentRead.model_validate(c) for c in service.comments(session, roster)]


@router.post("/rosters/{roster_id}/comments", status_code=201, response_model=CommentRead)
def add_comment(
    roster_id: PathId,
    data: CommentCreate,
    session: DbSession,
    principal: RosterCommenter,
    now: Now,
) -> CommentRead:
    """Comment on a draft while it is open for objections."""
    comment = service.add_comment(
        session,
        service.get_roster(session, roster_id),
        data.body,
        user_id=principal.user.id,
        now=now,
    )
    return CommentRead.model_validate(comment)


@router.get("/areas/{area_id}/fairness", response_model=BoardRead)
def fairness_board(
    area_id: PathId,
    month: Annotated[Month, Query(description="The month whose carry-over to show")],
    session: DbSession,
    _: RTRosterReader,
) -> BoardRead:
    """Each household's turns over the fairness window and on the month's roster."""
    rt = households.get_rt(session, area_id)
    rows = service.fairness_board(session, rt, month)
    return BoardRead(
        rt_id=rt.id,
        month=month,
        window_months=rt.fairness_window_months,
        rows=[BoardRowRead.model_validate(r, from_attributes=True) for r in rows],
    )


@router.get("/areas/{area_id}/calendar", response_model=list[OverrideRead])
def list_overrides(area_id: PathId, session: DbSession, _: RTRosterReader) -> list[OverrideRead]:
    """The RT's calendar changes: cancelled nights, other hours or team sizes."""
    return [
        OverrideRead.model_validate(o)
        for o in service.list_overrides(session, households.get_rt(session, area_id))
    ]


@router.post("/areas/{area_id}/calendar", status_code=201, response_model=OverrideRead)
def add_override(
    area_id: PathId, data: OverrideCreate, session: DbSession, principal: RTRosterManager, now: Now
) -> OverrideRead:
    """Cancel nights, or set other hours or team size for a range (the Ramadan sahur patrol)."""
    override = service.add_override(
        session,
        households.get_rt(session, area_id),
        **data.model_dump(),
        actor_id=principal.user.id,
        now=now,
    )
    return OverrideRead.model_validate(override)


@router.delete("/calendar/{override_id}", status_code=204)
def remove_override(
    override_id: PathId, session: DbSession, principal: OverrideManager, now: Now
) -> Response:
    """Withdraw a calendar change."""
    service.remove_override(
        session, service.get_override(session, override_id), actor_id=principal.user.id, now=now
    )
    return Response(status_code=204)


# --- swaps and stand-ins ---------------------------------------------------------------------

ASSIGNMENT = Target(
    "assignment_id", lambda session, aid: [swaps.rt_path_of_assignment(session, aid)]
)
OFFER = Target("offer_id", lambda session, oid: [swaps.rt_path_of_offer(session, oid)])
FEED = Target(
    "feed_id",
    lambda session, fid: [areas.get_area(session, exports.get_feed(session, fid).rt_id).path],
)
TurnReader = Annotated[Principal, Depends(require(Permission.read_roster, ASSIGNMENT))]
TurnManager = Annotated[Principal, Depends(require(Permission.manage_roster, ASSIGNMENT))]
OfferReader = Annotated[Principal, Depends(require(Permission.read_roster, OFFER))]
OfferDecider = Annotated[Principal, Depends(require(Permission.manage_roster, OFFER))]
FeedReader = Annotated[Principal, Depends(require(Permission.read_roster, FEED))]
HouseholdRosterReader = Annotated[Principal, Depends(require(Permission.read_roster, HOUSEHOLD))]


@router.post("/assignments/{assignment_id}/offer", status_code=201, response_model=OfferRead)
def offer_turn(
    assignment_id: PathId,
    data: OfferCreate,
    session: DbSession,
    principal: TurnReader,
    now: Now,
) -> OfferRead:
    """Offer one of your household's turns to the RT (the RT head may do it for you)."""
    made = swaps.offer(
        session, principal, swaps.get_assignment(session, assignment_id), data.note, now
    )
    return OfferRead.model_validate(made)


@router.get("/rosters/{roster_id}/offers", response_model=list[OfferRead])
def list_offers(
    roster_id: PathId, session: DbSession, _: RosterReader, now: Now
) -> list[OfferRead]:
    """Turns on offer on this roster that have not lapsed."""
    roster = service.get_roster(session, roster_id)
    return [OfferRead.model_validate(o) for o in swaps.open_offers(session, roster, now)]


@router.post("/offers/{offer_id}/take", response_model=OfferRead)
def take_offer(
    offer_id: PathId, data: OfferTake, session: DbSession, principal: OfferReader, now: Now
) -> OfferRead:
    """Take an offered turn, or swap one of yours for it; every hard rule is checked."""
    done = swaps.take(
        session,
        principal,
        swaps.get_offer(session, offer_id),
        household_id=data.household_id,
        swap_assignment_id=data.swap_assignment_id,
        now=now,
    )
    return OfferRead.model_validate(done)


@router.post("/offers/{offer_id}/approve", response_model=OfferRead)
def approve_offer(
    offer_id: PathId, session: DbSession, principal: OfferDecider, now: Now
) -> OfferRead:
    """Approve a swap that waits for the RT head."""
    found = swaps.get_offer(session, offer_id)
    return OfferRead.model_validate(swaps.decide(session, principal, found, approve=True, now=now))


@router.post("/offers/{offer_id}/refuse", response_model=OfferRead)
def refuse_offer(
    offer_id: PathId, session: DbSession, principal: OfferDecider, now: Now
) -> OfferRead:
    """Refuse a swap that waits for the RT head."""
    found = swaps.get_offer(session, offer_id)
    return OfferRead.model_validate(swaps.decide(session, principal, found, approve=False, now=now))


@router.delete("/offers/{offer_id}", response_model=OfferRead)
def cancel_offer(
    offer_id: PathId, session: DbSession, principal: OfferReader, now: Now
) -> OfferRead:
    """Withdraw an offer."""
    found = swaps.get_offer(session, offer_id)
    return OfferRead.model_validate(swaps.cancel(session, principal, found, now))


@router.put("/assignments/{assignment_id}/household", response_model=TurnRead)
def move_turn(
    assignment_id: PathId, data: TurnMove, session: DbSession, principal: TurnManager, now: Now
) -> TurnRead:
    """Give a draft's turn to another household; refused, naming the rule, if one breaks."""
    turn = swaps.move_draft_turn(
        session, principal, swaps.get_assignment(session, assignment_id), data.household_id, now
    )
    return TurnRead.model_validate(turn)


@router.put("/assignments/{assignment_id}/stand-in", response_model=TurnRead)
def set_stand_in(
    assignment_id: PathId,
    data: StandInSet,
    session: DbSession,
    principal: TurnReader,
    now: Now,
) -> TurnRead:
    """Someone else covers this turn: a resident household or a paid substitute."""
    turn = swaps.set_stand_in(
        session,
        principal,
        swaps.get_assignment(session, assignment_id),
        household_id=data.household_id,
        name=data.name,
        paid=data.paid,
        now=now,
    )
    return TurnRead.model_validate(turn)


@router.delete("/assignments/{assignment_id}/stand-in", response_model=TurnRead)
def clear_stand_in(
    assignment_id: PathId, session: DbSession, principal: TurnReader, now: Now
) -> TurnRead:
    """The household takes its turn itself again."""
    turn = swaps.clear_stand_in(
        session, principal, swaps.get_assignment(session, assignment_id), now
    )
    return TurnRead.model_validate(turn)


# --- exports ---------------------------------------------------------------------------------


@router.get(
    "/rosters/{roster_id}/export.csv",
    response_model=None,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def export_csv(
    roster_id: PathId, session: DbSession, principal: RosterReader, lang: Lang
) -> Response:
    """The roster as CSV, one row a turn (attendance only for those who may see it)."""
    roster = service.get_roster(session, roster_id)
    view = households.viewer(session, principal, areas.get_area(session, roster.rt_id))
    return Response(
        content=exports.roster_csv(session, roster, lang, view),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="ronda-{roster.month}.csv"'},
    )


@router.get("/rosters/{roster_id}/whatsapp", response_model=WhatsAppRead)
def export_whatsapp(
    roster_id: PathId, session: DbSession, _: RosterReader, lang: Lang
) -> WhatsAppRead:
    """The month as text to paste into the RT's WhatsApp group, and a wa.me share link."""
    text, url = exports.whatsapp_text(session, service.get_roster(session, roster_id), lang)
    return WhatsAppRead(text=text, share_url=url)


@router.get(
    "/rosters/{roster_id}/print",
    response_model=None,
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}},
)
def export_print(
    roster_id: PathId, session: DbSession, _: RosterReader, lang: Lang
) -> HTMLResponse:
    """An A4 page for the pos kamling: the whole month on one sheet."""
    return HTMLResponse(exports.print_html(session, service.get_roster(session, roster_id), lang))


@router.post("/households/{household_id}/calendar-feed", status_code=201, response_model=FeedRead)
def household_feed(
    household_id: PathId, session: DbSession, principal: HouseholdRosterReader, now: Now
) -> FeedRead:
    """A secret iCalendar address with this household's turns (a new one replaces the old)."""
    household = households.get_household(session, household_id)
    rt = areas.get_area(session, household.rt_id)
    swaps.check_acts_for(session, principal, rt, household.id)
    feed, secret = exports.create_feed(session, rt, household, actor_id=principal.user.id, now=now)
    return FeedRead(id=feed.id, url=f"/ical/{secret}.ics")


@router.post("/areas/{area_id}/calendar-feed", status_code=201, response_model=FeedRead)
def rt_feed(area_id: PathId, session: DbSession, principal: RTRosterManager, now: Now) -> FeedRead:
    """A secret iCalendar address with the RT's whole roster (a new one replaces the old)."""
    feed, secret = exports.create_feed(
        session, households.get_rt(session, area_id), None, actor_id=principal.user.id, now=now
    )
    return FeedRead(id=feed.id, url=f"/ical/{secret}.ics")


@router.delete("/calendar-feeds/{feed_id}", status_code=204)
def revoke_feed(feed_id: PathId, session: DbSession, principal: FeedReader, now: Now) -> Response:
    """Stop a calendar address from answering."""
    exports.revoke_feed(session, principal, exports.get_feed(session, feed_id), now)
    return Response(status_code=204)


feeds_router = APIRouter(tags=["rosters"])


@feeds_router.get(
    "/ical/{token}.ics",
    response_class=Response,
    responses={
        200: {"content": {"text/calendar": {"schema": {"type": "string"}}}},
        404: {"model": ErrorResponse, "description": "Unknown or revoked address"},
    },
)
def ical_feed(
    token: Annotated[str, FastAPIPath(max_length=64)], session: DbSession, now: Now
) -> Response:
    """The calendar at a secret address: subscribe to it from a phone's calendar."""
    feed = exports.feed_by_secret(session, token)
    return Response(
        content=exports.feed_ical(session, feed, now), media_type="text/calendar; charset=utf-8"
    )

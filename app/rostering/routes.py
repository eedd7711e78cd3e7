"""HTTP for monthly rosters, the fairness board and the RT's calendar."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from app.areas import service as areas
from app.areas.models import Area
from app.areas.routes import AREA
from app.auth.deps import Target, require
from app.auth.permissions import Permission
from app.auth.service import Principal
from app.db import DbSession
from app.deps import Lang, Now, PathId
from app.errors import ERROR_RESPONSES
from app.households import service as households
from app.rostering import calendar, service
from app.rostering.models import Roster
from app.rostering.schemas import (
    AssignmentRead,
    BoardRead,
    BoardRowRead,
    CommentCreate,
    CommentRead,
    DraftRequest,
    Month,
    NightRead,
    OverrideCreate,
    OverrideRead,
    RosterFigures,
    RosterRead,
    RosterSummary,
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


def _rt(session: DbSession, area_id: int) -> Area:
    return households.require_rt(areas.get_area(session, area_id))


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


def roster_read(session: DbSession, roster: Roster, reasons: dict[int, str] | None) -> RosterRead:
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
                    status=a.status,
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
    return [_summary(r) for r in service.list_rosters(session, _rt(session, area_id))]


@router.post("/areas/{area_id}/rosters", status_code=201, response_model=RosterRead)
def draft_roster(
    area_id: PathId, data: DraftRequest, session: DbSession, principal: RTRosterManager, now: Now
) -> RosterRead:
    """Draw (or redraw) the RT's draft roster for a month; a published roster is never redrawn."""
    roster = service.generate_draft(
        session,
        _rt(session, area_id),
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
    _: RosterReader,
    lang: Lang,
    explain: Annotated[bool, Query(description="Add a one-line reason to each turn")] = False,
) -> RosterRead:
    """A roster by night: who is on, the hours, holidays; optionally why each turn."""
    roster = service.get_roster(session, roster_id)
    reasons = service.explain(session, roster, lang)[1] if explain else None
    return roster_read(session, roster, reasons)


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
    rt = _rt(session, area_id)
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
        for o in service.list_overrides(session, _rt(session, area_id))
    ]


@router.post("/areas/{area_id}/calendar", status_code=201, response_model=OverrideRead)
def add_override(
    area_id: PathId, data: OverrideCreate, session: DbSession, principal: RTRosterManager, now: Now
) -> OverrideRead:
    """Cancel nights, or set other hours or team size for a range (the Ramadan sahur patrol)."""
    override = service.add_override(
        session,
        _rt(session, area_id),
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

"""HTTP for the night: check-in, the log, titip rumah, attendance and the ledger.

Every create takes an ``Idempotency-Key``: a phone on a weak signal resends until it
hears back, and the resend gets the first answer instead of a second record.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from app.areas import service as areas
from app.auth.deps import Target, require
from app.auth.permissions import Permission
from app.auth.service import Principal
from app.db import DbSession
from app.deps import IdempotencyKey, Now, PathId
from app.errors import ERROR_RESPONSES
from app.households import service as households
from app.households.routes import HOUSEHOLD
from app.idempotency.http import answer_once
from app.patrols import service
from app.patrols.models import EntryKind
from app.patrols.schemas import (
    AttendanceCorrection,
    CheckInCreate,
    CheckInRead,
    CheckOutCreate,
    EntryCreate,
    EntryRead,
    FineRead,
    LedgerRead,
    LogRead,
    TeamMember,
    TeamRead,
    WalkInCreate,
    WatchCreate,
    WatchRead,
    WatchRowRead,
)
from app.rostering import swaps
from app.rostering.routes import ASSIGNMENT
from app.rostering.schemas import TurnRead

router = APIRouter(prefix="/api/v1", tags=["patrols"], responses=ERROR_RESPONSES)

NIGHT = Target("night_id", lambda session, nid: [service.rt_path_of_night(session, nid)])
FINE = Target(
    "fine_id",
    lambda session, fid: [
        households.rt_path_of_household(session, service.get_fine(session, fid).household_id)
    ],
)
NightReader = Annotated[Principal, Depends(require(Permission.read_roster, NIGHT))]
TurnManager = Annotated[Principal, Depends(require(Permission.manage_roster, ASSIGNMENT))]
HouseholdReader = Annotated[Principal, Depends(require(Permission.read_households, HOUSEHOLD))]
FineManager = Annotated[Principal, Depends(require(Permission.manage_roster, FINE))]


@router.post("/nights/{night_id}/check-in", status_code=201, response_model=CheckInRead)
def check_in(
    night_id: PathId,
    data: CheckInCreate,
    session: DbSession,
    principal: NightReader,
    now: Now,
    response: Response,
    key: IdempotencyKey = None,
) -> Any:
    """Check in at the post for tonight (from 60 minutes before the patrol to its end)."""
    night = service.get_night(session, night_id)
    return answer_once(
        session,
        response,
        scope=f"check-in:{night_id}:{principal.user.id}",
        key=key,
        payload=data,
        now=now,
        status=201,
        produce=lambda: CheckInRead.model_validate(
            service.check_in(
                session,
                principal,
                night,
                captured_at=data.captured_at,
                latitude=data.latitude,
                longitude=data.longitude,
                accuracy_m=data.accuracy_m,
                now=now,
            )
        ),
    )


@router.post("/nights/{night_id}/check-out", response_model=CheckInRead)
def check_out(
    night_id: PathId, data: CheckOutCreate, session: DbSession, principal: NightReader, now: Now
) -> CheckInRead:
    """Check out at the end of the patrol."""
    found = service.check_out(
        session,
        principal,
        service.get_night(session, night_id),
        captured_at=data.captured_at,
        now=now,
    )
    return CheckInRead.model_validate(found)


@router.post("/nights/{night_id}/walk-in", status_code=201, response_model=CheckInRead)
def walk_in(
    night_id: PathId,
    data: WalkInCreate,
    session: DbSession,
    principal: NightReader,
    now: Now,
    response: Response,
    key: IdempotencyKey = None,
) -> Any:
    """The RT head records a helper who came, perhaps covering someone's turn."""
    night = service.get_night(session, night_id)
    return answer_once(
        session,
        response,
        scope=f"walk-in:{night_id}",
        key=key,
        payload=data,
        now=now,
        status=201,
        produce=lambda: CheckInRead.model_validate(
            service.walk_in(
                session,
                principal,
                night,
                name=data.name,
                assignment_id=data.assignment_id,
                now=now,
            )
        ),
    )


@router.get("/nights/{night_id}/team", response_model=TeamRead)
def night_team(night_id: PathId, session: DbSession, principal: NightReader) -> TeamRead:
    """Tonight's team and who has come; attendance only for those who may see it."""
    night = service.get_night(session, night_id)
    rows, helpers = service.team(session, principal, night)
    log, _entries = service.log_of(session, night)
    return TeamRead(
        night_id=night.id,
        date=night.night_date,
        starts_at=night.starts_at,
        ends_at=night.ends_at,
        team_size=night.team_size,
        log_open=log is not None and log.closed_at is None,
        log_closed=log is not None and log.closed_at is not None,
        team=[TeamMember.model_validate(r, from_attributes=True) for r in rows],
        helpers=[CheckInRead.model_validate(h) for h in helpers],
    )


@router.post("/nights/{night_id}/log", status_code=201, response_model=EntryRead)
def add_entry(
    night_id: PathId,
    data: EntryCreate,
    session: DbSession,
    principal: NightReader,
    now: Now,
    response: Response,
    key: IdempotencyKey = None,
) -> Any:
    """Write to the night's log: kind "aman" says all clear in one call."""
    night = service.get_night(session, night_id)
    return answer_once(
        session,
        response,
        scope=f"log:{night_id}",
        key=key,
        payload=data,
        now=now,
        status=201,
        produce=lambda: EntryRead.model_validate(
            service.add_entry(
                session,
                principal,
                night,
                kind=data.kind,
                text=data.text,
                amount_rupiah=data.amount_rupiah,
                now=now,
            )
        ),
    )


@router.get("/nights/{night_id}/log", response_model=LogRead)
def read_log(night_id: PathId, session: DbSession, _: NightReader) -> LogRead:
    """The night's log and the jimpitan collected."""
    night = service.get_night(session, night_id)
    log, entries = service.log_of(session, night)
    return LogRead(
        night_id=night.id,
        opened_at=log.opened_at if log else None,
        closed_at=log.closed_at if log else None,
        jimpitan_rupiah=sum(e.amount_rupiah or 0 for e in entries if e.kind == EntryKind.jimpitan),
        entries=[EntryRead.model_validate(e) for e in entries],
    )


@router.post("/nights/{night_id}/close", response_model=LogRead)
def close_night(night_id: PathId, session: DbSession, principal: NightReader, now: Now) -> LogRead:
    """Close the night: attendance is derived from the check-ins."""
    night = service.get_night(session, night_id)
    service.close_night(session, night, actor=principal, now=now)
    return read_log(night_id, session, principal)


@router.put("/assignments/{assignment_id}/attendance", response_model=TurnRead)
def correct_attendance(
    assignment_id: PathId,
    data: AttendanceCorrection,
    session: DbSession,
    principal: TurnManager,
    now: Now,
) -> TurnRead:
    """The RT head corrects a turn's attendance, giving the reason."""
    turn = service.correct_attendance(
        session,
        principal,
        swaps.get_assignment(session, assignment_id),
        status=data.status,
        reason=data.reason,
        now=now,
    )
    return TurnRead.model_validate(turn)


@router.get("/nights/{night_id}/house-watch", response_model=list[WatchRowRead])
def tonight_watch(night_id: PathId, session: DbSession, _: NightReader) -> list[WatchRowRead]:
    """The empty houses tonight's patrol passes by (titip rumah), ticked or not."""
    rows = service.watch_list(session, service.get_night(session, night_id))
    return [WatchRowRead.model_validate(r, from_attributes=True) for r in rows]


@router.post(
    "/nights/{night_id}/house-watch/{watch_id}", status_code=201, response_model=WatchRowRead
)
def tick_watch(
    night_id: PathId,
    watch_id: PathId,
    session: DbSession,
    principal: NightReader,
    now: Now,
) -> WatchRowRead:
    """Tick a watched house off tonight's list."""
    night = service.get_night(session, night_id)
    service.tick_watch(session, principal, night, service.get_watch(session, watch_id), now)
    row = next(r for r in service.watch_list(session, night) if r.watch_id == watch_id)
    return WatchRowRead.model_validate(row, from_attributes=True)


@router.post("/households/{household_id}/house-watch", status_code=201, response_model=WatchRead)
def add_watch(
    household_id: PathId,
    data: WatchCreate,
    session: DbSession,
    principal: HouseholdReader,
    now: Now,
    response: Response,
    key: IdempotencyKey = None,
) -> Any:
    """Titip rumah: ask the patrol to watch the house while it stands empty."""
    household = households.get_household(session, household_id)
    swaps.check_acts_for(session, principal, areas.get_area(session, household.rt_id), household.id)
    return answer_once(
        session,
        response,
        scope=f"house-watch:{household_id}",
        key=key,
        payload=data,
        now=now,
        status=201,
        produce=lambda: WatchRead.model_validate(
            service.add_watch(
                session,
                household,
                start_date=data.start_date,
                end_date=data.end_date,
                note=data.note,
                actor_id=principal.user.id,
                now=now,
            )
        ),
    )


@router.get("/households/{household_id}/ledger", response_model=LedgerRead)
def household_ledger(
    household_id: PathId, session: DbSession, principal: HouseholdReader
) -> LedgerRead:
    """Turns served, missed and excused, and fines owed and paid (the household and RT heads)."""
    household = households.get_household(session, household_id)
    households.check_sees_in_full(session, principal, household)
    book = service.ledger(session, household)
    return LedgerRead(
        household_id=book.household_id,
        served=book.served,
        missed=book.missed,
        excused=book.excused,
        scheduled=book.scheduled,
        fines_owed_rupiah=book.fines_owed_rupiah,
        fines_paid_rupiah=book.fines_paid_rupiah,
        fines=[FineRead.model_validate(f) for f in book.fines],
    )


@router.post("/fines/{fine_id}/paid", response_model=FineRead)
def pay_fine(fine_id: PathId, session: DbSession, principal: FineManager, now: Now) -> FineRead:
    """Record a fine as paid."""
    return FineRead.model_validate(
        service.pay_fine(session, principal, service.get_fine(session, fine_id), now)
    )

"""A household's rights over its data (UU 27/2022 PDP): access, correction and erasure.

Everything here is scoped by the household: its own rows, the rows of the people who
sign in as its members, and nothing of the neighbours. Erasure removes identity but
keeps the turns, so the RT's carry-over, the fairness board and the weekly figures
add up exactly as before. An anonymous report is never found here: nothing links it
to anyone, so neither export nor erasure can reach it (and neither reveals it).
"""

import csv
import io
import json
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import Enum
from typing import Any, cast

from sqlalchemy import CursorResult, delete, or_, select, update
from sqlalchemy.orm import Session

from app.areas import service as areas
from app.areas.models import Area
from app.audit import service as audit
from app.audit.models import AuditEntry
from app.auth.models import AccessToken, Grant, Role, SignInLink, User
from app.auth.permissions import Permission
from app.auth.service import Principal
from app.errors import Conflict, Forbidden, Invalid
from app.households import service as households
from app.households.models import AwayPeriod, AwayReason, Household, HouseholdStatus, Member
from app.i18n import N_
from app.idempotency.models import IdempotencyRecord
from app.incidents.models import Incident, IncidentEvent, IncidentPhoto, Privacy
from app.notifications.models import OutboxMessage
from app.patrols.models import CheckIn, Fine, HouseWatch, HouseWatchCheck, LogEntry
from app.privacy.schemas import Correction, ErasureRequest, ErasureResult
from app.rostering.models import (
    Assignment,
    CalendarFeed,
    Roster,
    RosterComment,
    SwapOffer,
)
from app.summaries.models import WeeklySummary

# What an erased household is called where a name is needed (rosters, boards, prints).
ERASED_REASON = "-"


class AlreadyErased(Conflict):
    code = "household_already_erased"
    message = N_("This household's data has already been erased.")


class ConfirmationMismatch(Invalid):
    code = "erasure_not_confirmed"
    message = N_("Type the household's house code to confirm the erasure.")


class MemberNotInHousehold(Invalid):
    code = "member_not_in_household"
    message = N_("Member {member_id} is not in this household.")


def changed(session: Session, statement: Any) -> int:
    """Run a bulk UPDATE or DELETE and say how many rows it touched."""
    result = cast(CursorResult[Any], session.execute(statement))
    return int(result.rowcount)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _row(obj: Any, *, without: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every column of a row as JSON-ready values, but the named ones."""
    return {
        column.key: _jsonable(getattr(obj, column.key))
        for column in obj.__table__.columns
        if column.key not in without
    }


def check_acts_for(session: Session, principal: Principal, household: Household) -> None:
    """The household itself, or the RT head on its behalf (and admins); nobody else."""
    rt = areas.get_area(session, household.rt_id)
    if principal.can(Permission.manage_households, rt.path):
        return
    if households.own_household_id(session, principal) == household.id:
        return
    raise Forbidden()


def export_for(
    session: Session, principal: Principal, household: Household, *, fmt: str, now: datetime
) -> dict[str, Any]:
    """The household's export for one who may have it, its handing-out written in the audit."""
    check_acts_for(session, principal, household)
    document = export_household(session, household, now)
    audit.record(
        session,
        actor_id=principal.user.id,
        action="household.export",
        object_type="household",
        object_id=household.id,
        area_id=household.rt_id,
        at=now,
        after={"format": fmt},
    )
    return document


def household_users(session: Session, household: Household) -> list[User]:
    """The people who sign in as the household's members."""
    return list(
        session.scalars(
            select(User)
            .join(Member, Member.user_id == User.id)
            .where(Member.household_id == household.id)
            .order_by(User.id)
        )
    )


# --- access: everything held about one household -------------------------------------------


def export_household(session: Session, household: Household, now: datetime) -> dict[str, Any]:
    """Everything Ronda holds about a household and its signed-in people, as one document.

    Where a row also concerns a neighbour (a swap, a stand-in) only this household's
    side is given; who the other household was is left out.
    """
    rt = areas.get_area(session, household.rt_id)
    members = households.members_by_household(session, [household.id])[household.id]
    users = household_users(session, household)
    user_ids = [u.id for u in users]
    away = households.list_away(session, household)
    member_ids = [m.id for m in members]
    away_ids = [a.id for a in away]

    months: dict[int, str] = {
        row.id: row.month
        for row in session.execute(
            select(Roster.id, Roster.month).where(Roster.rt_id == household.rt_id)
        )
    }
    turns = []
    for a in session.scalars(
        select(Assignment)
        .where(Assignment.household_id == household.id)
        .order_by(Assignment.night_date)
    ):
        turns.append(
            {
                "id": a.id,
                "month": months.get(a.roster_id),
                "night_date": a.night_date.isoformat(),
                "weekend": a.weekend,
                "status": a.status.value,
                "stand_in": (
                    "another household" if a.stand_in_household_id else (a.stand_in_name or None)
                ),
                "stand_in_paid": a.stand_in_paid,
            }
        )
    stood_in = [
        {"assignment_id": a_id, "night_date": day.isoformat(), "status": status.value}
        for a_id, day, status in session.execute(
            select(Assignment.id, Assignment.night_date, Assignment.status)
            .where(Assignment.stand_in_household_id == household.id)
            .order_by(Assignment.night_date)
        )
    ]
    offers = [
        _row(o, without=("taker_household_id", "created_by_id", "swap_assignment_id"))
        | {"taken_by_another_household": o.taker_household_id is not None}
        for o in session.scalars(
            select(SwapOffer).where(SwapOffer.household_id == household.id).order_by(SwapOffer.id)
        )
    ]
    offers_taken = [
        {
            "id": o.id,
            "status": o.status.value,
            "created_at": _jsonable(o.created_at),
            "decided_at": _jsonable(o.decided_at),
        }
        for o in session.scalars(
            select(SwapOffer)
            .where(SwapOffer.taker_household_id == household.id)
            .order_by(SwapOffer.id)
        )
    ]
    watches = list(
        session.scalars(
            select(HouseWatch)
            .where(HouseWatch.household_id == household.id)
            .order_by(HouseWatch.id)
        )
    )
    watch_checks: dict[int, list[str]] = defaultdict(list)
    if watches:
        for watch_id, at in session.execute(
            select(HouseWatchCheck.watch_id, HouseWatchCheck.checked_at)
            .where(HouseWatchCheck.watch_id.in_([w.id for w in watches]))
            .order_by(HouseWatchCheck.checked_at)
        ):
            watch_checks[watch_id].append(at.isoformat())
    people = []
    for user in users:
        grants = session.execute(
            select(Grant.id, Grant.role, Area.name, Grant.created_at)
            .outerjoin(Area, Area.id == Grant.area_id)
            .where(Grant.user_id == user.id)
            .order_by(Grant.id)
        ).all()
        people.append(
            _row(user, without=("password_hash",))
            | {
                "has_password": user.password_hash is not None,
                "grants": [
                    {
                        "id": grant_id,
                        "role": role.value,
                        "area": area or "*",
                        "created_at": at.isoformat(),
                    }
                    for grant_id, role, area, at in grants
                ],
                "sessions": [
                    _row(t, without=("token_hash", "user_id"))
                    for t in session.scalars(
                        select(AccessToken)
                        .where(AccessToken.user_id == user.id)
                        .order_by(AccessToken.id)
                    )
                ],
                "sign_in_links": [
                    _row(link, without=("token_hash", "user_id", "created_by_id"))
                    for link in session.scalars(
                        select(SignInLink)
                        .where(SignInLink.user_id == user.id)
                        .order_by(SignInLink.id)
                    )
                ],
            }
        )
    reports = []
    if user_ids:
        for incident in session.scalars(
            select(Incident).where(Incident.reporter_user_id.in_(user_ids)).order_by(Incident.id)
        ):
            reports.append(
                _row(incident, without=("receipt_hash", "night_log_id"))
                | {
                    "trail": [
                        {"status": e.status.value, "note": e.note, "at": e.at.isoformat()}
                        for e in session.scalars(
                            select(IncidentEvent)
                            .where(IncidentEvent.incident_id == incident.id)
                            .order_by(IncidentEvent.at, IncidentEvent.id)
                        )
                    ],
                    "photos": [
                        {
                            "id": p.id,
                            "content_type": p.content_type,
                            "size_bytes": p.size_bytes,
                            "download": f"/api/v1/incidents/{incident.id}/photos/{p.id}",
                        }
                        for p in session.scalars(
                            select(IncidentPhoto)
                            .where(IncidentPhoto.incident_id == incident.id)
                            .order_by(IncidentPhoto.id)
                        )
                    ],
                }
            )

    def by_user(model: Any, column: Any, order: Any) -> list[Any]:
        if not user_ids:
            return []
        return list(session.scalars(select(model).where(column.in_(user_ids)).order_by(order)))

    recipients = [f"household:{household.id}"] + [f"user:{u}" for u in user_ids]
    messages = [
        _row(m, without=("payload",))
        for m in session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient.in_(recipients))
            .order_by(OutboxMessage.id)
        )
    ]
    about = [(AuditEntry.object_type == "household") & (AuditEntry.object_id == str(household.id))]
    if member_ids:
        about.append(
            (AuditEntry.object_type == "member")
            & AuditEntry.object_id.in_([str(i) for i in member_ids])
        )
    if away_ids:
        about.append(
            (AuditEntry.object_type == "away_period")
            & AuditEntry.object_id.in_([str(i) for i in away_ids])
        )
    if user_ids:
        about.append(
            (AuditEntry.object_type == "user")
            & AuditEntry.object_id.in_([str(i) for i in user_ids])
        )
    history = [
        {
            "id": e.id,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "at": e.at.isoformat(),
            "before": e.before,
            "after": e.after,
        }
        for e in session.scalars(select(AuditEntry).where(or_(*about)).order_by(AuditEntry.id))
    ]
    missed = []
    for summary in session.scalars(
        select(WeeklySummary).where(WeeklySummary.area_id.in_(_ancestors(rt)))
    ):
        for rt_row in summary.data.get("rts", []):
            for entry in rt_row.get("missed_households", []):
                if entry.get("household_id") == household.id:
                    missed.append(
                        {
                            "summary_id": summary.id,
                            "week_start": summary.week_start.isoformat(),
                            "missed": entry.get("missed"),
                        }
                    )
    return {
        "generated_at": now.isoformat(),
        "rt": {"id": rt.id, "name": rt.name},
        "household": _row(household),
        "members": [_row(m) for m in members],
        "people": people,
        "away_periods": [_row(a) for a in away],
        "house_watches": [_row(w) | {"checked_at": watch_checks[w.id]} for w in watches],
        "turns": turns,
        "stand_ins_given": stood_in,
        "swap_offers": offers,
        "swap_offers_taken": offers_taken,
        "fines": [
            _row(f, without=("recorded_by_id",))
            for f in session.scalars(
                select(Fine).where(Fine.household_id == household.id).order_by(Fine.id)
            )
        ],
        "calendar_feeds": [
            _row(f, without=("token_hash", "created_by_id"))
            for f in session.scalars(
                select(CalendarFeed)
                .where(CalendarFeed.household_id == household.id)
                .order_by(CalendarFeed.id)
            )
        ],
        "check_ins": [
            _row(c, without=("recorded_by_id", "walk_in_name"))
            for c in by_user(CheckIn, CheckIn.user_id, CheckIn.id)
        ],
        "night_log_entries": [_row(e) for e in by_user(LogEntry, LogEntry.user_id, LogEntry.id)],
        "house_watch_checks_done": [
            {"id": c.id, "night_id": c.night_id, "checked_at": c.checked_at.isoformat()}
            for c in by_user(HouseWatchCheck, HouseWatchCheck.user_id, HouseWatchCheck.id)
        ],
        "roster_comments": [
            _row(c) for c in by_user(RosterComment, RosterComment.user_id, RosterComment.id)
        ],
        "reports": reports,
        "weekly_summaries_missed": missed,
        "messages": messages,
        "history": history,
        "notes": [
            "Anonymous reports are not linked to anyone; Ronda cannot find them for this "
            "export. Follow one with its receipt.",
            "Rows that also concern a neighbour (swaps, stand-ins) show this household's "
            "side only.",
        ],
    }


def _ancestors(rt: Area) -> list[int]:
    return [int(part) for part in rt.path.strip("/").split("/") if part]


def _flatten(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


def export_zip(document: dict[str, Any]) -> bytes:
    """The export as CSV files (one per section) in a ZIP, for a spreadsheet."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, value in document.items():
            rows: list[dict[str, Any]]
            if isinstance(value, list):
                rows = [v if isinstance(v, dict) else {"value": v} for v in value]
            elif isinstance(value, dict):
                rows = [value]
            else:
                rows = [{"value": value}]
            columns: list[str] = []
            for row in rows:
                columns += [k for k in row if k not in columns]
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=columns or ["value"])
            writer.writeheader()
            for row in rows:
                writer.writerow({k: _flatten(v) for k, v in row.items()})
            # A byte-order mark so spreadsheet programs read the UTF-8 names right.
            archive.writestr(f"{name}.csv", "\ufeff" + text.getvalue())
    return out.getvalue()


# --- correction ---------------------------------------------------------------------------


def correct(
    session: Session,
    household: Household,
    data: Correction,
    *,
    actor_id: int | None,
    now: datetime,
) -> None:
    """Correct the household's own details and its members' names and phones."""
    if household.erased_at is not None:
        raise AlreadyErased(field="household_id")
    changes = data.model_dump(exclude_unset=True, exclude={"members"})
    if changes:
        households.update_household(session, household, changes, actor_id=actor_id, now=now)
    for item in data.members or []:
        member = households.get_member(session, item.id)
        if member.household_id != household.id:
            raise MemberNotInHousehold(member_id=item.id, field="members")
        households.update_member(
            session,
            member,
            item.model_dump(exclude_unset=True, exclude={"id"}),
            actor_id=actor_id,
            now=now,
        )


# --- erasure ------------------------------------------------------------------------------


@dataclass
class Erasure:
    """What one erasure removed, in counts only (it is audited; names are not)."""

    members: int = 0
    people_erased: int = 0
    people_kept: int = 0
    away_notes: int = 0
    messages: int = 0
    reports_unlinked: int = 0
    comments: int = 0
    history: int = 0
    summaries: int = 0
    turns_kept: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def _office_holder(session: Session, user: User) -> bool:
    """Whether the person holds more than a resident's grant (their account is an office's)."""
    roles = set(session.scalars(select(Grant.role).where(Grant.user_id == user.id)))
    return bool(roles - {Role.member})


def _erase_person(session: Session, user: User) -> None:
    user.username = f"erased-{user.id}"
    user.full_name = "-"
    user.phone = None
    user.email = None
    user.password_hash = None
    user.is_active = False
    user.notify_channel = "log"
    session.execute(delete(Grant).where(Grant.user_id == user.id))
    session.execute(delete(AccessToken).where(AccessToken.user_id == user.id))
    session.execute(delete(SignInLink).where(SignInLink.user_id == user.id))


PERSONAL = {"house_code", "head_name", "phone", "address", "exempt_reason", "name", "full_name"}
PERSONAL_AUDIT = PERSONAL | {"username", "email", "reason", "note"}


def _scrub(snapshot: dict[str, Any] | None) -> dict[str, Any] | None:
    if snapshot is None:
        return None
    return {k: (None if k in PERSONAL_AUDIT else v) for k, v in snapshot.items()}


def erase_identity(
    session: Session,
    household: Household,
    *,
    now: datetime,
    actor_id: int | None,
    action: str,
) -> Erasure:
    """Remove who a household is and keep what it did: turns, attendance, fines, figures.

    The household row stays as a pseudonym ("KK #id") so its turns keep counting in the
    RT's carry-over; its status and dates stay, so next month's draft is the same.
    Members stay as pseudonyms (whether they may patrol is part of the draft); the
    people signing in as them are erased unless they hold an office
    (RT head, liaison...), whose account is then only unlinked. Reports they filed lose
    their reporter; closed ones are reduced later by retention like any other.
    """
    result = Erasure()
    members = households.members_by_household(session, [household.id])[household.id]
    member_ids = [str(m.id) for m in members]
    away_ids = [
        str(a)
        for a in session.scalars(
            select(AwayPeriod.id).where(AwayPeriod.household_id == household.id)
        )
    ]
    users = household_users(session, household)
    erased_users: list[int] = []
    for user in users:
        if _office_holder(session, user):
            result.people_kept += 1
        else:
            erased_users.append(user.id)
    identifying = {
        value
        for value in [
            household.head_name,
            household.phone,
            household.address,
            *(m.name for m in members),
            *(m.phone for m in members),
            *(u.full_name for u in users if u.id in erased_users),
            *(u.phone for u in users if u.id in erased_users),
        ]
        if value and len(value) >= 4
    }
    # Stored answers to retried requests may repeat what was sent (a phone, a name).
    for record in session.scalars(select(IdempotencyRecord)):
        text = json.dumps(record.response_body, ensure_ascii=False)
        if any(value in text for value in identifying):
            session.delete(record)
    # Members stay as pseudonyms with their "may patrol": who can take a turn is part of
    # the draft's arithmetic, their names are not.
    for member in members:
        member.name = f"#{member.id}"
        member.phone = None
        member.user_id = None
        member.updated_at = now
    result.members = len(members)
    session.flush()
    for user in users:
        if user.id in erased_users:
            _erase_person(session, user)
    result.people_erased = len(erased_users)

    household.house_code = f"#{household.id}"
    household.head_name = f"KK #{household.id}"
    household.phone = None
    household.address = None
    if household.status == HouseholdStatus.exempt:
        household.exempt_reason = ERASED_REASON
    household.erased_at = now
    household.updated_at = now

    # Away dates stay (the draft must not change); why they were away goes.
    result.away_notes = changed(
        session,
        update(AwayPeriod)
        .where(AwayPeriod.household_id == household.id)
        .values(note=None, reason=AwayReason.lainnya),
    )
    session.execute(
        update(HouseWatch).where(HouseWatch.household_id == household.id).values(note=None)
    )
    session.execute(
        update(SwapOffer).where(SwapOffer.household_id == household.id).values(note=None)
    )
    session.execute(
        update(CalendarFeed)
        .where(CalendarFeed.household_id == household.id, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    result.turns_kept = len(
        session.scalars(select(Assignment.id).where(Assignment.household_id == household.id)).all()
    )
    recipients = [f"household:{household.id}"] + [f"user:{u}" for u in erased_users]
    result.messages = changed(
        session, delete(OutboxMessage).where(OutboxMessage.recipient.in_(recipients))
    )
    if erased_users:
        result.reports_unlinked = changed(
            session,
            update(Incident)
            .where(
                Incident.reporter_user_id.in_(erased_users),
                Incident.privacy != Privacy.anonymous,
            )
            .values(reporter_user_id=None),
        )
        result.comments = changed(
            session, delete(RosterComment).where(RosterComment.user_id.in_(erased_users))
        )
        session.execute(
            update(CheckIn)
            .where(CheckIn.user_id.in_(erased_users))
            .values(latitude=None, longitude=None, accuracy_m=None)
        )

    about = [(AuditEntry.object_type == "household") & (AuditEntry.object_id == str(household.id))]
    if member_ids:
        about.append((AuditEntry.object_type == "member") & AuditEntry.object_id.in_(member_ids))
    if away_ids:
        about.append((AuditEntry.object_type == "away_period") & AuditEntry.object_id.in_(away_ids))
    if erased_users:
        about.append(
            (AuditEntry.object_type == "user")
            & AuditEntry.object_id.in_([str(u) for u in erased_users])
        )
    for entry in session.scalars(select(AuditEntry).where(or_(*about))):
        entry.before = _scrub(entry.before)
        entry.after = _scrub(entry.after)
        result.history += 1

    rt = areas.get_area(session, household.rt_id)
    for summary in session.scalars(
        select(WeeklySummary).where(WeeklySummary.area_id.in_(_ancestors(rt)))
    ):
        touched = False
        data = json.loads(json.dumps(summary.data))
        for rt_row in data.get("rts", []):
            for entry in rt_row.get("missed_households", []):
                if entry.get("household_id") == household.id:
                    entry["house_code"] = household.house_code
                    entry["head_name"] = household.head_name
                    touched = True
        if touched:
            summary.data = data
            result.summaries += 1
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action=action,
        object_type="household",
        object_id=household.id,
        area_id=household.rt_id,
        at=now,
        after={
            "members": result.members,
            "people_erased": result.people_erased,
            "turns_kept": result.turns_kept,
        },
    )
    return result


def erase_household(
    session: Session,
    household: Household,
    data: ErasureRequest,
    *,
    actor_id: int | None,
    now: datetime,
) -> ErasureResult:
    """Erase a household on its own request (or its RT head's on its behalf)."""
    if household.erased_at is not None:
        raise AlreadyErased(field="household_id")
    if data.confirm_house_code.strip() != household.house_code:
        raise ConfirmationMismatch(field="confirm_house_code")
    if data.moved_out_date is not None:
        households.update_household(
            session,
            household,
            {"status": HouseholdStatus.moved_out, "moved_out_date": data.moved_out_date},
            actor_id=actor_id,
            now=now,
        )
    done = erase_identity(session, household, now=now, actor_id=actor_id, action="household.erase")
    return ErasureResult(
        household_id=household.id,
        pseudonym=household.head_name,
        members_erased=done.members,
        people_erased=done.people_erased,
        people_kept=done.people_kept,
        turns_kept=done.turns_kept,
        reports_unlinked=done.reports_unlinked,
        messages_removed=done.messages,
        history_scrubbed=done.history,
    )

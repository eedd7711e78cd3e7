"""Incident reports: filing with the reporter protected, who sees what, and the follow-up.

"Anonymous" (DESIGN.md) means no later reader of anything Ronda keeps can learn who
filed: the report row has no reporter, its filing time is kept to the hour, the audit
entry has no actor, the idempotency record is keyed by the key's hash under the RT,
the caller's session is not touched, and nothing is logged about the caller. The
reporter follows the report with a receipt whose hash alone is stored.
"""

import hashlib
import io
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image, UnidentifiedImageError
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.areas import service as areas
from app.areas.models import Area
from app.audit import service as audit
from app.auth.models import Role, User
from app.auth.permissions import Permission
from app.auth.service import Principal
from app.errors import Conflict, Forbidden, Invalid, NotFound, TooMany
from app.i18n import N_, Msg
from app.incidents.models import (
    Category,
    Incident,
    IncidentEvent,
    IncidentPhoto,
    IncidentStatus,
    Privacy,
    ReportRate,
    Severity,
)
from app.incidents.schemas import IncidentCreate
from app.notifications import service as outbox
from app.patrols.models import NightLog

REPORTS_PER_RT_PER_HOUR = 30
MAX_PHOTOS = 3
EMERGENCY_NOTICE = N_("Emergency: call the police on 110 now. Your report has been sent too.")

CATEGORY_LABELS: dict[Category, tuple[str, str]] = {
    Category.pencurian: ("Pencurian", "Theft"),
    Category.perampokan: ("Perampokan/begal", "Robbery/mugging"),
    Category.mencurigakan: ("Orang/kendaraan mencurigakan", "Suspicious person/vehicle"),
    Category.kebakaran: ("Kebakaran", "Fire"),
    Category.keributan: ("Keributan/tawuran", "Brawl/gang fight"),
    Category.gangguan_ketertiban: ("Gangguan ketertiban", "Public disorder"),
    Category.kecelakaan: ("Kecelakaan", "Accident"),
    Category.bencana: ("Bencana", "Disaster"),
    Category.vandalisme: ("Vandalisme", "Vandalism"),
    Category.orang_hilang: ("Orang hilang", "Missing person"),
    Category.fasilitas_rusak: ("Fasilitas rusak", "Damaged facility"),
    Category.lainnya: ("Lainnya", "Other"),
}

STATUS_WORDS = {
    IncidentStatus.reported: N_("reported"),
    IncidentStatus.acknowledged: N_("acknowledged"),
    IncidentStatus.in_progress: N_("in progress"),
    IncidentStatus.resolved: N_("resolved"),
    IncidentStatus.dismissed: N_("dismissed"),
}

# Who moves a report where: the liaison (or an admin), one step at a time.
NEXT: dict[IncidentStatus, set[IncidentStatus]] = {
    IncidentStatus.reported: {IncidentStatus.acknowledged, IncidentStatus.dismissed},
    IncidentStatus.acknowledged: {
        IncidentStatus.in_progress,
        IncidentStatus.resolved,
        IncidentStatus.dismissed,
    },
    IncidentStatus.in_progress: {IncidentStatus.resolved, IncidentStatus.dismissed},
    IncidentStatus.resolved: set(),
    IncidentStatus.dismissed: set(),
}


class IncidentNotFound(NotFound):
    code = "incident_not_found"
    message = N_("Report {incident_id} does not exist.")


class ReceiptUnknown(NotFound):
    code = "receipt_unknown"
    message = N_("No report has this receipt.")


class TooManyReports(TooMany):
    code = "too_many_reports"
    message = N_("This RT has sent many reports this hour; try again soon or call 110.")


class BadTransition(Conflict):
    code = "bad_transition"
    message = N_("A report that is {current} cannot become {wanted}.")


class DismissNeedsReason(Invalid):
    code = "dismiss_needs_reason"
    message = N_("Say why the report is dismissed.")


class TooManyPhotos(Invalid):
    code = "too_many_photos"
    message = N_("A report has at most 3 photos.")


class NotAnImage(Invalid):
    code = "not_an_image"
    message = N_("Send a JPEG, PNG or WebP photo.")


class PhotoTooLarge(Invalid):
    code = "photo_too_large"
    message = N_("A photo may be at most 5 MB.")


class AnonymousNoLog(Invalid):
    code = "anonymous_no_log"
    message = N_("An anonymous report cannot point at a night's log: it would name the team.")


class LogNotInRT(Invalid):
    code = "log_not_in_rt"
    message = N_("That night's log belongs to another RT.")


# As secrets.token_urlsafe(24) makes them: 32 URL-safe characters, 192 random bits.
RECEIPT = re.compile(r"[A-Za-z0-9_-]{32}")


class BadReceipt(Invalid):
    code = "bad_receipt"
    message = N_("A receipt is 32 letters, digits, '-' or '_'.")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def to_the_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def get_incident(session: Session, incident_id: int) -> Incident:
    found = session.get(Incident, incident_id)
    if found is None:
        raise IncidentNotFound(incident_id=incident_id, field="incident_id")
    return found


def rt_path_of_incident(session: Session, incident_id: int) -> str:
    return areas.get_area(session, get_incident(session, incident_id).rt_id).path


def _count_toward_limit(session: Session, rt: Area, hour: datetime) -> None:
    """Count the report against the RT's hourly limit, atomically, without naming anyone."""
    try:
        with session.begin_nested():
            session.add(ReportRate(rt_id=rt.id, hour=hour, count=0))
            session.flush()
    except IntegrityError:
        pass
    count = session.execute(
        update(ReportRate)
        .where(ReportRate.rt_id == rt.id, ReportRate.hour == hour)
        .values(count=ReportRate.count + 1)
        .returning(ReportRate.count)
    ).scalar_one()
    if count > REPORTS_PER_RT_PER_HOUR:
        raise TooManyReports(field="area_id")


def file_report(
    session: Session,
    principal: Principal,
    rt: Area,
    data: IncidentCreate,
    now: datetime,
    receipt: str | None = None,
) -> tuple[Incident, str | None]:
    """File a report; an anonymous one returns the receipt, shown to the reporter only once.

    A phone may bring the receipt it made and kept before sending (``receipt``), so a lost
    answer does not lose the reporter's only key to the report.
    """
    anonymous = data.privacy == Privacy.anonymous
    # An anonymous report's times are kept to the hour, so they cannot be lined up
    # with the reporter's other traces.
    stamp = to_the_hour(now) if anonymous else now
    _count_toward_limit(session, rt, to_the_hour(now))
    if data.night_log_id is not None:
        if anonymous:
            # A night's log names its team: two or three households, too few to hide in.
            raise AnonymousNoLog(field="night_log_id")
        log = session.get(NightLog, data.night_log_id)
        if log is None or log.rt_id != rt.id:
            raise LogNotInRT(field="night_log_id")
    if receipt is not None and not RECEIPT.fullmatch(receipt):
        raise BadReceipt(field="receipt")
    receipt = (receipt or secrets.token_urlsafe(24)) if anonymous else None
    incident = Incident(
        rt_id=rt.id,
        category=data.category,
        severity=data.severity,
        occurred_at=data.occurred_at or stamp,
        local_date=(data.occurred_at or now).astimezone(ZoneInfo(rt.timezone)).date(),
        place=data.place,
        latitude=data.latitude,
        longitude=data.longitude,
        description=data.description,
        night_log_id=data.night_log_id,
        privacy=data.privacy,
        reporter_user_id=None if anonymous else principal.user.id,
        receipt_hash=_hash(receipt) if receipt else None,
        status=IncidentStatus.reported,
        created_at=stamp,
    )
    session.add(incident)
    session.flush()
    session.add(
        IncidentEvent(incident_id=incident.id, status=IncidentStatus.reported, note=None, at=stamp)
    )
    audit.record(
        session,
        actor_id=None if anonymous else principal.user.id,
        action="incident.file",
        object_type="incident",
        object_id=incident.id,
        area_id=rt.id,
        at=stamp,
        after={"category": data.category, "severity": data.severity, "privacy": data.privacy},
    )
    outbox.notify_people(
        session,
        outbox.holders(session, rt, [Role.liaison]),
        subject=N_("New report"),
        body=N_("A new report in {rt}: {category}, {severity}."),
        params={
            "rt": rt.name,
            "category": data.category.value.replace("_", " "),
            "severity": data.severity.value,
        },
        zone=rt.timezone,
        now=stamp,
        urgent=data.severity.value == "darurat",
        # Delivery of news of an anonymous report is timed to the hour too.
        payload={
            "incident_id": incident.id,
            "severity": data.severity.value,
            "coarse_time": anonymous,
        },
    )
    return incident, receipt


def by_receipt(session: Session, receipt: str) -> Incident:
    """The report a receipt belongs to."""
    found = session.scalar(select(Incident).where(Incident.receipt_hash == _hash(receipt)))
    if found is None:
        raise ReceiptUnknown(field="receipt")
    return found


# --- who sees what --------------------------------------------------------------------------


@dataclass(frozen=True)
class Sight:
    """How much of one report one reader sees (DESIGN.md, "Who sees what")."""

    contents: bool
    reporter: bool
    reporter_phone: bool


def sight(
    principal: Principal | None, incident: Incident, rt: Area, *, receipt: bool = False
) -> Sight:
    """Decide what the reader sees of this report: the table, cell by cell."""
    if receipt:
        return Sight(contents=True, reporter=False, reporter_phone=False)
    assert principal is not None
    roles = principal.roles_over(rt.path)
    own = incident.reporter_user_id is not None and incident.reporter_user_id == principal.user.id
    liaison = principal.can(Permission.act_on_reports, rt.path)
    heads = principal.can(Permission.read_household_details, rt.path)
    contents = own or liaison or heads
    if incident.privacy == Privacy.named:
        reporter = own or liaison or heads
        phone = False
    elif incident.privacy == Privacy.confidential:
        # Only the police liaison (not an admin, not the RT) sees a confidential reporter.
        reporter = own or "liaison" in {r.value for r in roles}
        phone = reporter and not own
    else:
        reporter = phone = False
    return Sight(contents=contents, reporter=reporter, reporter_phone=phone)


def visible_incidents(
    session: Session, principal: Principal, rt: Area, *, limit: int, offset: int
) -> tuple[list[Incident], int]:
    """The reports of an RT this reader may list; hidden ones only for heads and liaisons."""
    query = select(Incident).where(Incident.rt_id == rt.id)
    if not (
        principal.can(Permission.read_household_details, rt.path)
        or principal.can(Permission.act_on_reports, rt.path)
    ):
        query = query.where(
            or_(Incident.hidden.is_(False), Incident.reporter_user_id == principal.user.id)
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Incident.created_at.desc(), Incident.id.desc()).limit(limit).offset(offset)
    )
    return list(rows), total


OPEN = (IncidentStatus.reported, IncidentStatus.acknowledged, IncidentStatus.in_progress)
SEVERITY_RANK = {Severity.darurat: 0, Severity.tinggi: 1, Severity.sedang: 2, Severity.rendah: 3}


@dataclass(frozen=True)
class OpenReport:
    incident: Incident
    rt: Area
    escalated: bool  # unacknowledged past the RT's limit: it went to the grants above


def open_reports(session: Session, area: Area, now: datetime, limit: int = 200) -> list[OpenReport]:
    """Reports still open under an area: the most severe first, then the oldest."""
    rows = session.execute(
        select(Incident, Area)
        .join(Area, Area.id == Incident.rt_id)
        .where(Area.path.startswith(area.path), Incident.status.in_(OPEN))
        .order_by(Incident.created_at)
        .limit(limit)
    ).all()
    found = [
        OpenReport(
            incident=incident,
            rt=rt,
            escalated=incident.status == IncidentStatus.reported
            and now - incident.created_at > timedelta(hours=rt.escalate_after_hours),
        )
        for incident, rt in rows
    ]
    return sorted(found, key=lambda r: (SEVERITY_RANK[r.incident.severity], r.incident.created_at))


def filed_by(session: Session, principal: Principal, limit: int = 50) -> list[Incident]:
    """The reports the caller filed under their name, newest first (anonymous ones: none)."""
    return list(
        session.scalars(
            select(Incident)
            .where(Incident.reporter_user_id == principal.user.id)
            .order_by(Incident.created_at.desc())
            .limit(limit)
        )
    )


def reporter_of(session: Session, incident: Incident) -> User | None:
    if incident.reporter_user_id is None:
        return None
    return session.get(User, incident.reporter_user_id)


@dataclass
class Extras:
    """What a report's reading shows beside the row: its trail, photos and reporter."""

    trail: list[IncidentEvent] = field(default_factory=list)
    photo_ids: list[int] = field(default_factory=list)
    reporter: User | None = None


def extras(session: Session, incidents: list[Incident]) -> dict[int, Extras]:
    """Trails, photos and reporters of many reports in three queries, not three each."""
    found = {i.id: Extras() for i in incidents}
    if not found:
        return found
    for event in session.scalars(
        select(IncidentEvent)
        .where(IncidentEvent.incident_id.in_(list(found)))
        .order_by(IncidentEvent.at, IncidentEvent.id)
    ):
        found[event.incident_id].trail.append(event)
    for incident_id, photo_id in session.execute(
        select(IncidentPhoto.incident_id, IncidentPhoto.id)
        .where(IncidentPhoto.incident_id.in_(list(found)))
        .order_by(IncidentPhoto.id)
    ):
        found[incident_id].photo_ids.append(photo_id)
    reporters = {i.reporter_user_id for i in incidents if i.reporter_user_id is not None}
    users = (
        {u.id: u for u in session.scalars(select(User).where(User.id.in_(reporters)))}
        if reporters
        else {}
    )
    for incident in incidents:
        if incident.reporter_user_id is not None:
            found[incident.id].reporter = users.get(incident.reporter_user_id)
    return found


# --- follow-up --------------------------------------------------------------------------------


def move(
    session: Session,
    principal: Principal,
    incident: Incident,
    *,
    status: IncidentStatus,
    note: str | None,
    now: datetime,
) -> Incident:
    """The liaison moves a report on a step, with a note the reporter reads."""
    rt = areas.get_area(session, incident.rt_id)
    principal.check(Permission.act_on_reports, rt)
    if status not in NEXT[incident.status]:
        raise BadTransition(current=incident.status.value, wanted=status.value, field="status")
    if status == IncidentStatus.dismissed and not note:
        raise DismissNeedsReason(field="note")
    if incident.acknowledged_at is None:
        incident.acknowledged_at = now
        incident.ack_seconds = max(0, int((now - incident.created_at).total_seconds()))
    if status in (IncidentStatus.resolved, IncidentStatus.dismissed):
        incident.closed_at = now
    incident.status = status
    session.add(
        IncidentEvent(
            incident_id=incident.id,
            status=status,
            note=note,
            actor_user_id=principal.user.id,
            at=now,
        )
    )
    session.flush()
    audit.record(
        session,
        actor_id=principal.user.id,
        action=f"incident.{status.value}",
        object_type="incident",
        object_id=incident.id,
        area_id=rt.id,
        at=now,
        after={"status": status, "note": note},
    )
    reporter = reporter_of(session, incident)
    if reporter is not None:
        # An anonymous reporter follows the report in the app, by receipt, and nowhere else.
        outbox.notify_user(
            session,
            reporter,
            subject=N_("Your report was followed up"),
            body=N_("Your report #{number} is now: {status}."),
            params={"number": incident.id, "status": Msg(STATUS_WORDS[status])},
            zone=rt.timezone,
            now=now,
            payload={"incident_id": incident.id},
        )
    return incident


class NoteNeeded(Invalid):
    code = "note_needed"
    message = N_("Write the note for the reporter.")


def add_note(
    session: Session, principal: Principal, incident: Incident, note: str | None, now: datetime
) -> Incident:
    """The liaison tells the reporter something without moving the report (closed ones too)."""
    rt = areas.get_area(session, incident.rt_id)
    principal.check(Permission.act_on_reports, rt)
    if not note:
        raise NoteNeeded(field="note")
    session.add(
        IncidentEvent(
            incident_id=incident.id,
            status=incident.status,
            note=note,
            actor_user_id=principal.user.id,
            at=now,
        )
    )
    session.flush()
    audit.record(
        session,
        actor_id=principal.user.id,
        action="incident.note",
        object_type="incident",
        object_id=incident.id,
        area_id=rt.id,
        at=now,
        after={"note": note},
    )
    reporter = reporter_of(session, incident)
    if reporter is not None:
        outbox.notify_user(
            session,
            reporter,
            subject=N_("Your report was followed up"),
            body=N_("Your report #{number} is now: {status}."),
            params={"number": incident.id, "status": Msg(STATUS_WORDS[incident.status])},
            zone=rt.timezone,
            now=now,
            payload={"incident_id": incident.id},
        )
    return incident


def hide(
    session: Session, principal: Principal, incident: Incident, reason: str, now: datetime
) -> Incident:
    """The RT head hides an abusive report from residents; the liaison still sees it."""
    rt = areas.get_area(session, incident.rt_id)
    principal.check(Permission.moderate_reports, rt)
    incident.hidden = True
    incident.hidden_reason = reason
    session.flush()
    audit.record(
        session,
        actor_id=principal.user.id,
        action="incident.hide",
        object_type="incident",
        object_id=incident.id,
        area_id=rt.id,
        at=now,
        after={"reason": reason},
    )
    return incident


# --- photos -----------------------------------------------------------------------------------

MAX_PHOTO_BYTES = 5_000_000
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}


def add_photo(session: Session, incident: Incident, data: bytes, media_dir: Path) -> IncidentPhoto:
    """Keep a photo: checked by content, re-encoded so no location or camera data remains."""
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoTooLarge(field="photo")
    count = len(
        session.scalars(
            select(IncidentPhoto.id).where(IncidentPhoto.incident_id == incident.id)
        ).all()
    )
    if count >= MAX_PHOTOS:
        raise TooManyPhotos(field="photo")
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or ""
            if kind not in FORMATS:
                raise NotAnImage(field="photo")
            image.load()
            # Copying the pixels into a new image leaves EXIF (GPS, camera, time) behind.
            clean = Image.frombytes(image.mode, image.size, image.tobytes())
            palette = image.getpalette() if image.mode == "P" else None
            if palette:
                clean.putpalette(palette)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise NotAnImage(field="photo") from None
    content_type, extension = FORMATS[kind]
    name = f"{secrets.token_hex(16)}.{extension}"
    folder = media_dir / "incidents"
    folder.mkdir(parents=True, exist_ok=True)
    out = io.BytesIO()
    clean.save(out, format=kind)
    (folder / name).write_bytes(out.getvalue())
    photo = IncidentPhoto(
        incident_id=incident.id, file_name=name, content_type=content_type, size_bytes=out.tell()
    )
    session.add(photo)
    session.flush()
    return photo


def get_photo(session: Session, incident: Incident, photo_id: int) -> IncidentPhoto:
    photo = session.get(IncidentPhoto, photo_id)
    if photo is None or photo.incident_id != incident.id:
        raise NotFound(field="photo_id")
    return photo


def check_owns(principal: Principal, incident: Incident, receipt: str | None) -> None:
    """The reporter alone adds photos: by session, or by receipt for an anonymous report."""
    if incident.privacy == Privacy.anonymous:
        if receipt is None or incident.receipt_hash != _hash(receipt):
            raise Forbidden()
        return
    if incident.reporter_user_id != principal.user.id:
        raise Forbidden()

"""A roster where people already look: CSV, WhatsApp text, the paper at the post, calendars."""

import csv
import hashlib
import io
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from babel.dates import format_date
from icalendar import Calendar, Event
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.areas import service as areas
from app.areas.models import Area
from app.audit import service as audit
from app.auth.permissions import Permission
from app.auth.service import Principal
from app.errors import NotFound
from app.households import service as households
from app.households.models import Household
from app.i18n import N_, gettext
from app.rostering import calendar, swaps
from app.rostering import service as rostering
from app.rostering.models import (
    Assignment,
    CalendarFeed,
    Roster,
    RosterNight,
    RosterStatus,
)

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parents[1] / "templates"),
    autoescape=select_autoescape(["html"]),
)
FEED_DAYS_BACK = 60


class FeedNotFound(NotFound):
    code = "calendar_feed_not_found"
    message = N_("Calendar feed {feed_id} does not exist.")


@dataclass(frozen=True)
class NightLine:
    day: str
    hours: str
    holiday: str | None
    note: str | None
    team: list[str]


def rt_label(session: Session, rt: Area) -> str:
    """ "RT 03 / RW 01 Bulusan": how residents name their RT."""
    rw = areas.get_area(session, rt.parent_id) if rt.parent_id else None
    kelurahan = areas.get_area(session, rw.parent_id) if rw and rw.parent_id else None
    parts = [rt.name, rw.name if rw else None]
    label = " / ".join(p for p in parts if p)
    return f"{label} {kelurahan.name}" if kelurahan else label


def _person(household: Household, assignment: Assignment) -> str:
    if assignment.stand_in_name:
        return f"{household.head_name} ({household.house_code}, diganti {assignment.stand_in_name})"
    return f"{household.head_name} ({household.house_code})"


def _hours(night: RosterNight, zone: ZoneInfo) -> str:
    start = night.starts_at.astimezone(zone).strftime("%H.%M")
    end = night.ends_at.astimezone(zone).strftime("%H.%M")
    return f"{start}\u2013{end}"


def night_lines(session: Session, roster: Roster, language: str) -> list[NightLine]:
    """The month night by night, in the reader's language, for text and print."""
    rt = areas.get_area(session, roster.rt_id)
    zone = ZoneInfo(rt.timezone)
    locale = "en" if language == "en" else "id"
    return [
        NightLine(
            day=format_date(night.night_date, "EEE d MMM", locale=locale),
            hours=_hours(night, zone),
            holiday=(calendar.holiday_name(night.night_date, language) if night.holiday else None),
            note=night.note,
            team=[_person(h, a) for a, h in on_duty],
        )
        for night, on_duty in rostering.roster_nights(session, roster)
    ]


def roster_csv(
    session: Session, roster: Roster, language: str, view: households.Viewer | None = None
) -> str:
    """One row per turn: date, weekday, hours, house, head of household, status, stand-in."""
    rt = areas.get_area(session, roster.rt_id)
    zone = ZoneInfo(rt.timezone)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = (
        ["date", "weekday", "hours", "house", "head_name", "status", "stand_in", "holiday"]
        if language == "en"
        else ["tanggal", "hari", "jam", "rumah", "kepala_keluarga", "status", "pengganti", "libur"]
    )
    writer.writerow(header)
    locale = "en" if language == "en" else "id"
    for night, on_duty in rostering.roster_nights(session, roster):
        for assignment, household in on_duty:
            writer.writerow(
                [
                    night.night_date.isoformat(),
                    format_date(night.night_date, "EEEE", locale=locale),
                    _hours(night, zone),
                    household.house_code,
                    household.head_name,
                    assignment.status.value if view is None or view.full(household) else "",
                    assignment.stand_in_name or "",
                    night.holiday or "",
                ]
            )
    return out.getvalue()


WA_TITLE = N_("Night patrol roster {rt}, {month}")
WA_NO_PATROL = N_("no patrol")
WA_FOOTER = N_("Swap a night in Ronda or tell the RT head. Stay safe!")


def whatsapp_text(session: Session, roster: Roster, language: str) -> tuple[str, str]:
    """The month as WhatsApp text (bold title, one line a night) and its wa.me share link."""
    rt = areas.get_area(session, roster.rt_id)
    first = calendar.month_dates(roster.month)[0]
    month = format_date(first, "MMMM y", locale="en" if language == "en" else "id")
    lines = [f"*{gettext(WA_TITLE, language, rt=rt_label(session, rt), month=month)}*", ""]
    for night in night_lines(session, roster, language):
        label = f"{night.day}" + (f" ({night.holiday})" if night.holiday else "")
        if night.team:
            lines.append(f"{label}, {night.hours}: {', '.join(night.team)}")
        else:
            reason = night.note or gettext(WA_NO_PATROL, language)
            lines.append(f"{label}: _{reason}_")
    lines += ["", gettext(WA_FOOTER, language)]
    text = "\n".join(lines)
    return text, f"https://wa.me/?text={quote(text)}"


PRINT_LABELS = {
    "id": {
        "night": "Malam",
        "hours": "Jam",
        "team": "Petugas ronda",
        "sign": "Paraf",
        "none": "tidak ada ronda",
    },
    "en": {
        "night": "Night",
        "hours": "Hours",
        "team": "On patrol",
        "sign": "Initials",
        "none": "no patrol",
    },
}


def _short(person: str) -> str:
    """Paper is narrow: "Bapak" and "Ibu" as residents abbreviate them."""
    for long, short in (("Bapak ", "Bp. "), ("Ibu ", "Bu ")):
        if person.startswith(long):
            return short + person[len(long) :]
    return person


def print_html(session: Session, roster: Roster, language: str) -> str:
    """A4 page for the pos kamling: the month on one sheet, a column to initial each night."""
    rt = areas.get_area(session, roster.rt_id)
    first = calendar.month_dates(roster.month)[0]
    locale = "en" if language == "en" else "id"
    title = gettext(
        WA_TITLE,
        language,
        rt=rt_label(session, rt),
        month=format_date(first, "MMMM y", locale=locale),
    )
    status = "" if roster.status == RosterStatus.published else " (DRAF)"
    nights = [
        NightLine(n.day, n.hours, n.holiday, n.note, [_short(p) for p in n.team])
        for n in night_lines(session, roster, language)
    ]
    return TEMPLATES.get_template("roster_print.html").render(
        lang=locale,
        title=title + status,
        subtitle=rt.timezone,
        labels=PRINT_LABELS[locale],
        nights=nights,
        slots=max((len(n.team) for n in nights), default=1) or 1,
        footer=gettext(WA_FOOTER, language),
    )


# --- calendar feeds -------------------------------------------------------------------------


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_feed(
    session: Session,
    rt: Area,
    household: Household | None,
    *,
    actor_id: int | None,
    now: datetime,
) -> tuple[CalendarFeed, str]:
    """A new secret feed address; the previous one for the same household or RT stops working."""
    previous = select(CalendarFeed).where(
        CalendarFeed.rt_id == rt.id,
        CalendarFeed.revoked_at.is_(None),
        CalendarFeed.household_id.is_(None)
        if household is None
        else CalendarFeed.household_id == household.id,
    )
    for old in session.scalars(previous):
        old.revoked_at = now
    secret = secrets.token_urlsafe(24)
    feed = CalendarFeed(
        rt_id=rt.id,
        household_id=household.id if household else None,
        token_hash=_sha256(secret),
        created_by_id=actor_id,
        created_at=now,
    )
    session.add(feed)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="calendar_feed.create",
        object_type="calendar_feed",
        object_id=feed.id,
        area_id=rt.id,
        at=now,
    )
    return feed, secret


def get_feed(session: Session, feed_id: int) -> CalendarFeed:
    found = session.get(CalendarFeed, feed_id)
    if found is None:
        raise FeedNotFound(feed_id=feed_id, field="feed_id")
    return found


def revoke_feed(session: Session, principal: Principal, feed: CalendarFeed, now: datetime) -> None:
    """Stop a feed address: the RT head for the RT's feed, the household (or head) for its own."""
    rt = areas.get_area(session, feed.rt_id)
    if feed.household_id is None:
        principal.check(Permission.manage_roster, rt)
    else:
        swaps.check_acts_for(session, principal, rt, feed.household_id)
    actor_id = principal.user.id
    feed.revoked_at = now
    audit.record(
        session,
        actor_id=actor_id,
        action="calendar_feed.revoke",
        object_type="calendar_feed",
        object_id=feed.id,
        area_id=feed.rt_id,
        at=now,
    )


def feed_by_secret(session: Session, secret: str) -> CalendarFeed:
    """The live feed for a secret address, or not found (revoked looks like unknown)."""
    feed = session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _sha256(secret)))
    if feed is None or feed.revoked_at is not None:
        raise FeedNotFound(feed_id=0, field="token")
    return feed


def feed_ical(session: Session, feed: CalendarFeed, now: datetime) -> bytes:
    """The feed's published turns from two months back on, as iCalendar."""
    rt = areas.get_area(session, feed.rt_id)
    label = rt_label(session, rt)
    since = (now - timedelta(days=FEED_DAYS_BACK)).date()
    query = (
        select(Assignment, RosterNight, Household)
        .join(RosterNight, RosterNight.id == Assignment.night_id)
        .join(Roster, Roster.id == Assignment.roster_id)
        .join(Household, Household.id == Assignment.household_id)
        .where(
            Assignment.rt_id == rt.id,
            Roster.status == RosterStatus.published,
            Assignment.night_date >= since,
        )
        .order_by(Assignment.night_date, Household.house_code)
    )
    if feed.household_id is not None:
        query = query.where(Assignment.household_id == feed.household_id)
    cal = Calendar()
    cal.add("prodid", "-//Ronda//Jadwal ronda//ID")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Ronda {label}")
    cal.add("x-wr-timezone", rt.timezone)
    if feed.household_id is not None:
        for assignment, night, household in session.execute(query):
            event = Event()
            event.add("uid", f"ronda-turn-{assignment.id}@ronda")
            event.add("dtstamp", now)
            event.add("dtstart", night.starts_at)
            event.add("dtend", night.ends_at)
            event.add("summary", f"Ronda malam {label}")
            event.add("description", f"{household.head_name} ({household.house_code})")
            cal.add_component(event)
        return bytes(cal.to_ical())
    teams: dict[int, tuple[RosterNight, list[str]]] = {}
    for assignment, night, household in session.execute(query):
        teams.setdefault(night.id, (night, []))[1].append(_person(household, assignment))
    for night, team in teams.values():
        event = Event()
        event.add("uid", f"ronda-night-{night.id}@ronda")
        event.add("dtstamp", now)
        event.add("dtstart", night.starts_at)
        event.add("dtend", night.ends_at)
        event.add("summary", f"Ronda {label}: {len(team)} orang")
        event.add("description", "\n".join(team))
        cal.add_component(event)
    return bytes(cal.to_ical())

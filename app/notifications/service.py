"""Putting messages in the outbox and delivering the due ones through their channel."""

import logging
import random
from collections.abc import Callable, Iterable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.areas.models import Area
from app.auth.models import Grant, Role, User
from app.config import Settings, get_settings
from app.households.models import Member
from app.i18n import gettext
from app.notifications import channels
from app.notifications.models import OutboxMessage, OutboxStatus

log = logging.getLogger("ronda.outbox")

MAX_ATTEMPTS = 8
LONGEST_WAIT = timedelta(hours=6)
Channel = Callable[[OutboxMessage, Settings], None]

CHANNELS: dict[str, Channel] = {
    "log": channels.to_log,
    "webhook": channels.to_webhook,
    "email": channels.to_email,
}


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Exponential back-off with jitter: about 2, 4, 8... minutes, at most six hours."""
    base = min(timedelta(minutes=2**attempts), LONGEST_WAIT)
    return base * (rng or random).uniform(0.75, 1.25)


def enqueue(
    session: Session,
    *,
    recipient: str,
    subject: str,
    body: str,
    now: datetime,
    channel: str = "log",
    language: str = "id",
    payload: dict[str, Any] | None = None,
) -> OutboxMessage:
    """Write a message to the outbox; it is sent by ``deliver_due`` after the commit."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    message = OutboxMessage(
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        language=language,
        payload=payload or {},
        status=OutboxStatus.pending,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(message)
    return message


def _due(session: Session, now: datetime, limit: int) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.pending, OutboxMessage.next_attempt_at <= now
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
            # Two schedulers delivering at once each take different messages (PostgreSQL).
            .with_for_update(skip_locked=True)
        )
    )


def _sent(message: OutboxMessage, now: datetime) -> None:
    message.status = OutboxStatus.sent
    # Messages about anonymous reports keep no exact time (see app/incidents).
    coarse = bool(message.payload.get("coarse_time"))
    message.sent_at = now.replace(minute=0, second=0, microsecond=0) if coarse else now


def _failed(message: OutboxMessage, error: Exception) -> None:
    message.last_error = str(error)[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = OutboxStatus.failed


def deliver_due(
    session: Session, now: datetime, limit: int = 200, settings: Settings | None = None
) -> int:
    """Send due messages within one transaction (tests and small installations)."""
    settings = settings or get_settings()
    sent = 0
    for message in _due(session, now, limit):
        message.attempts += 1
        message.next_attempt_at = now + backoff(message.attempts)
        try:
            CHANNELS[message.channel](message, settings)
        except Exception as exc:  # a channel failure must not stop the others
            _failed(message, exc)
            continue
        _sent(message, now)
        sent += 1
    session.flush()
    return sent


def deliver_pending(
    factory: sessionmaker[Session], now: datetime, settings: Settings, limit: int = 200
) -> int:
    """Send due messages, each attempt recorded (and committed) before it is made.

    A crash after sending but before recording success leaves the message to be sent
    again after its back-off, with the same idempotency id, which the receiver knows.
    """
    with factory.begin() as session:
        claimed: list[int] = []
        for message in _due(session, now, limit):
            message.attempts += 1
            message.next_attempt_at = now + backoff(message.attempts)
            claimed.append(message.id)
    sent = 0
    for message_id in claimed:
        with factory.begin() as session:
            current = session.get(OutboxMessage, message_id)
            if current is None or current.status != OutboxStatus.pending:
                continue
            try:
                CHANNELS[current.channel](current, settings)
            except Exception as exc:
                _failed(current, exc)
                continue
            _sent(current, now)
            sent += 1
    return sent


QUIET_FROM, QUIET_UNTIL = 21, 6  # local hours: nothing but the urgent in between


def quiet_until(now: datetime, zone: str) -> datetime | None:
    """The end of the quiet hours if ``now`` falls in them (in the reader's zone), else None."""
    local = now.astimezone(ZoneInfo(zone))
    if QUIET_UNTIL <= local.hour < QUIET_FROM:
        return None
    morning = local.date() if local.hour < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(morning, time(QUIET_UNTIL), ZoneInfo(zone))


def notify_user(
    session: Session,
    user: User,
    *,
    subject: str,
    body: str,
    params: dict[str, Any],
    zone: str,
    now: datetime,
    urgent: bool = False,
    on_patrol: bool = False,
    payload: dict[str, Any] | None = None,
) -> OutboxMessage:
    """One message to one person, in their language and channel, held over quiet hours.

    ``subject`` and ``body`` are message ids (Babel catalogs). Between 21:00 and 06:00 in
    ``zone`` a message waits for the morning, unless it is urgent or the person is on
    tonight's patrol.
    """
    language = user.language
    message = enqueue(
        session,
        recipient=f"user:{user.id}",
        subject=gettext(subject, language, **params),
        body=gettext(body, language, **params),
        now=now,
        channel=user.notify_channel,
        language=language,
        payload=(payload or {}) | ({"email": user.email} if user.email else {}),
    )
    wait = None if urgent or on_patrol else quiet_until(now, zone)
    if wait is not None:
        message.next_attempt_at = wait
    return message


def people_of_households(session: Session, household_ids: Iterable[int]) -> dict[int, list[User]]:
    """The signed-in people of each household (members linked to a user)."""
    found: dict[int, list[User]] = {h: [] for h in household_ids}
    if found:
        for household_id, user in session.execute(
            select(Member.household_id, User)
            .join(User, User.id == Member.user_id)
            .where(Member.household_id.in_(list(found)), User.is_active.is_(True))
        ):
            found[household_id].append(user)
    return found


def holders(
    session: Session, area: Area, roles: Iterable[Role], *, above: bool = False
) -> list[User]:
    """People holding one of ``roles`` on ``area`` (``above``: on an area over it, strictly)."""
    rows = session.execute(
        select(User, Area.path)
        .join(Grant, Grant.user_id == User.id)
        .outerjoin(Area, Area.id == Grant.area_id)
        .where(Grant.role.in_(list(roles)), User.is_active.is_(True))
    ).all()
    chosen = {
        user.id: user
        for user, path in rows
        if area.path.startswith(path or "") and (not above or len(path or "") < len(area.path))
    }
    return [chosen[k] for k in sorted(chosen)]


def notify_households(
    session: Session,
    household_ids: Iterable[int],
    *,
    subject: str,
    body: str,
    params: dict[str, Any],
    zone: str,
    now: datetime,
    on_patrol: bool = False,
    payload: dict[str, Any] | None = None,
) -> None:
    """Tell each household: its signed-in people in their language, else the RT's log."""
    for household_id, people in people_of_households(session, household_ids).items():
        extra = (payload or {}) | {"household_id": household_id}
        for user in people:
            notify_user(
                session,
                user,
                subject=subject,
                body=body,
                params=params,
                zone=zone,
                now=now,
                on_patrol=on_patrol,
                payload=extra,
            )
        if not people:
            enqueue(
                session,
                recipient=f"household:{household_id}",
                subject=gettext(subject, "id", **params),
                body=gettext(body, "id", **params),
                now=now,
                payload=extra,
            )


def notify_people(
    session: Session,
    users: Iterable[User],
    *,
    subject: str,
    body: str,
    params: dict[str, Any],
    zone: str,
    now: datetime,
    urgent: bool = False,
    payload: dict[str, Any] | None = None,
) -> None:
    """Tell each of ``users``, in their language and channel, minding the quiet hours."""
    for user in users:
        notify_user(
            session,
            user,
            subject=subject,
            body=body,
            params=params,
            zone=zone,
            now=now,
            urgent=urgent,
            payload=payload,
        )

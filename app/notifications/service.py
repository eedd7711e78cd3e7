"""Putting messages in the outbox and delivering the due ones through their channel."""

import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings, get_settings
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

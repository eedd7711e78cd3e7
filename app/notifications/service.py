"""Putting messages in the outbox and delivering the due ones through their channel."""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.notifications.models import OutboxMessage, OutboxStatus

log = logging.getLogger("ronda.outbox")

MAX_ATTEMPTS = 8
Channel = Callable[[OutboxMessage], None]


def _log_channel(message: OutboxMessage) -> None:
    log.info("outbox #%s to %s: %s", message.id, message.recipient, message.subject)


CHANNELS: dict[str, Channel] = {"log": _log_channel}


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


def deliver_due(session: Session, now: datetime, limit: int = 200) -> int:
    """Send pending messages whose time has come, backing off exponentially on failure."""
    due = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.pending, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
        # Two schedulers delivering at once each take different messages (PostgreSQL).
        .with_for_update(skip_locked=True)
    ).all()
    sent = 0
    for message in due:
        message.attempts += 1
        try:
            CHANNELS[message.channel](message)
        except Exception as exc:  # a channel failure must not stop the others
            message.last_error = str(exc)[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxStatus.failed
            else:
                message.next_attempt_at = now + timedelta(minutes=2**message.attempts)
            continue
        message.status = OutboxStatus.sent
        # Messages about anonymous reports keep no exact time (see app/incidents).
        coarse = bool(message.payload.get("coarse_time"))
        message.sent_at = now.replace(minute=0, second=0, microsecond=0) if coarse else now
        sent += 1
    session.flush()
    return sent

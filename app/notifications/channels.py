"""Channels that deliver outbox messages: the log, a signed webhook, and email over SMTP.

Each delivery carries the message's idempotency id (``ronda-<id>``), the same on every
retry, so a receiver that got a message before a crash recognises the repeat.
"""

import hashlib
import hmac
import json
import logging
import smtplib
import ssl
import time
import urllib.request
from email.message import EmailMessage

from app.config import Settings
from app.notifications.models import OutboxMessage

log = logging.getLogger("ronda.outbox")


class DeliveryFailed(Exception):
    """The channel could not deliver; the outbox retries later."""


def delivery_id(message: OutboxMessage) -> str:
    return f"ronda-{message.id}"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", hex: what ``X-Ronda-Signature`` carries."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def to_log(message: OutboxMessage, _settings: Settings) -> None:
    log.info("outbox #%s to %s: %s", message.id, message.recipient, message.subject)


def to_webhook(message: OutboxMessage, settings: Settings) -> None:
    """POST the message as JSON, signed, with the timestamp and idempotency id in headers."""
    if not settings.webhook_url:
        raise DeliveryFailed("RONDA_WEBHOOK_URL is not set")
    body = json.dumps(
        {
            "id": delivery_id(message),
            "recipient": message.recipient,
            "language": message.language,
            "subject": message.subject,
            "body": message.body,
            "payload": message.payload,
        },
        separators=(",", ":"),
    ).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        settings.webhook_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Ronda-Timestamp": timestamp,
            "X-Ronda-Signature": sign(
                settings.webhook_secret or settings.secret_key, timestamp, body
            ),
            "Idempotency-Key": delivery_id(message),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            if not 200 <= response.status < 300:
                raise DeliveryFailed(f"webhook answered {response.status}")
    except OSError as exc:  # URLError and HTTPError are OSErrors
        raise DeliveryFailed(f"webhook: {exc}") from exc


def to_email(message: OutboxMessage, settings: Settings) -> None:
    """Send the message by SMTP, upgrading to TLS when the server offers STARTTLS."""
    if not settings.smtp_host:
        raise DeliveryFailed("RONDA_SMTP_HOST is not set")
    address = message.payload.get("email")
    if not address:
        raise DeliveryFailed("no e-mail address for this recipient")
    mail = EmailMessage()
    mail["From"] = settings.smtp_from
    mail["To"] = address
    mail["Subject"] = message.subject
    mail["Message-ID"] = f"<{delivery_id(message)}@ronda>"
    mail.set_content(message.body)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(mail)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryFailed(f"smtp: {exc}") from exc

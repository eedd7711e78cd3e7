"""Notification channels against real receivers: a local HTTP server and an SMTP server."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app import migrate
from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.notifications import service as outbox
from app.notifications.models import OutboxMessage, OutboxStatus
from tests.conftest import T0

from .conftest import Database, free_port

pytestmark = pytest.mark.server

SECRET = "a-webhook-secret-of-the-deployment"


class Receiver(BaseHTTPRequestHandler):
    """Verifies each delivery's signature itself; refuses the first two."""

    seen: ClassVar[list[dict]] = []
    accepted: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        timestamp = self.headers["X-Ronda-Timestamp"]
        expected = hmac.new(
            SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
        ).hexdigest()
        valid = hmac.compare_digest(expected, self.headers["X-Ronda-Signature"])
        delivery = json.loads(body)["id"]
        Receiver.seen.append({"id": delivery, "valid": valid})
        if not valid or len(Receiver.seen) <= 2:
            self.send_response(500)
        else:
            Receiver.accepted.append(delivery)
            self.send_response(204)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


def _factory(url: str):
    migrate.upgrade(url)
    engine = make_engine(url)
    return engine, make_sessionmaker(engine)


def test_a_failing_receiver_gets_each_message_once_signed(
    live_database: Database, tmp_path: Path
) -> None:
    Receiver.seen, Receiver.accepted = [], []
    port = free_port()
    server = HTTPServer(("127.0.0.1", port), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    engine, factory = _factory(live_database.url)
    settings = Settings(webhook_url=f"http://127.0.0.1:{port}/hook", webhook_secret=SECRET)
    try:
        with factory.begin() as session:
            outbox.enqueue(
                session,
                recipient="user:1",
                subject="Pengingat ronda malam ini",
                body="Giliran ronda 2026-12-05",
                now=T0,
                channel="webhook",
            )
        moments = [
            T0,
            T0 + timedelta(minutes=3),
            T0 + timedelta(minutes=10),
            T0 + timedelta(hours=2),
        ]
        sent = [outbox.deliver_pending(factory, moment, settings) for moment in moments]
    finally:
        server.shutdown()
    assert sent == [0, 0, 1, 0]
    assert [s["valid"] for s in Receiver.seen] == [True, True, True]
    assert len({s["id"] for s in Receiver.seen}) == 1
    assert len(Receiver.accepted) == 1
    with factory() as session:
        message = session.scalars(select(OutboxMessage)).one()
        assert (message.status, message.attempts) == (OutboxStatus.sent, 3)
    engine.dispose()


class Mailbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, _server, _session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def test_email_arrives_through_a_real_smtp_server(live_database: Database) -> None:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    engine, factory = _factory(live_database.url)
    settings = Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_from="ronda@rt03.example")
    try:
        with factory.begin() as session:
            outbox.enqueue(
                session,
                recipient="user:7",
                subject="Your report was followed up",
                body="acknowledged",
                now=T0,
                channel="email",
                language="en",
                payload={"email": "warga@example.org"},
            )
        assert outbox.deliver_pending(factory, T0, settings) == 1
        assert outbox.deliver_pending(factory, T0 + timedelta(hours=1), settings) == 0
    finally:
        controller.stop()
    assert len(mailbox.messages) == 1
    envelope = mailbox.messages[0]
    assert envelope.rcpt_tos == ["warga@example.org"]
    text = envelope.content.decode()
    assert "Subject: Your report was followed up" in text
    assert "Message-ID: <ronda-1@ronda>" in text
    engine.dispose()

"""The shared stores: idempotency and the outbox."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.areas.models import Area
from app.clock import FixedClock
from app.idempotency.models import IdempotencyRecord
from app.notifications import service as outbox
from app.notifications.models import OutboxMessage, OutboxStatus


def _count_areas(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Area)) or 0


def test_a_repeat_returns_the_first_answer(admin_client: TestClient, session: Session) -> None:
    body = {"kind": "kota", "name": "Kota Salatiga"}
    headers = {"Idempotency-Key": "9d1c-first"}
    first = admin_client.post("/api/v1/areas", json=body, headers=headers)
    second = admin_client.post("/api/v1/areas", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert _count_areas(session) == 1
    record = session.scalars(select(IdempotencyRecord)).one()
    # Only the key's hash is kept.
    assert "9d1c-first" not in (record.key_hash, record.scope)
    assert len(record.key_hash) == 64


def test_the_same_key_with_another_body_is_409(admin_client: TestClient, session: Session) -> None:
    headers = {"Idempotency-Key": "k-2"}
    admin_client.post("/api/v1/areas", json={"kind": "kota", "name": "Kota A"}, headers=headers)
    response = admin_client.post(
        "/api/v1/areas", json={"kind": "kota", "name": "Kota B"}, headers=headers
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert response.json()["error"]["field"] == "Idempotency-Key"
    assert _count_areas(session) == 1


def test_a_failed_request_stores_no_answer(admin_client: TestClient, session: Session) -> None:
    headers = {"Idempotency-Key": "k-3"}
    bad = {"kind": "rw", "name": "RW 1"}
    assert admin_client.post("/api/v1/areas", json=bad, headers=headers).status_code == 422
    assert session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 0


def test_outbox_delivers_through_the_log_channel(
    session: Session, clock: FixedClock, caplog
) -> None:
    message = outbox.enqueue(
        session, recipient="rt-head:1", subject="Draf jadwal Desember", body="...", now=clock.now()
    )
    session.flush()
    with caplog.at_level("INFO", logger="ronda.outbox"):
        assert outbox.deliver_due(session, clock.now()) == 1
    assert message.status == OutboxStatus.sent
    assert "Draf jadwal Desember" in caplog.text
    assert outbox.deliver_due(session, clock.now()) == 0


def test_outbox_backs_off_after_a_failure(session: Session, clock: FixedClock) -> None:
    def broken(_message: OutboxMessage, _settings: object) -> None:
        raise ConnectionError("receiver down")

    outbox.CHANNELS["broken"] = broken
    try:
        message = outbox.enqueue(
            session, recipient="x", subject="s", body="b", now=clock.now(), channel="broken"
        )
        session.flush()
        assert outbox.deliver_due(session, clock.now()) == 0
        assert message.status == OutboxStatus.pending
        assert message.last_error == "receiver down"
        # Two minutes, give or take a quarter (jitter).
        wait = message.next_attempt_at - clock.now()
        assert timedelta(seconds=90) <= wait <= timedelta(seconds=150)
        assert outbox.deliver_due(session, clock.now() + timedelta(minutes=1)) == 0
        assert message.attempts == 1
    finally:
        del outbox.CHANNELS["broken"]

"""The idempotency store: a repeated request returns the first answer, never a second record.

The record is inserted in the same transaction as the work it guards. On PostgreSQL a
concurrent repeat blocks on the unique index until the first transaction commits, then
reads the stored answer; SQLite serialises writers. Either way one record, one effect.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import Conflict, Invalid
from app.i18n import N_
from app.idempotency.models import IdempotencyRecord

MAX_KEY_LENGTH = 200


class KeyReused(Conflict):
    code = "idempotency_key_reused"
    message = N_("This Idempotency-Key was already used for a different request.")


class StillRunning(Conflict):
    code = "idempotency_in_progress"
    message = N_("A request with this Idempotency-Key is still being processed.")


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprint(payload: Any) -> str:
    """Hash a request's content so a reused key with a different body is recognised."""
    return _sha256(json.dumps(payload, sort_keys=True, default=str, separators=(",", ":")))


def run(
    session: Session,
    *,
    scope: str,
    key: str | None,
    payload: Any,
    now: datetime,
    produce: Callable[[], tuple[int, Any]],
    redact: Callable[[Any], Any] | None = None,
) -> tuple[int, Any, bool]:
    """Run ``produce`` once per (scope, key); return (status, body, replayed).

    ``redact`` turns the answer into what may be kept: a secret shown once (an
    anonymous report's receipt) is never stored, so a replay answers without it.
    """
    if key is None:
        status, body = produce()
        return status, body, False
    if not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise Invalid(N_("Idempotency-Key must be 1 to 200 characters."), field="Idempotency-Key")
    key_hash = _sha256(key)
    print_ = fingerprint(payload)
    record = IdempotencyRecord(scope=scope, key_hash=key_hash, fingerprint=print_, created_at=now)
    try:
        with session.begin_nested():
            session.add(record)
            session.flush()
    except IntegrityError:
        existing = session.scalars(
            select(IdempotencyRecord).where(
                IdempotencyRecord.scope == scope, IdempotencyRecord.key_hash == key_hash
            )
        ).one()
        if existing.fingerprint != print_:
            raise KeyReused(field="Idempotency-Key") from None
        if existing.status_code is None:
            raise StillRunning(field="Idempotency-Key") from None
        return existing.status_code, existing.response_body, True
    status, body = produce()
    record.status_code = status
    record.response_body = redact(body) if redact else body
    session.flush()
    return status, body, False

"""The HTTP side of the idempotency store: one helper every create route answers through."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.idempotency import service


def answer_once(
    session: Session,
    response: Response,
    *,
    scope: str,
    key: str | None,
    payload: BaseModel,
    now: datetime,
    status: int,
    produce: Callable[[], BaseModel],
    redact: Callable[[Any], Any] | None = None,
) -> Any:
    """Run a create once per Idempotency-Key; a repeat gets the stored answer, marked so."""
    code, body, replayed = service.run(
        session,
        scope=scope,
        key=key,
        payload=payload.model_dump(mode="json"),
        now=now,
        produce=lambda: (status, produce().model_dump(mode="json")),
        redact=redact,
    )
    response.status_code = code
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return body

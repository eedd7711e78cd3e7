"""Request dependencies every router shares: the clock, the language, the idempotency key."""

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, Path, Request
from pydantic import Field

from app.clock import Clock
from app.errors import request_language


def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def get_now(clock: Annotated[Clock, Depends(get_clock)]) -> datetime:
    return clock.now()


Now = Annotated[datetime, Depends(get_now)]
Lang = Annotated[str, Depends(request_language)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="Send the same key again to get the first answer instead of a second record",
    ),
]

# Ids are 32-bit integers on PostgreSQL; anything outside cannot name a row.
MAX_ID = 2_147_483_647
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
BodyId = Annotated[int, Field(ge=1, le=MAX_ID)]

"""Areas in and out of the API."""

import re
from datetime import time
from functools import lru_cache
from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)

from app.areas.models import AreaKind
from app.deps import BodyId

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@lru_cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _known_zone(value: str) -> str:
    if value not in _zones():
        raise ValueError("unknown time zone")
    return value


TimeZoneName = Annotated[str, AfterValidator(_known_zone)]


def _local_time(value: object) -> object:
    if isinstance(value, str):
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?", value):
            raise ValueError("expected HH:MM")
        return time.fromisoformat(value)
    return value


# A wall-clock time in the RT's own zone, written "22:00": no offset, no date.
LocalTime = Annotated[
    time,
    BeforeValidator(_local_time),
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}),
]
AreaName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
TeamSize = Annotated[int, Field(ge=1, le=20)]


class PatrolSettings(BaseModel):
    """How an RT patrols; every field optional on input, the RT's default applies."""

    model_config = ConfigDict(extra="forbid")

    patrol_start: LocalTime | None = None
    patrol_end: LocalTime | None = None
    team_size: TeamSize | None = None
    team_size_by_weekday: dict[Weekday, Annotated[int, Field(ge=0, le=20)]] | None = None
    min_gap_days: Annotated[int, Field(ge=1, le=31)] | None = None
    weekend_nights: list[Weekday] | None = None
    fairness_window_months: Annotated[int, Field(ge=1, le=60)] | None = None
    objection_days: Annotated[int, Field(ge=0, le=14)] | None = None
    swap_needs_approval: bool | None = None
    noshow_makeup: bool | None = None
    noshow_fine_rupiah: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    escalate_after_hours: Annotated[int, Field(ge=1, le=720)] | None = None


class AreaCreate(PatrolSettings):
    kind: AreaKind
    name: AreaName
    timezone: TimeZoneName | None = None


class AreaUpdate(PatrolSettings):
    name: AreaName | None = None
    timezone: TimeZoneName | None = None


class AreaMove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    parent_id: BodyId


class PatrolSettingsRead(BaseModel):
    patrol_start: LocalTime
    patrol_end: LocalTime
    team_size: int
    team_size_by_weekday: dict[str, int]
    min_gap_days: int
    weekend_nights: list[str]
    fairness_window_months: int
    objection_days: int
    swap_needs_approval: bool
    noshow_makeup: bool
    noshow_fine_rupiah: int
    escalate_after_hours: int


class AreaRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: AreaKind
    name: str
    parent_id: int | None
    path: str
    timezone: str
    patrol: PatrolSettingsRead | None = Field(
        default=None, description="Patrol settings; present on RTs only"
    )

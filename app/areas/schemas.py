"""Areas in and out of the API."""

from datetime import time
from functools import lru_cache
from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from app.areas.models import AreaKind

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
AreaName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
TeamSize = Annotated[int, Field(ge=1, le=20)]


class PatrolSettings(BaseModel):
    """How an RT patrols; every field optional on input, the RT's default applies."""

    model_config = ConfigDict(extra="forbid")

    patrol_start: time | None = None
    patrol_end: time | None = None
    team_size: TeamSize | None = None
    team_size_by_weekday: dict[Weekday, Annotated[int, Field(ge=0, le=20)]] | None = None
    min_gap_days: Annotated[int, Field(ge=1, le=31)] | None = None
    weekend_nights: list[Weekday] | None = None
    fairness_window_months: Annotated[int, Field(ge=1, le=60)] | None = None


class AreaCreate(PatrolSettings):
    kind: AreaKind
    name: AreaName
    timezone: TimeZoneName | None = None


class AreaUpdate(PatrolSettings):
    name: AreaName | None = None
    timezone: TimeZoneName | None = None


class AreaMove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    parent_id: int


class PatrolSettingsRead(BaseModel):
    patrol_start: time
    patrol_end: time
    team_size: int
    team_size_by_weekday: dict[str, int]
    min_gap_days: int
    weekend_nights: list[str]
    fairness_window_months: int


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

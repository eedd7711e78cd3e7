"""Rosters, the fairness board and calendar changes in and out of the API."""

from datetime import date, datetime
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from app.areas.schemas import LocalTime
from app.deps import BodyId
from app.rostering.models import AssignmentStatus, OfferStatus, RosterStatus

Month = Annotated[str, StringConstraints(pattern=r"^20\d\d-(0[1-9]|1[0-2])$")]


class DraftRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    month: Month
    seed: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0


class AssignmentRead(BaseModel):
    id: int
    household_id: int
    house_code: str
    head_name: str
    status: AssignmentStatus | None = Field(
        description="Attendance; for the RT's heads and the household itself"
    )
    weekend: bool
    reason: str | None = None


class NightRead(BaseModel):
    date: date
    weekday: str
    starts_at: datetime
    ends_at: datetime
    team_size: int
    holiday: str | None
    note: str | None
    households: list[AssignmentRead]


class RosterFigures(BaseModel):
    unfilled: int
    spread: int
    weekend_spread: int
    unfilled_bound: int
    spread_bound: int
    weekend_spread_bound: int
    proved_optimal: bool


class RosterSummary(BaseModel):
    id: int
    rt_id: int
    month: str
    status: RosterStatus
    generated_at: datetime
    objection_until: datetime | None
    published_at: datetime | None
    figures: RosterFigures


class RosterRead(RosterSummary):
    nights: list[NightRead]


class BoardRowRead(BaseModel):
    household_id: int
    house_code: str
    head_name: str
    eligible: bool
    served: int = Field(description="Turns served in the fairness window before the month")
    weekend_served: int
    missed: int = Field(description="Turns missed (absent) in the window")
    carried: int = Field(description="Carry-over given to the solver (newcomers: RT minimum)")
    scheduled: int = Field(description="Turns on this month's roster")
    weekend_scheduled: int
    load: int = Field(description="carried + scheduled")
    last_shift_before: date | None


class BoardRead(BaseModel):
    rt_id: int
    month: str
    window_months: int
    rows: list[BoardRowRead]


class CommentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class CommentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: int | None
    body: str
    created_at: datetime


class OverrideCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start_date: date
    end_date: date
    team_size: Annotated[int, Field(ge=0, le=20)] | None = Field(
        default=None, description="0 cancels the nights"
    )
    patrol_start: LocalTime | None = None
    patrol_end: LocalTime | None = None
    note: Annotated[str, StringConstraints(max_length=200)] | None = None

    @field_validator("end_date")
    @classmethod
    def _not_before_start(cls, end: date, info: ValidationInfo) -> date:
        start = info.data.get("start_date")
        if start is not None and end < start:
            raise ValueError("end_date is before start_date")
        if start is not None and (end - start).days > 366:
            raise ValueError("at most a year")
        return end


class OverrideRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    rt_id: int
    start_date: date
    end_date: date
    team_size: int | None
    patrol_start: LocalTime | None
    patrol_end: LocalTime | None
    note: str | None


class OfferCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Annotated[str, StringConstraints(max_length=200)] | None = None


class OfferTake(BaseModel):
    model_config = ConfigDict(extra="forbid")

    household_id: BodyId | None = Field(
        default=None, description="The taking household; the RT head acting for someone"
    )
    swap_assignment_id: BodyId | None = Field(
        default=None, description="One of the taker's own turns given in return"
    )


class OfferRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    roster_id: int
    assignment_id: int
    household_id: int
    status: OfferStatus
    note: str | None
    taker_household_id: int | None
    swap_assignment_id: int | None
    expires_at: datetime
    decided_at: datetime | None


class StandInSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    household_id: BodyId | None = Field(default=None, description="A resident household")
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] | None = None
    paid: bool = False


class TurnMove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    household_id: BodyId = Field(description="The household that takes the draft's turn")


class TurnRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    household_id: int
    night_date: date
    status: AssignmentStatus
    stand_in_household_id: int | None
    stand_in_name: str | None
    stand_in_paid: bool


class WhatsAppRead(BaseModel):
    text: str
    share_url: str


class FeedRead(BaseModel):
    id: int
    url: str = Field(description="Secret address; anyone with it can read the feed")

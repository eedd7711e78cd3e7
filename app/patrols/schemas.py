"""Check-ins, the night's log, titip rumah and the ledger in and out of the API."""

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

from app.deps import BodyId
from app.patrols.models import CheckInKind, EntryKind
from app.rostering.models import AssignmentStatus


class CheckOutCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    captured_at: datetime | None = Field(
        default=None, description="When the phone took it; kept if within 15 minutes of ours"
    )

    @field_validator("captured_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("captured_at needs a time zone offset")
        return value


class CheckInCreate(CheckOutCreate):
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    accuracy_m: Annotated[float, Field(ge=0, le=100_000)] | None = None


class CheckInRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    night_id: int
    kind: CheckInKind
    assignment_id: int | None
    walk_in_name: str | None
    checked_in_at: datetime
    checked_out_at: datetime | None


class WalkInCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    assignment_id: BodyId | None = Field(
        default=None, description="The turn this helper covers, if any"
    )


class TeamMember(BaseModel):
    assignment_id: int
    household_id: int
    house_code: str
    head_name: str
    stand_in_name: str | None
    status: AssignmentStatus | None = Field(description="For the RT's heads and the household")
    checked_in_at: datetime | None
    checked_out_at: datetime | None


class TeamRead(BaseModel):
    night_id: int
    date: date
    starts_at: datetime
    ends_at: datetime
    team_size: int
    log_open: bool
    log_closed: bool
    team: list[TeamMember]
    helpers: list[CheckInRead]


class EntryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: EntryKind = EntryKind.note
    text: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None
    amount_rupiah: Annotated[int, Field(ge=0, le=100_000_000)] | None = None


class EntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: EntryKind
    text: str | None
    amount_rupiah: int | None
    user_id: int | None
    at: datetime


class LogRead(BaseModel):
    night_id: int
    opened_at: datetime | None
    closed_at: datetime | None
    jimpitan_rupiah: int
    entries: list[EntryRead]


class AttendanceCorrection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: AssignmentStatus
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)]


class WatchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start_date: date
    end_date: date
    note: Annotated[str, StringConstraints(max_length=200)] | None = None

    @field_validator("end_date")
    @classmethod
    def _not_before_start(cls, end: date, info: ValidationInfo) -> date:
        start = info.data.get("start_date")
        if start is not None and end < start:
            raise ValueError("end_date is before start_date")
        return end


class WatchRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    household_id: int
    start_date: date
    end_date: date
    note: str | None


class WatchRowRead(BaseModel):
    watch_id: int
    household_id: int
    house_code: str
    address: str | None
    note: str | None
    checked_at: datetime | None


class FineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    assignment_id: int
    amount_rupiah: int
    created_at: datetime
    paid_at: datetime | None


class LedgerRead(BaseModel):
    household_id: int
    served: int
    missed: int
    excused: int
    scheduled: int
    fines_owed_rupiah: int
    fines_paid_rupiah: int
    fines: list[FineRead]

"""Households, members and away periods in and out of the API."""

from datetime import date
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from app.deps import BodyId
from app.households.models import AwayReason, HouseholdStatus
from app.households.phones import normalise_phone

Phone = (
    Annotated[
        str,
        Field(max_length=30, description="Indonesian number in any common form; kept as +62..."),
        AfterValidator(normalise_phone),
    ]
    | None
)
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
HouseCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class HouseholdStatusChange(BaseModel):
    """A status with its dates: exempt needs a reason, moved out a date."""

    model_config = ConfigDict(extra="forbid")

    status: HouseholdStatus
    exempt_reason: Annotated[str, StringConstraints(max_length=200)] | None = None
    exempt_from: date | None = None
    exempt_until: date | None = None
    moved_out_date: date | None = None


class HouseholdCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    house_code: HouseCode
    head_name: Name
    phone: Phone = None
    address: Annotated[str, StringConstraints(max_length=200)] | None = None
    joined_date: date | None = None
    status: HouseholdStatus = HouseholdStatus.active
    exempt_reason: Annotated[str, StringConstraints(max_length=200)] | None = None
    exempt_from: date | None = None
    exempt_until: date | None = None
    moved_out_date: date | None = None


class HouseholdUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    house_code: HouseCode | None = None
    head_name: Name | None = None
    phone: Phone = None
    address: Annotated[str, StringConstraints(max_length=200)] | None = None
    joined_date: date | None = None
    status: HouseholdStatus | None = None
    exempt_reason: Annotated[str, StringConstraints(max_length=200)] | None = None
    exempt_from: date | None = None
    exempt_until: date | None = None
    moved_out_date: date | None = None


class MemberCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    phone: Phone = None
    may_patrol: bool = True
    user_id: BodyId | None = None


class MemberUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    phone: Phone = None
    may_patrol: bool | None = None
    user_id: BodyId | None = None


class MemberRead(BaseModel):
    id: int
    name: str
    phone: str | None = Field(description="Hidden (null) unless the reader may see phones")
    may_patrol: bool
    user_id: int | None


class HouseholdRead(BaseModel):
    """A household; a member of the RT sees only the names of other households."""

    id: int
    rt_id: int
    house_code: str
    head_name: str
    full: bool = Field(description="False when only names are shown to this reader")
    phone: str | None
    address: str | None
    status: HouseholdStatus | None
    exempt_reason: str | None
    exempt_from: date | None
    exempt_until: date | None
    moved_out_date: date | None
    joined_date: date | None
    members: list[MemberRead]


class AwayCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start_date: date
    end_date: date
    reason: AwayReason
    note: Annotated[str, StringConstraints(max_length=500)] | None = None

    @field_validator("end_date")
    @classmethod
    def _not_before_start(cls, end: date, info: ValidationInfo) -> date:
        start = info.data.get("start_date")
        if start is not None and end < start:
            raise ValueError("end_date is before start_date")
        return end


class AwayRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    household_id: int
    start_date: date
    end_date: date
    reason: AwayReason
    note: str | None


class ImportProblem(BaseModel):
    line: int
    column: str | None
    reason: str


class ImportResult(BaseModel):
    households_created: int
    households_updated: int
    households_unchanged: int
    members_created: int
    members_updated: int

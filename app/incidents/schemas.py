"""Incident reports in and out of the API."""

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from app.deps import BodyId
from app.incidents.models import Category, IncidentStatus, Privacy, Severity


class IncidentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: Category
    severity: Severity = Severity.sedang
    privacy: Privacy = Privacy.named
    occurred_at: AwareDatetime | None = Field(
        default=None, description="With its time zone offset; default: now"
    )
    place: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    description: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=3, max_length=5000)
    ]
    night_log_id: BodyId | None = None


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    status: IncidentStatus
    note: str | None
    at: datetime


class ReporterRead(BaseModel):
    user_id: int
    full_name: str
    phone: str | None


class IncidentRead(BaseModel):
    """A report; what a reader may not see is null (a fellow resident sees a summary)."""

    id: int
    rt_id: int
    category: Category
    category_label: str
    severity: Severity
    status: IncidentStatus
    privacy: Privacy
    local_date: str
    created_at: datetime
    acknowledged_at: datetime | None
    closed_at: datetime | None
    full: bool
    occurred_at: datetime | None
    place: str | None
    latitude: float | None
    longitude: float | None
    description: str | None
    hidden: bool
    reporter: ReporterRead | None
    trail: list[EventRead]
    photo_ids: list[int]


class FiledRead(BaseModel):
    incident: IncidentRead
    receipt: str | None = Field(
        description="Anonymous reports only: shown once; keep it to follow the report"
    )
    emergency_notice: str | None = Field(description="For darurat reports: call 110")


class NoteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class MoveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: IncidentStatus
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None


class HideRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)]


class ReceiptRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    receipt: Annotated[str, StringConstraints(min_length=8, max_length=64)]


class CategoryRead(BaseModel):
    value: Category
    label: str

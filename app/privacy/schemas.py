"""Requests and answers of the resident's rights: correction and erasure."""

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.deps import BodyId
from app.households.schemas import Name, Phone


class MemberCorrection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: BodyId
    name: Name | None = None
    phone: Phone = None


class Correction(BaseModel):
    """What a household may correct itself; status and exemptions stay the RT head's."""

    model_config = ConfigDict(extra="forbid")

    head_name: Name | None = None
    phone: Phone = None
    address: Annotated[str, StringConstraints(max_length=200)] | None = None
    members: list[MemberCorrection] | None = Field(default=None, max_length=50)


class ErasureRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    confirm_house_code: Annotated[str, StringConstraints(min_length=1, max_length=40)] = Field(
        description="The household's house code, typed again to confirm"
    )
    moved_out_date: date | None = Field(
        default=None,
        description="The household also left the RT on this date (no more turns from then)",
    )


class ErasureResult(BaseModel):
    household_id: int
    pseudonym: str = Field(description="What rosters and boards show instead of the name")
    members_erased: int = Field(description="Members kept as pseudonyms, names and phones gone")
    people_erased: int = Field(description="Sign-in accounts of the members, erased")
    people_kept: int = Field(description="Accounts kept because they hold an office (RT head...)")
    turns_kept: int = Field(description="Turns kept, so the RT's fairness figures stay the same")
    reports_unlinked: int
    messages_removed: int
    history_scrubbed: int

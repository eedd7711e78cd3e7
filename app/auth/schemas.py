"""Sign-in, users and grants in and out of the API."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.auth.models import Role
from app.deps import BodyId

Username = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=64, pattern=r"^[\w.\-]+$"),
]


class LoginRequest(BaseModel):
    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class LinkLoginRequest(BaseModel):
    token: Annotated[str, StringConstraints(min_length=1, max_length=128)]


class GrantRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: int
    role: Role
    area_id: int | None


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    full_name: str
    language: str
    is_active: bool
    has_password: bool


class MeRead(UserRead):
    grants: list[GrantRead]
    notify_channel: Literal["log", "webhook", "email"] = "log"
    email: str | None = None


class MeUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: Literal["id", "en"] | None = None
    notify_channel: Literal["log", "webhook", "email"] | None = None
    email: (
        Annotated[
            str,
            StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$"),
        ]
        | None
    ) = None


class SessionRead(BaseModel):
    access_token: str = Field(description="Send as 'Authorization: Bearer <token>'")
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    user: UserRead


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Username
    full_name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)
    ]
    password: Annotated[str, StringConstraints(min_length=8, max_length=256)] | None = None
    phone: Annotated[str, StringConstraints(max_length=20)] | None = None
    language: Literal["id", "en"] = "id"
    role: Role = Role.member


class GrantCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: BodyId
    role: Role


class HandOver(BaseModel):
    model_config = ConfigDict(extra="forbid")

    successor_user_id: BodyId


class SignInLinkRead(BaseModel):
    token: str = Field(description="Shown once; send it to the person, e.g. by WhatsApp")
    path: str = Field(description="The sign-in page for the link")


class RevokedSessions(BaseModel):
    revoked: int

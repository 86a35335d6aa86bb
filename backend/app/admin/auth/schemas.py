"""Sign-in requests and the tokens handed back."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.admin.users.schemas import PASSWORD_RULE, AdminUserOut
from app.core.security import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=1, max_length=254, examples=["admin@example.com"])
    # No policy here: a sign-in only says "incorrect", never why.
    password: str = Field(min_length=1, max_length=1024)


class TokenOut(BaseModel):
    """An access token for the `Authorization: Bearer` header. The refresh token is set
    as an HttpOnly cookie scoped to `/api/v1/auth`, never in the body."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the scheme name
    expires_in: int = Field(description="Seconds until the access token expires.")
    expires_at: datetime = Field(description="When the access token expires.")
    session_expires_at: datetime = Field(
        description="When the session ends however active the user is; sign in again then."
    )
    idle_timeout_seconds: int = Field(
        description="The session ends after this long without a request or refresh."
    )
    user: AdminUserOut


class SessionInfo(BaseModel):
    id: uuid.UUID = Field(description="The session (refresh-token family) of this token.")
    access_expires_at: datetime
    idle_timeout_seconds: int


class MeOut(BaseModel):
    user: AdminUserOut
    permissions: list[str] = Field(
        description="What the role allows, e.g. `pii:read`, `leads:write`, `users:manage`, "
        "`audit:read`; the API enforces the same rules."
    )
    session: SessionInfo


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(
        min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH, description=PASSWORD_RULE
    )

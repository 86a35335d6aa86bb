"""Admin users as the API shows and accepts them (never a password hash)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.admin.deps import Role
from app.core.emails import normalize_staff_email
from app.core.security import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, PASSWORD_RULE

# A syntactically valid address (no DNS lookups), plain ASCII after NFKC, stored lower-case.
AdminEmail = Annotated[str, Field(max_length=254), AfterValidator(normalize_staff_email)]


class AdminUserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    role: Role
    is_active: bool
    last_login_at: datetime | None
    created_at: datetime
    updated_at: datetime


class AdminUserList(BaseModel):
    items: list[AdminUserOut]


class AdminUserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: AdminEmail
    role: Role
    password: str = Field(
        min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH, description=PASSWORD_RULE
    )


class AdminUserUpdate(BaseModel):
    """Only the fields sent change. Disabling a user, changing their role or setting a
    new password ends every session they have at once."""

    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    is_active: bool | None = None
    password: str | None = Field(
        default=None,
        min_length=PASSWORD_MIN_LENGTH,
        max_length=PASSWORD_MAX_LENGTH,
        description="A new password (" + PASSWORD_RULE + ")",
    )

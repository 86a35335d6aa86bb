"""Admin users as the API shows and accepts them (never a password hash)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.admin.deps import Role
from app.core.emails import normalize_email
from app.core.security import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH


def _admin_email(value: str) -> str:
    """A syntactically valid address (no DNS lookups), stored lower-case. Plain ASCII
    only: ``jane@`` typed with a Cyrillic "a" is another account that looks the same in
    the users table and the audit log."""
    normalized = normalize_email(value, test_domains=True)
    if normalized is None or not normalized.isascii():
        raise ValueError("enter a valid email address, like name@example.com")
    return normalized


AdminEmail = Annotated[str, Field(max_length=254), AfterValidator(_admin_email)]

PASSWORD_RULE = f"{PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters, used exactly as given."


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

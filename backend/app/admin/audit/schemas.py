"""Audit log entries as the dashboard reads them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AuditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    at: datetime
    actor_id: uuid.UUID | None = Field(description="The admin user, if known.")
    actor_email: str | None = Field(
        description="The actor's email when it happened (for failed logins: the email tried)."
    )
    action: str = Field(description="What happened, e.g. `auth.login` or `lead.update`.")
    target_type: str | None = Field(description="The kind of record acted on, e.g. `lead`.")
    target_id: str | None
    ip: str | None = Field(description="The client address the request came from.")
    details: dict[str, Any] = Field(description="What changed (never passwords or tokens).")


class AuditPage(BaseModel):
    items: list[AuditEntryOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )

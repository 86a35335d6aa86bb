"""Advisor conversations as the dashboard sees them (``/admin/conversations``; PII
scrubbed for analysts)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from app.conversation.models import CONVERSATION_STATUSES
from app.leads.admin_schemas import TranscriptMessage

ConversationStatus = Literal[CONVERSATION_STATUSES]  # type: ignore[valid-type]
ConversationSort = Literal["-created_at", "created_at"]


class AdminConversationSummary(BaseModel):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    status: str = Field(description="`active`, `completed` or `ended`.")
    agent: str = Field(description="Which advisor answered: `guided` or `llm`.")
    language: str
    awaiting: str | None = Field(description="The question the advisor is waiting on.")
    message_count: int
    lead_id: uuid.UUID | None = Field(description="The lead it became, if any.")
    first_name: str | None = Field(description="The homeowner's, from the lead it became.")
    last_name: str | None = Field(description="From the lead; masked for analysts (`L.`).")
    zip_code: str | None = Field(description="From the lead, else what the chat learned.")
    source: str | None
    completed_at: datetime | None
    pii_masked: bool


class AdminConversationDetail(AdminConversationSummary):
    slots: dict[str, Any] = Field(description="What the advisor has learned (masked for analysts).")
    estimate: dict[str, Any] | None
    utm: dict[str, Any]
    ip: str | None = Field(description="Masked to the network for analysts.")
    user_agent: str | None
    messages: list[TranscriptMessage]


class AdminConversationPage(BaseModel):
    items: list[AdminConversationSummary]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")

"""Request and response models of the conversation API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.leads.schemas import UtmFields
from app.solar.schemas import Estimate

MAX_MESSAGE_CHARS = 2000


class ConversationCreate(UtmFields):
    model_config = ConfigDict(extra="forbid")

    source: str | None = Field(
        default=None, max_length=64, description="Where the visitor came from, e.g. `home`."
    )
    language: str = Field(
        default="en",
        pattern=r"^[a-z]{2}(-[A-Z]{2})?$",
        description="BCP 47 language tag; the advisor answers in English for now.",
    )


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content: str = Field(
        min_length=1,
        max_length=MAX_MESSAGE_CHARS,
        description="What the homeowner typed. Stored and returned as plain text.",
    )

    @field_validator("content")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        cleaned = "".join(ch for ch in value if ch in "\n\t" or ch.isprintable()).strip()
        if not cleaned:
            raise ValueError("message must not be empty")
        return cleaned


class MessageOut(BaseModel):
    id: uuid.UUID
    seq: int
    role: Literal["user", "assistant"]
    content: str
    kind: str = Field(description="text | question | estimate | consent | faq | hint | closing")
    meta: dict[str, Any] = Field(
        default_factory=dict,
        description="For `estimate`: the estimate; for `consent`: the disclosure and its version.",
    )
    created_at: datetime


class ConversationState(BaseModel):
    status: Literal["active", "completed", "ended"]
    awaiting: str | None = Field(description="The field the advisor is asking for now.")
    slots: dict[str, Any] = Field(description="Everything the advisor knows so far.")
    quick_replies: list[str]
    estimate: Estimate | None = Field(description="The latest solar estimate.")
    completed: bool
    lead_id: uuid.UUID | None


class ConversationCreated(BaseModel):
    id: uuid.UUID
    token: str = Field(description="Send as `X-Conversation-Token` to continue or resume.")
    messages: list[MessageOut]
    state: ConversationState


class TurnOut(BaseModel):
    messages: list[MessageOut] = Field(description="The advisor's new messages.")
    state: ConversationState


class ConversationOut(BaseModel):
    id: uuid.UUID
    created_at: datetime
    messages: list[MessageOut]
    state: ConversationState

"""Conversations with the solar advisor and their messages."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, JSONType, Timestamps, UTCDateTime, UUIDPrimaryKey, utcnow

CONVERSATION_STATUSES = ("active", "completed", "ended")


class Conversation(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "conversations"
    __table_args__ = (sa.Index("ix_conversations_created_at_id", "created_at", "id"),)

    # SHA-256 of the homeowner's resume token; cleared when the chat has been idle too
    # long (conversation.tasks), after which no token opens it.
    token_hash: Mapped[str | None] = mapped_column(sa.String(64))
    token_expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(sa.String(16), default="active", index=True)
    agent: Mapped[str] = mapped_column(sa.String(16), default="guided")
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    awaiting: Mapped[str | None] = mapped_column(sa.String(32))
    slots: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    quick_replies: Mapped[list[str]] = mapped_column(JSONType, default=list)
    estimate: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    lead_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("leads.id", ondelete="SET NULL"), index=True
    )
    source: Mapped[str | None] = mapped_column(sa.String(64))
    utm: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(512))
    message_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the homeowner's contact details were removed from the slots and messages
    # (the chat ended without a lead, was abandoned, or the person asked for erasure).
    contact_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Optimistic concurrency: two turns of one conversation cannot both commit.
    version: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class Message(UUIDPrimaryKey, Base):
    __tablename__ = "messages"
    __table_args__ = (sa.UniqueConstraint("conversation_id", "seq"),)

    conversation_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("conversations.id", ondelete="CASCADE")
    )
    seq: Mapped[int] = mapped_column(sa.Integer)
    role: Mapped[str] = mapped_column(sa.String(16))
    content: Mapped[str] = mapped_column(sa.Text)
    meta: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

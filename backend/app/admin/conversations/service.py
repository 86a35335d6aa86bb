"""Conversations for the dashboard: filtered keyset listing and full transcripts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.conversations.schemas import AdminConversationDetail, AdminConversationSummary
from app.admin.leads.service import transcript
from app.conversation.models import Conversation, Message
from app.core import masking
from app.core.errors import NotFound
from app.core.pagination import SortKey, next_cursor, page_query
from app.leads.models import Lead

SORTS = {
    "-created_at": SortKey(
        "-created_at", Conversation.created_at, Conversation.id, descending=True, kind=datetime
    ),
    "created_at": SortKey(
        "created_at", Conversation.created_at, Conversation.id, descending=False, kind=datetime
    ),
}


@dataclass(frozen=True)
class ConversationFilters:
    status: tuple[str, ...] = ()
    agent: str | None = None
    has_lead: bool | None = None
    lead_id: uuid.UUID | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None


def _filtered(filters: ConversationFilters) -> sa.Select[Any]:
    statement = sa.select(Conversation)
    if filters.status:
        statement = statement.where(Conversation.status.in_(list(filters.status)))
    if filters.agent:
        statement = statement.where(Conversation.agent == filters.agent)
    if filters.has_lead is True:
        statement = statement.where(Conversation.lead_id.is_not(None))
    elif filters.has_lead is False:
        statement = statement.where(Conversation.lead_id.is_(None))
    if filters.lead_id is not None:
        statement = statement.where(Conversation.lead_id == filters.lead_id)
    if filters.created_from is not None:
        statement = statement.where(Conversation.created_at >= filters.created_from)
    if filters.created_to is not None:
        statement = statement.where(Conversation.created_at < filters.created_to)
    return statement


def summary(conversation: Conversation, sees_pii: bool) -> AdminConversationSummary:
    return AdminConversationSummary(
        id=conversation.id,
        created_at=conversation.created_at,
        updated_at=conversation.updated_at,
        status=conversation.status,
        agent=conversation.agent,
        language=conversation.language,
        awaiting=conversation.awaiting,
        message_count=conversation.message_count,
        lead_id=conversation.lead_id,
        source=conversation.source,
        completed_at=conversation.completed_at,
        pii_masked=not sees_pii,
    )


async def list_conversations(
    session: AsyncSession,
    filters: ConversationFilters,
    *,
    sort: str,
    cursor: str | None,
    limit: int,
    sees_pii: bool,
) -> tuple[list[AdminConversationSummary], str | None]:
    key = SORTS[sort]
    rows = list(
        (await session.execute(page_query(_filtered(filters), key, cursor, limit))).scalars()
    )
    return [summary(c, sees_pii) for c in rows[:limit]], next_cursor(rows, key, limit, "created_at")


async def conversation_detail(
    session: AsyncSession, conversation_id: uuid.UUID, sees_pii: bool
) -> AdminConversationDetail:
    conversation = await session.get(Conversation, conversation_id)
    if conversation is None:
        raise NotFound("No conversation has this id.", code="conversation_not_found")
    messages = list(
        (
            await session.execute(
                sa.select(Message)
                .where(Message.conversation_id == conversation.id)
                .order_by(Message.seq)
            )
        ).scalars()
    )
    lead = await session.get(Lead, conversation.lead_id) if conversation.lead_id else None
    lead_values = (
        {
            "email": lead.email,
            "phone": lead.phone,
            "last_name": lead.last_name,
            "street_address": lead.street_address,
        }
        if lead
        else None
    )
    known = masking.known_values(conversation.slots, lead_values)
    return AdminConversationDetail(
        **summary(conversation, sees_pii).model_dump(),
        slots=(conversation.slots or {})
        if sees_pii
        else masking.mask_mapping(conversation.slots or {}, known),
        estimate=conversation.estimate
        if sees_pii
        else masking.mask_mapping(conversation.estimate, known),
        utm=conversation.utm or {},
        ip=conversation.ip if sees_pii else masking.mask_ip(conversation.ip),
        user_agent=conversation.user_agent,
        messages=transcript(messages, sees_pii, known),
    )

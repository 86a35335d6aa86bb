"""The read side of conversations: transcripts (for the homeowner's resume, the staff
views and the lead detail), the staff list and one conversation in full.

Every staff view masks PII for roles that may not see it: the slots, the messages and
the estimate go through ``app.core.masking`` with the values known for this chat.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.conversation.admin_schemas import AdminConversationDetail, AdminConversationSummary
from app.conversation.models import Conversation, Message
from app.core import masking
from app.core.errors import NotFound
from app.core.pagination import SortKey, next_cursor, page_query
from app.leads.models import Lead
from app.leads.queries import ChatLine, LinkedChat, known_pii, lead_search, transcript

# --- transcripts --------------------------------------------------------------------------


async def messages_of(
    session: AsyncSession, conversation_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Message]]:
    """Every message of these conversations, in order, by conversation (one query)."""
    found: dict[uuid.UUID, list[Message]] = {cid: [] for cid in conversation_ids}
    if not found:
        return found
    statement = (
        sa.select(Message)
        .where(Message.conversation_id.in_(list(found)))
        .order_by(Message.conversation_id, Message.seq)
    )
    for message in (await session.execute(statement)).scalars():
        found[message.conversation_id].append(message)
    return found


async def recent_messages(
    session: AsyncSession, conversation: Conversation, *, last: int
) -> list[Message]:
    """The last ``last`` messages, oldest first (what an agent reads as history)."""
    statement = (
        sa.select(Message)
        .where(Message.conversation_id == conversation.id)
        .order_by(Message.seq.desc())
        .limit(last)
    )
    return list(reversed(list((await session.execute(statement)).scalars())))


async def chats_for_lead(
    session: AsyncSession, lead_id: uuid.UUID, conversation_ids: Sequence[uuid.UUID]
) -> list[LinkedChat]:
    """The chats that became this lead or gave one of its consents, newest first (the
    lead detail's ``LeadChatReader``)."""
    conversations = list(
        (
            await session.execute(
                sa.select(Conversation)
                .where(
                    sa.or_(
                        Conversation.lead_id == lead_id,
                        Conversation.id.in_(list(conversation_ids)),
                    )
                )
                .order_by(Conversation.created_at.desc(), Conversation.id.desc())
            )
        ).scalars()
    )
    messages = await messages_of(session, [c.id for c in conversations])
    return [
        LinkedChat(
            conversation_id=c.id,
            started_at=c.created_at,
            status=c.status,
            slots=dict(c.slots or {}),
            lines=[
                ChatLine(m.seq, m.role, m.content, dict(m.meta or {}), m.created_at)
                for m in messages[c.id]
            ],
        )
        for c in conversations
    ]


# --- staff list and detail ----------------------------------------------------------------

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
    q: str | None = None


def _filtered(filters: ConversationFilters, sees_pii: bool) -> sa.Select[Any]:
    statement = sa.select(Conversation)
    if filters.q and filters.q.strip():
        # The homeowner's name, ZIP, city (and for managers contact details), as on leads.
        statement = statement.join(Lead, Lead.id == Conversation.lead_id).where(
            lead_search(filters.q, sees_pii)
        )
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


def summary(
    conversation: Conversation, sees_pii: bool, lead: Lead | None = None
) -> AdminConversationSummary:
    slot_zip = (conversation.slots or {}).get("zip_code")
    return AdminConversationSummary(
        first_name=lead.first_name if lead else None,
        last_name=(lead.last_name if sees_pii else masking.mask_last_name(lead.last_name))
        if lead
        else None,
        zip_code=lead.zip_code if lead else (str(slot_zip) if slot_zip else None),
        id=conversation.id,
        created_at=conversation.created_at,
        updated_at=conversation.updated_at,
        status=conversation.status,
        agent=conversation.agent,
        language=conversation.language,
        awaiting=conversation.awaiting,
        message_count=conversation.message_count,
        lead_id=conversation.lead_id,
        source=conversation.source if sees_pii else masking.scrub_text(conversation.source),
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
        (
            await session.execute(page_query(_filtered(filters, sees_pii), key, cursor, limit))
        ).scalars()
    )
    page = rows[:limit]
    lead_ids = {c.lead_id for c in page if c.lead_id}
    leads = (
        {
            lead.id: lead
            for lead in (await session.execute(sa.select(Lead).where(Lead.id.in_(lead_ids))))
            .scalars()
            .all()
        }
        if lead_ids
        else {}
    )
    items = [summary(c, sees_pii, leads.get(c.lead_id) if c.lead_id else None) for c in page]
    return items, next_cursor(rows, key, limit, "created_at")


async def conversation_detail(
    session: AsyncSession, conversation_id: uuid.UUID, sees_pii: bool
) -> AdminConversationDetail:
    conversation = await session.get(Conversation, conversation_id)
    if conversation is None:
        raise NotFound("No conversation has this id.", code="conversation_not_found")
    messages = (await messages_of(session, [conversation.id]))[conversation.id]
    lead = await session.get(Lead, conversation.lead_id) if conversation.lead_id else None
    known = (
        known_pii(lead, conversation.slots)
        if lead is not None
        else masking.known_values(conversation.slots)
    )
    return AdminConversationDetail(
        **summary(conversation, sees_pii, lead).model_dump(),
        slots=(conversation.slots or {})
        if sees_pii
        else masking.mask_mapping(conversation.slots or {}, known),
        estimate=conversation.estimate
        if sees_pii
        else masking.mask_mapping(conversation.estimate, known),
        utm=(conversation.utm or {})
        if sees_pii
        else masking.mask_mapping(conversation.utm or {}, known),
        ip=conversation.ip if sees_pii else masking.mask_ip(conversation.ip),
        user_agent=conversation.user_agent,
        messages=transcript(messages, sees_pii, known),
    )

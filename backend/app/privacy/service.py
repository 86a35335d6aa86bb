"""Erasure on request: a person's contact details leave every lead and chat of theirs.

A homeowner asks (by email, by phone); a manager runs it from the dashboard, an
operator with ``aurum privacy erase``. Everything the platform holds that names or
reaches the person goes: the leads keep their qualification and money, the chats their
conversation with the details replaced by ``[removed]``. The audit log records that an
erasure happened, how much it touched and which leads, never who the person was.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.audit.service import Action, record
from app.admin.models import AdminUser
from app.conversation.models import Conversation
from app.conversation.privacy import purge_contact
from app.leads.models import ConsentRecord, LeadSubmission
from app.leads.privacy import contact_of, erase_lead, find_person


@dataclass(frozen=True)
class Erasure:
    leads: list[uuid.UUID]
    conversations: int
    messages: int


async def erase_person(
    session: AsyncSession,
    *,
    email: str | None,
    phone: str | None,
    at: datetime,
    via: str,
    actor: AdminUser | None = None,
    ip: str | None = None,
) -> Erasure:
    """Erase everything of the person with this (normalised) email and/or phone."""
    leads = await find_person(session, email, phone)
    lead_ids = [lead.id for lead in leads]
    known = [contact_of(lead) for lead in leads]

    chat_ids: set[uuid.UUID] = set()
    if lead_ids:
        for table, column in (
            (Conversation, Conversation.lead_id),
            (ConsentRecord, ConsentRecord.lead_id),
            (LeadSubmission, LeadSubmission.lead_id),
        ):
            id_column = Conversation.id if table is Conversation else table.conversation_id
            found = await session.execute(sa.select(id_column).where(column.in_(lead_ids)))
            chat_ids.update(cid for cid in found.scalars() if cid is not None)
    by_slots = []
    if email:
        by_slots.append(Conversation.slots["email"].as_string() == email)
    if phone:
        by_slots.append(Conversation.slots["phone"].as_string() == phone)
    if by_slots:
        found = await session.execute(sa.select(Conversation.id).where(sa.or_(*by_slots)))
        chat_ids.update(found.scalars())

    messages = 0
    chats = (
        list(
            (
                await session.execute(sa.select(Conversation).where(Conversation.id.in_(chat_ids)))
            ).scalars()
        )
        if chat_ids
        else []
    )
    for chat in chats:
        messages += await purge_contact(session, chat, at=at, also_known=known)
        chat.ip = None
        chat.user_agent = None
        chat.utm = {}
        chat.token_hash = None
        chat.token_expired_at = chat.token_expired_at or at
    for lead in leads:
        await erase_lead(session, lead, at=at)
    await session.flush()
    await record(
        session,
        action=Action.PRIVACY_ERASE,
        at=at,
        actor=actor,
        target_type="person",
        ip=ip,
        details={
            "via": via,
            "matched_by": [name for name, value in (("email", email), ("phone", phone)) if value],
            "leads": [str(i) for i in lead_ids],
            "conversations": len(chats),
            "messages": messages,
        },
    )
    return Erasure(lead_ids, len(chats), messages)

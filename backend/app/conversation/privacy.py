"""Removing a homeowner's contact details from a chat.

A chat that ends without a lead (consent declined, the homeowner stopped, a renter), a
chat abandoned for 30 days, and every chat of a person who asks for erasure keep no
contact details: they leave the slots, and the messages keep the conversation with the
details replaced by ``[removed]`` (the values the slots held, and anything shaped like
an email address, a phone number or a street address), and the chat forgets the IP
address and browser it came from. Qualification answers (ZIP, bill, roof...) and the
campaign it came from stay: they are no one's contact details and the funnel needs them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.conversation.models import Conversation, Message
from app.core import masking

CONTACT_SLOTS = ("first_name", "last_name", "email", "phone", "street_address")


def without_contact(slots: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in slots.items() if name not in CONTACT_SLOTS}


def redact_messages(rows: Iterable[Message], known: list[masking.Known]) -> int:
    """Redact these message rows in place; how many changed."""
    changed = 0
    for row in rows:
        content = masking.redact_text(row.content, known)
        meta = _redacted(row.meta or {}, known)
        if content != row.content or meta != (row.meta or {}):
            row.content, row.meta = content, meta
            changed += 1
    return changed


def _redacted(value: Any, known: list[masking.Known]) -> Any:
    if isinstance(value, Mapping):
        return {
            key: masking.REMOVED if key in CONTACT_SLOTS and item else _redacted(item, known)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_redacted(item, known) for item in value]
    if isinstance(value, str):
        return masking.redact_text(value, known)
    return value


async def purge_contact(
    session: AsyncSession,
    conversation: Conversation,
    *,
    at: datetime,
    also_known: Iterable[Mapping[str, Any] | None] = (),
    pending: Iterable[Message] = (),
) -> int:
    """Remove the contact details from ``conversation``'s slots and from its stored
    messages (and from ``pending``, rows of this turn not yet written); messages changed.
    ``also_known`` adds records whose values must go too (the person's lead)."""
    known = masking.contact_values(conversation.slots, *also_known)
    stored = list(
        (
            await session.execute(
                sa.select(Message).where(Message.conversation_id == conversation.id)
            )
        ).scalars()
    )
    changed = redact_messages([*stored, *pending], known)
    conversation.slots = without_contact(conversation.slots or {})
    conversation.ip = conversation.user_agent = None  # they identify a person too
    conversation.contact_purged_at = at
    return changed

"""Periodic jobs of the conversation domain: expire the tokens of idle chats, and purge
the contact details of abandoned ones.

A conversation token lets whoever holds it (the homeowner's browser) resume the chat
and read its transcript. A chat idle for ``CONVERSATION_TOKEN_IDLE_DAYS`` (30 by default)
loses its token: the hash is cleared, so no token opens it again, and a returning
homeowner starts a new chat. The chat itself stays for staff and for the lead it made.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.conversation.models import Conversation
from app.conversation.privacy import purge_contact
from app.core.jobs import JobContext, JobResult, PeriodicJob, in_batches


async def expire_idle_tokens(ctx: JobContext) -> JobResult:
    cutoff = ctx.now - timedelta(days=ctx.settings.conversation_token_idle_days)

    def expire_batch(size: int) -> sa.Update:
        batch = (
            sa.select(Conversation.id)
            .where(Conversation.token_hash.is_not(None), Conversation.updated_at < cutoff)
            .limit(size)
        )
        return (
            sa.update(Conversation)
            .where(Conversation.id.in_(batch))
            .values(token_hash=None, token_expired_at=ctx.now)
            .execution_options(synchronize_session=False)
        )

    return {"expired": await in_batches(ctx, expire_batch)}


async def purge_abandoned_chats(ctx: JobContext) -> JobResult:
    """Chats left unfinished for ``ABANDONED_CHAT_PURGE_DAYS`` (30) without becoming a
    lead lose the homeowner's contact details (slots and messages)."""
    cutoff = ctx.now - timedelta(days=ctx.settings.abandoned_chat_purge_days)
    purged = 0
    while True:
        async with ctx.session_factory() as session:
            batch = list(
                (
                    await session.execute(
                        sa.select(Conversation)
                        .where(
                            Conversation.lead_id.is_(None),
                            Conversation.contact_purged_at.is_(None),
                            Conversation.updated_at < cutoff,
                        )
                        .order_by(Conversation.updated_at)
                        .limit(PURGE_BATCH)
                    )
                ).scalars()
            )
            for conversation in batch:
                await purge_contact(session, conversation, at=ctx.now)
                # Abandoned as long as an idle token lasts: it ends with the purge.
                if conversation.token_hash is not None:
                    conversation.token_hash = None
                    conversation.token_expired_at = ctx.now
            await session.flush()
        purged += len(batch)
        if len(batch) < PURGE_BATCH:
            return {"purged": purged}


PURGE_BATCH = 100

PERIODIC = [
    PeriodicJob(
        "conversation.expire_idle_tokens",
        timedelta(hours=1),
        expire_idle_tokens,
        "Clear the resume token of chats idle for CONVERSATION_TOKEN_IDLE_DAYS.",
    ),
    PeriodicJob(
        "conversation.purge_abandoned_chats",
        timedelta(hours=6),
        purge_abandoned_chats,
        "Remove contact details from chats abandoned for ABANDONED_CHAT_PURGE_DAYS.",
    ),
]

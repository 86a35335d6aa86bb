"""Periodic jobs of the conversation domain: expire the tokens of idle chats.

A conversation token lets whoever holds it (the homeowner's browser) resume the chat
and read its transcript. A chat idle for ``CONVERSATION_TOKEN_IDLE_DAYS`` (30 by default)
loses its token: the hash is cleared, so no token opens it again, and a returning
homeowner starts a new chat. The chat itself stays for staff and for the lead it made.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.conversation.models import Conversation
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


PERIODIC = [
    PeriodicJob(
        "conversation.expire_idle_tokens",
        timedelta(hours=1),
        expire_idle_tokens,
        "Clear the resume token of chats idle for CONVERSATION_TOKEN_IDLE_DAYS.",
    )
]

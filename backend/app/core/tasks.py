"""Periodic jobs of the core: expire idempotency keys.

An ``Idempotency-Key`` protects a retry of the same submission; clients retry within
seconds or minutes, so a key is kept for ``IDEMPOTENCY_KEY_TTL_HOURS`` (24 by default)
and then deleted, a batch at a time. Without this the table only grows.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.core.idempotency import IdempotencyKey
from app.core.jobs import JobContext, JobResult, PeriodicJob, in_batches


async def expire_idempotency_keys(ctx: JobContext) -> JobResult:
    cutoff = ctx.now - timedelta(hours=ctx.settings.idempotency_key_ttl_hours)
    old = sa.tuple_(IdempotencyKey.scope, IdempotencyKey.key)

    def delete_batch(size: int) -> sa.Delete:
        batch = (
            sa.select(IdempotencyKey.scope, IdempotencyKey.key)
            .where(IdempotencyKey.created_at < cutoff)
            .limit(size)
        )
        return sa.delete(IdempotencyKey).where(old.in_(batch))

    return {"deleted": await in_batches(ctx, delete_batch)}


PERIODIC = [
    PeriodicJob(
        "core.expire_idempotency_keys",
        timedelta(hours=1),
        expire_idempotency_keys,
        "Delete Idempotency-Key records older than IDEMPOTENCY_KEY_TTL_HOURS.",
    )
]

"""The outbox: work that must follow a change, written in the change's own transaction.

A service that changes something others must react to (a lead became sellable, a sale
was made) adds an ``OutboxEvent`` in the same transaction: the change and the event
commit together or not at all, so no reaction is lost if a process dies a moment later.
Worker consumers (``app.core.jobs.Consumer``) take events one at a time and handle each
in the transaction that marks it processed:

- PostgreSQL: ``SELECT ... FOR UPDATE SKIP LOCKED``: several workers take different
  events; a worker that dies releases its lock with its connection, and the event is
  taken again (the handler's own checks make a second run harmless).
- SQLite: every write transaction holds the database lock (``BEGIN IMMEDIATE``), so
  workers take turns.

A handler that fails leaves the event for later: its transaction rolls back and a
separate one records the attempt, pushing the next try back (``BACKOFF``).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, JSONType, UTCDateTime, utcnow

# After the n-th failure the next try waits BACKOFF[min(n, len - 1)].
BACKOFF = (
    timedelta(seconds=1),
    timedelta(seconds=5),
    timedelta(seconds=30),
    timedelta(minutes=5),
    timedelta(minutes=30),
)


class OutboxEvent(Base):
    __tablename__ = "outbox_events"
    __table_args__ = (
        sa.Index("ix_outbox_events_pending", "topic", "processed_at", "available_at", "id"),
    )

    # INTEGER on SQLite: only that type is the auto-incrementing row id there.
    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    topic: Mapped[str] = mapped_column(sa.String(64))
    key: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    available_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(sa.String(500))


def publish(
    session: AsyncSession,
    topic: str,
    *,
    key: str | uuid.UUID | None = None,
    payload: dict[str, Any] | None = None,
    now: datetime | None = None,
    delay: timedelta = timedelta(0),
) -> OutboxEvent:
    """Add an event to the caller's transaction (it is flushed with the rest)."""
    if len(topic) > 64 or (key is not None and len(str(key)) > 64):
        # SQLite would store it; PostgreSQL refuses it mid-transaction. Fail the same on both.
        raise ValueError(f"outbox topic and key are at most 64 characters: {topic!r}, {key!r}")
    at = now or utcnow()
    event = OutboxEvent(
        topic=topic,
        key=str(key) if key is not None else None,
        payload=payload or {},
        created_at=at,
        available_at=at + delay,
        attempts=0,
    )
    session.add(event)
    return event


async def take_next(
    session: AsyncSession, topics: tuple[str, ...], now: datetime
) -> OutboxEvent | None:
    """Lock the oldest due event of ``topics`` no other worker holds, or None."""
    statement = (
        sa.select(OutboxEvent)
        .where(
            OutboxEvent.topic.in_(topics),
            OutboxEvent.processed_at.is_(None),
            OutboxEvent.available_at <= now,
        )
        .order_by(OutboxEvent.available_at, OutboxEvent.id)
        .limit(1)
    )
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    return (await session.execute(statement)).scalar_one_or_none()


async def record_failure(
    session: AsyncSession, event_id: int, error: BaseException, now: datetime
) -> None:
    attempts = await session.scalar(
        sa.select(OutboxEvent.attempts).where(OutboxEvent.id == event_id)
    )
    if attempts is None:
        return
    delay = BACKOFF[min(attempts, len(BACKOFF) - 1)]
    await session.execute(
        sa.update(OutboxEvent)
        .where(OutboxEvent.id == event_id)
        .values(
            attempts=attempts + 1,
            available_at=now + delay,
            last_error=f"{type(error).__name__}: {error}"[:500],
        )
    )


async def pending_count(session: AsyncSession, topics: tuple[str, ...] | None = None) -> int:
    statement = (
        sa.select(sa.func.count())
        .select_from(OutboxEvent)
        .where(OutboxEvent.processed_at.is_(None))
    )
    if topics:
        statement = statement.where(OutboxEvent.topic.in_(topics))
    return int(await session.scalar(statement) or 0)

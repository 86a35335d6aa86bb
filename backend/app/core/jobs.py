"""Background work: periodic jobs (and the table that makes each run once), and
consumers of the outbox.

A domain declares its jobs in its own ``tasks.py`` (``PERIODIC = [PeriodicJob(...)]``);
``app.worker`` collects them and runs them. A periodic job runs once per *slot* (its
interval counted from the Unix epoch: an hourly job's slot is the hour) however many
workers run: a worker runs a slot only after inserting its ``(job, slot)`` row into
``job_runs``, whose primary key lets exactly one insert win, on PostgreSQL and SQLite
alike. The row then records when the run finished and what it did, or why it failed.

Jobs keep their transactions short (a batch at a time, committing between batches), so
a job never holds SQLite's write lock or a long PostgreSQL transaction while homeowners
chat. A run that dies half-way is not retried within its slot; the next slot's run
picks up what is left (every job here is written to be safe to run again).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from app.core.config import Settings
from app.core.db import Base, JSONType, SessionFactory, UTCDateTime
from app.core.outbox import OutboxEvent


@dataclass(frozen=True)
class JobContext:
    """What a job gets: short transactions on demand, the settings and the run's time."""

    session_factory: SessionFactory
    settings: Settings
    now: datetime


JobResult = dict[str, Any]


@dataclass(frozen=True)
class PeriodicJob:
    """``run`` returns a small summary (counts) for the log and the ``job_runs`` row."""

    name: str
    every: timedelta
    run: Callable[[JobContext], Awaitable[JobResult]]
    description: str = ""

    def slot(self, now: datetime) -> int:
        return int(now.timestamp() // self.every.total_seconds())


@dataclass(frozen=True)
class Consumer:
    """Handles outbox events of ``topics`` (``app.core.outbox``), one per transaction:
    ``handle`` does the work in ``session``; the worker marks the event processed in the
    same transaction and commits. A handler must be safe to run twice for one event (a
    worker may die after the work and before the commit is acknowledged)."""

    name: str
    topics: tuple[str, ...]
    handle: Callable[[AsyncSession, OutboxEvent, JobContext], Awaitable[None]]
    batch: int = 50  # events per pass before the worker turns to the next consumer


class Poller(Protocol):
    """Work the worker looks for each pass that is not an outbox event; returns how many
    items it handled (0: nothing to do). Made once per worker by a ``PollerFactory``."""

    async def __call__(self, ctx: JobContext) -> int: ...

    async def close(self) -> None: ...


PollerFactory = Callable[[Settings, str], Poller]


BATCH_SIZE = 1000


async def in_batches(
    ctx: JobContext, statement: Callable[[int], sa.Executable], *, batch_size: int = BATCH_SIZE
) -> int:
    """Run ``statement(batch_size)`` (a DELETE or UPDATE of at most that many rows) in
    its own transaction, again and again until a run touches fewer; the rows touched."""
    touched = 0
    while True:
        async with ctx.session_factory() as session:
            result = await session.execute(statement(batch_size))
        count = result.rowcount or 0  # type: ignore[attr-defined]
        touched += count
        if count < batch_size:
            return touched


class JobRun(Base):
    """One run of a periodic job in one slot; the primary key makes it run once."""

    __tablename__ = "job_runs"

    job: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    slot: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    worker: Mapped[str] = mapped_column(sa.String(128))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    error: Mapped[str | None] = mapped_column(sa.String(500))

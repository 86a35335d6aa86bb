"""The worker: runs every domain's background jobs (``app/<domain>/tasks.py``).

One runner serves both storage modes. ``aurum worker`` runs it as its own process (run
as many as you like: each periodic slot runs once, see ``app.core.jobs``); on the
embedded database the API runs the same runner inside its own process
(``WORKER_IN_PROCESS``), so a laptop needs no second command.

Lanes, side by side in one event loop: one per outbox consumer (selling, webhook
fan-out, e-mail), one per poller (webhook deliveries) and one for the periodic jobs.
Each lane loops on its own (a batch, then again at once while there is work, else a
sleep of ``WORKER_POLL_SECONDS``), so a backlog of sales never delays the deliveries of
the sales already made, and an hour-long purge never delays a sale. The periodic lane
looks at each job and, when the job's slot has moved on since it last looked, tries to
claim the new slot and runs it (one insert per job per slot, not per pass).
``run_once`` is one serial pass of everything (``aurum worker --once`` and tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.analytics import tasks as analytics_tasks
from app.conversation import tasks as conversation_tasks
from app.core import outbox
from app.core import tasks as core_tasks
from app.core.config import Settings
from app.core.db import SessionFactory, utcnow
from app.core.jobs import Consumer, JobContext, JobRun, PeriodicJob, Poller, PollerFactory
from app.mail import estimate as mail_estimate
from app.partners import tasks as partners_tasks
from app.webhooks import tasks as webhooks_tasks

logger = logging.getLogger("aurum.worker")

#: Every periodic job of every domain, in the order a worker looks at them.
PERIODIC_JOBS: tuple[PeriodicJob, ...] = (
    *core_tasks.PERIODIC,
    *conversation_tasks.PERIODIC,
    *partners_tasks.PERIODIC,
    *analytics_tasks.PERIODIC,
)


#: Every outbox consumer of every domain.
CONSUMERS: tuple[Consumer, ...] = (
    *partners_tasks.CONSUMERS,
    *webhooks_tasks.CONSUMERS,
    *mail_estimate.CONSUMERS,
)
#: Pollers: work that is not an outbox event (webhook deliveries, leased and sent
#: outside a transaction). Each worker makes its own (they hold connections).
POLLERS: tuple[PollerFactory, ...] = (*webhooks_tasks.POLLERS,)


@dataclass(frozen=True)
class JobOutcome:
    job: str
    slot: int
    result: dict[str, Any] | None
    error: str | None


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Worker:
    def __init__(
        self,
        session_factory: SessionFactory,
        settings: Settings,
        *,
        jobs: Sequence[PeriodicJob] = PERIODIC_JOBS,
        consumers: Sequence[Consumer] | None = None,
        pollers: Sequence[PollerFactory] | None = None,
        name: str | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.session_factory = session_factory
        self.settings = settings
        self.jobs = tuple(jobs)
        self.consumers = tuple(CONSUMERS if consumers is None else consumers)
        self.name = name or worker_name()
        self.pollers: tuple[Poller, ...] = tuple(
            make(settings, self.name) for make in (POLLERS if pollers is None else pollers)
        )
        self.clock = clock
        self._looked_at: dict[str, int] = {}  # job -> the last slot this worker tried

    async def _claim(self, job: PeriodicJob, slot: int, now: datetime) -> bool:
        """Insert ``(job, slot)``; True when this worker's insert won."""
        async with self.session_factory() as session:
            dialect = session.bind.dialect.name if session.bind else "postgresql"
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            statement = (
                insert(JobRun)
                .values(job=job.name, slot=slot, worker=self.name, started_at=now)
                .on_conflict_do_nothing(index_elements=["job", "slot"])
                .returning(JobRun.job)
            )
            return (await session.execute(statement)).first() is not None

    async def _finish(self, outcome: JobOutcome) -> None:
        async with self.session_factory() as session:
            await session.execute(
                sa.update(JobRun)
                .where(JobRun.job == outcome.job, JobRun.slot == outcome.slot)
                .values(finished_at=self.clock(), result=outcome.result, error=outcome.error)
            )

    async def run_job(self, job: PeriodicJob, now: datetime) -> JobOutcome | None:
        """Claim ``job``'s slot at ``now`` and run it; None when another worker has it."""
        slot = job.slot(now)
        if not await self._claim(job, slot, now):
            return None
        started = time.perf_counter()
        try:
            result = await job.run(JobContext(self.session_factory, self.settings, now))
            outcome = JobOutcome(job.name, slot, result, None)
            logger.info(
                "periodic job finished",
                extra={
                    "job": job.name,
                    "slot": slot,
                    "result": result,
                    "seconds": round(time.perf_counter() - started, 3),
                },
            )
        except Exception as exc:
            logger.exception("periodic job failed", extra={"job": job.name, "slot": slot})
            outcome = JobOutcome(job.name, slot, None, f"{type(exc).__name__}: {exc}"[:500])
        await self._finish(outcome)
        return outcome

    async def run_due(self) -> list[JobOutcome]:
        """Run every job whose slot has moved on since this worker last looked."""
        now = self.clock()
        outcomes: list[JobOutcome] = []
        for job in self.jobs:
            slot = job.slot(now)
            if self._looked_at.get(job.name) == slot:
                continue
            outcome = await self.run_job(job, now)
            self._looked_at[job.name] = slot
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    async def drain(self, consumer: Consumer) -> int:
        """Handle up to ``consumer.batch`` due events; how many were handled."""
        handled = 0
        while handled < consumer.batch:
            now = self.clock()
            event_id: int | None = None
            try:
                async with self.session_factory() as session:
                    event = await outbox.take_next(session, consumer.topics, now)
                    if event is None:
                        return handled
                    event_id = event.id
                    await consumer.handle(
                        session, event, JobContext(self.session_factory, self.settings, now)
                    )
                    event.processed_at = self.clock()
                    event.attempts += 1
            except Exception as exc:
                if event_id is None:
                    raise  # could not even take an event: the database is down?
                logger.exception(
                    "outbox event failed",
                    extra={"consumer": consumer.name, "event_id": event_id},
                )
                async with self.session_factory() as session:
                    await outbox.record_failure(session, event_id, exc, self.clock())
            handled += 1
        return handled

    async def run_once(self) -> int:
        """One pass: drain every consumer, run due periodic jobs; events handled."""
        handled = 0
        for consumer in self.consumers:
            handled += await self.drain(consumer)
        for poller in self.pollers:
            handled += await poller(JobContext(self.session_factory, self.settings, self.clock()))
        await self.run_due()
        return handled

    async def close(self) -> None:
        for poller in self.pollers:
            await poller.close()

    def lanes(self) -> list[tuple[str, Callable[[], Awaitable[int]]]]:
        """(name, one step) per lane; a step returns how much it handled."""
        found: list[tuple[str, Callable[[], Awaitable[int]]]] = [
            (consumer.name, functools.partial(self.drain, consumer)) for consumer in self.consumers
        ]
        for index, poller in enumerate(self.pollers):

            async def poll(poller: Poller = poller) -> int:
                return await poller(JobContext(self.session_factory, self.settings, self.clock()))

            found.append((f"poller-{index}", poll))

        async def periodic() -> int:
            return len(await self.run_due())

        if self.jobs:
            found.append(("periodic", periodic))
        return found

    async def _lane(
        self, name: str, step: Callable[[], Awaitable[int]], stop: asyncio.Event
    ) -> None:
        while not stop.is_set():
            handled = 0
            try:
                handled = await step()
            except Exception:
                # Taking work or the bookkeeping failed (the database is down?): nothing
                # was marked done, so it is tried again next time.
                logger.warning("worker lane failed; retrying", extra={"lane": name}, exc_info=True)
            if handled:
                await asyncio.sleep(0)  # more may be waiting: again at once, after the others
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.settings.worker_poll_seconds)

    async def run(self, stop: asyncio.Event) -> None:
        """Run every lane until ``stop`` is set. A database outage pauses the lanes, never
        ends them."""
        lanes = self.lanes()
        logger.info(
            "worker started",
            extra={
                "worker": self.name,
                "jobs": [job.name for job in self.jobs],
                "lanes": [name for name, _ in lanes],
            },
        )
        try:
            await asyncio.gather(*(self._lane(name, step, stop) for name, step in lanes))
        finally:
            await self.close()
        logger.info("worker stopped", extra={"worker": self.name})

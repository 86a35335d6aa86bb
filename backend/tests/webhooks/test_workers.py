"""At least once, never lost: three `aurum worker` processes deliver to a local receiver,
one is SIGKILLed in the middle of a delivery, its lease runs out and another worker
sends it again with the same webhook-id (PostgreSQL, services pass)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.core.config import Settings
from app.core.db import Database, utcnow
from app.webhooks import service
from app.webhooks.delivery import enqueue
from app.webhooks.models import WebhookAttempt, WebhookDelivery
from tests.conftest import SERVICES
from tests.partners.support import make_partner
from tests.partners.test_concurrency import fresh_db  # noqa: F401 - a database of its own
from tests.support.receiver import Receiver, Step, running

pytestmark = pytest.mark.skipif(not SERVICES, reason="needs PostgreSQL (services pass)")
BACKEND = Path(__file__).resolve().parents[2]
EVENTS = 30


async def _start_worker(settings: Settings, data_dir: Path) -> asyncio.subprocess.Process:
    env = {
        **{k: v for k, v in os.environ.items() if k != "FORCE_COLOR"},
        "DATABASE_URL": settings.database_url or "",
        "REDIS_URL": "",
        "AURUM_DATA_DIR": str(data_dir),
        "ENVIRONMENT": "test",
        "WORKER_POLL_SECONDS": "0.2",
        "WEBHOOKS_ALLOW_PRIVATE": "true",
        "WEBHOOK_LEASE_SECONDS": "3",
        "WEBHOOK_TIMEOUT_SECONDS": "30",
        "WEBHOOK_BATCH": "5",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        "worker",
        cwd=BACKEND,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def test_three_workers_and_one_killed_mid_delivery_lose_nothing(
    fresh_db: Settings,  # noqa: F811
    tmp_path: Path,
) -> None:
    # The first request hangs (longer than the lease): whichever worker sends it is
    # mid-delivery when we kill it. Everything else answers at once.
    receiver = Receiver(script=[Step(delay=20)], then=Step(200))
    settings = fresh_db.model_copy(update={"webhooks_allow_private": True})
    database = Database(settings)
    workers: list[asyncio.subprocess.Process] = []
    try:
        async with running(receiver):
            async with database.transaction() as session:
                partner = await make_partner(session)
                made = await service.create_endpoint(
                    session,
                    partner.id,
                    url=receiver.url,
                    event_types=["lead.sold"],
                    description=None,
                    settings=settings,
                    now=utcnow(),
                )
                ids = []
                for n in range(EVENTS):
                    ids += await enqueue(
                        session,
                        partner_id=partner.id,
                        event_type="lead.sold",
                        event_key=f"kill-test-{n}-{uuid.uuid4()}",
                        data={"n": n},
                        at=utcnow(),
                        endpoints=[made.endpoint],
                    )
            workers = [await _start_worker(settings, tmp_path / f"w{n}") for n in range(3)]

            # Wait until someone is holding the hanging request, then find its worker.
            deadline = time.monotonic() + 90
            victim_id = None
            while time.monotonic() < deadline and victim_id is None:
                if receiver.received:
                    victim_id = receiver.received[0].headers["webhook-id"]
                await asyncio.sleep(0.05)
            assert victim_id is not None, "no worker picked the deliveries up"
            async with database.transaction() as session:
                holder = await session.scalar(
                    sa.select(WebhookDelivery.leased_by).where(WebhookDelivery.id == victim_id)
                )
            pid = int(str(holder).rsplit(":", 1)[1])
            victim = next(w for w in workers if w.pid == pid)
            victim.send_signal(signal.SIGKILL)
            await asyncio.wait_for(victim.wait(), 30)

            # The others finish everything, the killed one's delivery after its lease.
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                async with database.transaction() as session:
                    left = await session.scalar(
                        sa.select(sa.func.count())
                        .select_from(WebhookDelivery)
                        .where(WebhookDelivery.status != "delivered")
                    )
                if left == 0:
                    break
                await asyncio.sleep(0.25)
            assert left == 0

        seen = Counter(receiver.ids())
        assert set(seen) == set(ids)  # every event arrived at least once
        assert seen[victim_id] >= 2  # the killed attempt, then the retry: the same id
        async with database.transaction() as session:
            recorded = await session.scalar(
                sa.select(sa.func.count())
                .select_from(WebhookAttempt)
                .where(WebhookAttempt.delivery_id == victim_id)
            )
        assert recorded >= 1  # the successful retry is on record; the killed one never was
    finally:
        for worker in workers:
            if worker.returncode is None:
                worker.terminate()
        for worker in workers:
            if worker.returncode is None:
                await asyncio.wait_for(worker.wait(), 30)
        await database.dispose()

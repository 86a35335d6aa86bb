"""Selling under concurrency on PostgreSQL: many sellers at once, and a worker killed
in the middle of a sale. Each test gets a database of its own (migrated, then dropped),
so real commits and several connections are possible without touching other tests.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from app.core.config import Settings
from app.core.db import Database, utcnow
from app.leads.models import Lead
from app.partners.distribution import offer_lead, period_starts
from app.partners.ledger import ledger_sum
from app.partners.models import LeadSale, Partner, PartnerPeriodCount
from app.partners.tasks import CONSUMERS
from app.worker import Worker
from tests.conftest import SERVICES, migrate
from tests.partners.support import make_lead, make_partner

pytestmark = pytest.mark.skipif(not SERVICES, reason="needs PostgreSQL (services pass)")
BACKEND = Path(__file__).resolve().parents[2]


@pytest.fixture
async def fresh_db(migrated: Settings) -> AsyncIterator[Settings]:
    base = sa.make_url(migrated.resolved_database_url)
    name = f"{base.database}_conc_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(base, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    settings = migrated.model_copy(
        update={"database_url": base.set(database=name).render_as_string(hide_password=False)}
    )
    migrate(settings, "head")
    try:
        yield settings
    finally:
        async with admin.connect() as conn:
            await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def test_many_sellers_at_once_never_exceed_a_cap_or_sell_twice(fresh_db: Settings) -> None:
    database = Database(fresh_db)
    try:
        async with database.transaction() as session:
            partners = [
                await make_partner(session, caps={"day": 6}, exclusive=9_000, shared=4_000),
                await make_partner(session, caps={"day": 4}, exclusive=11_000, shared=None),
                await make_partner(session, exclusive=None, shared=3_000, balance=15_000),
                await make_partner(session, caps={"week": 5}, exclusive=7_000, shared=3_500),
            ]
            lead_ids = [(await make_lead(session)).lead.id for _ in range(40)]
        partner_ids = [p.id for p in partners]

        async def worker(n: int) -> None:
            runner = Worker(
                database.transaction, fresh_db, jobs=[], consumers=CONSUMERS, name=f"w{n}"
            )
            while sum([await runner.drain(c) for c in runner.consumers]):
                pass

        async def meddler() -> None:
            # Direct offers of the same leads at the same time, like a second API instance.
            for lead_id in lead_ids:
                async with database.transaction() as session:
                    await offer_lead(session, lead_id, now=utcnow(), settings=fresh_db)

        await asyncio.gather(*(worker(n) for n in range(5)), meddler(), meddler())

        async with database.transaction() as session:
            sales = list((await session.execute(sa.select(LeadSale))).scalars())
            by_lead: dict[uuid.UUID, list[LeadSale]] = {}
            for sale in sales:
                by_lead.setdefault(sale.lead_id, []).append(sale)
            for rows in by_lead.values():  # one allocation per lead, never a second one
                assert len({(r.sold_at, r.buyers, r.exclusive) for r in rows}) == 1
                assert rows[0].buyers == len(rows)
                assert not rows[0].exclusive or len(rows) == 1
            per_partner = Counter(s.partner_id for s in sales)
            assert per_partner[partner_ids[0]] <= 6
            assert per_partner[partner_ids[1]] <= 4
            assert per_partner[partner_ids[3]] <= 5
            for pid in partner_ids:
                partner = await session.get(Partner, pid)
                assert partner.balance_cents == await ledger_sum(session, pid)
                assert partner.balance_cents >= 0  # prepaid: never below zero
                day = period_starts(utcnow(), partner.timezone)["day"]
                counted = await session.scalar(
                    sa.select(PartnerPeriodCount.sales).where(
                        PartnerPeriodCount.partner_id == pid,
                        PartnerPeriodCount.period == "day",
                        PartnerPeriodCount.starts_on == day,
                    )
                )
                assert (counted or 0) == per_partner[pid]
            sold = await session.scalar(
                sa.select(sa.func.count()).select_from(Lead).where(Lead.status == "sold")
            )
            assert sold == len(by_lead) > 0
    finally:
        await database.dispose()


def _worker_env(settings: Settings, tmp_path: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k != "FORCE_COLOR"},
        "DATABASE_URL": settings.database_url or "",
        "REDIS_URL": "",
        "AURUM_DATA_DIR": str(tmp_path),
        "WORKER_POLL_SECONDS": "0.2",
        "ENVIRONMENT": "test",
    }


async def test_a_worker_killed_mid_sale_sells_the_lead_exactly_once_after_restart(
    fresh_db: Settings, tmp_path: Path
) -> None:
    database = Database(fresh_db)
    blocker = None
    try:
        async with database.transaction() as session:
            partner = await make_partner(session, exclusive=10_000, shared=None)
            day = period_starts(utcnow(), partner.timezone)["day"]
            session.add(
                PartnerPeriodCount(
                    partner_id=partner.id, period="day", starts_on=day, sales=0, spend_cents=0
                )
            )
        # Hold the partner's day counter: a sale blocks on it after writing its sale row
        # and ledger charge, before it can commit: the middle of a sale.
        blocker = await database.engine.connect()
        await blocker.begin()
        await blocker.execute(
            sa.select(PartnerPeriodCount)
            .where(PartnerPeriodCount.partner_id == partner.id, PartnerPeriodCount.period == "day")
            .with_for_update()
        )
        async with database.transaction() as session:
            lead_id = (await make_lead(session)).lead.id

        env = _worker_env(fresh_db, tmp_path)
        worker = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "app.cli",
            "worker",
            cwd=BACKEND,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            waiting = False
            while time.monotonic() < deadline and not waiting:
                async with database.engine.connect() as probe:
                    waiting = bool(
                        await probe.scalar(
                            sa.text(
                                "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                "current_database() AND wait_event_type = 'Lock' "
                                "AND query ILIKE '%partner_period_counts%'"
                            )
                        )
                    )
                await asyncio.sleep(0.1)
            assert waiting, "the worker never reached the middle of the sale"
        finally:
            worker.send_signal(signal.SIGKILL)
            await asyncio.wait_for(worker.wait(), 30)
        await blocker.rollback()
        await blocker.close()
        blocker = None

        async with database.transaction() as session:
            assert await session.scalar(sa.select(sa.func.count()).select_from(LeadSale)) == 0

        again = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "app.cli",
            "worker",
            "--once",
            cwd=BACKEND,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _, errors = await asyncio.wait_for(again.communicate(), 120)
        assert again.returncode == 0, errors.decode()
        async with database.transaction() as session:
            sales = list((await session.execute(sa.select(LeadSale))).scalars())
            assert [(s.lead_id, s.partner_id) for s in sales] == [(lead_id, partner.id)]
            fresh = await session.get(Partner, partner.id)
            assert (
                fresh.balance_cents == await ledger_sum(session, partner.id) == 1_000_000 - 10_000
            )
    finally:
        if blocker is not None:
            await blocker.close()
        await database.dispose()

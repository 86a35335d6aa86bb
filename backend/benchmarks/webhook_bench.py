"""Webhook benchmark: two `aurum worker` processes deliver to a local receiver.

Two phases on PostgreSQL:

1. Throughput: --deliveries deliveries queued at once for one endpoint; how many the two
   workers deliver per second.
2. Latency: --leads leads created one after another and sold by the workers to a partner
   with an endpoint subscribed to `lead.sold`; from each sale (its `sold_at`) to the
   first delivery attempt (its `attempted_at`): p50 and p99.

    python -m benchmarks.webhook_bench [--deliveries 5000] [--leads 300]
        [--database-url postgresql://postgres@127.0.0.1:5432/aurum_bench_webhooks]

The database is dropped and re-created (its name must contain "bench").
`make bench-webhooks` runs it with the defaults.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import asyncpg

from benchmarks.chat_bench import percentile, reset_database

BACKEND = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BACKEND))

from tests.support.receiver import Receiver, running  # noqa: E402 - after the path


def _env(url: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k != "FORCE_COLOR"},
        "DATABASE_URL": url,
        "REDIS_URL": "",
        "ENVIRONMENT": "development",
        "LOG_LEVEL": "WARNING",
        "WORKER_POLL_SECONDS": "0.2",
        "WEBHOOKS_ALLOW_PRIVATE": "true",
        "WEBHOOK_BATCH": "50",
    }


async def setup(url: str, receiver: Receiver) -> tuple[uuid.UUID, uuid.UUID]:
    os.environ.update(_env(url))
    from app.core.config import Settings
    from app.core.db import Database, utcnow
    from app.partners import service as partners
    from app.webhooks import service as webhooks

    settings = Settings()
    database = Database(settings)
    try:
        async with database.transaction() as session:
            who = partners.Who(via="cli", at=utcnow())
            partner = await partners.create_partner(
                session,
                {
                    "name": "Bench Receiver Inc",
                    "service_area": {"states": ["AZ"]},
                    "prices": {t: {"exclusive": 9000, "shared": None} for t in "ABC"},
                    "timezone": "America/Phoenix",
                },
                who,
            )
            await partners.topup(session, partner.id, amount_cents=10**9, who=who)
            made = await webhooks.create_endpoint(
                session,
                partner.id,
                url=receiver.url,
                event_types=["lead.sold"],
                description="bench",
                settings=settings,
                now=utcnow(),
            )
        return partner.id, made.endpoint.id
    finally:
        await database.dispose()


async def queue_deliveries(url: str, partner_id: uuid.UUID, endpoint_id: uuid.UUID, n: int) -> None:
    from app.core.config import Settings
    from app.core.db import Database, utcnow
    from app.webhooks.delivery import enqueue
    from app.webhooks.models import WebhookEndpoint

    database = Database(Settings())
    try:
        async with database.transaction() as session:
            endpoint = await session.get(WebhookEndpoint, endpoint_id)
            now = utcnow()
            for i in range(n):
                await enqueue(
                    session,
                    partner_id=partner_id,
                    event_type="lead.sold",
                    event_key=f"bench-{i}",
                    data={"n": i},
                    at=now,
                    endpoints=[endpoint],
                )
    finally:
        await database.dispose()


async def create_leads(url: str, n: int) -> None:
    import app.models  # noqa: F401 - every model, so the leads' foreign keys resolve
    from app.core.config import Settings
    from app.core.db import Database
    from tests.partners.support import make_lead

    database = Database(Settings())
    try:
        for _ in range(n):
            async with database.transaction() as session:
                await make_lead(session)
            await asyncio.sleep(0.02)  # a steady trickle of homeowners, not one burst
    finally:
        await database.dispose()


async def run(args: argparse.Namespace) -> int:
    await reset_database(args.database_url)
    env = _env(args.database_url)
    subprocess.run(  # noqa: ASYNC221 - before anything else runs
        [sys.executable, "-m", "app.cli", "db", "upgrade"],
        cwd=BACKEND,
        env=env,
        check=True,
        capture_output=True,
    )
    receiver = Receiver()
    async with running(receiver):
        partner_id, endpoint_id = await setup(args.database_url, receiver)
        await queue_deliveries(args.database_url, partner_id, endpoint_id, args.deliveries)
        workers = [
            subprocess.Popen(  # noqa: ASYNC220
                [sys.executable, "-m", "app.cli", "worker"],
                cwd=BACKEND,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(2)
        ]
        conn = await asyncpg.connect(args.database_url)
        try:
            began = time.perf_counter()
            while len(receiver.received) < args.deliveries:
                if time.perf_counter() - began > 600:
                    raise SystemExit("deliveries did not finish in 10 minutes")
                await asyncio.sleep(0.1)
            # First to last delivery arrival: the two workers' sending rate.
            arrivals = sorted(r.at for r in receiver.received[: args.deliveries])
            span = arrivals[-1] - arrivals[0]
            rate = args.deliveries / span if span else float("inf")

            await create_leads(args.database_url, args.leads)
            deadline = time.perf_counter() + 600
            while time.perf_counter() < deadline:
                sold = await conn.fetchval(
                    "SELECT count(*) FROM webhook_attempts a JOIN webhook_deliveries d "
                    "ON d.id = a.delivery_id WHERE d.event_key LIKE 'lead.sold:%'"
                )
                if sold >= args.leads:
                    break
                await asyncio.sleep(0.2)
            rows = await conn.fetch(
                "SELECT min(a.attempted_at) - s.sold_at AS lag FROM lead_sales s "
                "JOIN webhook_deliveries d ON d.event_key LIKE 'lead.sold:' || s.id || ':%' "
                "JOIN webhook_attempts a ON a.delivery_id = d.id GROUP BY s.id, s.sold_at"
            )
        finally:
            await conn.close()
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(timeout=30)
    lags = [row["lag"].total_seconds() for row in rows]
    duplicates = len(receiver.received) - len(set(receiver.ids()))
    print("\nwebhook benchmark: 2 workers, PostgreSQL, a local receiver")
    print(f"  throughput         {args.deliveries} deliveries at {rate:.0f} deliveries/s")
    if lags:
        print(
            f"  sale to 1st try    {len(lags)} sales: p50 {statistics.median(lags) * 1000:.0f} ms, "
            f"p99 {percentile(lags, 99) * 1000:.0f} ms, max {max(lags) * 1000:.0f} ms"
        )
    print(f"  duplicate arrivals {duplicates}")
    return 0 if len(lags) == args.leads else 1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--deliveries", type=int, default=5000)
    parser.add_argument("--leads", type=int, default=300)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/aurum_bench_webhooks"
        ),
    )
    sys.exit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()

"""Distribution benchmark: leads posted to two API instances, sold by two workers, on
PostgreSQL + Redis, to 20 partners with caps, balances, areas and prices of their own.

Prints how fast leads sell (sales per second, lead-to-sale latency p50/p99, from the
lead's creation to its sale, both recorded by the database rows) and counts what must
never happen: cap violations, a lead sold twice or to more buyers than its consent
allows, a prepaid balance below zero, a balance that is not the sum of its ledger.

    python -m benchmarks.distribution_bench [--leads 10000] [--concurrency 40] [--rate 0]
        [--database-url postgresql://postgres@127.0.0.1:5432/aurum_bench_dist]
        [--redis-url redis://127.0.0.1:6379/13]

`--rate N` posts N leads a second at a steady pace instead of as fast as the APIs take
them: flat out, the lead-to-sale latency is mostly time spent queued behind earlier
leads; at a rate the workers keep up with, it is the time one sale takes.

The database is dropped and re-created (its name must contain "bench"); the Redis
database is flushed. `make bench-distribution` runs it with the defaults.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import redis

from benchmarks.chat_bench import free_port, percentile, reset_database

BACKEND = Path(__file__).resolve().parents[1]
AURUM = [sys.executable, "-m", "app.cli"]
ZIPS = {
    "AZ": ["85004", "85281", "85701"],
    "CA": ["94103", "90012", "92101"],
    "TX": ["78701", "77002", "75201"],
    "FL": ["33101", "32801", "33602"],
    "NY": ["10001", "14604", "12207"],
}
TIMEZONES = {
    "AZ": "America/Phoenix",
    "CA": "America/Los_Angeles",
    "TX": "America/Chicago",
    "FL": "America/New_York",
    "NY": "America/New_York",
}


def partner_specs(rng: random.Random) -> list[dict]:
    states = list(ZIPS)
    specs = []
    for n in range(20):
        home = states[n % len(states)]
        extra = [s for s in states if s != home and rng.random() < 0.25]
        exclusive = rng.choice([None, 6000, 8000, 9000, 12000, 15000])
        shared = rng.choice([None, 2500, 3500, 4000, 5000])
        if exclusive is None and shared is None:
            shared = 3000
        specs.append(
            {
                "name": f"Bench Installer {n:02d}",
                "timezone": TIMEZONES[home],
                "service_area": {"states": [home, *extra]},
                "prices": {t: {"exclusive": exclusive, "shared": shared} for t in "ABC"},
                "caps": {
                    "day": rng.choice([None, 150, 300, 600]),
                    "month": rng.choice([None, 2000]),
                    "month_spend_cents": rng.choice([None, 2_000_000, 5_000_000]),
                },
                "filters": {"min_score": rng.choice([None, None, 40, 60])},
                "billing_mode": "prepaid" if n % 4 else "credit",
                "credit_limit_cents": 0 if n % 4 else 500_000,
                "balance": rng.choice([1_000_000, 3_000_000, 10_000_000]),
            }
        )
    return specs


async def create_partners(env: dict[str, str], specs: list[dict]) -> None:
    os.environ.update(env)
    from app.core.config import Settings
    from app.core.db import Database, utcnow
    from app.partners import service

    database = Database(Settings())
    try:
        async with database.transaction() as session:
            for spec in specs:
                spec = dict(spec)
                balance = spec.pop("balance")
                who = service.Who(via="cli", at=utcnow())
                partner = await service.create_partner(session, spec, who)
                await service.topup(session, partner.id, amount_cents=balance, who=who)
    finally:
        await database.dispose()


def form(n: int, rng: random.Random, choices: dict[int, str]) -> dict:
    state = rng.choice(list(ZIPS))
    max_buyers = rng.choice([1, 2, 3, 3, 3])
    return {
        "zip_code": rng.choice(ZIPS[state]),
        "homeowner": True,
        "property_type": rng.choice(["single_family", "single_family", "townhouse", "condo"]),
        "monthly_bill": rng.choice([90, 140, 180, 230, 310]),
        "roof_type": rng.choice(["asphalt_shingle", "metal", "tile"]),
        "shade": rng.choice(["none", "light", "moderate"]),
        "credit_band": rng.choice(["excellent", "good", "fair", "poor"]),
        "timeline": rng.choice(["asap", "1_3_months", "3_6_months", "researching"]),
        "first_name": "Bench",
        "last_name": "Homeowner",
        "email": f"bench.{n}@example.com",
        "phone": f"(602) {200 + n // 10000}-{n % 10000:04d}",
        "consent": True,
        "max_buyers": max_buyers,
        "consent_version": choices[max_buyers],
    }


async def run(args: argparse.Namespace) -> int:
    await reset_database(args.database_url)
    redis.Redis.from_url(args.redis_url).flushdb()
    env = {
        **{k: v for k, v in os.environ.items() if k != "FORCE_COLOR"},
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "ENVIRONMENT": "development",
        "LOG_LEVEL": "WARNING",
        "RATE_LIMIT_PUBLIC": "10000000/minute",
        "WORKER_IN_PROCESS": "false",
        "WORKER_POLL_SECONDS": str(args.poll_seconds),
        "DATABASE_POOL_SIZE": "10",
    }
    # Blocking process calls are fine here: nothing else runs on the loop yet.
    subprocess.run(  # noqa: ASYNC221
        [*AURUM, "db", "upgrade"], cwd=BACKEND, env=env, check=True, capture_output=True
    )
    rng = random.Random(7)
    await create_partners(env, partner_specs(rng))

    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(  # noqa: ASYNC220
            [*AURUM, "serve", "--port", str(port)],
            cwd=BACKEND,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ] + [
        subprocess.Popen(  # noqa: ASYNC220
            [*AURUM, "worker"],
            cwd=BACKEND,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        async with httpx.AsyncClient(timeout=30) as http:
            for base in bases:
                deadline = time.monotonic() + 180  # a busy machine starts slowly
                while time.monotonic() < deadline:
                    try:
                        if (await http.get(f"{base}/health/ready")).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.2)
            disclosure = (await http.get(f"{bases[0]}/api/v1/leads/consent-disclosure")).json()
            choices = {c["max_buyers"]: c["version"] for c in disclosure["choices"]}
            for zip_codes in ZIPS.values():  # warm the solar engine's per-site caches
                for zip_code in zip_codes:
                    for base in bases:
                        await http.post(
                            f"{base}/api/v1/solar/estimate",
                            json={"zip_code": zip_code, "monthly_bill": 150},
                        )

        queue: asyncio.Queue[int] = asyncio.Queue()
        for n in range(args.leads):
            queue.put_nowait(n)
        failures = 0

        async def poster(http: httpx.AsyncClient, base: str) -> None:
            nonlocal failures
            local = random.Random(hash(base))
            while not queue.empty():
                n = queue.get_nowait()
                if args.rate > 0:  # the n-th lead's moment on a steady schedule
                    await asyncio.sleep(max(0.0, began + n / args.rate - time.perf_counter()))
                response = await http.post(
                    f"{base}/api/v1/leads",
                    json=form(n, local, choices),
                    headers={"Idempotency-Key": f"bench-{n}-{uuid.uuid4().hex[:6]}"},
                )
                failures += response.status_code != 201

        limits = httpx.Limits(max_connections=args.concurrency)
        async with httpx.AsyncClient(timeout=60, limits=limits) as http:
            began = time.perf_counter()
            await asyncio.gather(*(poster(http, bases[i % 2]) for i in range(args.concurrency)))
            posted = time.perf_counter() - began

        conn = await asyncpg.connect(args.database_url)
        try:
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                pending = await conn.fetchval(
                    "SELECT count(*) FROM outbox_events WHERE processed_at IS NULL "
                    "AND topic = 'lead.sellable'"
                )
                if pending == 0:
                    break
                await asyncio.sleep(0.5)
            drained = time.perf_counter() - began
            return await report(conn, args, posted, drained, failures)
        finally:
            await conn.close()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


async def report(
    conn: asyncpg.Connection, args: argparse.Namespace, posted: float, drained: float, failures: int
) -> int:
    leads = await conn.fetch("SELECT id, created_at, status FROM leads")
    sales = await conn.fetch(
        "SELECT s.lead_id, s.partner_id, s.sold_at, s.buyers, s.exclusive, s.price_cents, "
        "c.max_buyers FROM lead_sales s JOIN LATERAL (SELECT max_buyers FROM consent_records "
        "WHERE lead_id = s.lead_id ORDER BY given_at DESC LIMIT 1) c ON true"
    )
    partners = await conn.fetch(
        "SELECT id, caps, timezone, billing_mode, credit_limit_cents, balance_cents FROM partners"
    )
    sums = dict(
        await conn.fetch(
            "SELECT partner_id, sum(amount_cents) FROM ledger_entries GROUP BY partner_id"
        )
    )
    created = {row["id"]: row["created_at"] for row in leads}
    by_lead: dict[uuid.UUID, list] = defaultdict(list)
    for sale in sales:
        by_lead[sale["lead_id"]].append(sale)

    double = sum(
        1
        for rows in by_lead.values()
        if len({(r["sold_at"], r["buyers"], r["exclusive"]) for r in rows}) > 1
        or rows[0]["buyers"] != len(rows)
        or (rows[0]["exclusive"] and len(rows) > 1)
    )
    over_consent = sum(1 for rows in by_lead.values() if len(rows) > rows[0]["max_buyers"])
    import json

    cap_violations = 0
    for partner in partners:
        caps = json.loads(partner["caps"]) if isinstance(partner["caps"], str) else partner["caps"]
        zone = ZoneInfo(partner["timezone"])
        days: dict = defaultdict(int)
        months: dict = defaultdict(lambda: [0, 0])
        for sale in sales:
            if sale["partner_id"] != partner["id"]:
                continue
            local = sale["sold_at"].astimezone(zone).date()
            days[local] += 1
            months[(local.year, local.month)][0] += 1
            months[(local.year, local.month)][1] += sale["price_cents"]
        if caps.get("day") is not None:
            cap_violations += sum(1 for n in days.values() if n > caps["day"])
        if caps.get("month") is not None:
            cap_violations += sum(1 for n, _ in months.values() if n > caps["month"])
        if caps.get("month_spend_cents") is not None:
            cap_violations += sum(1 for _, c in months.values() if c > caps["month_spend_cents"])
    floor_violations = sum(
        1
        for p in partners
        if p["balance_cents"] < (-p["credit_limit_cents"] if p["billing_mode"] == "credit" else 0)
    )
    ledger_mismatch = sum(1 for p in partners if sums.get(p["id"], 0) != p["balance_cents"])

    latency = [
        (min(r["sold_at"] for r in rows) - created[lead_id]).total_seconds()
        for lead_id, rows in by_lead.items()
    ]
    first = min(created.values())
    last_sale = max((s["sold_at"] for s in sales), default=datetime.now(UTC))
    span = max((last_sale - first).total_seconds(), 1e-9)
    statuses = defaultdict(int)
    for row in leads:
        statuses[row["status"]] += 1
    print(
        f"\ndistribution benchmark: {args.leads} leads posted to 2 API instances"
        + (f" at {args.rate:g}/s" if args.rate > 0 else " flat out")
        + ", sold by 2 workers to 20 partners, PostgreSQL + Redis"
    )
    print(
        f"  posted             {len(leads)} leads in {posted:.1f} s "
        f"({len(leads) / posted:.0f}/s), {failures} failed posts"
    )
    print(f"  drained            {drained:.1f} s after the first post")
    print(
        f"  leads sold         {len(by_lead)} ({len(by_lead) / span:.1f} leads/s), "
        f"sales {len(sales)} ({len(sales) / span:.1f} sales/s)"
    )
    print(f"  statuses           {dict(statuses)}")
    if latency:
        print(
            f"  lead-to-sale       p50 {statistics.median(latency) * 1000:.0f} ms, "
            f"p99 {percentile(latency, 99) * 1000:.0f} ms, max {max(latency) * 1000:.0f} ms"
        )
    print(f"  cap violations     {cap_violations}")
    print(f"  double sales       {double}")
    print(f"  over consent       {over_consent}")
    print(f"  below balance floor {floor_violations}")
    print(f"  ledger != balance  {ledger_mismatch}")
    bad = cap_violations + double + over_consent + floor_violations + ledger_mismatch + failures
    print("  check              " + ("OK" if bad == 0 else "FAILED"))
    return 0 if bad == 0 else 1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=40)
    parser.add_argument("--rate", type=float, default=0.0, help="leads/s to post (0: flat out)")
    parser.add_argument("--poll-seconds", type=float, default=0.5)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/aurum_bench_dist"
        ),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    )
    sys.exit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()

"""Analytics benchmark: the dashboard's KPI routes over 1,000,000 leads on PostgreSQL.

    python -m benchmarks.analytics_bench [--leads 1000000] [--days 730] [--requests 60]
        [--sales-ab 200] [--keep]
        [--database-url postgresql://postgres@127.0.0.1:5432/aurum_analytics_bench]

1. Creates the database (dropped first if it exists; its name must contain "bench"),
   migrates it and seeds, in plain SQL (``INSERT ... SELECT generate_series``), 20
   partners and ``--leads`` leads over ``--days`` days in 12 states, 5 UTM sources and 11
   campaigns: 1 in 7 unqualified, 70 % of the rest sold to 1-3 partners, 5 % of the
   sales returned (accepted), 10 % with an outcome and a third of those won.
2. Builds the rollups from the raw rows with the real rebuild (``analytics.service``).
3. Signs in as an analyst and calls the routes in process (the whole FastAPI stack,
   no network): summary, time series and breakdowns over the last 365 days, warm (a
   few calls first, then ``--requests`` each), and prints p50/p95 per route (target
   p95 < 50 ms), beside the same summary computed from the raw tables.
4. The cost of the rollups in a sale: ``--sales-ab`` real leads sold through the real
   ``offer_lead``, every other one with the analytics calls switched off; prints the
   transaction's median with and without, and the time spent in the upserts.
5. Drops the database (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx

BACKEND = Path(__file__).resolve().parents[1]
AURUM = [sys.executable, "-m", "app.cli"]
STATES = ["AZ", "CA", "TX", "FL", "NV", "NM", "CO", "UT", "NY", "NJ", "MA", "NC"]
SOURCES = ["google", "bing", "facebook", "partner-site", "newsletter"]
PARTNERS = 20
EMAIL = "bench.analyst@example.com"
PASSWORD = "bench-" + secrets.token_urlsafe(18)


def _server_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


def _asyncpg_url(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def create_database(url: str) -> None:
    name = url.rsplit("/", 1)[-1]
    if "bench" not in name:
        raise SystemExit(f"refusing to reset {name!r}: the database name must contain 'bench'")
    admin = await asyncpg.connect(_server_url(url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def drop_database(url: str) -> None:
    admin = await asyncpg.connect(_server_url(url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[-1]}" WITH (FORCE)')
    finally:
        await admin.close()


def aurum(env: dict[str, str], *args: str) -> None:
    done = subprocess.run([*AURUM, *args], cwd=BACKEND, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"aurum {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


# --- seeding --------------------------------------------------------------------------------


async def seed(conn: asyncpg.Connection, leads: int, days: int) -> datetime:
    from app.partners.schemas import Caps, Filters, Prices, ServiceArea

    now = datetime.now(UTC)
    start = now - timedelta(days=days)
    prices = Prices.model_validate(
        {t: {"exclusive": 9000 - 1500 * i, "shared": 4000 - 500 * i} for i, t in enumerate("ABC")}
    )
    began = time.perf_counter()
    async with conn.transaction():
        await conn.execute("CREATE TEMP TABLE bench_partners (n int PRIMARY KEY, id uuid)")
        for n in range(PARTNERS):
            partner_id = uuid.uuid4()
            await conn.execute("INSERT INTO bench_partners VALUES ($1, $2)", n, partner_id)
            await conn.execute(
                """INSERT INTO partners (id, name, status, timezone, service_area, filters,
                       prices, caps, cap_limits, allowed_states, person_window_days,
                       billing_mode, credit_limit_cents, balance_cents, low_balance_cents,
                       created_at, updated_at)
                   VALUES ($1, $2, 'active', 'America/Phoenix', $3::jsonb, $4::jsonb,
                       $5::jsonb, $6::jsonb, $6::jsonb, $7::jsonb, 30, 'credit',
                       100000000000, 0, 0, $8, $8)""",
                partner_id,
                f"Bench Solar {n + 1:02d}",
                json.dumps(ServiceArea(states=STATES).model_dump()),
                json.dumps(Filters().model_dump()),
                json.dumps(prices.model_dump()),
                json.dumps(Caps().model_dump()),
                json.dumps(STATES),
                start,
            )
        await conn.execute(
            f"""CREATE TEMP TABLE bench_leads AS
                SELECT g, gen_random_uuid() AS id,
                    $1::timestamptz + (g::float8 / {leads}) * interval '{days} days' AS created,
                    (ARRAY['A', 'B', 'C'])[1 + (g / 7) % 3] AS tier,
                    g % 7 <> 0 AS qualified,
                    g % 7 <> 0 AND g % 10 < 7 AS sold,
                    1 + g % 3 AS buyers
                FROM generate_series(1, {int(leads)}) AS g""",
            start,
        )
        states = "ARRAY[" + ",".join(f"'{s}'" for s in STATES) + "]"
        sources = "ARRAY[" + ",".join(f"'{s}'" for s in SOURCES) + "]"
        await conn.execute(
            f"""INSERT INTO leads (id, status, source, first_name, last_name, email, phone,
                   city, state, zip_code, homeowner, property_type, monthly_bill_cents,
                   roof_type, shade, credit_band, timeline, score, tier, score_factors,
                   unqualified_reason, utm, submission_count, offer_until, created_at,
                   updated_at)
               SELECT id,
                   CASE WHEN NOT qualified THEN 'unqualified' WHEN sold THEN 'sold'
                        ELSE 'unsold' END,
                   CASE WHEN g % 3 = 0 THEN 'chat' ELSE 'form' END,
                   'Pat', 'Lee', NULL, NULL, 'Phoenix', ({states})[1 + g % {len(STATES)}],
                   '85004', qualified, 'single_family', 15000, 'asphalt_shingle', 'none',
                   'excellent', 'asap', CASE tier WHEN 'A' THEN 85 WHEN 'B' THEN 65 ELSE 45 END,
                   tier, '[]'::jsonb, CASE WHEN NOT qualified THEN 'renter' END,
                   CASE WHEN g % 9 = 0 THEN '{{}}'::jsonb ELSE jsonb_build_object(
                       'utm_source', ({sources})[1 + g % {len(SOURCES)}],
                       'utm_campaign', 'campaign-' || (g % 11)) END,
                   1, CASE WHEN qualified THEN created + interval '72 hours' END,
                   created, created
               FROM bench_leads"""
        )
        await conn.execute(
            """INSERT INTO lead_sales (id, lead_id, partner_id, price_cents, exclusive, buyers,
                   tier, sold_at, status, receipt)
               SELECT gen_random_uuid(), b.id, p.id,
                   CASE WHEN b.buyers = 1 THEN 8000 ELSE 3500 END, b.buyers = 1, b.buyers,
                   b.tier, b.created + interval '5 minutes', 'active', '{}'::jsonb
               FROM bench_leads b
               JOIN LATERAL generate_series(0, b.buyers - 1) AS k ON true
               JOIN bench_partners p ON p.n = (b.g * 7 + k * 3) % 20
               WHERE b.sold"""
        )
        await conn.execute(
            """INSERT INTO lead_returns (id, sale_id, partner_id, lead_id, reason, evidence,
                   status, filed_at, decided_at, credit_cents)
               SELECT gen_random_uuid(), s.id, s.partner_id, s.lead_id, 'bad_contact',
                   '{}'::jsonb, 'accepted', s.sold_at + interval '1 day',
                   s.sold_at + interval '2 days', s.price_cents
               FROM lead_sales s WHERE abs(hashtext(s.id::text)) % 20 = 0"""
        )
        await conn.execute(
            """INSERT INTO lead_outcomes (id, sale_id, partner_id, lead_id, outcome,
                   occurred_at, recorded_at)
               SELECT gen_random_uuid(), s.id, s.partner_id, s.lead_id, o.outcome,
                   s.sold_at + o.later, s.sold_at + o.later
               FROM lead_sales s
               JOIN LATERAL (VALUES ('contacted', interval '1 day'),
                                    ('sold', interval '10 days')) AS o(outcome, later)
                 ON o.outcome = 'contacted' OR abs(hashtext(s.id::text)) % 30 < 10
               WHERE abs(hashtext(s.id::text)) % 10 = 3 OR abs(hashtext(s.id::text)) % 30 < 3"""
        )
    await conn.execute("VACUUM ANALYZE")
    counts = {
        table: await conn.fetchval(f"SELECT count(*) FROM {table}")
        for table in ("leads", "lead_sales", "lead_returns", "lead_outcomes")
    }
    print(
        f"  seeded {counts['leads']:,} leads, {counts['lead_sales']:,} sales, "
        f"{counts['lead_returns']:,} returns, {counts['lead_outcomes']:,} outcomes "
        f"in {time.perf_counter() - began:.1f} s"
    )
    return start


# --- measuring ------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def timed(call: Callable[[], Awaitable[Any]], warm: int, rounds: int) -> list[float]:
    for _ in range(warm):
        await call()
    samples = []
    for _ in range(rounds):
        began = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def report(name: str, samples: list[float]) -> dict[str, float]:
    p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
    print(f"  {name:<44} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
    return {"p50_ms": round(p50, 2), "p95_ms": round(p95, 2)}


async def measure_routes(settings: Any, requests: int) -> dict[str, Any]:
    from app.main import create_app

    app = create_app(settings, configure_logs=False)
    figures: dict[str, Any] = {}
    today = datetime.now(UTC).date()
    year = {"from": (today - timedelta(days=364)).isoformat(), "to": today.isoformat()}
    routes = [
        ("summary, 365 days", "summary", {}),
        ("summary, 365 days, one state", "summary", {"state": "AZ"}),
        ("summary, 365 days, tier A", "summary", {"tier": "A"}),
        ("timeseries, 365 days by day", "timeseries", {"interval": "day"}),
        ("timeseries, 365 days by week", "timeseries", {"interval": "week"}),
        (
            "timeseries, 365 days by month, one source",
            "timeseries",
            {"interval": "month", "source": "google"},
        ),
        ("breakdown by partner", "breakdown", {"by": "partner"}),
        ("breakdown by state", "breakdown", {"by": "state"}),
        ("breakdown by tier", "breakdown", {"by": "tier"}),
        ("breakdown by source", "breakdown", {"by": "source"}),
        ("breakdown by campaign", "breakdown", {"by": "campaign"}),
    ]
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
            login = await http.post(
                "/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD}
            )
            login.raise_for_status()
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            for name, path, params in routes:

                async def call(path: str = path, params: dict[str, str] = params) -> None:
                    response = await http.get(
                        f"/api/v1/admin/analytics/{path}",
                        params={**year, **params},
                        headers=headers,
                    )
                    response.raise_for_status()

                figures[name] = report(name, await timed(call, 3, requests))
            check = await http.get("/api/v1/admin/analytics/summary", params=year, headers=headers)
            figures["_summary"] = check.json()["current"]
    return figures


async def measure_raw(url: str, rounds: int) -> dict[str, float]:
    """The same year's sales figures straight from the raw tables, for comparison."""
    conn = await asyncpg.connect(_asyncpg_url(url))
    today = datetime.now(UTC).date()
    since = datetime.combine(today - timedelta(days=364), datetime.min.time(), UTC)
    until = datetime.combine(today + timedelta(days=1), datetime.min.time(), UTC)
    try:

        async def call() -> None:
            await conn.fetch(
                """SELECT (SELECT count(*) FROM leads WHERE created_at >= $1 AND created_at < $2),
                          (SELECT count(*) FILTER (WHERE unqualified_reason IS NULL)
                             FROM leads WHERE created_at >= $1 AND created_at < $2),
                          count(*), count(DISTINCT lead_id), sum(price_cents),
                          (SELECT coalesce(sum(credit_cents), 0) FROM lead_returns
                             WHERE status = 'accepted' AND decided_at >= $1 AND decided_at < $2)
                   FROM lead_sales WHERE sold_at >= $1 AND sold_at < $2""",
                since,
                until,
            )

        return report("raw tables: the summary's sums (SQL only)", await timed(call, 1, rounds))
    finally:
        await conn.close()


async def measure_sales(settings: Any, count: int) -> dict[str, float]:
    """``count`` real leads sold by the real ``offer_lead``, every other one without the
    analytics calls; the sale transaction's time (with its commit) both ways."""
    from app.analytics import rollups
    from app.core.db import Database, utcnow
    from app.leads.service import ConsentEvidence, LeadDetails, submit_lead
    from app.partners.distribution import offer_lead

    database = Database(settings)
    lead_ids = []
    for n in range(count):
        details = LeadDetails(
            first_name="Bench",
            last_name="Buyer",
            email=f"bench.{n}.{uuid.uuid4().hex[:8]}@example.com",
            phone=f"+1602{secrets.randbelow(10**7):07d}",
            zip_code="85004",
            city="Phoenix",
            state="AZ",
            homeowner=True,
            property_type="single_family",
            monthly_bill_usd=220.0,
            roof_type="asphalt_shingle",
            shade="none",
            credit_band="excellent",
            timeline="asap",
            utm={"utm_source": "google", "utm_campaign": "campaign-1"},
        )
        async with database.transaction() as session:
            made = await submit_lead(
                session, details, ConsentEvidence(source="form", ip=None, user_agent=None)
            )
            lead_ids.append(made.lead.id)

    upsert_ms: list[float] = []
    real_apply = rollups.apply

    async def timed_apply(session: Any, deltas: Any) -> None:
        began = time.perf_counter()
        await real_apply(session, deltas)
        upsert_ms.append((time.perf_counter() - began) * 1000)

    async def nothing(*_args: Any, **_kwargs: Any) -> None:
        return None

    originals = (rollups.lead_offered, rollups.lead_sold)
    with_rollups: list[float] = []
    without: list[float] = []
    per_sale: list[float] = []  # time in the rollup calls of each sale with them
    try:
        rollups.apply = timed_apply  # type: ignore[assignment]
        for index, lead_id in enumerate(lead_ids):
            off = index % 2 == 1
            rollups.lead_offered, rollups.lead_sold = (  # type: ignore[assignment]
                (nothing, nothing) if off else originals
            )
            calls_before = len(upsert_ms)
            began = time.perf_counter()
            async with database.transaction() as session:
                outcome = await offer_lead(session, lead_id, now=utcnow(), settings=settings)
            elapsed = (time.perf_counter() - began) * 1000
            assert outcome.sale_ids, outcome
            (without if off else with_rollups).append(elapsed)
            if not off:
                per_sale.append(sum(upsert_ms[calls_before:]))
    finally:
        rollups.apply = real_apply  # type: ignore[assignment]
        rollups.lead_offered, rollups.lead_sold = originals  # type: ignore[assignment]
        await database.dispose()
    figures = {
        "sale_txn_median_with_ms": round(statistics.median(with_rollups), 2),
        "sale_txn_median_without_ms": round(statistics.median(without), 2),
        "upserts_median_per_sale_ms": round(statistics.median(per_sale), 2),
        "upserts_p95_per_sale_ms": round(percentile(per_sale, 0.95), 2),
    }
    figures["extra_median_ms"] = round(
        figures["sale_txn_median_with_ms"] - figures["sale_txn_median_without_ms"], 2
    )
    print(
        f"  sale transaction median: {figures['sale_txn_median_with_ms']} ms with the rollups, "
        f"{figures['sale_txn_median_without_ms']} ms without "
        f"(+{figures['extra_median_ms']} ms); time in the rollup calls "
        f"(lock + upserts) median {figures['upserts_median_per_sale_ms']} ms, "
        f"p95 {figures['upserts_p95_per_sale_ms']} ms"
    )
    return figures


async def main_async(args: argparse.Namespace) -> None:
    from app.analytics.service import rebuild
    from app.core.config import Settings
    from app.core.db import Database

    url = args.database_url
    await create_database(url)
    data_dir = Path(tempfile.mkdtemp(prefix="aurum-analytics-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": "",
        "AURUM_DATA_DIR": str(data_dir),
        "NO_COLOR": "1",
    }
    settings = Settings(
        environment="development",
        AURUM_DATA_DIR=data_dir,
        database_url=url,
        redis_url=None,
        worker_in_process=False,
        rate_limit_admin="1000000/minute",
        rate_limit_login="1000/minute",
        log_level="WARNING",
    )
    try:
        print(f"analytics benchmark: {args.leads:,} leads over {args.days} days")
        aurum(env, "db", "upgrade")
        aurum(env, "create-admin", "--email", EMAIL, "--role", "analyst", "--password", PASSWORD)
        conn = await asyncpg.connect(_asyncpg_url(url))
        try:
            start = await seed(conn, args.leads, args.days)
        finally:
            await conn.close()

        database = Database(settings)
        began = time.perf_counter()
        try:
            rebuilt = await rebuild(
                database.transaction,
                start.date(),
                date.today(),
                batch_days=90,
                progress=lambda a, b, rows: print(f"    rollups {a}..{b}: {rows:,} rows"),
                via="cli",
            )
        finally:
            await database.dispose()
        build_seconds = time.perf_counter() - began
        conn = await asyncpg.connect(_asyncpg_url(url))
        try:
            await conn.execute("VACUUM ANALYZE")
            fine = await conn.fetchval("SELECT count(*) FROM analytics_daily")
            coarse = await conn.fetchval("SELECT count(*) FROM analytics_partner_daily")
        finally:
            await conn.close()
        print(
            f"  rollups built from the raw rows in {build_seconds:.1f} s "
            f"({rebuilt.days} days): {fine:,} fine rows, {coarse:,} coarse rows"
        )
        print("warm routes over the last 365 days (in process, analyst token):")
        figures = await measure_routes(settings, args.requests)
        await measure_raw(url, max(10, args.requests // 3))
        summary = figures.pop("_summary")
        print(
            f"  (the year: {summary['leads']:,} leads, {summary['sales']:,} sales, "
            f"net {summary['net_revenue_cents'] / 100:,.0f} USD)"
        )
        worst = max(f["p95_ms"] for f in figures.values())
        print(f"  worst route p95: {worst} ms (target < 50 ms)")
        if args.sales_ab:
            print(f"rollups in the sale transaction ({args.sales_ab} real sales):")
            await measure_sales(settings, args.sales_ab)
    finally:
        if not args.keep:
            await drop_database(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--requests", type=int, default=60, help="timed calls per route")
    parser.add_argument("--sales-ab", type=int, default=200, help="real sales to time (0: skip)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/aurum_analytics_bench"
        ),
    )
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()

"""Export benchmark: a partner's CSV of 1,000,000 sold leads through the API, against
PostgreSQL's own ``COPY ... TO STDOUT`` of the same rows, in the same run.

    python -m benchmarks.export_bench [--rows 1000000] [--rounds 2] [--keep]
        [--database-url postgresql://postgres@127.0.0.1:5432/aurum_test_b2b_bench]

1. Creates the database (dropped first if it exists; its name must contain "bench"),
   migrates it, and seeds one partner with ``--rows`` sold leads in plain SQL
   (``INSERT ... SELECT generate_series``): real estimates and score factors from the
   engine and the scorer, a consent record per lead, a receipt per sale, a return on
   1 % and an outcome on 5 % of them.
2. Starts a real ``aurum serve`` on it.
3. Each round: PostgreSQL's ``COPY (the export's SELECT) TO STDOUT WITH CSV HEADER``
   read by asyncpg in this process, then ``GET /api/v1/b2b/leads?format=csv&limit=N``
   streamed from the server over HTTP, while the server's resident memory is sampled.
4. Prints rows/s and MB/s of both, their ratio (target >= 0.5), the server's RSS before,
   at its peak and at the end of the export, and checks both produced the same bytes.
5. Drops the database (``--keep`` keeps it).

`make bench-export` runs it with the defaults. Both sides run on this machine, so the
client, the API and PostgreSQL share its cores: the ratio is the honest comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import secrets
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx

from app.core.security import hash_token
from app.leads.consent import disclosure, version_of
from app.leads.scoring import score_lead
from app.partners.exports import Window, copy_query
from app.partners.keys import KEY_PREFIX
from app.partners.schemas import Caps, Filters, Prices, ServiceArea
from app.solar.engine import estimate
from app.solar.schemas import EstimateInput

BACKEND = Path(__file__).resolve().parents[1]
AURUM = [sys.executable, "-m", "app.cli"]
MB = 1024 * 1024
RETURN_WINDOW_DAYS = 7
ZIPS = ["85004", "85281", "85364", "85701", "86001", "85248", "85379", "85142", "85032", "86301"]
BILLS = [90, 120, 150, 180, 220, 260, 310, 380, 450, 600]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


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


# --- seeding ----------------------------------------------------------------------------------


def pools() -> tuple[list[str], list[tuple[int, str, str]]]:
    """Real estimates (100 ZIP x bill pairs) and real score factor sets, as JSON."""
    estimates = [
        json.dumps(estimate(EstimateInput(zip_code=z, monthly_bill=b)).model_dump(mode="json"))
        for z in ZIPS
        for b in BILLS
    ]
    scores = []
    for credit in ("excellent", "good", "fair"):
        for timeline in ("asap", "1_3_months", "3_6_months"):
            for bill in (120, 220, 380):
                scored = score_lead(
                    homeowner=True,
                    property_type="single_family",
                    monthly_bill_usd=bill,
                    credit_band=credit,
                    shade="none",
                    roof_type="asphalt_shingle",
                    timeline=timeline,
                )
                scores.append((scored.score, scored.tier, json.dumps(scored.factors_json())))
    return estimates, scores


async def seed(conn: asyncpg.Connection, rows: int, secret: str) -> uuid.UUID:
    partner_id = uuid.uuid4()
    now = datetime.now(UTC)
    start = now - timedelta(days=3)  # the sales are inside the return window
    estimates, scores = pools()
    text = disclosure(3)
    async with conn.transaction():
        await conn.execute("CREATE TEMP TABLE est_pool (n int PRIMARY KEY, estimate jsonb)")
        await conn.executemany(
            "INSERT INTO est_pool VALUES ($1, $2::jsonb)", list(enumerate(estimates))
        )
        await conn.execute(
            "CREATE TEMP TABLE score_pool (n int PRIMARY KEY, score int, tier text, factors jsonb)"
        )
        await conn.executemany(
            "INSERT INTO score_pool VALUES ($1, $2, $3, $4::jsonb)",
            [(n, *row) for n, row in enumerate(scores)],
        )
        await conn.execute(
            """INSERT INTO partners (id, name, status, timezone, service_area, filters, prices,
                   caps, cap_limits, allowed_states, person_window_days, billing_mode,
                   credit_limit_cents, balance_cents, low_balance_cents, created_at, updated_at)
               VALUES ($1, 'Bench Solar', 'active', 'America/Phoenix', $2::jsonb, $3::jsonb,
                   $4::jsonb, $5::jsonb, $5::jsonb, '["AZ"]'::jsonb, 30, 'credit', 10000000000,
                   0, 0, $6, $6)""",
            partner_id,
            json.dumps(ServiceArea(states=["AZ"]).model_dump()),
            json.dumps(Filters().model_dump()),
            json.dumps(Prices.model_validate({t: {"exclusive": 9000} for t in "ABC"}).model_dump()),
            json.dumps(Caps().model_dump()),
            start,
        )
        await conn.execute(
            """INSERT INTO api_keys (id, partner_id, name, display_prefix, secret_hash, scopes,
                   created_at)
               VALUES ($1, $2, 'bench', $3, $4, '["leads:read", "account:read"]'::jsonb, $5)""",
            uuid.uuid4(),
            partner_id,
            secret[: len(KEY_PREFIX) + 6],
            hash_token(secret),
            start,
        )
        began = time.perf_counter()
        await conn.execute(
            f"""INSERT INTO leads (id, status, source, first_name, last_name, email, phone,
                   street_address, city, state, zip_code, homeowner, property_type,
                   monthly_bill_cents, roof_type, shade, credit_band, timeline,
                   battery_interest, estimate, score, tier, score_factors, utm,
                   submission_count, created_at, updated_at)
               SELECT gen_random_uuid(), 'sold', CASE WHEN g % 3 = 0 THEN 'chat' ELSE 'form' END,
                   'Pat' || g, 'Lee-' || (g % 9973), 'pat.' || g || '@example.com',
                   '+1602' || lpad((g % 10000000)::text, 7, '0'),
                   g || ' E Camelback Rd', 'Phoenix', 'AZ', '85004', true, 'single_family',
                   12000 + (g % 400) * 100, 'asphalt_shingle', 'none', 'excellent', 'asap',
                   CASE WHEN g % 2 = 0 THEN true END, e.estimate, s.score, s.tier, s.factors,
                   '{{"source": "bench"}}'::jsonb, 1,
                   $1::timestamptz + g * interval '200 milliseconds',
                   $1::timestamptz + g * interval '200 milliseconds'
               FROM generate_series(1, {int(rows)}) AS g
               JOIN est_pool e ON e.n = g % {len(estimates)}
               JOIN score_pool s ON s.n = g % {len(scores)}""",
            start,
        )
        await conn.execute(
            """INSERT INTO consent_records (id, lead_id, source, disclosure_version,
                   disclosure_text, max_buyers, given_at, ip, user_agent)
               SELECT gen_random_uuid(), l.id, l.source, $1, $2, 3, l.created_at,
                   '203.0.113.' || (1 + abs(hashtext(l.email)) % 250),
                   'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Safari/604.1'
               FROM leads l""",
            version_of(text),
            text,
        )
        await conn.execute(
            """INSERT INTO lead_sales (id, lead_id, partner_id, price_cents, exclusive, buyers,
                   tier, sold_at, status, receipt)
               SELECT gen_random_uuid(), l.id, $1, 9000, true, 1, l.tier,
                   l.created_at + interval '2 seconds', 'active',
                   jsonb_build_object(
                       'mode', 'exclusive', 'buyers', 1, 'max_buyers_consented', 3,
                       'price_cents', 9000, 'price_rule', l.tier || '.exclusive',
                       'matched', jsonb_build_object('area', 'state:AZ', 'filters', 'passed'),
                       'compared_cents', jsonb_build_object('exclusive', 9000),
                       'tier', l.tier, 'score', l.score, 'score_factors', l.score_factors)
               FROM leads l""",
            partner_id,
        )
        await conn.execute(
            """INSERT INTO lead_returns (id, sale_id, partner_id, lead_id, reason, note,
                   evidence, status, filed_at)
               SELECT gen_random_uuid(), s.id, s.partner_id, s.lead_id, 'bad_contact',
                   'number disconnected', '{}'::jsonb, 'pending', s.sold_at + interval '1 day'
               FROM (SELECT *, row_number() OVER (ORDER BY sold_at) AS n FROM lead_sales) s
               WHERE s.n % 100 = 0"""
        )
        await conn.execute(
            """INSERT INTO lead_outcomes (id, sale_id, partner_id, lead_id, outcome,
                   occurred_at, recorded_at, note)
               SELECT gen_random_uuid(), s.id, s.partner_id, s.lead_id, 'contacted',
                   s.sold_at + interval '1 hour', s.sold_at + interval '1 hour', 'left a voicemail'
               FROM (SELECT *, row_number() OVER (ORDER BY sold_at) AS n FROM lead_sales) s
               WHERE s.n % 20 = 0"""
        )
        print(f"  seeded {rows:,} sold leads in {time.perf_counter() - began:.1f} s")
    await conn.execute("VACUUM ANALYZE")
    return partner_id


# --- measuring ------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    bytes: int
    rows: int
    digest: str
    rss_samples: list[tuple[int, int]] = field(default_factory=list)  # (bytes so far, KiB)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds

    @property
    def mb_per_second(self) -> float:
        return self.bytes / MB / self.seconds


class Counter:
    """Counts what streams past: bytes, lines, and a digest of it all."""

    def __init__(self) -> None:
        self.bytes = 0
        self.lines = 0
        self.hash = hashlib.blake2b(digest_size=16)

    def add(self, data: bytes) -> None:
        self.bytes += len(data)
        self.lines += data.count(b"\n")
        self.hash.update(data)


async def time_copy(url: str, query: str, args: list) -> Run:
    conn = await asyncpg.connect(url)
    counter = Counter()

    async def sink(data: bytes) -> None:
        counter.add(data)

    try:
        began = time.perf_counter()
        await conn.copy_from_query(query, *args, output=sink, format="csv", header=True)
        seconds = time.perf_counter() - began
    finally:
        await conn.close()
    return Run(seconds, counter.bytes, counter.lines - 1, counter.hash.hexdigest())


def rss_kib(pid: int) -> int:
    """Resident memory of the process and its children (KiB)."""
    total = 0
    for p in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return []
    return [int(c) for c in found] + [g for c in found for g in _children(int(c))]


async def time_api(http: httpx.AsyncClient, headers: dict, rows: int, pid: int) -> Run:
    counter = Counter()
    samples: list[tuple[int, int]] = []
    done = asyncio.Event()

    async def sample() -> None:
        while not done.is_set():
            samples.append((counter.bytes, rss_kib(pid)))
            await asyncio.sleep(0.05)

    sampler = asyncio.create_task(sample())
    try:
        began = time.perf_counter()
        params = {"format": "csv", "limit": rows}
        async with http.stream("GET", "/api/v1/b2b/leads", params=params, headers=headers) as r:
            r.raise_for_status()
            async for chunk in r.aiter_raw():
                counter.add(chunk)
        seconds = time.perf_counter() - began
    finally:
        done.set()
        await sampler
    samples.append((counter.bytes, rss_kib(pid)))
    return Run(seconds, counter.bytes, counter.lines - 1, counter.hash.hexdigest(), samples)


def describe(name: str, run: Run) -> str:
    return (
        f"  {name:<26} {run.rows:>9,} rows  {run.seconds:7.2f} s  "
        f"{run.rows_per_second:>10,.0f} rows/s  {run.mb_per_second:7.1f} MB/s"
    )


async def run(args: argparse.Namespace) -> int:
    url = args.database_url
    await create_database(url)
    server = None
    try:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "ENVIRONMENT": "development",
            "LOG_LEVEL": "WARNING",
            "RATE_LIMIT_B2B": "10000/minute",
            "WORKER_IN_PROCESS": "false",
            "RETURN_WINDOW_DAYS": str(RETURN_WINDOW_DAYS),
        }
        env.pop("REDIS_URL", None)
        # Blocking process calls are fine here: nothing else runs on the loop yet.
        subprocess.run(  # noqa: ASYNC221
            [*AURUM, "db", "upgrade"], cwd=BACKEND, env=env, check=True, capture_output=True
        )
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        conn = await asyncpg.connect(url)
        try:
            partner_id = await seed(conn, args.rows, secret)
            last = await conn.fetchrow(
                "SELECT sold_at, id FROM lead_sales WHERE partner_id = $1 "
                "ORDER BY sold_at DESC, id DESC LIMIT 1",
                partner_id,
            )
            size = await conn.fetchval("SELECT pg_database_size(current_database())")
        finally:
            await conn.close()
        print(f"  database size {size / MB:,.0f} MB")
        window = Window(partner_id, None, (last["sold_at"], last["id"]), "", "")
        query, query_args = copy_query(window, return_window_days=RETURN_WINDOW_DAYS)

        port = free_port()
        server = subprocess.Popen(  # noqa: ASYNC220
            [*AURUM, "serve", "--port", str(port)],
            cwd=BACKEND,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        headers = {"Authorization": f"Bearer {secret}"}
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=None) as http:
            for _ in range(300):
                try:
                    if (await http.get("/health/ready")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            # Warm the server (imports, pools, the first COPY) before measuring it idle.
            warm = await http.get(
                "/api/v1/b2b/leads", params={"format": "csv", "limit": 1000}, headers=headers
            )
            warm.raise_for_status()
            await asyncio.sleep(0.5)
            idle_kib = rss_kib(server.pid)

            copies, apis = [], []
            for n in range(1, args.rounds + 1):
                copies.append(await time_copy(url, query, query_args))
                print(describe(f"round {n}: PostgreSQL COPY", copies[-1]))
                apis.append(await time_api(http, headers, args.rows, server.pid))
                print(describe(f"round {n}: API format=csv", apis[-1]))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if not args.keep:
            await drop_database(url)

    best_copy = max(copies, key=lambda r: r.rows_per_second)
    best_api = max(apis, key=lambda r: r.rows_per_second)
    ratio = best_api.rows_per_second / best_copy.rows_per_second
    peak_kib = max(kib for r in apis for _, kib in r.rss_samples)
    last_api = apis[-1]
    quarter = [
        next(kib for done, kib in last_api.rss_samples if done >= last_api.bytes * q / 4)
        for q in (1, 2, 3, 4)
    ]
    same = all(r.digest == copies[0].digest and r.rows == args.rows for r in [*copies, *apis])
    print(
        f"\nexport benchmark: {args.rows:,} sold leads of one partner, PostgreSQL, "
        f"{best_copy.bytes / MB:,.0f} MB of CSV, best of {args.rounds}"
    )
    print(describe("PostgreSQL COPY TO STDOUT", best_copy))
    print(describe("GET /b2b/leads?format=csv", best_api))
    verdict = "met" if ratio >= 0.5 else "NOT met"
    print(f"  throughput ratio API / COPY  {ratio:.2f}  (target >= 0.5: {verdict})")
    print(
        f"  API server RSS              idle {idle_kib / 1024:.0f} MB, peak during the exports "
        f"{peak_kib / 1024:.0f} MB; last export at 25/50/75/100 %: "
        + " / ".join(f"{kib / 1024:.0f}" for kib in quarter)
        + " MB"
    )
    print(
        "  output check                "
        + ("OK: the API sent exactly COPY's bytes, every row" if same else "FAILED: outputs differ")
    )
    return 0 if same else 1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/aurum_test_b2b_bench"
        ),
    )
    sys.exit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()

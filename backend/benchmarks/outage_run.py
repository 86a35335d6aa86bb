"""Outage run: two API instances and a worker keep every acknowledged lead, and make no
duplicate, while Redis and then PostgreSQL go away and come back.

Homeowners post the lead form to both instances (each lead with its own Idempotency-Key,
retried with the same key on a 503 or a dropped connection, as the public site does);
the instances reach PostgreSQL and Redis through proxies this script cuts and restores.
At the end it counts, from the database: acknowledged leads missing (lost), people with
more than one lead (duplicated), idempotency keys with no lead, and what the clients saw.

    python -m benchmarks.outage_run [--seconds 90] [--concurrency 20]
        [--database-url postgresql://postgres@127.0.0.1:5432/aurum_bench_outage]
        [--redis-url redis://127.0.0.1:6379/13]

The database is dropped and re-created (its name must contain "bench").
`make outage-run` runs it with the defaults.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import asyncpg
import httpx
import redis
import sqlalchemy as sa

from benchmarks.chat_bench import free_port, reset_database

BACKEND = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BACKEND))

from tests.support.proxy import CuttableProxy  # noqa: E402 - after the path

ZIPS = ["85004", "94103", "78701", "33101", "10001"]


def body(n: int, version: str) -> dict:
    return {
        "zip_code": ZIPS[n % len(ZIPS)],
        "homeowner": True,
        "property_type": "single_family",
        "monthly_bill": 120 + n % 200,
        "roof_type": "asphalt_shingle",
        "shade": "none",
        "credit_band": "good",
        "timeline": "1_3_months",
        "first_name": "Outage",
        "last_name": "Tester",
        "email": f"outage.{n}@example.com",
        "phone": f"(480) {200 + n // 10000}-{n % 10000:04d}",
        "consent": True,
        "consent_version": version,
    }


async def run(args: argparse.Namespace) -> int:
    await reset_database(args.database_url)
    redis.Redis.from_url(args.redis_url).flushdb()
    db = sa.make_url(args.database_url)
    rd = sa.make_url(args.redis_url)
    db_proxy = await CuttableProxy(db.host or "127.0.0.1", db.port or 5432).start()
    redis_proxy = await CuttableProxy(rd.host or "127.0.0.1", rd.port or 6379).start()
    proxied_db = db.set(host="127.0.0.1", port=db_proxy.port).render_as_string(hide_password=False)
    proxied_redis = rd.set(host="127.0.0.1", port=redis_proxy.port).render_as_string(
        hide_password=False
    )
    env = {
        **{k: v for k, v in os.environ.items() if k != "FORCE_COLOR"},
        "DATABASE_URL": proxied_db,
        "REDIS_URL": proxied_redis,
        "ENVIRONMENT": "development",
        "LOG_LEVEL": "ERROR",
        "RATE_LIMIT_PUBLIC": "10000000/minute",
        "DATABASE_TIMEOUT_SECONDS": "2",
        "REDIS_RETRY_SECONDS": "1",
        "WORKER_IN_PROCESS": "false",
    }
    subprocess.run(  # noqa: ASYNC221 - before anything else runs
        [sys.executable, "-m", "app.cli", "db", "upgrade"],
        cwd=BACKEND,
        env={**env, "DATABASE_URL": args.database_url},
        check=True,
        capture_output=True,
    )
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(  # noqa: ASYNC220
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
            cwd=BACKEND,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ] + [
        subprocess.Popen(  # noqa: ASYNC220
            [sys.executable, "-m", "app.cli", "worker"],
            cwd=BACKEND,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    seen: Counter[str] = Counter()
    acked: set[str] = set()
    counter = 0
    stop = asyncio.Event()
    try:
        async with httpx.AsyncClient(timeout=30) as http:
            for base in bases:
                deadline = time.monotonic() + 180
                while time.monotonic() < deadline:
                    try:
                        if (await http.get(f"{base}/health/ready")).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.2)
            version = (await http.get(f"{bases[0]}/api/v1/leads/consent-disclosure")).json()[
                "version"
            ]

            async def homeowner(slot: int) -> None:
                nonlocal counter
                while not stop.is_set():
                    counter += 1
                    n = counter
                    key = str(uuid.uuid4())
                    payload = body(n, version)
                    for attempt in range(200):  # retry with the same key until answered
                        base = bases[(n + attempt) % 2]
                        try:
                            response = await http.post(
                                f"{base}/api/v1/leads",
                                json=payload,
                                headers={"Idempotency-Key": key},
                            )
                        except httpx.TransportError:
                            seen["connection error"] += 1
                            await asyncio.sleep(0.2)
                            continue
                        seen[str(response.status_code)] += 1
                        if response.status_code == 201:
                            acked.add(payload["email"])
                            break
                        if response.status_code in (409, 503):
                            await asyncio.sleep(float(response.headers.get("retry-after", "1")) / 5)
                            continue
                        break  # a 4xx is the client's problem: not retried
                    if stop.is_set():
                        return

            async def outages() -> None:
                third = args.seconds / 6
                await asyncio.sleep(third)
                print(f"  t={third:4.0f}s  Redis down")
                await redis_proxy.cut()
                await asyncio.sleep(third)
                await redis_proxy.restore()
                print(f"  t={2 * third:4.0f}s  Redis back")
                await asyncio.sleep(third)
                print(f"  t={3 * third:4.0f}s  PostgreSQL down")
                await db_proxy.cut()
                await asyncio.sleep(third)
                await db_proxy.restore()
                print(f"  t={4 * third:4.0f}s  PostgreSQL back")
                await asyncio.sleep(2 * third)
                stop.set()

            print(f"\noutage run: {args.concurrency} homeowners, 2 API instances + a worker")
            await asyncio.gather(outages(), *(homeowner(i) for i in range(args.concurrency)))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            # Waited for in a thread: the proxies live on this loop, and the servers
            # close their connections through them as they stop.
            try:
                await asyncio.to_thread(process.wait, 30)
            except subprocess.TimeoutExpired:
                process.kill()
        await db_proxy.close()
        await redis_proxy.close()

    conn = await asyncpg.connect(args.database_url)
    try:
        rows = await conn.fetch("SELECT email, count(*) AS n FROM leads GROUP BY email")
        keys = await conn.fetchval("SELECT count(*) FROM idempotency_keys WHERE response IS NULL")
    finally:
        await conn.close()
    stored = {row["email"] for row in rows}
    lost = acked - stored
    duplicated = [row["email"] for row in rows if row["n"] > 1]
    print(f"  requests           {sum(seen.values())}: {dict(seen)}")
    print(f"  leads acknowledged {len(acked)}, stored {len(stored)}")
    print(f"  lost               {len(lost)}")
    print(f"  duplicated         {len(duplicated)}")
    print(f"  keys in progress   {keys} (claimed by a request that never finished)")
    ok = not lost and not duplicated
    print("  check              " + ("OK" if ok else "FAILED"))
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/aurum_bench_outage"
        ),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    )
    sys.exit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()

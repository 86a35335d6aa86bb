"""``GET /admin/system``: per-route figures from the API's own metrics, the database,
Redis and the worker's queue, for managers and admins."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import outbox
from app.core.db import utcnow
from app.main import create_app
from app.system.service import beat, quantile
from app.webhooks.delivery import enqueue
from app.webhooks.service import create_endpoint
from tests.conftest import SERVICES
from tests.partners.support import make_partner
from tests.support.staff import TestClient

URL = "/api/v1/admin/system"


@pytest.mark.parametrize(("role", "status"), [("analyst", 403), ("manager", 200), ("admin", 200)])
async def test_managers_and_admins_only(
    client: TestClient, as_role, role: str, status: int
) -> None:
    assert (await client.get(URL, headers=await as_role(role))).status_code == status


def test_quantiles_come_from_the_buckets() -> None:
    inf = float("inf")
    # 10 requests: 4 under 10 ms, 4 more under 100 ms, 2 over 1 s.
    buckets = [(0.01, 4.0), (0.1, 8.0), (1.0, 8.0), (inf, 10.0)]
    assert quantile(0.5, buckets) == pytest.approx(0.01 + 0.09 * 0.25)
    assert quantile(0.4, buckets) == pytest.approx(0.01)
    assert quantile(0.95, buckets) == 1.0  # past the last bound: the last bound
    assert quantile(0.5, [(0.01, 0.0), (inf, 0.0)]) is None


async def test_routes_database_and_redis(client: TestClient, as_role) -> None:
    headers = await as_role("manager")
    for _ in range(3):
        assert (await client.get("/health")).status_code == 200
    assert (await client.get("/api/v1/admin/leads")).status_code == 401
    body = (await client.get(URL, headers=headers)).json()

    routes = {(r["method"], r["route"]): r for r in body["routes"]}
    health = routes[("GET", "/health")]
    assert health["requests"] >= 3 and health["errors"] == 0 and health["error_rate"] == 0
    assert 0 < health["p50_ms"] <= health["p95_ms"]
    refused = routes[("GET", "/api/v1/admin/leads")]
    assert refused["client_errors"] >= 1 and refused["errors"] == 0

    assert body["uptime_seconds"] > 0 and body["instances"] >= 1 and body["processes"] == 1
    database = body["database"]
    assert database["status"] == "up" and database["latency_ms"] is not None
    assert database["pool"]["size"] >= 1 and database["pool"]["checked_out"] >= 1
    redis = body["redis"]
    if SERVICES:
        assert redis["status"] == "up" and redis["latency_ms"] is not None
    else:
        assert redis["status"] == "not_configured" and redis["latency_ms"] is None
    # The public site's vitals, one row each (p75 null until the first report).
    assert [vital["name"] for vital in body["web_vitals"]] == ["LCP", "INP", "CLS"]


async def test_the_cache_hit_rate_counts_lookups(app: FastAPI, client: TestClient, as_role) -> None:
    store = app.state.store
    await store.set("system-test:found", "1", ttl_seconds=60)
    assert await store.get("system-test:found") == b"1"
    assert await store.get("system-test:not-there") is None
    stats = store.stats
    rate = (await client.get(URL, headers=await as_role("admin"))).json()["redis"]["cache_hit_rate"]
    assert rate == pytest.approx(stats.hits / (stats.hits + stats.misses))
    assert 0 < rate < 1


async def worker(client: TestClient, headers: dict[str, str]) -> dict:
    return (await client.get(URL, headers=headers)).json()["worker"]


async def test_the_worker_queue_its_lag_and_held_deliveries(
    app: FastAPI, client: TestClient, db_session: AsyncSession, as_role
) -> None:
    headers = await as_role("manager")
    now = utcnow()
    partner = await make_partner(db_session)
    loopback = app.state.settings.model_copy(update={"webhooks_allow_private": True})
    made = await create_endpoint(
        db_session, partner.id, url="http://127.0.0.1:9/hooks", event_types=["lead.sold"],
        description="paused", settings=loopback, now=now,
    )  # fmt: skip
    made.endpoint.status = "disabled"
    await db_session.commit()
    before = await worker(client, headers)
    outbox.publish(db_session, "test.waiting", payload={}, now=now - timedelta(minutes=10))
    await enqueue(
        db_session, partner_id=partner.id, event_type="lead.sold", event_key="held-1",
        data={}, at=now,
    )  # fmt: skip
    await db_session.commit()
    after = await worker(client, headers)
    assert after["queue_depth"] == before["queue_depth"] + 1
    assert after["held_deliveries"] == before["held_deliveries"] + 1
    assert after["oldest_pending_seconds"] >= 600


@pytest.mark.skipif(not SERVICES, reason="needs Redis (runs in the services pass)")
async def test_every_instance_on_one_redis_is_counted(
    app: FastAPI, client: TestClient, as_role
) -> None:
    headers = await as_role("manager")
    other = create_app(app.state.settings, configure_logs=False)
    async with other.router.lifespan_context(other):
        await beat(other.state.store, other.state.instance_id)  # its first beat, for sure
        together = (await client.get(URL, headers=headers)).json()["instances"]
    # (Not "one more than before": an instance of an earlier test may still be within
    # the 30 s window, or leave it meanwhile.)
    assert together >= 2


async def test_the_public_sites_web_vitals_show_with_their_p75(client: TestClient, as_role) -> None:
    def counts(body: dict) -> dict[str, int]:
        return {vital["name"]: vital["count"] for vital in body["web_vitals"]}

    headers = await as_role("manager")
    before = counts((await client.get(URL, headers=headers)).json())
    report = {
        "session": "system-test-session",
        "events": [{"type": "web_vital", "name": "LCP", "value": 2300, "rating": "good"}],
    }
    assert (await client.post("/api/v1/events", json=report)).status_code == 202
    body = (await client.get(URL, headers=headers)).json()
    assert counts(body)["LCP"] == before["LCP"] + 1
    lcp = next(vital for vital in body["web_vitals"] if vital["name"] == "LCP")
    assert lcp["p75"] is not None and lcp["p75"] > 0

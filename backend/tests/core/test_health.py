"""Liveness, readiness and metrics as an operator or load balancer sees them."""

from __future__ import annotations

import httpx

from tests.conftest import SERVICES


async def test_liveness_answers_without_io(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readiness_reports_each_backend(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["degraded"] == []
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["cache"]["status"] == "ok"
    expected = ("postgresql", "redis") if SERVICES else ("sqlite", "memory")
    assert (body["checks"]["database"]["backend"], body["checks"]["cache"]["backend"]) == expected


async def test_metrics_count_requests_per_route_template(client: httpx.AsyncClient) -> None:
    await client.get("/health")
    await client.get("/no/such/route/123")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'aurum_http_requests_total{method="GET",route="/health",status="200"}' in text
    assert 'route="<unmatched>",status="404"' in text
    assert "/no/such/route/123" not in text  # raw paths never become label values
    assert (
        'aurum_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/health"}'
        in text
    )


async def test_request_id_is_generated_or_kept(client: httpx.AsyncClient) -> None:
    generated = await client.get("/health")
    assert len(generated.headers["x-request-id"]) == 32

    kept = await client.get("/health", headers={"X-Request-ID": "lb-trace-42"})
    assert kept.headers["x-request-id"] == "lb-trace-42"

    unsafe = await client.get("/health", headers={"X-Request-ID": "bad id\twith spaces"})
    assert unsafe.headers["x-request-id"] != "bad id\twith spaces"

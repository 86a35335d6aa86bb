"""CORS answers the configured origins only."""

from __future__ import annotations

import httpx


async def test_configured_origin_is_allowed(client: httpx.AsyncClient) -> None:
    response = await client.options(
        "/health",
        headers={"Origin": "http://localhost:3001", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "http://localhost:3001"
    assert response.headers["access-control-allow-credentials"] == "true"


async def test_unknown_origin_gets_no_cors_grant(client: httpx.AsyncClient) -> None:
    preflight = await client.options(
        "/health",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers

    simple = await client.get("/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in simple.headers

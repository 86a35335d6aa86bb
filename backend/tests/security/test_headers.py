"""Security headers on responses, and the admin IP allow-list."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.db import get_session
from app.main import create_app
from tests.support.staff import PASSWORD, admin_client


async def test_api_responses_carry_security_headers(client: httpx.AsyncClient, as_role) -> None:
    for response in (
        await client.get("/health"),
        await client.get("/api/v1/admin/leads", headers=await as_role("analyst")),
        await client.get("/api/v1/admin/leads"),  # 401
        await client.get("/api/v1/nothing-here"),  # 404
    ):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["content-security-policy"] == (
            "default-src 'none'; frame-ancestors 'none'"
        )
        assert response.headers["strict-transport-security"].startswith("max-age=")


async def test_private_responses_are_never_cached(client: httpx.AsyncClient, as_role) -> None:
    headers = await as_role("manager")
    for url in ("/api/v1/admin/leads", "/api/v1/auth/me", "/api/v1/admin/leads/export.csv"):
        assert (await client.get(url, headers=headers)).headers["cache-control"] == "no-store"
    assert (
        await client.post("/api/v1/auth/login", json={"email": "a@b.co", "password": "x"})
    ).headers["cache-control"] == "no-store"
    assert "no-store" not in (await client.get("/health")).headers.get("cache-control", "")


async def test_the_docs_page_still_works(client: httpx.AsyncClient) -> None:
    docs = await client.get("/docs")
    assert docs.status_code == 200
    assert "content-security-policy" not in docs.headers  # it loads Swagger UI's scripts
    assert docs.headers["x-content-type-options"] == "nosniff"
    assert (await client.get("/openapi.json")).status_code == 200


async def test_no_hsts_in_development(migrated: Settings) -> None:
    app = create_app(
        migrated.model_copy(update={"environment": "development"}), configure_logs=False
    )
    async with app.router.lifespan_context(app), admin_client(app) as http:
        assert "strict-transport-security" not in (await http.get("/health")).headers


@pytest.fixture
async def guarded(
    app: FastAPI, db_session: AsyncSession, migrated: Settings
) -> AsyncIterator[FastAPI]:
    settings = migrated.model_copy(
        update={
            "admin_ip_allowlist": ["192.0.2.0/24", "2001:db8::/32"],
            "trusted_proxies": ["10.9.0.0/16"],
        }
    )
    limited = create_app(settings, configure_logs=False)
    limited.dependency_overrides[get_session] = app.dependency_overrides[get_session]
    async with limited.router.lifespan_context(limited):
        yield limited


async def test_the_allowlist_guards_admin_and_auth_but_not_public_routes(
    guarded: FastAPI, make_user
) -> None:
    user = await make_user("admin")
    async with admin_client(guarded, ip="203.0.113.50") as outsider:
        for method, url in (
            ("GET", "/api/v1/admin/leads"),
            ("POST", "/api/v1/auth/login"),
            ("GET", "/api/v1/auth/me"),
            ("GET", "/api/v1/admin/does-not-exist"),
        ):
            response = await outsider.request(
                method, url, json={"email": user.email, "password": PASSWORD}
            )
            assert response.status_code == 403, url
            assert response.json()["error"]["code"] == "ip_not_allowed"
            assert response.headers["x-frame-options"] == "DENY"
        assert (await outsider.get("/health")).status_code == 200
        assert (await outsider.get("/api/v1/leads/consent-disclosure")).status_code == 200

    async with admin_client(guarded, ip="192.0.2.77") as insider:
        login = await insider.post(
            "/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}
        )
        assert login.status_code == 200


async def test_forwarded_for_counts_only_from_trusted_proxies(guarded: FastAPI) -> None:
    body = {"email": "nobody@example.com", "password": "wrong password"}
    spoof = {"X-Forwarded-For": "192.0.2.10"}
    async with admin_client(guarded, ip="203.0.113.9") as direct:
        # A client cannot claim an allowed address by itself.
        assert (
            await direct.post("/api/v1/auth/login", json=body, headers=spoof)
        ).status_code == 403
    async with admin_client(guarded, ip="10.9.0.5") as via_proxy:
        # Through our proxy, the address it saw is the client's.
        assert (
            await via_proxy.post("/api/v1/auth/login", json=body, headers=spoof)
        ).status_code == 401
        outside = {"X-Forwarded-For": "192.0.2.10, 198.51.100.4"}
        assert (
            await via_proxy.post("/api/v1/auth/login", json=body, headers=outside)
        ).status_code == 403


def test_a_bad_cidr_stops_start_up() -> None:
    with pytest.raises(ValueError):
        Settings(admin_ip_allowlist="10.0.0.0/40")

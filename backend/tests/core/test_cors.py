"""CORS per audience, and the session cookie usable only from the admin dashboard.

Seen before: the public site's origin could call /auth/* and /admin/* with credentials,
and /auth/refresh accepted any Origin, so a script on the public site (the same *site*
as the dashboard: SameSite does not separate ports) could mint admin access tokens.
"""

from __future__ import annotations

import httpx
import pytest

PUBLIC_SITE = "http://localhost:3001"
DASHBOARD = "http://localhost:3002"
EVIL = "https://evil.example"


def preflight(origin: str, method: str = "GET", headers: str = "") -> dict[str, str]:
    out = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        out["Access-Control-Request-Headers"] = headers
    return out


@pytest.mark.parametrize(
    ("path", "origin", "allowed"),
    [
        ("/health", PUBLIC_SITE, True),
        ("/api/v1/conversations", PUBLIC_SITE, True),
        ("/api/v1/conversations", DASHBOARD, True),
        ("/api/v1/conversations", EVIL, False),
        ("/api/v1/events", PUBLIC_SITE, True),
        ("/api/v1/events", EVIL, False),
        ("/api/v1/auth/refresh", DASHBOARD, True),
        ("/api/v1/auth/refresh", PUBLIC_SITE, False),
        ("/api/v1/admin/leads", PUBLIC_SITE, False),
        ("/api/v1/admin/leads", DASHBOARD, True),
        ("/api/v1/b2b/leads", DASHBOARD, False),  # partners are servers, not browsers
    ],
)
async def test_preflight_per_audience(
    client: httpx.AsyncClient, path: str, origin: str, allowed: bool
) -> None:
    response = await client.options(path, headers=preflight(origin, "POST", "content-type"))
    if allowed:
        assert response.status_code == 204
        assert response.headers["access-control-allow-origin"] == origin
        assert response.headers["access-control-allow-credentials"] == "true"
        assert "POST" in response.headers["access-control-allow-methods"]
    else:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "cors_origin_not_allowed"
        assert "access-control-allow-origin" not in response.headers


async def test_a_refused_request_header_is_403_in_the_error_shape(
    client: httpx.AsyncClient,
) -> None:
    response = await client.options(
        "/api/v1/conversations", headers=preflight(PUBLIC_SITE, "POST", "x-evil, content-type")
    )
    assert response.status_code == 403
    assert response.json()["error"]["details"] == {"method": "POST", "headers": ["x-evil"]}


async def test_actual_requests_get_a_grant_only_for_their_audience(
    client: httpx.AsyncClient,
) -> None:
    public = await client.get("/health", headers={"Origin": PUBLIC_SITE})
    assert public.headers["access-control-allow-origin"] == PUBLIC_SITE
    assert "x-request-id" in public.headers["access-control-expose-headers"].lower()
    staff = await client.get("/api/v1/auth/me", headers={"Origin": PUBLIC_SITE})
    assert "access-control-allow-origin" not in staff.headers
    assert staff.headers["vary"] == "Origin"
    evil = await client.get("/health", headers={"Origin": EVIL})
    assert "access-control-allow-origin" not in evil.headers


@pytest.mark.parametrize("origin", [PUBLIC_SITE, EVIL, None])
@pytest.mark.parametrize("path", ["/api/v1/auth/refresh", "/api/v1/auth/logout"])
async def test_the_session_cookie_works_only_from_the_dashboard(
    app, make_user, path: str, origin: str | None
) -> None:
    from tests.support.staff import PASSWORD, admin_client

    user = await make_user("admin")
    async with admin_client(app) as browser:
        signed_in = await browser.post(
            "/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}
        )
        assert signed_in.status_code == 200
        headers = {"Origin": origin} if origin else {}
        if origin is None:
            browser.headers.pop("Origin")
        refused = await browser.post(path, headers=headers)
        assert refused.status_code == 403, refused.text
        assert refused.json()["error"]["code"] == "origin_not_allowed"
        if path.endswith("refresh"):
            assert "access_token" not in refused.text
        browser.headers["Origin"] = DASHBOARD
        allowed = await browser.post(path)
        assert allowed.status_code in (200, 204), allowed.text

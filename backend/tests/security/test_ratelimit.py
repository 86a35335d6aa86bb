"""Rate limits per audience (public per IP, admin per user, login per IP, B2B per partner),
their headers, and what happens when Redis stops in the middle."""

from __future__ import annotations

import asyncio
import logging
import shutil
import socket
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI, Request
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.db import get_session, get_session_factory
from app.core.ratelimit import (
    MemoryLimiter,
    PublicRateLimit,
    Rate,
    RateLimiter,
    RedisLimiter,
    b2b_rate_limit,
)
from app.main import create_app
from tests.conftest import SERVICES
from tests.support.proxy import CuttableProxy
from tests.support.staff import (
    PASSWORD,
    PREFIXES,
    FakeClock,
    admin_client,
    api_routes,
    fresh_ip,
    issue_tokens,
)

TIGHT = {
    "rate_limit_auth_failures": "3/minute",
    "rate_limit_public": "3/minute",
    "rate_limit_admin": "3/minute",
    "rate_limit_login": "2/minute",
    "rate_limit_b2b": "2/minute",
}


@asynccontextmanager
async def tight_app(
    shared: FastAPI, settings: Settings, **overrides: Any
) -> AsyncIterator[FastAPI]:
    """An app with small limits, sharing the test's rolled-back session and a frozen
    clock (so a slow machine never earns an extra request)."""
    app = create_app(settings.model_copy(update={**TIGHT, **overrides}), configure_logs=False)

    @app.get("/_probe/public", dependencies=[PublicRateLimit], tags=["probe"])
    async def public_probe() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/_probe/b2b", tags=["probe"])
    async def b2b_probe(request: Request) -> dict[str, bool]:
        await b2b_rate_limit(request, request.headers["x-partner"])
        return {"ok": True}

    for dependency in (get_session, get_session_factory):
        if dependency in shared.dependency_overrides:
            app.dependency_overrides[dependency] = shared.dependency_overrides[dependency]
    async with app.router.lifespan_context(app):
        app.state.clock = FakeClock()
        yield app


@pytest.fixture
async def tight(
    app: FastAPI, db_session: AsyncSession, migrated: Settings
) -> AsyncIterator[FastAPI]:
    async with tight_app(app, migrated) as limited:
        yield limited


def remaining(response: httpx.Response) -> int:
    return int(response.headers["ratelimit-remaining"])


async def test_public_limit_per_ip_with_headers_then_recovery(tight: FastAPI) -> None:
    async with admin_client(tight) as http, admin_client(tight) as neighbour:
        answers = [await http.get("/_probe/public") for _ in range(3)]
        assert [r.status_code for r in answers] == [200, 200, 200]
        assert [remaining(r) for r in answers] == [2, 1, 0]
        assert answers[0].headers["ratelimit-limit"] == "3"
        assert answers[0].headers["ratelimit-policy"] == "3;w=60"

        refused = await http.get("/_probe/public")
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "rate_limited"
        assert refused.json()["error"]["details"]["limit"] == 3
        assert refused.headers["retry-after"] == "20"  # one request per 60/3 s
        assert refused.headers["ratelimit-limit"] == "3"
        assert refused.headers["ratelimit-remaining"] == "0"
        assert int(refused.headers["ratelimit-reset"]) == 60

        assert (await neighbour.get("/_probe/public")).status_code == 200  # per IP

        tight.state.clock.advance(seconds=19)
        assert (await http.get("/_probe/public")).status_code == 429
        tight.state.clock.advance(seconds=1)
        assert (await http.get("/_probe/public")).status_code == 200
        assert (await http.get("/_probe/public")).status_code == 429
        tight.state.clock.advance(seconds=60)
        assert remaining(await http.get("/_probe/public")) == 2


async def test_every_public_route_is_rate_limited(tight: FastAPI) -> None:
    public = [
        (method, path)
        for method, path in api_routes(tight)
        # The partner API is counted per partner (tests/partners/test_b2b_auth.py).
        if path.startswith("/api/v1") and not path.startswith((*PREFIXES, "/api/v1/b2b"))
    ]
    assert public, "no public routes found"
    migrated_events_rate = tight.state.settings.rate_limit_events
    tight.state.settings.rate_limit_public = "1/minute"
    tight.state.settings.rate_limit_events = "1/minute"  # POST /events: a quota of its own
    try:
        for method, path in public:
            url = path.replace("{", "").replace("}", "")  # any value: the limit runs first
            async with admin_client(tight) as http:
                await http.request(method, url)
                second = await http.request(method, url)
            assert second.status_code == 429, (method, path, second.text[:200])
            assert "retry-after" in second.headers
    finally:
        tight.state.settings.rate_limit_public = TIGHT["rate_limit_public"]
        tight.state.settings.rate_limit_events = migrated_events_rate


async def test_admin_limit_is_per_user_not_per_address(
    tight: FastAPI, db_session: AsyncSession, make_user
) -> None:
    settings = tight.state.settings
    now = tight.state.clock()
    first = await issue_tokens(db_session, settings, await make_user("analyst"), now=now)
    second = await issue_tokens(db_session, settings, await make_user("analyst"), now=now)
    async with admin_client(tight, ip="10.200.0.1") as http:
        for expected_remaining in (2, 1, 0):
            response = await http.get("/api/v1/auth/me", headers=first.headers)
            assert response.status_code == 200
            assert remaining(response) == expected_remaining
        refused = await http.get("/api/v1/admin/leads", headers=first.headers)
        assert refused.status_code == 429
        assert refused.headers["retry-after"]
        # Same address, another user: a fresh quota.
        assert (await http.get("/api/v1/auth/me", headers=second.headers)).status_code == 200


async def test_login_limit_per_ip_across_emails(tight: FastAPI, make_user) -> None:
    user = await make_user("analyst")
    async with admin_client(tight) as http:
        for n in range(2):
            response = await http.post(
                "/api/v1/auth/login", json={"email": f"guess{n}@example.com", "password": "x"}
            )
            assert response.status_code == 401
        refused = await http.post(
            "/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}
        )
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "rate_limited"
    async with admin_client(tight) as elsewhere:
        ok = await elsewhere.post(
            "/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}
        )
        assert ok.status_code == 200


async def test_b2b_limit_is_per_partner(tight: FastAPI) -> None:
    async with admin_client(tight) as http:
        for _ in range(2):
            assert (await http.get("/_probe/b2b", headers={"x-partner": "p1"})).status_code == 200
        assert (await http.get("/_probe/b2b", headers={"x-partner": "p1"})).status_code == 429
        assert (await http.get("/_probe/b2b", headers={"x-partner": "p2"})).status_code == 200
    async with admin_client(tight) as other_address:  # the partner's quota follows it
        refused = await other_address.get("/_probe/b2b", headers={"x-partner": "p1"})
        assert refused.status_code == 429


async def test_bad_bearer_tokens_are_limited_per_address(
    tight: FastAPI, db_session: AsyncSession, make_user
) -> None:
    settings = tight.state.settings
    clock = tight.state.clock
    user = await make_user("analyst")
    good = await issue_tokens(db_session, settings, user, now=clock())
    expired = await issue_tokens(
        db_session, settings, user, now=clock() - timedelta(minutes=settings.access_token_minutes)
    )
    bad = [
        {"Authorization": "Bearer not-a-token"},
        expired.headers,
        {"Authorization": f"Bearer {good.access[:-4]}AAAA"},  # a forged signature
    ]
    async with admin_client(tight) as prober, admin_client(tight) as neighbour:
        paths = ["/api/v1/admin/leads", "/api/v1/auth/me", "/api/v1/admin/leads"]
        answers = [
            await prober.get(path, headers=headers)
            for path, headers in zip(paths, bad, strict=True)
        ]
        assert [r.status_code for r in answers] == [401, 401, 401]

        refused = await prober.get("/api/v1/admin/users", headers=bad[0])
        assert refused.status_code == 429
        error = refused.json()["error"]
        assert set(refused.json()) == {"error"}
        assert error["code"] == "too_many_failed_authentications"
        assert error["details"]["limit"] == 3 and error["details"]["window_seconds"] == 60
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert (await prober.get("/api/v1/auth/me", headers=bad[1])).status_code == 429

        # A valid token from the same address still works; other addresses are unaffected.
        assert (await prober.get("/api/v1/auth/me", headers=good.headers)).status_code == 200
        assert (await neighbour.get("/api/v1/auth/me", headers=bad[0])).status_code == 401
        # Signing out stays 204 whatever the token.
        assert (await prober.post("/api/v1/auth/logout", headers=bad[0])).status_code == 204

        clock.advance(seconds=61)
        assert (await prober.get("/api/v1/auth/me", headers=bad[0])).status_code == 401


# --- the limiter itself -----------------------------------------------------------------


class BrokenBackend(MemoryLimiter):
    name = "redis"

    def __init__(self) -> None:
        super().__init__()
        self.down = False

    async def gcra(self, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        if self.down:
            raise ConnectionError("Connection refused")
        return await super().gcra(*args, **kwargs)


async def test_a_failing_backend_falls_back_in_process_and_logs_once(caplog) -> None:
    primary = BrokenBackend()
    limiter = RateLimiter(primary, MemoryLimiter(), retry_seconds=0)
    rate = Rate.parse("2/minute")
    assert (await limiter.hit("k", rate, now=0)).remaining == 1
    primary.down = True
    with caplog.at_level(logging.WARNING, logger="aurum.ratelimit"):
        decisions = [await limiter.hit("k", rate, now=0) for _ in range(3)]
    assert [d.allowed for d in decisions] == [True, True, False]  # fresh local counters
    assert limiter.degraded and limiter.backend == "memory"
    errors = [r for r in caplog.records if "in-process" in r.getMessage()]
    assert len(errors) == 1 and errors[0].levelno == logging.ERROR
    primary.down = False
    back = await limiter.hit("k", rate, now=0)  # Redis still remembers 1 of 2
    assert back.allowed and back.remaining == 0
    assert not (await limiter.hit("k", rate, now=0)).allowed
    assert not limiter.degraded


def backends() -> list[Any]:
    params: list[Any] = [pytest.param("memory", id="memory")]
    params.append(
        pytest.param(
            "redis",
            id="redis",
            marks=pytest.mark.skipif(not SERVICES, reason="needs Redis (services pass)"),
        )
    )
    return params


@pytest.fixture(params=backends())
async def backend(request: pytest.FixtureRequest, migrated: Settings) -> AsyncIterator[Any]:
    if request.param == "memory":
        yield MemoryLimiter()
        return
    limiter = RedisLimiter(migrated.redis_url or "", prefix=f"aurum:test:{fresh_ip()}:")
    yield limiter
    await limiter.close()


async def test_gcra_allows_a_burst_then_the_steady_rate(backend: Any) -> None:
    rate = Rate.parse("5/second")
    t = 1_000_000.0
    burst = [await backend.gcra("k", rate, t, 1) for _ in range(6)]
    assert [d.allowed for d in burst] == [True] * 5 + [False]
    assert [d.remaining for d in burst[:5]] == [4, 3, 2, 1, 0]
    assert burst[5].retry_after_seconds == pytest.approx(0.2, abs=0.002)
    assert (await backend.gcra("k", rate, t + 0.2, 1)).allowed
    assert not (await backend.gcra("k", rate, t + 0.2, 1)).allowed
    assert (await backend.gcra("other", rate, t, 1)).remaining == 4
    after = await backend.gcra("k", rate, t + 10, 1)
    assert after.allowed and after.remaining == 4


async def test_sliding_window_counts_events_inside_the_window(backend: Any) -> None:
    for t in (0.0, 60.0, 120.0):
        await backend.window("w", 300, 1_000 + t, add=True, keep=10)
    seen = await backend.window("w", 300, 1_000 + 299, add=False, keep=10)
    assert seen.count == 3 and seen.oldest == pytest.approx(1_000)
    later = await backend.window("w", 300, 1_000 + 300, add=False, keep=10)
    assert later.count == 2 and later.oldest == pytest.approx(1_060)
    await backend.clear("w")
    assert (await backend.window("w", 300, 1_400, add=False, keep=10)).count == 0


# --- Redis stops mid-test (services pass) ---------------------------------------------


@pytest.mark.skipif(not SERVICES, reason="needs Redis (runs in the services pass)")
async def test_redis_stopping_mid_test_falls_back_to_local_counters(
    app: FastAPI,
    db_session: AsyncSession,
    migrated: Settings,
    make_user,
    caplog: pytest.LogCaptureFixture,
) -> None:
    redis_url = sa.make_url(migrated.redis_url or "")
    proxy = await CuttableProxy(redis_url.host or "127.0.0.1", redis_url.port or 6379).start()
    proxied = redis_url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    try:
        async with tight_app(app, migrated, redis_url=proxied, redis_retry_seconds=0.0) as tight:
            user = await make_user("analyst")
            token = await issue_tokens(
                db_session, tight.state.settings, user, now=tight.state.clock()
            )
            async with admin_client(tight) as http:
                assert remaining(await http.get("/_probe/public")) == 2
                assert remaining(await http.get("/_probe/public")) == 1
                assert remaining(await http.get("/api/v1/auth/me", headers=token.headers)) == 2

                with caplog.at_level(logging.INFO):
                    await proxy.cut()
                    during = [await http.get("/_probe/public") for _ in range(4)]
                    me = await http.get("/api/v1/auth/me", headers=token.headers)
                    login = await http.post(
                        "/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}
                    )
                # No 500s: in-process counters start afresh and still limit.
                assert [r.status_code for r in during] == [200, 200, 200, 429]
                assert me.status_code == 200
                assert login.status_code == 200
                assert any(
                    "rate limits use in-process counters" in r.getMessage() for r in caplog.records
                )

                await proxy.restore()
                caplog.clear()
                with caplog.at_level(logging.INFO):
                    back = await http.get("/_probe/public")
                # Redis remembers the 2 requests from before the outage: 1 of 3 left.
                assert back.status_code == 200 and remaining(back) == 0
                assert (await http.get("/_probe/public")).status_code == 429
                assert any("shared again" in r.getMessage() for r in caplog.records)
    finally:
        await proxy.close()


def test_rate_parsing() -> None:
    assert Rate.parse("100/minute") == Rate(100, 60.0)
    assert Rate.parse(" 50 / hours ") == Rate(50, 3600.0)
    with pytest.raises(ValueError):
        Rate.parse("0/minute")
    with pytest.raises(Exception, match=r"e\.g\."):
        Settings(rate_limit_public="lots")


async def test_ipv6_clients_are_counted_per_slash_64(tight: FastAPI) -> None:
    async def hit(ip: str) -> httpx.Response:
        async with admin_client(tight, ip=ip) as http:
            return await http.get("/_probe/public")

    for host in ("2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::9"):
        assert (await hit(host)).status_code == 200  # one home network, one quota
    assert (await hit("2001:db8:1:2::77")).status_code == 429
    assert (await hit("2001:db8:1:3::1")).status_code == 200  # the next network over


# --- sign-in throttling while Redis stops (our own redis-server) ------------------------


class OwnRedis:
    """A redis-server of this test's own on a free port, to stop mid-test (the shared one
    is never touched)."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        self.process = subprocess.Popen(
            [*command, "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"redis://127.0.0.1:{self.port}/0"

    async def ready(self) -> None:
        import redis.asyncio as aioredis

        client = aioredis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        try:
            for _ in range(100):
                try:
                    await client.ping()
                    return
                except Exception:
                    await asyncio.sleep(0.05)
            raise RuntimeError("redis-server did not start")
        finally:
            await client.aclose()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis() -> Iterator[OwnRedis]:
    if shutil.which("redis-server") is None:
        pytest.skip("needs the redis-server binary")
    server = OwnRedis()
    try:
        yield server
    finally:
        server.stop()


async def test_sign_in_throttling_holds_while_redis_is_down(
    app: FastAPI, migrated: Settings, make_user, own_redis: OwnRedis
) -> None:
    await own_redis.ready()
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    async with tight_app(
        app,
        migrated,
        redis_url=own_redis.url,
        redis_retry_seconds=0.0,
        rate_limit_login="1000/minute",
        login_slowdown_after_failures=3,
        login_slowdown_max_seconds=2.0,
    ) as tight:
        tight.state.sleep = fake_sleep
        user = await make_user("admin")
        guess = {"email": user.email, "password": "guessing"}
        right = {"email": user.email, "password": PASSWORD}
        async with admin_client(tight) as stranger, admin_client(tight) as owner:
            for _ in range(2):  # counted in Redis
                assert (await stranger.post("/api/v1/auth/login", json=guess)).status_code == 401
            assert tight.state.rate_limiter.backend == "redis"

            own_redis.stop()
            during = [
                (await stranger.post("/api/v1/auth/login", json=guess)).status_code
                for _ in range(6)
            ]
            assert tight.state.rate_limiter.backend == "memory"
            # In-process counters start afresh and still stop that address after 5...
            assert during == [401] * 5 + [429]
            assert (await stranger.post("/api/v1/auth/login", json=right)).status_code == 429
            # ...while the owner, elsewhere, signs in: slowed, not locked.
            slept.clear()
            assert (await owner.post("/api/v1/auth/login", json=right)).status_code == 200
            assert slept == [1.0]  # 5 failures on the account: 0.25 s doubled twice

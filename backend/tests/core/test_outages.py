"""What operators see when Redis or PostgreSQL stops while the API runs.

A cuttable TCP proxy sits between the app and the real service, so the test can take
the service "down" and bring it back without touching the shared instance.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from app.core.config import Settings
from app.core.db import SessionDep
from app.main import create_app
from tests.conftest import SERVICES, make_client
from tests.support.proxy import CuttableProxy

pytestmark = pytest.mark.skipif(
    not SERVICES, reason="needs PostgreSQL and Redis (runs in the services pass)"
)


@pytest.fixture
async def proxied(migrated: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, dict]]:
    db_url = sa.make_url(migrated.resolved_database_url)
    redis_url = sa.make_url(migrated.redis_url or "")
    db_proxy = await CuttableProxy(db_url.host or "127.0.0.1", db_url.port or 5432).start()
    redis_proxy = await CuttableProxy(redis_url.host or "127.0.0.1", redis_url.port or 6379).start()
    settings = migrated.model_copy(
        update={
            "database_url": db_url.set(host="127.0.0.1", port=db_proxy.port).render_as_string(
                hide_password=False
            ),
            "redis_url": redis_url.set(host="127.0.0.1", port=redis_proxy.port).render_as_string(
                hide_password=False
            ),
            "redis_retry_seconds": 0.0,
            "database_timeout_seconds": 1.0,
        }
    )
    app: FastAPI = create_app(settings, configure_logs=False)

    @app.get("/_probe/db", tags=["probe"])
    async def needs_database(session: SessionDep) -> dict[str, int]:
        return {"one": (await session.execute(sa.text("SELECT 1"))).scalar_one()}

    @app.get("/_probe/cache", tags=["probe"])
    async def needs_cache() -> dict[str, int]:
        return {"hits": await app.state.store.incr("probe-hits", ttl_seconds=60)}

    async with app.router.lifespan_context(app), make_client(app) as http:
        http.app = app  # type: ignore[attr-defined] - the app under test, for its state
        yield http, {"db": db_proxy, "redis": redis_proxy}
    await db_proxy.close()
    await redis_proxy.close()


async def test_redis_outage_degrades_then_recovers(proxied) -> None:  # type: ignore[no-untyped-def]
    http, proxies = proxied
    ready = await http.get("/health/ready")
    assert ready.json()["status"] == "ok"

    await proxies["redis"].cut()
    ready = await http.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json()["status"] == "degraded"
    assert ready.json()["degraded"] == ["redis"]
    assert ready.json()["checks"]["cache"]["status"] == "unavailable"
    assert ready.json()["checks"]["cache"]["fallback"] == "memory"
    # Requests keep working on the in-process fallback.
    assert (await http.get("/_probe/cache")).status_code == 200
    assert (await http.get("/_probe/db")).json() == {"one": 1}

    await proxies["redis"].restore()
    ready = await http.get("/health/ready")
    assert ready.json()["status"] == "ok"
    assert (await http.get("/_probe/cache")).status_code == 200


async def test_database_outage_is_503_with_retry_after_then_recovers(proxied) -> None:  # type: ignore[no-untyped-def]
    http, proxies = proxied
    assert (await http.get("/_probe/db")).status_code == 200

    await proxies["db"].cut()
    ready = await http.get("/health/ready")
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"]["status"] == "unavailable"

    response = await http.get("/_probe/db")
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert response.json()["error"]["code"] == "database_unavailable"
    # Endpoints that need no database keep answering.
    assert (await http.get("/health")).status_code == 200

    await proxies["db"].restore()
    assert (await http.get("/_probe/db")).json() == {"one": 1}
    assert (await http.get("/health/ready")).status_code == 200


async def test_a_streamed_turn_in_flight_when_the_database_stops_reports_503(proxied) -> None:  # type: ignore[no-untyped-def]
    """Seen before: the stream said `turn_failed` / 500 where the JSON path says 503."""
    from app.conversation.advisor import guided_agent
    from tests.conversation.chat import Chat

    http, proxies = proxied
    app = http.app
    chat = await Chat.start(http)
    real = app.state.advisor

    class CutsTheDatabaseWhileThinking:
        kind = real.kind
        tools = real.tools

        def respond_for(self, conversation):  # type: ignore[no-untyped-def]
            async def agent(state, text, tools, on_delta):  # type: ignore[no-untyped-def]
                await proxies["db"].cut()  # PostgreSQL stops while the advisor thinks
                return await guided_agent(state, text, tools, on_delta)

            return agent

    app.state.advisor = CutsTheDatabaseWhileThinking()
    try:
        events = await chat.stream("85004")
    finally:
        app.state.advisor = real
        await proxies["db"].restore()
    errors = [data for name, data in events if name == "error"]
    assert errors, events
    assert errors[0]["status"] == 503
    assert errors[0]["error"]["code"] == "database_unavailable"
    assert events[-1][0] == "done"

"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute

from app.admin.router import auth_api, identity_api
from app.analytics.admin_router import router as analytics_admin_router
from app.analytics.router import router as analytics_router
from app.analytics.vitals import WebVitals
from app.conversation import queries as conversation_queries
from app.conversation.admin_router import router as conversation_admin_router
from app.conversation.advisor import Advisor
from app.conversation.router import router as conversation_router
from app.core import health
from app.core.cache import build_store
from app.core.config import Settings, get_settings
from app.core.db import Database
from app.core.edge import (
    Audience,
    AudienceCORSMiddleware,
    HostValidationMiddleware,
    RequestGuardMiddleware,
)
from app.core.errors import Forbidden, RateLimited, install_error_handlers, responses
from app.core.events import drain_on_exit_signals, running_feed
from app.core.http_security import AdminIPAllowlistMiddleware, SecurityHeadersMiddleware
from app.core.logging import configure_logging
from app.core.middleware import Metrics, RequestContextMiddleware
from app.core.ratelimit import PublicRateLimit, RateLimitHeadersMiddleware, build_rate_limiter
from app.leads.admin_router import router as leads_admin_router
from app.leads.router import router as leads_router
from app.live.admin_router import router as live_admin_router
from app.partners.admin_router import router as partners_admin_router
from app.partners.b2b_router import router as b2b_router
from app.privacy.admin_router import router as privacy_admin_router
from app.solar.engine import SolarConfig
from app.solar.router import router as solar_router
from app.solar.tables import reference_data
from app.system import service as system_service
from app.system.admin_router import router as system_admin_router
from app.webhooks.admin_router import router as webhooks_admin_router
from app.webhooks.b2b_router import router as webhooks_b2b_router
from app.worker import Worker

API_PREFIX = "/api/v1"


def operation_id(route: APIRoute) -> str:
    """Stable operationIds, `<tag>-<name>`, so generated clients read well."""
    tag = route.tags[0] if route.tags else "default"
    return f"{tag}-{route.name}"


def create_app(settings: Settings | None = None, *, configure_logs: bool = True) -> FastAPI:
    settings = settings or get_settings()
    if configure_logs:
        configure_logging(settings.log_level, settings.log_format)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.db = Database(settings)
        app.state.metrics.watch_pool(app.state.db.engine)
        app.state.store = build_store(
            settings.redis_url,
            timeout=settings.redis_timeout_seconds,
            retry_seconds=settings.redis_retry_seconds,
        )
        app.state.rate_limiter = build_rate_limiter(settings)
        feed_stack = contextlib.AsyncExitStack()  # the live feed (app/core/events.py)
        app.state.live_feed = await feed_stack.enter_async_context(
            running_feed(
                app.state.db.engine, app.state.store, buffer_size=settings.live_feed_buffer
            )
        )
        stop_heartbeats = asyncio.Event()
        heartbeats = asyncio.create_task(
            system_service.heartbeats(app.state.store, app.state.instance_id, stop_heartbeats),
            name="aurum-heartbeats",
        )
        app.state.solar_config = SolarConfig.from_settings(settings)
        reference_data()  # ZIPs and stations (~1 s, once per process): at start, not on a request
        if not hasattr(app.state, "advisor"):  # tests may install their own
            app.state.advisor = Advisor(settings, app.state.solar_config)
        stop_worker = asyncio.Event()
        worker_task = None
        if settings.runs_worker_in_process:
            worker = Worker(app.state.db.transaction, settings)
            worker_task = asyncio.create_task(worker.run(stop_worker), name="aurum-worker")
        try:
            with drain_on_exit_signals(app.state.live_feed):
                yield
        finally:
            stop_worker.set()
            stop_heartbeats.set()
            if worker_task is not None:
                await worker_task
            await heartbeats
            await feed_stack.aclose()
            await app.state.rate_limiter.close()
            await app.state.store.close()
            await app.state.db.dispose()
            app.state.metrics.process_exits()

    app = FastAPI(
        title="Aurum Solar API",
        version="0.1.0",
        description="Solar advisor, estimates, leads, partners and analytics.",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        # No redirect from /path/ to /path: it would be built from the request's Host.
        redirect_slashes=False,
        # The interactive docs and the schema: on in development, off elsewhere unless
        # DOCS_ENABLED (the SPAs' clients come from `aurum openapi`, not from here).
        docs_url="/docs" if settings.docs_are_public else None,
        redoc_url="/redoc" if settings.docs_are_public else None,
        openapi_url="/openapi.json" if settings.docs_are_public else None,
    )
    app.state.settings = settings
    app.state.metrics = Metrics()
    app.state.web_vitals = WebVitals(app.state.metrics)  # the public site's, on /metrics
    app.state.started_monotonic = time.monotonic()  # uptime, in /admin/system
    app.state.instance_id = system_service.new_instance_id()

    install_error_handlers(app)
    app.include_router(health.router)
    for router in (solar_router, conversation_router, leads_router):
        app.include_router(
            router,
            prefix=API_PREFIX,
            dependencies=[PublicRateLimit],
            responses=responses(RateLimited),
        )
    # The public site's events: a quota of their own (RATE_LIMIT_EVENTS), not the chat's.
    app.include_router(analytics_router, prefix=API_PREFIX)
    # Staff routes: identity from app/admin, each domain's own staff views beside it.
    # 403 also when ADMIN_IP_ALLOWLIST refuses the client's address.
    app.include_router(auth_api, prefix=API_PREFIX, responses=responses(Forbidden))
    for router in (
        leads_admin_router,
        conversation_admin_router,
        partners_admin_router,
        privacy_admin_router,
        webhooks_admin_router,
        analytics_admin_router,
        live_admin_router,
        system_admin_router,
        identity_api,
    ):
        app.include_router(router, prefix=f"{API_PREFIX}/admin", responses=responses(Forbidden))
    app.include_router(b2b_router, prefix=API_PREFIX)  # partners, by API key (app/partners)
    app.include_router(webhooks_b2b_router, prefix=API_PREFIX)  # their webhooks (app/webhooks)
    # The lead detail shows the chats behind a lead; leads/ cannot import conversation/.
    app.state.lead_chats = conversation_queries.chats_for_lead

    # The edge, innermost first (each add_middleware wraps what is there): RateLimit-*
    # headers; body limits and NUL checks; the admin IP allow-list; CORS per audience (so
    # the refusals above still carry CORS headers a browser can read); host validation;
    # security headers on every response. See app/core/edge.py.
    private = (f"{API_PREFIX}/admin", f"{API_PREFIX}/auth")
    partner = (f"{API_PREFIX}/b2b",)
    app.add_middleware(RateLimitHeadersMiddleware)
    app.add_middleware(
        RequestGuardMiddleware,
        default_limit=settings.max_public_body_bytes,
        limits=[((*private, *partner), settings.max_body_bytes)],
    )
    app.add_middleware(
        AdminIPAllowlistMiddleware, allowlist=settings.admin_ip_allowlist, guarded_prefixes=private
    )
    app.add_middleware(
        AudienceCORSMiddleware,
        audiences=[
            Audience("staff", private, frozenset(settings.cors_admin_origins), credentials=True),
            Audience("partner", partner, frozenset(), credentials=False),
            Audience("public", (), frozenset(settings.cors_origins), credentials=True),
        ],
    )
    app.add_middleware(HostValidationMiddleware, allowed=settings.allowed_hosts)
    app.add_middleware(
        SecurityHeadersMiddleware, private_prefixes=private, hsts=not settings.is_development
    )
    # Outermost: ids, metrics and access logs see every response, errors included.
    app.add_middleware(RequestContextMiddleware, metrics=app.state.metrics)
    return app


_default_app: FastAPI | None = None


def __getattr__(name: str) -> FastAPI:
    """`app.main:app`, for `uvicorn app.main:app` and other ASGI servers: the app
    create_app() builds from the environment and .env. Built on first access, not at
    import, so importing this module (tests, `aurum openapi`) reads no settings."""
    global _default_app
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if _default_app is None:
        _default_app = create_app()
    return _default_app

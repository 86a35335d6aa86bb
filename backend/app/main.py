"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute

from app.admin.router import router as admin_router
from app.conversation.advisor import Advisor
from app.conversation.router import router as conversation_router
from app.core import health
from app.core.cache import build_store
from app.core.config import Settings, get_settings
from app.core.db import Database
from app.core.errors import RateLimited, install_error_handlers, responses
from app.core.http_security import AdminIPAllowlistMiddleware, SecurityHeadersMiddleware
from app.core.logging import configure_logging
from app.core.middleware import Metrics, RequestContextMiddleware
from app.core.ratelimit import PublicRateLimit, RateLimitHeadersMiddleware, build_rate_limiter
from app.leads.router import router as leads_router
from app.solar.engine import SolarConfig
from app.solar.router import router as solar_router
from app.solar.tables import reference_data

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
        app.state.solar_config = SolarConfig.from_settings(settings)
        reference_data()  # ZIPs and stations (~1 s, once per process): at start, not on a request
        if not hasattr(app.state, "advisor"):  # tests may install their own
            app.state.advisor = Advisor(settings, app.state.solar_config)
        try:
            yield
        finally:
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
    )
    app.state.settings = settings
    app.state.metrics = Metrics()

    install_error_handlers(app)
    app.include_router(health.router)
    for router in (solar_router, conversation_router, leads_router):
        app.include_router(
            router,
            prefix=API_PREFIX,
            dependencies=[PublicRateLimit],
            responses=responses(RateLimited),
        )
    app.include_router(admin_router, prefix=API_PREFIX)  # /auth and /admin

    # Admin access and security: RateLimit-* headers, the admin IP allow-list (inside
    # CORS, so a refusal still carries CORS headers) and security headers.
    private = (f"{API_PREFIX}/admin", f"{API_PREFIX}/auth")
    app.add_middleware(RateLimitHeadersMiddleware)
    app.add_middleware(
        AdminIPAllowlistMiddleware, allowlist=settings.admin_ip_allowlist, guarded_prefixes=private
    )
    app.add_middleware(
        SecurityHeadersMiddleware, private_prefixes=private, hsts=not settings.is_development
    )

    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=True,
        allow_methods=["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"],
        allow_headers=[
            "Authorization",
            "Content-Type",
            "Idempotency-Key",
            "X-Conversation-Token",
            "X-Request-ID",
            "Accept",
        ],
        expose_headers=[
            "X-Request-ID",
            "Retry-After",
            "RateLimit-Limit",
            "RateLimit-Remaining",
            "RateLimit-Reset",
            "Content-Disposition",
        ],
        max_age=600,
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

"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import asyncio
import hmac
import time
from typing import Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.core.cache import ResilientStore
from app.core.db import Database, utcnow
from app.core.errors import NotFound, Unauthorized
from app.core.security import TokenError, decode_access_token

router = APIRouter(tags=["health"])

CheckStatus = Literal["ok", "unavailable"]


class Liveness(BaseModel):
    status: Literal["ok"]


class Check(BaseModel):
    status: CheckStatus
    backend: str
    latency_ms: float | None = None
    error: str | None = None
    fallback: str | None = None


class Readiness(BaseModel):
    status: Literal["ok", "degraded", "unavailable"]
    checks: dict[str, Check]
    degraded: list[str] = []


@router.get("/health", response_model=Liveness)
async def liveness() -> dict[str, Any]:
    """The process is up. Does no I/O, so it answers even when dependencies do not."""
    return {"status": "ok"}


async def _timed(probe: Any, within_seconds: float) -> tuple[float, str | None]:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(probe(), within_seconds)
    except Exception as exc:
        return (time.perf_counter() - started) * 1000, f"{type(exc).__name__}: {exc}"[:300]
    return (time.perf_counter() - started) * 1000, None


@router.get(
    "/health/ready",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "The database is unreachable."}},
)
async def readiness(request: Request) -> JSONResponse:
    """Ready to serve: 503 when the database is down; `degraded` (still 200) when only
    Redis is down and the in-process fallback serves, so a load balancer keeps routing.
    Each check's `error` is shown only with an admin's access token."""
    db: Database = request.app.state.db
    store = request.app.state.store

    db_ms, db_error = await _timed(db.ping, 2.0)
    cache_ms, cache_error = await _timed(store.ping, 1.0)

    checks = {
        "database": Check(
            status="unavailable" if db_error else "ok",
            backend=db.backend,
            latency_ms=round(db_ms, 2),
            error=db_error,
        ),
        "cache": Check(
            status="unavailable" if cache_error else "ok",
            backend=store.name,
            latency_ms=round(cache_ms, 2),
            error=cache_error,
            fallback="memory" if isinstance(store, ResilientStore) and cache_error else None,
        ),
    }
    if not _is_admin(request):
        # Status for everyone; the raw errors (hosts, ports, driver messages) only for
        # a signed-in admin.
        for check in checks.values():
            check.error = None
    degraded = [store.name] if cache_error else []
    if db_error:
        status, code = "unavailable", 503
    elif degraded:
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    body = Readiness(status=status, checks=checks, degraded=degraded)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=code)


def _is_admin(request: Request) -> bool:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    try:
        claims = decode_access_token(token, request.app.state.settings, now=utcnow())
    except TokenError:
        return False
    return claims.role == "admin" and claims.expires_at > utcnow()


def require_metrics_access(request: Request) -> None:
    """``METRICS_TOKEN`` set: its bearer token is required. Unset: open in development
    and test, absent (404) elsewhere, so production never publishes it by accident."""
    settings = request.app.state.settings
    if settings.metrics_token:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.encode(), settings.metrics_token.encode()
        ):
            raise Unauthorized(
                "Send the metrics token as a bearer token.",
                code="metrics_token_required",
                headers={"WWW-Authenticate": "Bearer"},
            )
    elif settings.environment not in ("development", "test"):
        raise NotFound("No route matches GET /metrics.", code="not_found")


@router.get(
    "/metrics",
    dependencies=[Depends(require_metrics_access)],
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format."}},
)
async def metrics(request: Request) -> Response:
    """Request counts and latency histograms per route and the database pool, in
    Prometheus text format; with several server processes, summed over all of them."""
    body, media_type = request.app.state.metrics.render()
    return Response(body, media_type=media_type)

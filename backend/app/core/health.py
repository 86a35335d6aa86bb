"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.core.cache import ResilientStore
from app.core.db import Database

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
    Redis is down and the in-process fallback serves, so a load balancer keeps routing."""
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
    degraded = [store.name] if cache_error else []
    if db_error:
        status, code = "unavailable", 503
    elif degraded:
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    body = Readiness(status=status, checks=checks, degraded=degraded)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=code)


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format."}},
)
async def metrics(request: Request) -> Response:
    """Request counts and latency histograms per route and the database pool, in
    Prometheus text format; with several server processes, summed over all of them."""
    body, media_type = request.app.state.metrics.render()
    return Response(body, media_type=media_type)

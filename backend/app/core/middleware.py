"""Pure ASGI middleware: request ids, Prometheus metrics and one access log line.

With several server processes (``aurum serve --workers N``) the metrics run in
Prometheus's multiprocess mode: every process writes its samples to files in
``PROMETHEUS_MULTIPROC_DIR`` and a scrape of any one of them reads all the files, so
one scrape sums the workers instead of showing whichever answered.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.metrics_core import Metric
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.logging import request_id_var

access_logger = logging.getLogger("aurum.access")

REQUEST_ID_HEADER = "x-request-id"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
UNMATCHED_ROUTE = "<unmatched>"

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare_multiprocess_metrics(workers: int) -> Path | None:
    """Called once by the supervising process before it starts its workers: with more
    than one worker, give them a shared, empty metrics directory (a fresh temporary one
    unless PROMETHEUS_MULTIPROC_DIR names one). Samples of an earlier run are removed so
    counters start from zero with the server. Returns the directory, if any."""
    configured = os.environ.get(MULTIPROCESS_ENV)
    if not configured and workers <= 1:
        return None
    directory = Path(configured or tempfile.mkdtemp(prefix="aurum-metrics-"))
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    os.environ[MULTIPROCESS_ENV] = str(directory)  # inherited by the workers it spawns
    return directory


def multiprocess_directory() -> str | None:
    return os.environ.get(MULTIPROCESS_ENV) or None


class Metrics:
    """The API's Prometheus collectors, in a registry of their own per app."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "aurum_http_requests_total",
            "HTTP requests by method, route template and status code.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "aurum_http_request_duration_seconds",
            "HTTP request latency by method and route template.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        # Per process, summed over the live ones in multiprocess mode.
        self.pool_checked_out = Gauge(
            "aurum_db_pool_checked_out_connections",
            "Database connections in use (checked out of the pool).",
            registry=self.registry,
            multiprocess_mode="livesum",
        )
        self.pool_capacity = Gauge(
            "aurum_db_pool_capacity_connections",
            "Most database connections the pool may open (pool size plus overflow).",
            registry=self.registry,
            multiprocess_mode="livesum",
        )

    def watch_pool(self, engine: AsyncEngine) -> None:
        """Follow an engine's pool: connections in use and the most it may open."""
        pool = engine.sync_engine.pool
        size = pool.size() if hasattr(pool, "size") else 1
        # QueuePool keeps its overflow limit private; the pools without one have none.
        self.pool_capacity.set(size + max(getattr(pool, "_max_overflow", 0), 0))

        @event.listens_for(pool, "checkout")
        def _checked_out(_dbapi: Any, _record: Any, _proxy: Any) -> None:
            self.pool_checked_out.inc()

        @event.listens_for(pool, "checkin")
        def _checked_in(_dbapi: Any, _record: Any) -> None:
            self.pool_checked_out.dec()

    def render(self) -> tuple[bytes, str]:
        """The text a scrape gets: this registry, or every process's samples."""
        directory = multiprocess_directory()
        if directory is None:
            return generate_latest(self.registry), CONTENT_TYPE_LATEST
        combined = CollectorRegistry()
        multiprocess.MultiProcessCollector(combined, path=directory)
        return generate_latest(combined), CONTENT_TYPE_LATEST

    def collect(self) -> Iterable[Metric]:
        """The metric families a scrape would show (every process's, when several)."""
        directory = multiprocess_directory()
        if directory is None:
            return self.registry.collect()
        combined = CollectorRegistry()
        multiprocess.MultiProcessCollector(combined, path=directory)
        return combined.collect()

    def processes(self) -> int:
        """Server processes whose samples ``collect`` sums (the live ones)."""
        directory = multiprocess_directory()
        if directory is None:
            return 1
        live = {path.stem.rsplit("_", 1)[-1] for path in Path(directory).glob("gauge_livesum_*.db")}
        return max(1, len(live))

    def process_exits(self) -> None:
        """At shutdown: drop this process's live gauges from the shared samples."""
        if multiprocess_directory() is not None:
            multiprocess.mark_process_dead(os.getpid())


def _route_template(scope: Scope) -> str:
    # Newer FastAPI keeps included routers as lazy nodes: ``scope["route"]`` is then the
    # route as its router declared it ("/leads"), and the template with the prefixes it
    # was included under ("/api/v1/admin/leads") is on the effective route context.
    context = (scope.get("fastapi") or {}).get("effective_route_context")
    full_path = getattr(context, "path", None)
    if full_path:
        return full_path
    route = scope.get("route")
    path = getattr(route, "path", None)
    if path:
        return scope.get("root_path", "") + path if scope.get("root_path") else path
    return UNMATCHED_ROUTE


class RequestContextMiddleware:
    """Gives every request an id (kept from `X-Request-ID` when sane), measures it,
    and logs it once with its route template, status and duration."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        incoming = None
        for name, value in scope.get("headers", ()):
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        request_id = (
            incoming if incoming and _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        )
        token = request_id_var.set(request_id)
        status_code = 500
        started = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_template(scope)
            method = scope["method"]
            self.metrics.requests.labels(method, route, str(status_code)).inc()
            self.metrics.latency.labels(method, route).observe(elapsed)
            if route not in ("/health", "/metrics"):
                access_logger.info(
                    "request",
                    extra={
                        "method": method,
                        "path": scope["path"],
                        "route": route,
                        "status": status_code,
                        "duration_ms": round(elapsed * 1000, 2),
                    },
                )
            request_id_var.reset(token)

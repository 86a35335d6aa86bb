"""What ``GET /admin/system`` reports, each part from where it lives.

- Routes: the request counter and latency histogram of ``app.core.middleware.Metrics``
  (the same samples as ``/metrics``, summed over the server processes in multiprocess
  mode), since the processes started. p50/p95 are read from the histogram buckets the
  way Prometheus's ``histogram_quantile`` does (linear within a bucket), so they are as
  fine as the buckets.
- Database: a ``SELECT 1`` round trip and the pool of this process.
- Redis: a ``PING`` round trip (or ``not_configured``) and the store's hit rate.
- Worker: outbox events and webhook deliveries waiting, how long the oldest due one has
  waited, deliveries held, and when a periodic job last finished.
- Instances: each API instance appends a heartbeat to a recent log in the shared store
  every ``HEARTBEAT_SECONDS``; the distinct ones of the last ``HEARTBEAT_WINDOW``
  seconds are the instances (with Redis, all of them; without, this one).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.analytics import vitals
from app.core.cache import ResilientStore
from app.core.db import Database
from app.core.jobs import JobRun
from app.core.middleware import Metrics
from app.core.outbox import OutboxEvent
from app.system.schemas import (
    DatabaseHealth,
    Pool,
    RedisHealth,
    RouteStats,
    WebVital,
    WorkerHealth,
)
from app.webhooks.models import WebhookDelivery

logger = logging.getLogger("aurum.system")

HEARTBEATS = "system:instances"
HEARTBEAT_SECONDS = 10.0
HEARTBEAT_WINDOW = 30.0


# --- routes ----------------------------------------------------------------------------------


def quantile(q: float, buckets: list[tuple[float, float]]) -> float | None:
    """The ``q`` quantile of a cumulative histogram ``[(upper bound, count), ...]``
    (sorted, ending with +Inf), interpolated linearly within its bucket."""
    if not buckets or buckets[-1][1] <= 0:
        return None
    rank = q * buckets[-1][1]
    lower, below = 0.0, 0.0
    for upper, cumulative in buckets:
        if cumulative >= rank:
            if upper == float("inf"):
                return lower  # beyond the largest bound: the best we know
            inside = cumulative - below
            share = (rank - below) / inside if inside else 0.0
            return lower + (upper - lower) * share
        lower, below = upper, cumulative
    return lower


def route_stats(metrics: Metrics) -> list[RouteStats]:
    requests: dict[tuple[str, str], dict[str, float]] = defaultdict(
        lambda: {"all": 0.0, "5xx": 0.0, "4xx": 0.0}
    )
    buckets: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for family in metrics.collect():
        for sample in family.samples:
            if sample.name == "aurum_http_requests_total":
                key = (sample.labels["method"], sample.labels["route"])
                status = sample.labels["status"]
                requests[key]["all"] += sample.value
                if status.startswith("5"):
                    requests[key]["5xx"] += sample.value
                elif status.startswith("4"):
                    requests[key]["4xx"] += sample.value
            elif sample.name == "aurum_http_request_duration_seconds_bucket":
                key = (sample.labels["method"], sample.labels["route"])
                buckets[key].append((float(sample.labels["le"]), sample.value))
    rows = []
    for (method, route), counts in requests.items():
        histogram = sorted(buckets.get((method, route), []))
        p50, p95 = quantile(0.5, histogram), quantile(0.95, histogram)
        total = int(counts["all"])
        rows.append(
            RouteStats(
                method=method,
                route=route,
                requests=total,
                errors=int(counts["5xx"]),
                client_errors=int(counts["4xx"]),
                error_rate=counts["5xx"] / total if total else None,
                p50_ms=round(p50 * 1000, 2) if p50 is not None else None,
                p95_ms=round(p95 * 1000, 2) if p95 is not None else None,
            )
        )
    rows.sort(key=lambda r: (-r.requests, r.route, r.method))
    return rows


# --- database and Redis ----------------------------------------------------------------------


async def _round_trip(probe: Any, within_seconds: float) -> float | None:
    """Milliseconds ``probe()`` took, or None when it failed or took too long."""
    started = time.perf_counter()
    try:
        await asyncio.wait_for(probe(), within_seconds)
    except Exception as exc:
        logger.warning("health probe failed", extra={"error": f"{type(exc).__name__}: {exc}"})
        return None
    return round((time.perf_counter() - started) * 1000, 2)


async def database_health(db: Database) -> DatabaseHealth:
    latency = await _round_trip(db.ping, 2.0)
    pool = db.engine.sync_engine.pool

    def _read(name: str) -> int | None:
        reader = getattr(pool, name, None)
        return int(reader()) if callable(reader) else None

    overflow = _read("overflow")
    return DatabaseHealth(
        status="up" if latency is not None else "down",
        backend=db.backend,
        latency_ms=latency,
        # QueuePool counts unopened capacity as negative overflow: none in use is 0.
        pool=Pool(
            size=_read("size"),
            checked_out=_read("checkedout"),
            overflow=max(0, overflow) if overflow is not None else None,
        ),
    )


async def redis_health(store: Any) -> RedisHealth:
    stats = getattr(store, "stats", None)
    hit_rate = stats.hit_rate if stats is not None else None
    if not isinstance(store, ResilientStore):
        return RedisHealth(status="not_configured", latency_ms=None, cache_hit_rate=hit_rate)
    latency = await _round_trip(store.ping, 1.0)
    return RedisHealth(
        status="up" if latency is not None else "down",
        latency_ms=latency,
        cache_hit_rate=hit_rate,
    )


# --- the worker ------------------------------------------------------------------------------


async def worker_health(session: AsyncSession, now: datetime) -> WorkerHealth:
    outbox_waiting, outbox_oldest_due = (
        await session.execute(
            sa.select(
                sa.func.count(),
                sa.func.min(sa.case((OutboxEvent.available_at <= now, OutboxEvent.available_at))),
            ).where(OutboxEvent.processed_at.is_(None))
        )
    ).one()
    deliveries = dict(
        (
            await session.execute(
                sa.select(WebhookDelivery.status, sa.func.count())
                .where(WebhookDelivery.status.in_(("pending", "held")))
                .group_by(WebhookDelivery.status)
            )
        ).all()
    )
    delivery_oldest_due = await session.scalar(
        sa.select(sa.func.min(WebhookDelivery.next_attempt_at)).where(
            WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now
        )
    )
    last_job = await session.scalar(sa.select(sa.func.max(JobRun.finished_at)))
    due = [_aware(t) for t in (outbox_oldest_due, delivery_oldest_due) if t is not None]
    return WorkerHealth(
        queue_depth=int(outbox_waiting or 0) + int(deliveries.get("pending", 0)),
        oldest_pending_seconds=round((now - min(due)).total_seconds(), 1) if due else None,
        held_deliveries=int(deliveries.get("held", 0)),
        last_job_finished_at=_aware(last_job) if last_job is not None else None,
    )


def _aware(value: datetime | str) -> datetime:
    """Aggregates (min, max) come back without the column's type on SQLite."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# --- instances -------------------------------------------------------------------------------


async def beat(store: Any, instance_id: str) -> None:
    await store.append_recent(HEARTBEATS, json.dumps({"instance": instance_id}), keep=10_000)


async def heartbeats(store: Any, instance_id: str, stop: asyncio.Event) -> None:
    """Tell the other instances this one is up, until ``stop``."""
    while not stop.is_set():
        try:
            await beat(store, instance_id)
        except Exception:
            logger.exception("heartbeat failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), HEARTBEAT_SECONDS)


async def instances(store: Any, instance_id: str) -> int:
    since_ms = int((time.time() - HEARTBEAT_WINDOW) * 1000)
    seen = {instance_id}
    try:
        for _entry_id, raw in await store.read_recent(
            HEARTBEATS, after=f"{since_ms}-0", limit=10_000
        ):
            seen.add(json.loads(raw).get("instance", ""))
    except Exception:
        logger.exception("could not read the heartbeats")
    seen.discard("")
    return len(seen)


def new_instance_id() -> str:
    return uuid.uuid4().hex[:12]


# --- web vitals ------------------------------------------------------------------------------


def web_vitals_summary(app: Any) -> list[WebVital]:
    """p75 and count of LCP, INP and CLS from the public site's reports (the histograms
    ``app.analytics.vitals`` keeps, also on ``/metrics``)."""
    return [WebVital.model_validate(vital) for vital in vitals.snapshot(app)]

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class RouteStats(BaseModel):
    method: str
    route: str = Field(description="The route template, e.g. /api/v1/admin/leads/{lead_id}.")
    requests: int
    errors: int = Field(description="Answers with a 5xx status.")
    client_errors: int = Field(description="Answers with a 4xx status.")
    error_rate: float | None = Field(description="errors / requests (null with no requests).")
    p50_ms: float | None
    p95_ms: float | None


class Pool(BaseModel):
    size: int | None
    checked_out: int | None
    overflow: int | None


class DatabaseHealth(BaseModel):
    status: Literal["up", "down"]
    backend: str
    latency_ms: float | None
    pool: Pool


class RedisHealth(BaseModel):
    status: Literal["up", "down", "not_configured"]
    latency_ms: float | None
    cache_hit_rate: float | None = Field(
        description="Share of cache lookups that found a value, in this process."
    )


class WorkerHealth(BaseModel):
    queue_depth: int = Field(description="Outbox events and webhook deliveries waiting.")
    oldest_pending_seconds: float | None = Field(
        description="How long the oldest due item has waited (the worker's lag)."
    )
    held_deliveries: int = Field(description="Webhook deliveries held (not being sent).")
    last_job_finished_at: datetime | None = None


class WebVital(BaseModel):
    name: Literal["LCP", "INP", "CLS"]
    p75: float | None
    count: int


class SystemHealth(BaseModel):
    uptime_seconds: float = Field(description="Since this API process started.")
    instances: int = Field(description="API instances seen in the last 30 s (Redis: all).")
    processes: int = Field(description="Server processes of the instance that answered.")
    routes: list[RouteStats] = Field(description="Since start, summed over the processes.")
    database: DatabaseHealth
    redis: RedisHealth
    worker: WorkerHealth
    web_vitals: list[WebVital]
    live_feed_streams: int = Field(description="Live feed streams open on this process.")

"""``/admin/system``: latency and errors per route, the database, Redis, the worker's
queue and uptime, for the dashboard's system-health page (manager role or higher)."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request

from app.admin.deps import ManagerAccess
from app.core.db import SessionDep
from app.core.errors import Forbidden, RateLimited, Unauthorized, responses
from app.system import service
from app.system.schemas import SystemHealth

router = APIRouter(prefix="/system", tags=["admin_system"])


@router.get(
    "",
    response_model=SystemHealth,
    responses=responses(Unauthorized, Forbidden, RateLimited),
)
async def system_health(
    request: Request, session: SessionDep, principal: ManagerAccess
) -> SystemHealth:
    """How the platform is doing: per-route request counts, 5xx rate and p50/p95 latency
    since start (all server processes of this instance), database and Redis round trips,
    the database pool, the cache hit rate, the worker's queue depth and lag, held webhook
    deliveries, uptime and the public site's Core Web Vitals."""
    state = request.app.state
    return SystemHealth(
        uptime_seconds=round(time.monotonic() - state.started_monotonic, 1),
        instances=await service.instances(state.store, state.instance_id),
        processes=state.metrics.processes(),
        routes=service.route_stats(state.metrics),
        database=await service.database_health(state.db),
        redis=await service.redis_health(state.store),
        worker=await service.worker_health(session, principal.now),
        web_vitals=service.web_vitals_summary(request.app),
        live_feed_streams=state.live_feed.listeners,
    )

"""Analytics' background work.

- ``analytics.rebuild_recent`` (daily): rebuild today and the ``ANALYTICS_REBUILD_DAYS``
  days before it from the raw rows, a safety net under the rollups the selling
  transactions keep (a row written outside the services, a bug fixed since), and forget
  the visit-session hashes of days before yesterday.
"""

from __future__ import annotations

from datetime import timedelta

from app.analytics import events, service
from app.core.jobs import JobContext, JobResult, PeriodicJob


async def rebuild_recent(ctx: JobContext) -> JobResult:
    today = ctx.now.date()
    start = today - timedelta(days=ctx.settings.analytics_rebuild_days)
    rebuilt = await service.rebuild(ctx.session_factory, start, today, via="worker")
    async with ctx.session_factory() as session:
        forgotten = await events.forget_visits(session, before=today - timedelta(days=1))
    return {
        "from": start.isoformat(),
        "days": rebuilt.days,
        "rows": rebuilt.rows,
        "visit_hashes_deleted": forgotten,
    }


PERIODIC = [
    PeriodicJob(
        "analytics.rebuild_recent",
        timedelta(days=1),
        rebuild_recent,
        "Rebuild the last ANALYTICS_REBUILD_DAYS days of rollups from the raw rows; "
        "forget old visit-session hashes.",
    )
]

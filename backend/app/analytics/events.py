"""The public site's events: funnel steps counted per day, source and campaign, and web
vitals into histograms. Nothing per person is stored: a batch becomes increments of
daily counters, and a visit's session id only a keyed hash for the day (to count each
session's visit once), deleted two days later by ``analytics.tasks``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.analytics.models import FunnelDaily, VisitSession
from app.analytics.rollups import label
from app.analytics.schemas import EventBatch
from app.analytics.vitals import WebVitals

STEP_OF = {
    "page_view": "visit",
    "chat_started": "chat_started",
    "estimate_shown": "estimate_shown",
    "contact_given": "contact_given",
    "consented": "consented",
}


def session_hash(secret: str, day: date, session: str) -> str:
    message = f"{day.isoformat()}:{session}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _insert(session: AsyncSession):  # type: ignore[no-untyped-def]
    dialect = session.bind.dialect.name if session.bind is not None else "postgresql"
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


async def _first_visit(session: AsyncSession, day: date, hashed: str) -> bool:
    statement = (
        _insert(session)(VisitSession)
        .values(day=day, session_hash=hashed)
        .on_conflict_do_nothing(index_elements=["day", "session_hash"])
        .returning(VisitSession.day)
    )
    return (await session.execute(statement)).first() is not None


async def record(
    session: AsyncSession, batch: EventBatch, *, now: datetime, secret: str, vitals: WebVitals
) -> int:
    """Count ``batch``'s events (in the caller's transaction); how many were accepted."""
    day = now.date()
    counts: Counter[tuple[str, str, str]] = Counter()
    visited = False
    for event in batch.events:
        if event.type == "web_vital":
            assert event.name is not None and event.value is not None  # the schema checks
            vitals.observe(event.name, event.value)
            continue
        step = STEP_OF[event.type]
        if step == "visit":
            if visited:
                continue
            visited = True
            if not await _first_visit(session, day, session_hash(secret, day, batch.session)):
                continue
        counts[(step, label(event.source), label(event.campaign))] += 1
    await add_counts(session, day, counts)
    return len(batch.events)


async def add_counts(
    session: AsyncSession, day: date, counts: Counter[tuple[str, str, str]]
) -> None:
    """Add ``counts`` ((step, source label, campaign label) -> n) to ``day``'s funnel."""
    if not counts:
        return
    rows = [
        {"day": day, "step": step, "source": source, "campaign": campaign, "count": count}
        for (step, source, campaign), count in sorted(counts.items())
    ]
    statement = _insert(session)(FunnelDaily).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=["day", "step", "source", "campaign"],
        set_={"count": FunnelDaily.count + statement.excluded["count"]},
    )
    await session.execute(statement)


async def forget_visits(session: AsyncSession, before: date) -> int:
    result = await session.execute(sa.delete(VisitSession).where(VisitSession.day < before))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]

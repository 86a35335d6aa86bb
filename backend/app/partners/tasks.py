"""The selling side's background work.

- ``partners.distribute`` (outbox consumer): a lead became sellable -> offer it now.
  The lead's own transaction wrote the event, so the homeowner's last turn never waits
  for a sale, and a lead is never forgotten if a process dies.
- ``partners.reoffer`` (outbox consumer): a partner was added, resumed or changed what
  it buys -> offer the open unsold leads again.
- ``partners.reoffer_open_leads`` (every 15 minutes): caps reset at each partner's own
  midnight and month start, balances get topped up: offer the open leads again; leads
  past their 72-hour window become ``unsold`` with the reason.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import outbox
from app.core.jobs import Consumer, JobContext, JobResult, PeriodicJob
from app.core.outbox import OutboxEvent
from app.leads.models import Lead
from app.partners.distribution import (
    LEAD_SELLABLE,
    PARTNERS_CHANGED,
    offer_lead,
)

REOFFER_BATCH = 200


async def distribute(session: AsyncSession, event: OutboxEvent, ctx: JobContext) -> None:
    await offer_lead(
        session, uuid.UUID(event.payload["lead_id"]), now=ctx.now, settings=ctx.settings
    )


async def open_leads(session: AsyncSession, ctx: JobContext, limit: int) -> list[uuid.UUID]:
    """Sellable leads still in their offer window, least recently offered first."""
    statement = (
        sa.select(Lead.id)
        .where(
            Lead.status == "new",
            Lead.offer_until.is_not(None),
            sa.or_(Lead.duplicate_state.is_(None), Lead.duplicate_state == "kept_apart"),
            Lead.erased_at.is_(None),
        )
        .order_by(Lead.last_offered_at.nulls_first(), Lead.id)
        .limit(limit)
    )
    return list((await session.execute(statement)).scalars())


async def reoffer(session: AsyncSession, event: OutboxEvent, ctx: JobContext) -> None:
    """Queue every open lead for another offer (each in its own transaction)."""
    for lead_id in await open_leads(session, ctx, limit=10_000):
        outbox.publish(
            session, LEAD_SELLABLE, key=lead_id, payload={"lead_id": str(lead_id)}, now=ctx.now
        )


async def reoffer_open_leads(ctx: JobContext) -> JobResult:
    offered = sold = expired = 0
    stale = ctx.now - timedelta(minutes=10)
    async with ctx.session_factory() as session:
        candidates = await open_leads(session, ctx, limit=REOFFER_BATCH)
    for lead_id in candidates:
        async with ctx.session_factory() as session:
            lead = await session.get(Lead, lead_id)
            if lead is None or (lead.last_offered_at and lead.last_offered_at > stale):
                continue
            outcome = await offer_lead(session, lead_id, now=ctx.now, settings=ctx.settings)
            offered += 1
            if outcome.sale_ids:
                sold += 1
            elif lead.status == "unsold":
                expired += 1
    return {"offered": offered, "sold": sold, "unsold": expired}


CONSUMERS = [
    Consumer("partners.distribute", (LEAD_SELLABLE,), distribute),
    Consumer("partners.reoffer", (PARTNERS_CHANGED,), reoffer, batch=5),
]

PERIODIC = [
    PeriodicJob(
        "partners.reoffer_open_leads",
        timedelta(minutes=15),
        reoffer_open_leads,
        "Offer unsold leads again (caps reset, balances topped up); mark expired ones unsold.",
    )
]

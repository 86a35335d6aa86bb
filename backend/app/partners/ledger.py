"""Money: every movement is a ledger entry; the balance is their sum.

``post`` adds an entry and moves ``partners.balance_cents`` by the same amount in the
same transaction; the caller holds the partner row's lock (``lock_partner``), so two
sales at once see each other's charge.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import NotFound
from app.partners.models import LedgerEntry, Partner


async def lock_partner(session: AsyncSession, partner_id: uuid.UUID) -> Partner:
    """The partner, its row locked until the transaction ends (PostgreSQL; SQLite's
    write transactions are serialised already)."""
    partner = (
        await session.execute(
            sa.select(Partner)
            .where(Partner.id == partner_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()
    if partner is None:
        raise NotFound("No partner has this id.", code="partner_not_found")
    return partner


async def post(
    session: AsyncSession,
    partner: Partner,
    *,
    kind: str,
    amount_cents: int,
    at: datetime,
    sale_id: uuid.UUID | None = None,
    return_id: uuid.UUID | None = None,
    note: str | None = None,
    created_by: uuid.UUID | None = None,
) -> LedgerEntry:
    partner.balance_cents += amount_cents
    entry = LedgerEntry(
        id=uuid.uuid4(),
        partner_id=partner.id,
        kind=kind,
        amount_cents=amount_cents,
        balance_after_cents=partner.balance_cents,
        sale_id=sale_id,
        return_id=return_id,
        note=note,
        created_by=created_by,
        created_at=at,
    )
    session.add(entry)
    return entry


async def ledger_sum(session: AsyncSession, partner_id: uuid.UUID) -> int:
    total = await session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_cents), 0)).where(
            LedgerEntry.partner_id == partner_id
        )
    )
    return int(total or 0)

"""Sales and returns for the staff-side tests, made by the real distribution and returns
code (no worker: the lead is offered in the test's own transaction)."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.models import AuditLog
from app.core.config import Settings
from app.core.db import utcnow
from app.leads.models import Lead
from app.partners import returns, service
from app.partners.distribution import offer_lead
from app.partners.models import LeadReturn, LeadSale, Partner
from tests.partners.support import CLI, make_partner


async def sell(
    session: AsyncSession, lead_id: uuid.UUID, settings: Settings, now: datetime | None = None
) -> list[LeadSale]:
    """Offer the lead to the active partners now; the sales made, cheapest buyer last."""
    await offer_lead(session, lead_id, now=now or utcnow(), settings=settings)
    await session.commit()
    return list(
        (
            await session.execute(
                sa.select(LeadSale)
                .where(LeadSale.lead_id == lead_id)
                .order_by(LeadSale.price_cents.desc(), LeadSale.id)
            )
        ).scalars()
    )


async def file_return(
    session: AsyncSession,
    settings: Settings,
    sale: LeadSale,
    *,
    reason: str = "bad_contact",
    note: str | None = "The number does not answer.",
) -> LeadReturn:
    partner = await session.get(Partner, sale.partner_id)
    assert partner is not None
    claim = await returns.file_return(
        session, partner, sale.lead_id, reason=reason, note=note, now=utcnow(), settings=settings
    )
    await session.commit()
    return claim


async def only_these_partners_buy(session: AsyncSession) -> None:
    """Other tests' partners are rolled back; pause any committed outside a test."""
    await session.execute(sa.update(Partner).values(status="paused"))


async def audit_entries(
    session: AsyncSession, action: str, target_id: uuid.UUID | str
) -> list[AuditLog]:
    return list(
        (
            await session.execute(
                sa.select(AuditLog)
                .where(AuditLog.action == action, AuditLog.target_id == str(target_id))
                .order_by(AuditLog.at, AuditLog.id)
            )
        ).scalars()
    )


async def selling_records(
    app: FastAPI, session: AsyncSession, lead: Lead, *, note: str | None = None
) -> dict[str, uuid.UUID]:
    """A partner that bought ``lead``, one of its API keys and its pending return of the
    lead (with ``note``): the ids the staff routes of selling take."""
    await only_these_partners_buy(session)
    partner = await make_partner(session)
    (sale,) = await sell(session, lead.id, app.state.settings)
    issued = await service.issue_key(
        session, partner.id, name="prod", scopes=["leads:read"], who=CLI
    )
    claim = await file_return(session, app.state.settings, sale, **({"note": note} if note else {}))
    return {"partner_id": partner.id, "key_id": issued.key.id, "return_id": claim.id}

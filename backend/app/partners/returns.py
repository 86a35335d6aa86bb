"""Returns and outcomes: the partner's side of a sale after it is made.

A return arrives with the platform's own evidence (the consent records with their
disclosure, IP and time; the submissions; the chats; any duplicate links) so a manager
decides on facts, not on the partner's word. Accepted: the price goes back to the
partner's balance as a ledger credit, the sale is marked returned, and the lead becomes
``returned`` once every buyer has returned it.

Rules a partner meets when filing: within ``RETURN_WINDOW_DAYS`` (7) of the sale, and at
most ``RETURN_CAP_PCT`` (15 %) of the month's purchases (at least one return a month).
"""

from __future__ import annotations

import hashlib
import math
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.audit.service import Action, record
from app.analytics import rollups as analytics
from app.core import events as live
from app.core import outbox
from app.core.config import Settings
from app.core.errors import Conflict, NotFound, ValidationFailed
from app.leads.lifecycle import change_status
from app.leads.models import ConsentRecord, Lead, LeadSubmission
from app.partners import ledger
from app.partners.distribution import period_starts, usage_of
from app.partners.models import (
    OUTCOMES,
    RETURN_REASONS,
    LeadOutcome,
    LeadReturn,
    LeadSale,
    Partner,
)
from app.partners.service import Who

RETURN_DECIDED = "lead.return_decided"
RETURN_FILED = "return.filed"
CLOCK_SKEW = timedelta(minutes=5)


async def sale_of(session: AsyncSession, partner_id: uuid.UUID, lead_id: uuid.UUID) -> LeadSale:
    """The sale of ``lead_id`` to this partner; 404 otherwise (another partner's lead
    looks exactly like one that does not exist)."""
    sale = (
        await session.execute(
            sa.select(LeadSale).where(
                LeadSale.partner_id == partner_id, LeadSale.lead_id == lead_id
            )
        )
    ).scalar_one_or_none()
    if sale is None:
        raise NotFound("No lead with this id was sold to you.", code="lead_not_found")
    return sale


async def evidence_for(session: AsyncSession, lead: Lead) -> dict[str, Any]:
    consents = (
        await session.execute(
            sa.select(ConsentRecord)
            .where(ConsentRecord.lead_id == lead.id)
            .order_by(ConsentRecord.given_at)
        )
    ).scalars()
    submissions = (
        await session.execute(
            sa.select(LeadSubmission)
            .where(LeadSubmission.lead_id == lead.id)
            .order_by(LeadSubmission.submitted_at)
        )
    ).scalars()
    later = (
        await session.execute(sa.select(Lead.id).where(Lead.duplicate_of_id == lead.id))
    ).scalars()
    return {
        "lead_created_at": lead.created_at.isoformat(),
        "consents": [
            {
                "id": str(c.id),
                "source": c.source,
                "given_at": c.given_at.isoformat(),
                "disclosure_version": c.disclosure_version,
                "disclosure_sha256": hashlib.sha256(c.disclosure_text.encode()).hexdigest(),
                "max_buyers": c.max_buyers,
                "ip": c.ip,
                "user_agent": c.user_agent,
                "conversation_id": str(c.conversation_id) if c.conversation_id else None,
            }
            for c in consents
        ],
        "submissions": [
            {
                "id": str(s.id),
                "source": s.source,
                "submitted_at": s.submitted_at.isoformat(),
                "conversation_id": str(s.conversation_id) if s.conversation_id else None,
            }
            for s in submissions
        ],
        "duplicate_of": str(lead.duplicate_of_id) if lead.duplicate_of_id else None,
        "duplicate_state": lead.duplicate_state,
        "later_possible_duplicates": [str(i) for i in later],
    }


def returns_allowed(purchases: int, cap_pct: float) -> int:
    """Returns a partner may file in a month with ``purchases`` leads bought so far."""
    return max(1, math.floor(purchases * cap_pct / 100))


@dataclass(frozen=True)
class Allowance:
    """This month's returns of a partner (its own calendar): how many it may file, has
    filed (pending or accepted), and the purchases the cap is counted from."""

    allowed: int
    filed: int
    purchases: int


async def return_allowance(
    session: AsyncSession, partner: Partner, now: datetime, settings: Settings
) -> Allowance:
    month_start = period_starts(now, partner.timezone)["month"]
    since = datetime.combine(month_start, time.min, ZoneInfo(partner.timezone))
    purchases = (await usage_of(session, [partner], now))[partner.id].month
    filed = await session.scalar(
        sa.select(sa.func.count())
        .select_from(LeadReturn)
        .where(
            LeadReturn.partner_id == partner.id,
            LeadReturn.status != "rejected",
            LeadReturn.filed_at >= since,
        )
    )
    return Allowance(
        allowed=returns_allowed(purchases, settings.return_cap_pct),
        filed=int(filed or 0),
        purchases=purchases,
    )


async def file_return(
    session: AsyncSession,
    partner: Partner,
    lead_id: uuid.UUID,
    *,
    reason: str,
    note: str | None,
    now: datetime,
    settings: Settings,
) -> LeadReturn:
    if reason not in RETURN_REASONS:
        raise ValidationFailed(
            f"reason is one of: {', '.join(RETURN_REASONS)}.",
            code="invalid_return_reason",
            details={"reasons": list(RETURN_REASONS)},
        )
    partner = await ledger.lock_partner(session, partner.id)  # one return at a time
    sale = await sale_of(session, partner.id, lead_id)
    existing = await session.scalar(sa.select(LeadReturn).where(LeadReturn.sale_id == sale.id))
    if existing is not None:
        raise Conflict(
            f"You already returned this lead ({existing.status}).",
            code="return_exists",
            details={"return_id": str(existing.id), "status": existing.status},
        )
    closes = sale.sold_at + timedelta(days=settings.return_window_days)
    if now > closes:
        raise Conflict(
            f"Returns close {settings.return_window_days} days after the sale; this one "
            f"closed at {closes.isoformat()}.",
            code="return_window_closed",
            details={"sold_at": sale.sold_at.isoformat(), "closed_at": closes.isoformat()},
        )
    allowance = await return_allowance(session, partner, now, settings)
    if allowance.filed + 1 > allowance.allowed:
        raise Conflict(
            f"Returns are capped at {settings.return_cap_pct:g}% of this month's purchases "
            f"({allowance.allowed} of {allowance.purchases}); you have filed "
            f"{allowance.filed}.",
            code="return_cap_reached",
            details={
                "allowed": allowance.allowed,
                "filed": allowance.filed,
                "purchases": allowance.purchases,
            },
        )
    lead = await session.get(Lead, lead_id)
    assert lead is not None  # the sale refers to it
    claim = LeadReturn(
        id=uuid.uuid4(),
        sale_id=sale.id,
        partner_id=partner.id,
        lead_id=lead_id,
        reason=reason,
        note=note,
        evidence=await evidence_for(session, lead),
        status="pending",
        filed_at=now,
    )
    session.add(claim)
    await session.flush()
    outbox.publish(
        session,
        RETURN_FILED,
        key=claim.id,
        payload={"return_id": str(claim.id), "partner_id": str(partner.id), "reason": reason},
        now=now,
    )
    live.publish_after_commit(
        session,
        live.RETURN_REQUESTED,
        {
            "return_id": claim.id,
            "lead_id": lead_id,
            "sale_id": sale.id,
            "partner_id": partner.id,
            "partner_name": partner.name,
            "reason": reason,
            "price_cents": sale.price_cents,
        },
        at=now,
    )
    await record(
        session,
        action=Action.RETURN_FILED,
        at=now,
        target_type="return",
        target_id=claim.id,
        details={"via": "partner", "partner_id": str(partner.id), "reason": reason},
    )
    return claim


async def decide_return(
    session: AsyncSession, return_id: uuid.UUID, *, accept: bool, note: str | None, who: Who
) -> LeadReturn:
    claim = (
        await session.execute(
            sa.select(LeadReturn).where(LeadReturn.id == return_id).with_for_update()
        )
    ).scalar_one_or_none()
    if claim is None:
        raise NotFound("No return has this id.", code="return_not_found")
    if claim.status != "pending":
        raise Conflict(
            f"This return was already {claim.status}.",
            code="return_decided",
            details={"status": claim.status},
        )
    sale = await session.get(LeadSale, claim.sale_id)
    assert sale is not None
    claim.status = "accepted" if accept else "rejected"
    claim.decided_at = who.at
    claim.decided_by = who.user.id if who.user else None
    claim.decision_note = note
    if accept:
        partner = await ledger.lock_partner(session, claim.partner_id)
        await ledger.post(
            session,
            partner,
            kind="return_credit",
            amount_cents=sale.price_cents,
            at=who.at,
            sale_id=sale.id,
            return_id=claim.id,
            note=f"return accepted ({claim.reason})",
            created_by=claim.decided_by,
        )
        claim.credit_cents = sale.price_cents
        sale.status = "returned"
        live.publish_after_commit(
            session,
            live.LEAD_RETURNED,
            {
                "return_id": claim.id,
                "lead_id": sale.lead_id,
                "sale_id": sale.id,
                "partner_id": partner.id,
                "partner_name": partner.name,
                "reason": claim.reason,
                "credit_cents": claim.credit_cents,
            },
            at=who.at,
        )
        await session.flush()
        await analytics.return_accepted(session, sale, claim)
        remaining = await session.scalar(
            sa.select(sa.func.count())
            .select_from(LeadSale)
            .where(LeadSale.lead_id == sale.lead_id, LeadSale.status != "returned")
        )
        if not remaining:
            lead = await session.get(Lead, sale.lead_id)
            assert lead is not None
            await change_status(
                session,
                lead,
                "returned",
                actor="system",
                reason="every buyer returned it",
                at=who.at,
                user=who.user,
                ip=who.ip,
            )
    outbox.publish(
        session,
        RETURN_DECIDED,
        key=claim.id,
        payload={
            "return_id": str(claim.id),
            "sale_id": str(sale.id),
            "lead_id": str(sale.lead_id),
            "partner_id": str(claim.partner_id),
            "status": claim.status,
        },
        now=who.at,
    )
    await record(
        session,
        action=Action.RETURN_DECIDED,
        at=who.at,
        actor=who.user,
        target_type="return",
        target_id=claim.id,
        ip=who.ip,
        details={
            "via": who.via,
            "decision": claim.status,
            "partner_id": str(claim.partner_id),
            "credit_cents": claim.credit_cents,
        },
    )
    await session.flush()
    return claim


async def record_outcome(
    session: AsyncSession,
    partner: Partner,
    lead_id: uuid.UUID,
    *,
    outcome: str,
    occurred_at: datetime,
    note: str | None,
    now: datetime,
) -> LeadOutcome:
    if outcome not in OUTCOMES:
        raise ValidationFailed(f"outcome is one of: {', '.join(OUTCOMES)}.", code="invalid_outcome")
    sale = await sale_of(session, partner.id, lead_id)
    if occurred_at > now + CLOCK_SKEW:
        raise ValidationFailed("An outcome cannot happen in the future.", code="outcome_in_future")
    if occurred_at < sale.sold_at - CLOCK_SKEW:
        raise ValidationFailed(
            "An outcome cannot happen before you bought the lead.", code="outcome_before_sale"
        )
    row = LeadOutcome(
        id=uuid.uuid4(),
        sale_id=sale.id,
        partner_id=partner.id,
        lead_id=lead_id,
        outcome=outcome,
        occurred_at=occurred_at,
        recorded_at=now,
        note=note,
    )
    session.add(row)
    await session.flush()
    await analytics.outcome_recorded(session, sale, row)
    return row

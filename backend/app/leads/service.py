"""Lead rules: scoring, de-duplication, consent records, staff changes.

Services only flush; the request's session commits (docs/architecture.md, "Transactions").
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.audit.service import Action, record
from app.admin.deps import Principal
from app.core.db import utcnow
from app.core.errors import NotFound
from app.leads.consent import CONSENT_DISCLOSURE, CONSENT_VERSION
from app.leads.lifecycle import SOLD_STATUSES, check_transition
from app.leads.models import ConsentRecord, Lead
from app.leads.scoring import score_lead

DEDUPE_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class LeadDetails:
    """A homeowner's validated, normalised answers (from the chat or the form)."""

    first_name: str
    last_name: str
    email: str
    phone: str
    zip_code: str
    city: str | None
    state: str
    homeowner: bool
    property_type: str
    monthly_bill_usd: float
    roof_type: str
    shade: str
    credit_band: str
    timeline: str
    street_address: str | None = None
    battery_interest: bool | None = None
    estimate: dict[str, Any] | None = None
    utm: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ConsentEvidence:
    source: str  # chat | form
    ip: str | None
    user_agent: str | None
    conversation_id: uuid.UUID | None = None
    disclosure_text: str = CONSENT_DISCLOSURE
    disclosure_version: str = CONSENT_VERSION


@dataclass(frozen=True)
class LeadOutcome:
    lead: Lead
    created: bool  # False: an existing lead from the last 30 days was updated instead


def _lock_key(kind: str, value: str) -> int:
    digest = hashlib.sha256(f"lead:{kind}:{value}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def _lock_contacts(session: AsyncSession, email: str, phone: str) -> None:
    """Serialise submissions that share an email or phone, so two at once cannot both
    miss each other and create two sellable leads. PostgreSQL: transaction-scoped
    advisory locks (taken in a fixed order: no deadlock). SQLite: every write
    transaction already holds the database lock (BEGIN IMMEDIATE)."""
    if session.bind is None or session.bind.dialect.name != "postgresql":
        return
    for key in sorted({_lock_key("email", email), _lock_key("phone", phone)}):
        await session.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))


async def find_recent_duplicate(session: AsyncSession, email: str, phone: str) -> Lead | None:
    since = utcnow() - DEDUPE_WINDOW
    statement = (
        sa.select(Lead)
        .where(sa.or_(Lead.email == email, Lead.phone == phone), Lead.created_at >= since)
        .order_by(Lead.created_at.desc())
        .limit(1)
        .with_for_update()
    )
    return (await session.execute(statement)).scalar_one_or_none()


def _apply(lead: Lead, details: LeadDetails) -> None:
    score = score_lead(
        homeowner=details.homeowner,
        property_type=details.property_type,
        monthly_bill_usd=details.monthly_bill_usd,
        credit_band=details.credit_band,
        shade=details.shade,
        roof_type=details.roof_type,
        timeline=details.timeline,
    )
    lead.first_name = details.first_name
    lead.last_name = details.last_name
    lead.email = details.email
    lead.phone = details.phone
    lead.street_address = details.street_address or lead.street_address
    lead.city = details.city
    lead.state = details.state
    lead.zip_code = details.zip_code
    lead.homeowner = details.homeowner
    lead.property_type = details.property_type
    lead.monthly_bill_cents = round(details.monthly_bill_usd * 100)
    lead.roof_type = details.roof_type
    lead.shade = details.shade
    lead.credit_band = details.credit_band
    lead.timeline = details.timeline
    if details.battery_interest is not None or lead.battery_interest is None:
        lead.battery_interest = details.battery_interest
    lead.estimate = details.estimate or lead.estimate
    lead.score = score.score
    lead.tier = score.tier
    lead.score_factors = score.factors_json()
    lead.unqualified_reason = score.unqualified_reason
    if lead.status not in SOLD_STATUSES:
        qualified_status = "new" if score.qualified else "unqualified"
        if qualified_status != lead.status:
            check_transition(lead.status, qualified_status, "system")
        lead.status = qualified_status


async def submit_lead(
    session: AsyncSession, details: LeadDetails, consent: ConsentEvidence
) -> LeadOutcome:
    """Create a lead with its consent record, or update the one the same email or phone
    created within the last 30 days (the newer details win; no second sellable lead)."""
    await _lock_contacts(session, details.email, details.phone)
    existing = await find_recent_duplicate(session, details.email, details.phone)
    if existing is not None:
        _apply(existing, details)
        existing.submission_count += 1
        if details.utm and not existing.utm:
            existing.utm = details.utm
        lead, created = existing, False
    else:
        lead = Lead(source=consent.source, utm=details.utm, submission_count=1, status="new")
        _apply(lead, details)
        session.add(lead)
        created = True
    await session.flush()
    session.add(
        ConsentRecord(
            lead_id=lead.id,
            conversation_id=consent.conversation_id,
            source=consent.source,
            disclosure_version=consent.disclosure_version,
            disclosure_text=consent.disclosure_text,
            given_at=utcnow(),
            ip=consent.ip,
            user_agent=(consent.user_agent or "")[:512] or None,
        )
    )
    await session.flush()
    return LeadOutcome(lead, created)


async def get_lead(session: AsyncSession, lead_id: uuid.UUID) -> Lead:
    lead = await session.get(Lead, lead_id)
    if lead is None:
        raise NotFound("No lead has this id.", code="lead_not_found")
    return lead


async def update_lead(
    session: AsyncSession,
    lead_id: uuid.UUID,
    *,
    actor: Principal,
    status: str | None,
    notes: str | None,
    notes_sent: bool,
) -> Lead:
    """A staff member changes a lead's status (per the transition table) or notes."""
    lead = await get_lead(session, lead_id)
    changes: dict[str, Any] = {}
    if status is not None and status != lead.status:
        check_transition(lead.status, status, "staff")
        changes["status"] = {"from": lead.status, "to": status}
        lead.status = status
    if notes_sent and (notes or None) != lead.notes:
        # Notes may quote the homeowner: the log says that they changed, not what they say.
        changes["notes"] = {"from_length": len(lead.notes or ""), "to_length": len(notes or "")}
        lead.notes = notes or None
    if not changes:
        return lead
    lead.updated_at = actor.now
    await session.flush()
    await record(
        session,
        action=Action.LEAD_UPDATE,
        at=actor.now,
        actor=actor.user,
        target_type="lead",
        target_id=lead.id,
        ip=actor.ip,
        details={"changes": changes},
    )
    return lead

"""Lead rules: scoring, de-duplication, consent records, staff changes.

Services only flush; the request's session commits (docs/architecture.md, "Transactions").
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.audit.service import Action, record
from app.admin.deps import Principal
from app.analytics import rollups as analytics
from app.core import events as live
from app.core.db import utcnow
from app.core.errors import Conflict, NotFound
from app.core.outbox import publish
from app.leads.consent import CONSENT_DISCLOSURE, CONSENT_VERSION, DEFAULT_MAX_BUYERS
from app.leads.lifecycle import UNSOLD_STATUSES, change_status, check_transition, is_sellable
from app.leads.models import ConsentRecord, Lead, LeadSubmission
from app.leads.scoring import Score, score_lead

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

    def answers(self) -> dict[str, Any]:
        """Everything the homeowner said in this submission, as given (JSON)."""
        return {
            name: getattr(self, name)
            for name in (
                "first_name",
                "last_name",
                "email",
                "phone",
                "street_address",
                "zip_code",
                "city",
                "state",
                "homeowner",
                "property_type",
                "monthly_bill_usd",
                "roof_type",
                "shade",
                "credit_band",
                "timeline",
                "battery_interest",
                "utm",
            )
        }


@dataclass(frozen=True)
class ConsentEvidence:
    source: str  # chat | form
    ip: str | None
    user_agent: str | None
    conversation_id: uuid.UUID | None = None
    disclosure_text: str = CONSENT_DISCLOSURE
    disclosure_version: str = CONSENT_VERSION
    max_buyers: int = DEFAULT_MAX_BUYERS


@dataclass(frozen=True)
class LeadOutcome:
    lead: Lead
    created: bool  # False: a submission was added to the same person's earlier lead
    submission: LeadSubmission


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


async def recent_matches(session: AsyncSession, email: str, phone: str) -> list[Lead]:
    """Leads of the last 30 days sharing the email or the phone, newest first."""
    since = utcnow() - DEDUPE_WINDOW
    statement = (
        sa.select(Lead)
        .where(sa.or_(Lead.email == email, Lead.phone == phone), Lead.created_at >= since)
        .order_by(Lead.created_at.desc(), Lead.id.desc())
        .limit(20)
        .with_for_update()
    )
    return list((await session.execute(statement)).scalars())


def same_person(lead: Lead, details: LeadDetails) -> bool:
    """One person is one email *and* one phone. Sharing only one of them (a household's
    landline, a shared family address) is someone else until a manager says otherwise."""
    return lead.email == details.email and lead.phone == details.phone


def _qualify(lead: Lead, details: LeadDetails) -> Score:
    """Set the lead's qualification answers and score from ``details`` (never its
    contact details: those are the person's, fixed at the first submission)."""
    score = score_lead(
        homeowner=details.homeowner,
        property_type=details.property_type,
        monthly_bill_usd=details.monthly_bill_usd,
        credit_band=details.credit_band,
        shade=details.shade,
        roof_type=details.roof_type,
        timeline=details.timeline,
    )
    lead.homeowner = details.homeowner
    lead.property_type = details.property_type
    lead.monthly_bill_cents = round(details.monthly_bill_usd * 100)
    lead.roof_type = details.roof_type
    lead.shade = details.shade
    lead.credit_band = details.credit_band
    lead.timeline = details.timeline
    if details.battery_interest is not None or lead.battery_interest is None:
        lead.battery_interest = details.battery_interest
    if details.estimate and details.zip_code == lead.zip_code:
        lead.estimate = details.estimate
    lead.score = score.score
    lead.tier = score.tier
    lead.score_factors = score.factors_json()
    lead.unqualified_reason = score.unqualified_reason
    return score


def _new_lead(details: LeadDetails, consent: ConsentEvidence) -> tuple[Lead, Score]:
    lead = Lead(
        id=uuid.uuid4(),
        source=consent.source,
        utm=details.utm,
        submission_count=1,
        first_name=details.first_name,
        last_name=details.last_name,
        email=details.email,
        phone=details.phone,
        street_address=details.street_address,
        city=details.city,
        state=details.state,
        zip_code=details.zip_code,
        estimate=details.estimate,
    )
    score = _qualify(lead, details)
    lead.status = "new" if score.qualified else "unqualified"
    return lead, score


async def submit_lead(
    session: AsyncSession,
    details: LeadDetails,
    consent: ConsentEvidence,
    *,
    now: datetime | None = None,
) -> LeadOutcome:
    """Record a homeowner's request for quotes, with its consent record and submission.

    - The same person (same email and phone) within 30 days: a new submission of their
      lead. Its answers update the lead's qualification only while the lead is unsold;
      the lead's contact details never change.
    - The email or the phone alone matches an earlier lead: a new lead, linked to that
      one as a possible duplicate (kept out of sale until a manager resolves it).
    - Otherwise a new lead.

    ``now``: the time it happens (the demo data backdates; everyone else, the clock).
    """
    now = now or utcnow()
    await _lock_contacts(session, details.email, details.phone)
    matches = await recent_matches(session, details.email, details.phone)
    person = next((lead for lead in matches if same_person(lead, details)), None)
    was_sellable: bool | None = None
    before: analytics.Deltas | None = None  # what the lead added to the rollups so far
    if person is not None:
        lead, created = person, False
        before = await analytics.snapshot(session, lead)
        was_sellable = is_sellable(lead)
        applied = lead.status in UNSOLD_STATUSES and lead.duplicate_state != "merged"
        if applied:
            score = _qualify(lead, details)
            if lead.status in ("new", "unqualified"):
                await change_status(
                    session,
                    lead,
                    "new" if score.qualified else "unqualified",
                    actor="system",
                    reason="resubmitted",
                    at=now,
                )
        lead.submission_count += 1
        lead.updated_at = now
        if details.utm and not lead.utm:
            lead.utm = details.utm
    else:
        lead, _score = _new_lead(details, consent)
        lead.created_at = lead.updated_at = now
        if matches:
            earlier = matches[0]
            lead.duplicate_of_id = earlier.id
            lead.duplicate_state = "suspected"
            lead.duplicate_reason = "same_email" if earlier.email == details.email else "same_phone"
        session.add(lead)
        created, applied = True, True
    await session.flush()
    record_ = ConsentRecord(
        id=uuid.uuid4(),
        lead_id=lead.id,
        conversation_id=consent.conversation_id,
        source=consent.source,
        disclosure_version=consent.disclosure_version,
        disclosure_text=consent.disclosure_text,
        max_buyers=consent.max_buyers,
        given_at=now,
        ip=consent.ip,
        user_agent=(consent.user_agent or "")[:512] or None,
    )
    session.add(record_)
    await session.flush()
    submission = LeadSubmission(
        id=uuid.uuid4(),
        lead_id=lead.id,
        consent_record_id=record_.id,
        conversation_id=consent.conversation_id,
        source=consent.source,
        submitted_at=now,
        answers=details.answers(),
        applied=applied,
        ip=consent.ip,
        user_agent=record_.user_agent,
    )
    session.add(submission)
    if is_sellable(lead) and (created or was_sellable is False):
        announce_sellable(session, lead, now)
    await session.flush()
    await analytics.lead_changed(session, lead, before)
    if created:
        live.publish_after_commit(
            session,
            live.LEAD_CREATED,
            {
                "lead_id": lead.id,
                "first_name": lead.first_name,
                "last_name": lead.last_name,
                "city": lead.city,
                "state": lead.state,
                "zip_code": lead.zip_code,
                "tier": lead.tier,
                "score": lead.score,
                "status": lead.status,
                "source": lead.source,
            },
            at=now,
        )
    return LeadOutcome(lead, created, submission)


LEAD_SELLABLE = "lead.sellable"


def announce_sellable(session: AsyncSession, lead: Lead, now: datetime) -> None:
    """Tell the selling side (in this transaction) that the lead may be offered now."""
    publish(session, LEAD_SELLABLE, key=lead.id, payload={"lead_id": str(lead.id)}, now=now)


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
        if is_sellable(lead):
            announce_sellable(session, lead, actor.now)
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


async def resolve_duplicate(
    session: AsyncSession,
    lead_id: uuid.UUID,
    *,
    decision: str,
    note: str | None,
    actor: Principal,
) -> Lead:
    """A manager's decision on a suspected duplicate: merge it (the same person) or keep
    it apart (someone else)."""
    lead = await get_lead(session, lead_id)
    if lead.duplicate_state != "suspected":
        raise Conflict(
            "This lead is not waiting for a duplicate decision.",
            code="not_a_suspected_duplicate",
            details={"duplicate_state": lead.duplicate_state},
        )
    if decision == "merge":
        await change_status(
            session,
            lead,
            "duplicate",
            actor="system",
            reason="merged",
            at=actor.now,
            user=actor.user,
            ip=actor.ip,
            details={"duplicate_of": str(lead.duplicate_of_id)},
        )
        lead.duplicate_state = "merged"
    else:
        lead.duplicate_state = "kept_apart"
        if is_sellable(lead):
            announce_sellable(session, lead, actor.now)
    lead.updated_at = actor.now
    await session.flush()
    await record(
        session,
        action=Action.LEAD_DUPLICATE_RESOLVED,
        at=actor.now,
        actor=actor.user,
        target_type="lead",
        target_id=lead.id,
        ip=actor.ip,
        details={
            "decision": decision,
            "duplicate_of": str(lead.duplicate_of_id),
            "reason": lead.duplicate_reason,
            "note_length": len(note or ""),
        },
    )
    return lead

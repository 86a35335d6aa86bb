"""Erasing a person from their leads, on request.

The lead stays (its sales, returns and the revenue figures refer to it) with every
contact detail gone: names blank, email, phone, street and notes null, UTM tags dropped
(they may carry an email), the consent records' IP and user agent cleared and the
submissions' contact answers removed. ``erased_at`` marks it; the database lets a sold
lead change only this way.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.analytics import rollups as analytics
from app.core import masking
from app.leads.models import ConsentRecord, Lead, LeadSubmission

CONTACT_ANSWERS = ("first_name", "last_name", "email", "phone", "street_address", "utm")


def contact_of(lead: Lead) -> dict[str, str | None]:
    return {
        "first_name": lead.first_name,
        "last_name": lead.last_name,
        "email": lead.email,
        "phone": lead.phone,
        "street_address": lead.street_address,
    }


async def find_person(session: AsyncSession, email: str | None, phone: str | None) -> list[Lead]:
    conditions = []
    if email:
        conditions.append(Lead.email == email)
    if phone:
        conditions.append(Lead.phone == phone)
    if not conditions:
        return []
    statement = sa.select(Lead).where(sa.or_(*conditions)).order_by(Lead.created_at)
    return list((await session.execute(statement.with_for_update())).scalars())


async def erase_lead(session: AsyncSession, lead: Lead, *, at: datetime) -> None:
    known = masking.contact_values(contact_of(lead))
    before = await analytics.snapshot(session, lead)  # the UTM tags go: so does attribution
    for consent in (
        await session.execute(sa.select(ConsentRecord).where(ConsentRecord.lead_id == lead.id))
    ).scalars():
        consent.ip = None
        consent.user_agent = None
        consent.disclosure_text = masking.redact_text(consent.disclosure_text, known)
    for submission in (
        await session.execute(sa.select(LeadSubmission).where(LeadSubmission.lead_id == lead.id))
    ).scalars():
        submission.answers = {
            key: value for key, value in submission.answers.items() if key not in CONTACT_ANSWERS
        }
        submission.ip = None
        submission.user_agent = None
    lead.first_name = ""
    lead.last_name = ""
    lead.email = None
    lead.phone = None
    lead.street_address = None
    lead.notes = None
    lead.utm = {}
    lead.erased_at = at
    lead.updated_at = at
    await analytics.lead_changed(session, lead, before)

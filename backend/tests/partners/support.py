"""Making partners and leads for the selling tests, through the real services."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import utcnow
from app.leads.consent import disclosure, version_of
from app.leads.service import ConsentEvidence, LeadDetails, LeadOutcome, submit_lead
from app.partners import service
from app.partners.models import API_KEY_SCOPES, Partner

CLI = service.Who(via="cli", at=utcnow())


def prices(exclusive: int | None = None, shared: int | None = None) -> dict[str, Any]:
    row = {"exclusive": exclusive, "shared": shared}
    return {"A": row, "B": row, "C": row}


async def make_partner(
    session: AsyncSession,
    *,
    name: str | None = None,
    states: tuple[str, ...] = ("AZ",),
    exclusive: int | None = 10_000,
    shared: int | None = 4_000,
    balance: int = 1_000_000,
    **fields: Any,
) -> Partner:
    who = service.Who(via="cli", at=utcnow())
    partner = await service.create_partner(
        session,
        {
            "name": name or f"Installer {uuid.uuid4().hex[:6]}",
            "service_area": {"states": list(states)},
            "prices": prices(exclusive, shared),
            "timezone": "America/Phoenix",
            **fields,
        },
        who,
    )
    if balance:
        await service.topup(session, partner.id, amount_cents=balance, who=who)
    return partner


def lead_details(**overrides: Any) -> LeadDetails:
    tag = uuid.uuid4().hex[:10]
    base: dict[str, Any] = {
        "first_name": "Pat",
        "last_name": "Lee",
        "email": f"pat.{tag}@example.com",
        "phone": f"+1602555{int(tag[:6], 16) % 10000:04d}",
        "zip_code": "85004",
        "city": "Phoenix",
        "state": "AZ",
        "homeowner": True,
        "property_type": "single_family",
        "monthly_bill_usd": 220.0,
        "roof_type": "asphalt_shingle",
        "shade": "none",
        "credit_band": "excellent",
        "timeline": "asap",
    }
    base.update(overrides)
    return LeadDetails(**base)


async def make_lead(session: AsyncSession, *, max_buyers: int = 3, **overrides: Any) -> LeadOutcome:
    text = disclosure(max_buyers)
    return await submit_lead(
        session,
        lead_details(**overrides),
        ConsentEvidence(
            source="form",
            ip="203.0.113.5",
            user_agent="pytest",
            disclosure_text=text,
            disclosure_version=version_of(text),
            max_buyers=max_buyers,
        ),
    )


ALL_SCOPES = list(API_KEY_SCOPES)


async def make_key(
    session: AsyncSession,
    partner: Partner,
    *,
    scopes: list[str] | None = None,
    expires_at: Any = None,
) -> str:
    """A live API key of ``partner`` (the whole secret)."""
    issued = await service.issue_key(
        session,
        partner.id,
        name="test key",
        scopes=ALL_SCOPES if scopes is None else scopes,
        who=service.Who(via="cli", at=utcnow()),
        expires_at=expires_at,
    )
    return issued.secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}

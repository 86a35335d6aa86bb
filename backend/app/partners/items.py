"""A sold lead as its buyer sees it, built in one place.

``lead_item`` makes the ``B2BLead`` of one sale: the JSON page item, the NDJSON line and
the ``data`` of a webhook delivery. ``csv_row`` flattens it into ``CSV_COLUMNS``; the
PostgreSQL export computes the same columns in SQL (``exports.COPY_COLUMNS``), and a
test holds the two to the same values.

What a partner gets: the sale, the person and their answers, the estimate summary, the
score and its factors, the receipt, the proof of consent given before the sale, and its
own return and outcomes. Never staff notes, marketing attribution or duplicate links.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.leads.models import ConsentRecord, Lead
from app.partners.b2b_schemas import (
    B2BAddress,
    B2BAnswers,
    B2BConsent,
    B2BContact,
    B2BEstimate,
    B2BLead,
    B2BOutcome,
    B2BReceipt,
    B2BReturn,
    B2BSale,
)
from app.partners.models import LeadOutcome, LeadReturn, LeadSale

# The columns of a sale and its lead that a partner's view is made of (plain rows, not
# ORM objects: a million-row export accumulates nothing in a session).
SALE_ROW = (
    LeadSale.id.label("sale_id"),
    LeadSale.lead_id,
    LeadSale.sold_at,
    LeadSale.price_cents,
    LeadSale.exclusive,
    LeadSale.buyers,
    LeadSale.status.label("sale_status"),
    LeadSale.receipt,
    Lead.source,
    Lead.created_at.label("lead_created_at"),
    Lead.first_name,
    Lead.last_name,
    Lead.email,
    Lead.phone,
    Lead.street_address,
    Lead.city,
    Lead.state,
    Lead.zip_code,
    Lead.homeowner,
    Lead.property_type,
    Lead.monthly_bill_cents,
    Lead.roof_type,
    Lead.shade,
    Lead.credit_band,
    Lead.timeline,
    Lead.battery_interest,
    Lead.estimate,
    Lead.score,
    Lead.tier,
    Lead.score_factors,
)


def sales_select() -> sa.Select[Any]:
    return sa.select(*SALE_ROW).join(Lead, Lead.id == LeadSale.lead_id)


def usd_to_cents(value: Any) -> int | None:
    """Dollars (a JSON number) to whole cents, half away from zero, as PostgreSQL's
    ``round(numeric)`` does it."""
    if value is None:
        return None
    cents = (Decimal(str(value)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(cents)


def estimate_summary(estimate: Mapping[str, Any] | None) -> B2BEstimate | None:
    if not estimate:
        return None
    return B2BEstimate(
        system_size_kw=estimate.get("system_size_kw"),
        annual_production_kwh=estimate.get("annual_production_kwh"),
        gross_cost_cents=usd_to_cents(estimate.get("gross_cost_usd")),
        net_cost_cents=usd_to_cents(estimate.get("net_cost_usd")),
        year1_savings_cents=usd_to_cents(estimate.get("year1_savings_usd")),
        lifetime_savings_cents=usd_to_cents(estimate.get("lifetime_savings_usd")),
        payback_years=estimate.get("payback_years"),
    )


def consent_proof(consent: Any | None) -> B2BConsent | None:
    if consent is None:
        return None
    return B2BConsent(
        disclosure_version=consent.disclosure_version,
        disclosure_sha256=hashlib.sha256(consent.disclosure_text.encode()).hexdigest(),
        max_buyers=consent.max_buyers,
        given_at=consent.given_at,
        ip=consent.ip,
        user_agent=consent.user_agent,
        source=consent.source,
    )


def lead_item(
    row: Any,
    *,
    consent: Any | None,
    claim: Any | None,
    outcomes: Sequence[Any],
    return_window_days: int,
) -> B2BLead:
    """The partner's view of one sale. ``row`` has the ``SALE_ROW`` columns; ``consent``
    is the homeowner's last consent given before the sale, ``claim`` the partner's return
    of it, ``outcomes`` what it reported (oldest first)."""
    return B2BLead(
        lead_id=row.lead_id,
        source=row.source,
        created_at=row.lead_created_at,
        sale=B2BSale(
            id=row.sale_id,
            sold_at=row.sold_at,
            price_cents=row.price_cents,
            exclusive=row.exclusive,
            buyers=row.buyers,
            status=row.sale_status,
            returnable_until=row.sold_at + timedelta(days=return_window_days),
        ),
        contact=B2BContact(
            first_name=row.first_name,
            last_name=row.last_name,
            email=row.email,
            phone=row.phone,
        ),
        address=B2BAddress(
            street_address=row.street_address,
            city=row.city,
            state=row.state,
            zip_code=row.zip_code,
        ),
        answers=B2BAnswers(
            homeowner=row.homeowner,
            property_type=row.property_type,
            monthly_bill_cents=row.monthly_bill_cents,
            roof_type=row.roof_type,
            shade=row.shade,
            credit_band=row.credit_band,
            timeline=row.timeline,
            battery_interest=row.battery_interest,
        ),
        estimate=estimate_summary(row.estimate),
        score=row.score,
        tier=row.tier,
        score_factors=row.score_factors or [],
        receipt=B2BReceipt.model_validate(row.receipt),
        consent=consent_proof(consent),
        return_request=B2BReturn(
            id=claim.id,
            reason=claim.reason,
            note=claim.note,
            status=claim.status,
            filed_at=claim.filed_at,
            decided_at=claim.decided_at,
            decision_note=claim.decision_note,
            credit_cents=claim.credit_cents,
        )
        if claim is not None
        else None,
        outcomes=[
            B2BOutcome(
                id=o.id,
                outcome=o.outcome,
                occurred_at=o.occurred_at,
                recorded_at=o.recorded_at,
                note=o.note,
            )
            for o in outcomes
        ],
    )


async def items_for(
    session: AsyncSession, rows: Sequence[Any], *, return_window_days: int
) -> list[B2BLead]:
    """``lead_item`` for each sale row, with three queries for the whole batch."""
    if not rows:
        return []
    lead_ids = list({row.lead_id for row in rows})
    sale_ids = [row.sale_id for row in rows]
    consents: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for consent in await session.execute(
        sa.select(*ConsentRecord.__table__.c)
        .where(ConsentRecord.lead_id.in_(lead_ids))
        .order_by(ConsentRecord.given_at, ConsentRecord.id)
    ):
        consents[consent.lead_id].append(consent)
    claims = {
        claim.sale_id: claim
        for claim in await session.execute(
            sa.select(*LeadReturn.__table__.c).where(LeadReturn.sale_id.in_(sale_ids))
        )
    }
    outcomes: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for outcome in await session.execute(
        sa.select(*LeadOutcome.__table__.c)
        .where(LeadOutcome.sale_id.in_(sale_ids))
        .order_by(LeadOutcome.occurred_at, LeadOutcome.recorded_at, LeadOutcome.id)
    ):
        outcomes[outcome.sale_id].append(outcome)
    return [
        lead_item(
            row,
            consent=consent_before(consents[row.lead_id], row.sold_at),
            claim=claims.get(row.sale_id),
            outcomes=outcomes[row.sale_id],
            return_window_days=return_window_days,
        )
        for row in rows
    ]


def consent_before(consents: Sequence[Any], sold_at: datetime) -> Any | None:
    """The last consent given at or before the sale (``consents`` oldest first): the one
    the sale relied on, not a later repeat request."""
    given = [c for c in consents if c.given_at <= sold_at]
    return given[-1] if given else None


async def item_for_sale(
    session: AsyncSession, sale_id: uuid.UUID, *, return_window_days: int
) -> B2BLead | None:
    """One sale's item (a webhook delivery's ``data``), or None when there is no such sale."""
    row = (await session.execute(sales_select().where(LeadSale.id == sale_id))).first()
    if row is None:
        return None
    return (await items_for(session, [row], return_window_days=return_window_days))[0]


# --- the CSV --------------------------------------------------------------------------------


def csv_time(value: datetime | None) -> str | None:
    """One fixed format, with microseconds, so both databases write the same text."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def factors_text(item: B2BLead) -> str | None:
    """``ownership 25/25; credit 20/20; ...``: short enough for a spreadsheet cell."""
    if not item.score_factors:
        return None
    return "; ".join(f"{f.factor} {f.points}/{f.max_points}" for f in item.score_factors)


def csv_number(value: float | None) -> str | None:
    """The shortest text that reads back as the same float, without a trailing ``.0``:
    what PostgreSQL's ``float8`` output writes for the same number."""
    if value is None:
        return None
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


CSV_COLUMNS = [
    "lead_id",
    "sale_id",
    "sold_at",
    "price_cents",
    "exclusive",
    "buyers",
    "sale_status",
    "returnable_until",
    "source",
    "created_at",
    "first_name",
    "last_name",
    "email",
    "phone",
    "street_address",
    "city",
    "state",
    "zip_code",
    "homeowner",
    "property_type",
    "monthly_bill_cents",
    "roof_type",
    "shade",
    "credit_band",
    "timeline",
    "battery_interest",
    "system_size_kw",
    "annual_production_kwh",
    "gross_cost_cents",
    "net_cost_cents",
    "year1_savings_cents",
    "lifetime_savings_cents",
    "payback_years",
    "score",
    "tier",
    "score_factors",
    "receipt_mode",
    "receipt_price_rule",
    "receipt_area",
    "receipt_max_buyers_consented",
    "receipt_exclusive_cents",
    "receipt_shared_cents",
    "consent_disclosure_version",
    "consent_disclosure_sha256",
    "consent_max_buyers",
    "consent_given_at",
    "consent_ip",
    "consent_user_agent",
    "consent_source",
    "return_status",
    "return_reason",
    "return_filed_at",
    "return_credit_cents",
    "last_outcome",
    "last_outcome_at",
    "outcome_count",
]


def csv_row(item: B2BLead) -> list[Any]:
    """One CSV row (``CSV_COLUMNS``) of an item; ``core.csv_export`` writes it safely."""
    sale, answers, estimate, receipt = item.sale, item.answers, item.estimate, item.receipt
    consent, claim = item.consent, item.return_request
    last = item.outcomes[-1] if item.outcomes else None
    return [
        item.lead_id,
        sale.id,
        csv_time(sale.sold_at),
        sale.price_cents,
        sale.exclusive,
        sale.buyers,
        sale.status,
        csv_time(sale.returnable_until),
        item.source,
        csv_time(item.created_at),
        item.contact.first_name,
        item.contact.last_name,
        item.contact.email,
        item.contact.phone,
        item.address.street_address,
        item.address.city,
        item.address.state,
        item.address.zip_code,
        answers.homeowner,
        answers.property_type,
        answers.monthly_bill_cents,
        answers.roof_type,
        answers.shade.value,
        answers.credit_band,
        answers.timeline,
        answers.battery_interest,
        csv_number(estimate.system_size_kw) if estimate else None,
        csv_number(estimate.annual_production_kwh) if estimate else None,
        estimate.gross_cost_cents if estimate else None,
        estimate.net_cost_cents if estimate else None,
        estimate.year1_savings_cents if estimate else None,
        estimate.lifetime_savings_cents if estimate else None,
        csv_number(estimate.payback_years) if estimate else None,
        item.score,
        item.tier,
        factors_text(item),
        receipt.mode,
        receipt.price_rule,
        receipt.matched.get("area"),
        receipt.max_buyers_consented,
        receipt.compared_cents.get("exclusive"),
        receipt.compared_cents.get("shared"),
        consent.disclosure_version if consent else None,
        consent.disclosure_sha256 if consent else None,
        consent.max_buyers if consent else None,
        csv_time(consent.given_at) if consent else None,
        consent.ip if consent else None,
        consent.user_agent if consent else None,
        consent.source if consent else None,
        claim.status if claim else None,
        claim.reason if claim else None,
        csv_time(claim.filed_at) if claim else None,
        claim.credit_cents if claim else None,
        last.outcome if last else None,
        csv_time(last.occurred_at) if last else None,
        len(item.outcomes),
    ]

"""The staff read side of selling: partners with their figures, their API keys and
ledger, the sales, and the returns with the evidence beside each claim.

Everything the dashboard shows of a homeowner here goes through ``leads.queries`` (the
lead summary, its known PII values) and ``core.masking``, so an analyst sees a sold lead
exactly as masked as in the leads table. A partner's own details are business data and
shown to every staff role.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import masking
from app.core.errors import NotFound
from app.core.pagination import SortKey, next_cursor, page_query
from app.leads import queries as lead_queries
from app.leads.admin_schemas import ConsentOut
from app.leads.models import ConsentRecord, Lead, LeadSubmission
from app.partners import keys
from app.partners.admin_schemas import (
    ApiKeyOut,
    CapUsage,
    LedgerEntryOut,
    LedgerPage,
    OutcomeCount,
    PartnerDetail,
    PartnerOutcomes,
    PartnerRef,
    PartnerSummary,
    ReturnCounts,
    ReturnEvidence,
    ReturnOut,
    ReturnSale,
    SaleLead,
    SaleOut,
    TranscriptLink,
)
from app.partners.allocation import Usage, area_rule
from app.partners.distribution import terms_of, usage_of
from app.partners.models import (
    OUTCOMES,
    ApiKey,
    LeadOutcome,
    LeadReturn,
    LeadSale,
    LedgerEntry,
    Partner,
)
from app.partners.schemas import Caps, Filters, Prices, ServiceArea
from app.partners.service import get_partner

# Where the staff API shows one chat (the conversation domain's admin router).
CONVERSATION_HREF = "/api/v1/admin/conversations/{}"

LEDGER_SORT = SortKey(
    "-created_at", LedgerEntry.created_at, LedgerEntry.id, descending=True, kind=datetime
)
SALE_SORT = SortKey("-sold_at", LeadSale.sold_at, LeadSale.id, descending=True, kind=datetime)
RETURN_SORT = SortKey(
    "-filed_at", LeadReturn.filed_at, LeadReturn.id, descending=True, kind=datetime
)


# --- partners ------------------------------------------------------------------------------


async def _sales_counts(
    session: AsyncSession, partner_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    if not partner_ids:
        return {}
    rows = await session.execute(
        sa.select(LeadSale.partner_id, sa.func.count())
        .where(LeadSale.partner_id.in_(list(partner_ids)))
        .group_by(LeadSale.partner_id)
    )
    return {partner_id: int(count) for partner_id, count in rows.all()}


def _usage(usage: Usage) -> CapUsage:
    return CapUsage(
        day=usage.day,
        week=usage.week,
        month=usage.month,
        month_spend_cents=usage.month_spend_cents,
    )


def summary(partner: Partner, usage: Usage, sales_count: int) -> PartnerSummary:
    return PartnerSummary(
        id=partner.id,
        name=partner.name,
        status=partner.status,
        contact_name=partner.contact_name,
        contact_email=partner.contact_email,
        contact_phone=partner.contact_phone,
        timezone=partner.timezone,
        billing_mode=partner.billing_mode,
        balance_cents=partner.balance_cents,
        credit_limit_cents=partner.credit_limit_cents,
        caps=Caps.model_validate(partner.caps or {}),
        caps_used=_usage(usage),
        sales_count=sales_count,
        created_at=partner.created_at,
        updated_at=partner.updated_at,
    )


async def list_partners(
    session: AsyncSession, *, status: str | None, q: str | None, now: datetime
) -> list[PartnerSummary]:
    """Every partner (there are tens, not millions), by name."""
    statement = sa.select(Partner).order_by(sa.func.lower(Partner.name), Partner.id)
    if status:
        statement = statement.where(Partner.status == status)
    if q and q.strip():
        needle = q.strip().lower()
        statement = statement.where(sa.func.lower(Partner.name).contains(needle, autoescape=True))
    partners = list((await session.execute(statement)).scalars())
    usage = await usage_of(session, partners, now)
    counts = await _sales_counts(session, [p.id for p in partners])
    return [summary(p, usage[p.id], counts.get(p.id, 0)) for p in partners]


async def partner_detail(
    session: AsyncSession, partner_id: uuid.UUID, now: datetime
) -> PartnerDetail:
    partner = await get_partner(session, partner_id)
    usage = (await usage_of(session, [partner], now))[partner.id]
    sales = (await _sales_counts(session, [partner.id])).get(partner.id, 0)
    all_keys = list(
        (await session.execute(sa.select(ApiKey).where(ApiKey.partner_id == partner.id))).scalars()
    )
    by_status = dict(
        (
            await session.execute(
                sa.select(LeadReturn.status, sa.func.count())
                .where(LeadReturn.partner_id == partner.id)
                .group_by(LeadReturn.status)
            )
        ).all()
    )
    return PartnerDetail(
        **summary(partner, usage, sales).model_dump(),
        service_area=ServiceArea.model_validate(partner.service_area or {}),
        filters=Filters.model_validate(partner.filters or {}),
        prices=Prices.model_validate(partner.prices or {}),
        cap_limits=Caps.model_validate(partner.cap_limits or {}),
        allowed_states=list(partner.allowed_states or []),
        person_window_days=partner.person_window_days,
        low_balance_cents=partner.low_balance_cents,
        api_keys_live=sum(1 for key in all_keys if keys.is_live(key, now)),
        api_keys_total=len(all_keys),
        returns=ReturnCounts(
            pending=int(by_status.get("pending", 0)),
            accepted=int(by_status.get("accepted", 0)),
            rejected=int(by_status.get("rejected", 0)),
        ),
    )


# --- API keys ------------------------------------------------------------------------------


def key_out(key: ApiKey, now: datetime) -> ApiKeyOut:
    return ApiKeyOut(
        id=key.id,
        name=key.name,
        prefix=key.display_prefix,
        scopes=list(key.scopes),
        created_at=key.created_at,
        last_used_at=key.last_used_at,
        expires_at=key.expires_at,
        revoked_at=key.revoked_at,
        replaced_by_id=key.replaced_by_id,
        live=keys.is_live(key, now),
    )


async def list_keys(session: AsyncSession, partner_id: uuid.UUID, now: datetime) -> list[ApiKeyOut]:
    """The partner's keys, newest first, revoked and expired ones included."""
    await get_partner(session, partner_id)
    rows = (
        await session.execute(
            sa.select(ApiKey)
            .where(ApiKey.partner_id == partner_id)
            .order_by(ApiKey.created_at.desc(), ApiKey.id.desc())
        )
    ).scalars()
    return [key_out(key, now) for key in rows]


# --- the ledger ----------------------------------------------------------------------------


def entry_out(entry: LedgerEntry) -> LedgerEntryOut:
    return LedgerEntryOut(
        id=entry.id,
        kind=entry.kind,
        amount_cents=entry.amount_cents,
        balance_after_cents=entry.balance_after_cents,
        sale_id=entry.sale_id,
        return_id=entry.return_id,
        note=entry.note,
        created_by=entry.created_by,
        created_at=entry.created_at,
    )


async def list_ledger(
    session: AsyncSession, partner_id: uuid.UUID, *, cursor: str | None, limit: int
) -> LedgerPage:
    partner = await get_partner(session, partner_id)
    statement = page_query(
        sa.select(LedgerEntry).where(LedgerEntry.partner_id == partner_id),
        LEDGER_SORT,
        cursor,
        limit,
    )
    rows = list((await session.execute(statement)).scalars())
    return LedgerPage(
        balance_cents=partner.balance_cents,
        items=[entry_out(entry) for entry in rows[:limit]],
        next_cursor=next_cursor(rows, LEDGER_SORT, limit, "created_at"),
    )


# --- sales ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SaleFilters:
    partner_id: uuid.UUID | None = None
    lead_id: uuid.UUID | None = None
    sold_from: datetime | None = None
    sold_to: datetime | None = None
    mode: str | None = None  # exclusive | shared
    status: str | None = None  # active | returned


def _sale_lead(lead: Lead, sees_pii: bool) -> SaleLead:
    return SaleLead(
        id=lead.id,
        first_name=lead.first_name,
        last_name=lead.last_name if sees_pii else masking.mask_last_name(lead.last_name) or "",
        city=lead.city,
        state=lead.state,
        zip_code=lead.zip_code,
        tier=lead.tier,
        score=lead.score,
        status=lead.status,
    )


async def list_sales(
    session: AsyncSession,
    filters: SaleFilters,
    *,
    cursor: str | None,
    limit: int,
    sees_pii: bool,
) -> tuple[list[SaleOut], str | None]:
    statement = (
        sa.select(LeadSale, Partner.name, Lead, LeadReturn.id, LeadReturn.status)
        .join(Partner, Partner.id == LeadSale.partner_id)
        .join(Lead, Lead.id == LeadSale.lead_id)
        .outerjoin(LeadReturn, LeadReturn.sale_id == LeadSale.id)
    )
    if filters.partner_id is not None:
        statement = statement.where(LeadSale.partner_id == filters.partner_id)
    if filters.lead_id is not None:
        statement = statement.where(LeadSale.lead_id == filters.lead_id)
    if filters.sold_from is not None:
        statement = statement.where(LeadSale.sold_at >= filters.sold_from)
    if filters.sold_to is not None:
        statement = statement.where(LeadSale.sold_at < filters.sold_to)
    if filters.mode is not None:
        statement = statement.where(LeadSale.exclusive.is_(filters.mode == "exclusive"))
    if filters.status is not None:
        statement = statement.where(LeadSale.status == filters.status)
    rows = list((await session.execute(page_query(statement, SALE_SORT, cursor, limit))).all())
    items = []
    for sale, partner_name, lead, return_id, return_status in rows[:limit]:
        receipt = sale.receipt or {}
        items.append(
            SaleOut(
                id=sale.id,
                sold_at=sale.sold_at,
                status=sale.status,
                price_cents=sale.price_cents,
                mode="exclusive" if sale.exclusive else "shared",
                buyers=sale.buyers,
                tier=sale.tier,
                partner=PartnerRef(id=sale.partner_id, name=partner_name),
                lead=_sale_lead(lead, sees_pii),
                receipt=receipt
                if sees_pii
                else masking.mask_mapping(receipt, lead_queries.known_pii(lead)),
                return_id=return_id,
                return_status=return_status,
                pii_masked=not sees_pii,
            )
        )
    return items, next_cursor([row[0] for row in rows], SALE_SORT, limit, "sold_at")


# --- returns -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnFilters:
    status: Sequence[str] = ()
    partner_id: uuid.UUID | None = None


def _consent_out(consent: ConsentRecord, sees_pii: bool, known: list[masking.Known]) -> ConsentOut:
    """Masked as in the lead detail: the disclosure may name the homeowner's phone and
    email; the address is shown to the network only."""
    return ConsentOut(
        id=consent.id,
        source=consent.source,
        conversation_id=consent.conversation_id,
        disclosure_version=consent.disclosure_version,
        disclosure_text=consent.disclosure_text
        if sees_pii
        else masking.scrub_text(consent.disclosure_text, known) or "",
        given_at=consent.given_at,
        ip=consent.ip if sees_pii else masking.mask_ip(consent.ip),
        user_agent=consent.user_agent,
    )


def _masked_evidence(evidence: dict[str, Any], known: list[masking.Known]) -> dict[str, Any]:
    """The evidence filed with a return, as an analyst may see it: addresses to the
    network, known and contact-shaped values masked wherever they appear."""
    copy = dict(evidence)
    copy["consents"] = [
        {**c, "ip": masking.mask_ip(c.get("ip"))} if isinstance(c, dict) else c
        for c in evidence.get("consents") or []
    ]
    return masking.mask_mapping(copy, known)


async def _by_lead(
    session: AsyncSession, model: Any, lead_ids: list[uuid.UUID], order: Any
) -> dict[uuid.UUID, list[Any]]:
    found: dict[uuid.UUID, list[Any]] = {lead_id: [] for lead_id in lead_ids}
    if lead_ids:
        rows = (
            await session.execute(
                sa.select(model).where(model.lead_id.in_(lead_ids)).order_by(*order)
            )
        ).scalars()
        for row in rows:
            found[row.lead_id].append(row)
    return found


async def _returns_out(
    session: AsyncSession, claims: list[LeadReturn], sees_pii: bool
) -> list[ReturnOut]:
    """Each claim with its sale, partner, lead and evidence (one query per kind, not per
    claim)."""
    if not claims:
        return []
    sales = {
        s.id: s
        for s in (
            await session.execute(
                sa.select(LeadSale).where(LeadSale.id.in_([c.sale_id for c in claims]))
            )
        ).scalars()
    }
    names = dict(
        (
            await session.execute(
                sa.select(Partner.id, Partner.name).where(
                    Partner.id.in_(list({c.partner_id for c in claims}))
                )
            )
        ).all()
    )
    lead_ids = list({c.lead_id for c in claims})
    leads = {
        lead.id: lead
        for lead in (await session.execute(sa.select(Lead).where(Lead.id.in_(lead_ids)))).scalars()
    }
    consents = await _by_lead(
        session,
        ConsentRecord,
        lead_ids,
        (ConsentRecord.given_at.desc(), ConsentRecord.id.desc()),
    )
    submissions = await _by_lead(
        session,
        LeadSubmission,
        lead_ids,
        (LeadSubmission.submitted_at.desc(), LeadSubmission.id.desc()),
    )
    out = []
    for claim in claims:
        sale, lead = sales[claim.sale_id], leads[claim.lead_id]
        known = lead_queries.known_pii(lead, *(s.answers for s in submissions[lead.id]))
        chats = dict.fromkeys(
            record.conversation_id
            for record in [*consents[lead.id], *submissions[lead.id]]
            if record.conversation_id is not None
        )
        out.append(
            ReturnOut(
                id=claim.id,
                status=claim.status,
                reason=claim.reason,
                note=claim.note if sees_pii else masking.scrub_text(claim.note, known),
                filed_at=claim.filed_at,
                decided_at=claim.decided_at,
                decided_by=claim.decided_by,
                decision_note=claim.decision_note
                if sees_pii
                else masking.scrub_text(claim.decision_note, known),
                credit_cents=claim.credit_cents,
                partner=PartnerRef(id=claim.partner_id, name=names.get(claim.partner_id, "")),
                sale=ReturnSale(
                    id=sale.id,
                    sold_at=sale.sold_at,
                    status=sale.status,
                    price_cents=sale.price_cents,
                    mode="exclusive" if sale.exclusive else "shared",
                    buyers=sale.buyers,
                ),
                lead=lead_queries.summary(lead, sees_pii),
                evidence=ReturnEvidence(
                    filed=(claim.evidence or {})
                    if sees_pii
                    else _masked_evidence(claim.evidence or {}, known),
                    consents=[_consent_out(c, sees_pii, known) for c in consents[lead.id]],
                    transcripts=[
                        TranscriptLink(conversation_id=chat, href=CONVERSATION_HREF.format(chat))
                        for chat in chats
                    ],
                ),
                pii_masked=not sees_pii,
            )
        )
    return out


async def list_returns(
    session: AsyncSession,
    filters: ReturnFilters,
    *,
    cursor: str | None,
    limit: int,
    sees_pii: bool,
) -> tuple[list[ReturnOut], str | None]:
    statement = sa.select(LeadReturn)
    if filters.status:
        statement = statement.where(LeadReturn.status.in_(list(filters.status)))
    if filters.partner_id is not None:
        statement = statement.where(LeadReturn.partner_id == filters.partner_id)
    rows = list(
        (await session.execute(page_query(statement, RETURN_SORT, cursor, limit))).scalars()
    )
    return await _returns_out(session, rows[:limit], sees_pii), next_cursor(
        rows, RETURN_SORT, limit, "filed_at"
    )


async def return_view(session: AsyncSession, return_id: uuid.UUID, sees_pii: bool) -> ReturnOut:
    claim = await session.get(LeadReturn, return_id)
    if claim is None:
        raise NotFound("No return has this id.", code="return_not_found")
    return (await _returns_out(session, [claim], sees_pii))[0]


async def names_serving(session: AsyncSession, zip_code: str, *, limit: int = 10) -> list[str]:
    """The names of the active partners whose service area covers a ZIP code, A to Z
    (what the advisor tells a homeowner who asks which installers would get their
    details); empty for a ZIP no partner serves or that is not one we serve."""
    # Imported here: the solar tables bring numpy and pvlib (see distribution._coordinates).
    from app.solar.tables import reference_data

    record = reference_data().zips.get(zip_code)
    if record is None:
        return []
    partners = (
        await session.execute(
            sa.select(Partner).where(Partner.status == "active").order_by(Partner.name)
        )
    ).scalars()
    names = []
    for partner in partners:
        terms = terms_of(partner)
        covered = area_rule(
            terms.area,
            terms.centres,
            state=record.state,
            zip_code=zip_code,
            latitude=record.latitude,
            longitude=record.longitude,
        )
        if covered is not None and partner.name not in names:
            names.append(partner.name)
            if len(names) >= limit:
                break
    return names


async def partner_outcomes(session: AsyncSession, partner_id: uuid.UUID) -> PartnerOutcomes:
    """Outcome counts and the close rate of one partner's purchases: a sale counts once,
    under its latest report; won is any sale ever reported `sold`."""
    await get_partner(session, partner_id)
    sales = (await _sales_counts(session, [partner_id])).get(partner_id, 0)
    latest = (
        sa.select(
            LeadOutcome.sale_id,
            LeadOutcome.outcome,
            sa.func.row_number()
            .over(
                partition_by=LeadOutcome.sale_id,
                order_by=(LeadOutcome.occurred_at.desc(), LeadOutcome.recorded_at.desc()),
            )
            .label("rank"),
        )
        .where(LeadOutcome.partner_id == partner_id)
        .subquery()
    )
    counts = dict(
        (
            await session.execute(
                sa.select(latest.c.outcome, sa.func.count())
                .where(latest.c.rank == 1)
                .group_by(latest.c.outcome)
            )
        ).all()
    )
    won = await session.scalar(
        sa.select(sa.func.count(sa.distinct(LeadOutcome.sale_id))).where(
            LeadOutcome.partner_id == partner_id, LeadOutcome.outcome == "sold"
        )
    )
    reported = sum(counts.values())
    return PartnerOutcomes(
        sales=sales,
        reported=reported,
        won=won or 0,
        close_rate=(won or 0) / reported if reported else None,
        by_outcome=[OutcomeCount(outcome=o, sales=counts.get(o, 0)) for o in OUTCOMES],
    )

"""Selling a lead: gather the inputs, let ``allocation`` decide, write the sale.

One sale is one transaction: the lead's status, a ``lead_sales`` row and a ledger charge
per buyer, the buyers' period counters and an outbox event per sale (the webhooks'
work) commit together or not at all. Concurrency:

- The lead's row is locked first and its status checked: a lead is allocated once in
  its life, so it is never sold twice, exclusive or not (the unique (lead, partner)
  index backs this up).
- Allocation runs on an unlocked read of the candidates; then the chosen partners'
  rows are locked (in id order: no deadlock) and their caps and balances read again
  and re-checked. If anything changed meanwhile (another lead sold to them), allocation
  runs again on the fresh figures. So caps and balances hold under any number of
  concurrent workers and API instances.
- On SQLite every write transaction holds the database lock: sales take turns.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.analytics import rollups as analytics
from app.core import events as live
from app.core import outbox
from app.core.config import Settings
from app.leads.lifecycle import change_status, is_sellable
from app.leads.models import ConsentRecord, Lead
from app.partners import ledger
from app.partners.allocation import (
    Allocation,
    Candidate,
    LeadFacts,
    Usage,
    allocate,
    budget_problem,
)
from app.partners.models import LeadSale, Partner, PartnerPeriodCount
from app.partners.schemas import Caps, Filters, Prices, ServiceArea

logger = logging.getLogger("aurum.partners.distribution")

OFFER_WINDOW = timedelta(hours=72)
MAX_ATTEMPTS = 5  # re-allocations when a chosen partner changed under us

# Topics of the events distribution reads and writes.
LEAD_SELLABLE = "lead.sellable"
LEAD_SOLD = "lead.sold"
PARTNERS_CHANGED = "partners.changed"
CAP_REACHED = "partner.cap_reached"
BALANCE_LOW = "partner.balance_low"


@dataclass(frozen=True)
class Outcome:
    lead_id: uuid.UUID
    allocation: Allocation | None
    sale_ids: tuple[uuid.UUID, ...] = ()
    skipped: str | None = None  # why the lead was not offered at all


# --- periods in a partner's own calendar ----------------------------------------------------


def period_starts(now: datetime, timezone: str) -> dict[str, date]:
    """The first day of the partner's current day, week (Monday) and month."""
    local = now.astimezone(ZoneInfo(timezone)).date()
    return {
        "day": local,
        "week": local - timedelta(days=local.weekday()),
        "month": local.replace(day=1),
    }


async def usage_of(
    session: AsyncSession, partners: list[Partner], now: datetime
) -> dict[uuid.UUID, Usage]:
    if not partners:
        return {}
    starts = {p.id: period_starts(now, p.timezone) for p in partners}
    keys = [(pid, period, day) for pid, by in starts.items() for period, day in by.items()]
    rows = (
        await session.execute(
            sa.select(PartnerPeriodCount).where(
                sa.tuple_(
                    PartnerPeriodCount.partner_id,
                    PartnerPeriodCount.period,
                    PartnerPeriodCount.starts_on,
                ).in_(keys)
            )
        )
    ).scalars()
    found: dict[tuple[uuid.UUID, str], PartnerPeriodCount] = {
        (r.partner_id, r.period): r for r in rows if starts[r.partner_id][r.period] == r.starts_on
    }

    def count(pid: uuid.UUID, period: str) -> PartnerPeriodCount | None:
        return found.get((pid, period))

    return {
        p.id: Usage(
            day=(count(p.id, "day").sales if count(p.id, "day") else 0),  # type: ignore[union-attr]
            week=(count(p.id, "week").sales if count(p.id, "week") else 0),  # type: ignore[union-attr]
            month=(count(p.id, "month").sales if count(p.id, "month") else 0),  # type: ignore[union-attr]
            month_spend_cents=(
                count(p.id, "month").spend_cents if count(p.id, "month") else 0  # type: ignore[union-attr]
            ),
        )
        for p in partners
    }


async def _count_sale(
    session: AsyncSession, partner: Partner, price_cents: int, now: datetime
) -> None:
    """Add the sale to the partner's day, week and month counters (one statement)."""
    dialect = session.bind.dialect.name if session.bind else "postgresql"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(PartnerPeriodCount).values(
        [
            {
                "partner_id": partner.id,
                "period": period,
                "starts_on": starts_on,
                "sales": 1,
                "spend_cents": price_cents,
            }
            for period, starts_on in period_starts(now, partner.timezone).items()
        ]
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["partner_id", "period", "starts_on"],
            set_={
                "sales": PartnerPeriodCount.sales + 1,
                "spend_cents": PartnerPeriodCount.spend_cents + price_cents,
            },
        )
    )


# --- the inputs -----------------------------------------------------------------------------


def _coordinates(zip_code: str) -> tuple[float, float] | None:
    # Imported here: the solar tables bring numpy, pandas and pvlib, which the command
    # line (aurum partner ...) should not pay for at start-up.
    from app.solar.tables import reference_data

    record = reference_data().zips.get(zip_code)
    return (record.latitude, record.longitude) if record else None


async def lead_facts(session: AsyncSession, lead: Lead) -> LeadFacts:
    max_buyers = await session.scalar(
        sa.select(ConsentRecord.max_buyers)
        .where(ConsentRecord.lead_id == lead.id)
        .order_by(ConsentRecord.given_at.desc(), ConsentRecord.id.desc())
        .limit(1)
    )
    coordinates = _coordinates(lead.zip_code)
    return LeadFacts(
        lead_id=lead.id,
        state=lead.state,
        zip_code=lead.zip_code,
        latitude=coordinates[0] if coordinates else None,
        longitude=coordinates[1] if coordinates else None,
        score=lead.score,
        tier=lead.tier,
        credit_band=lead.credit_band,
        property_type=lead.property_type,
        roof_type=lead.roof_type,
        shade=lead.shade,
        timeline=lead.timeline,
        homeowner=lead.homeowner,
        max_buyers=int(max_buyers or 1),  # no consent record: the most careful reading
    )


async def _exclusions(
    session: AsyncSession, lead: Lead, partners: list[Partner], now: datetime
) -> dict[uuid.UUID, str]:
    """Partners that must not get this lead: they bought the same person (email or
    phone) within their window, or a lead this one is linked to as a possible duplicate."""
    if not partners:
        return {}
    longest = max(p.person_window_days for p in partners)
    contact = [Lead.email == lead.email] if lead.email else []
    contact += [Lead.phone == lead.phone] if lead.phone else []
    same_person = sa.or_(*contact) if contact else sa.false()
    linked_ids = [lead.duplicate_of_id] if lead.duplicate_of_id else []
    linked_ids += list(
        (await session.execute(sa.select(Lead.id).where(Lead.duplicate_of_id == lead.id))).scalars()
    )
    rows = (
        await session.execute(
            sa.select(LeadSale.partner_id, LeadSale.sold_at, LeadSale.lead_id)
            .join(Lead, Lead.id == LeadSale.lead_id)
            .where(
                LeadSale.lead_id != lead.id,
                sa.or_(
                    sa.and_(same_person, LeadSale.sold_at >= now - timedelta(days=longest)),
                    LeadSale.lead_id.in_(linked_ids) if linked_ids else sa.false(),
                ),
            )
        )
    ).all()
    windows = {p.id: timedelta(days=p.person_window_days) for p in partners}
    excluded: dict[uuid.UUID, str] = {}
    for partner_id, sold_at, other_lead in rows:
        if partner_id not in windows:
            continue
        if other_lead in linked_ids:
            excluded[partner_id] = "bought a lead this one may duplicate"
        elif sold_at >= now - windows[partner_id]:
            excluded.setdefault(partner_id, "bought this person within its window")
    return excluded


@dataclass(frozen=True)
class _Terms:
    """A partner's parsed configuration (cached: parsing it for every lead is waste)."""

    area: ServiceArea
    filters: Filters
    prices: Prices
    caps: Caps
    centres: dict[str, tuple[float, float]]


_TERMS: dict[tuple[uuid.UUID, datetime], _Terms] = {}


def terms_of(partner: Partner) -> _Terms:
    """Keyed by (id, updated_at): every change of a partner bumps ``updated_at``."""
    key = (partner.id, partner.updated_at)
    cached = _TERMS.get(key)
    if cached is None:
        area = ServiceArea.model_validate(partner.service_area or {})
        cached = _Terms(
            area=area,
            filters=Filters.model_validate(partner.filters or {}),
            prices=Prices.model_validate(partner.prices or {}),
            caps=Caps.model_validate(partner.caps or {}),
            centres={
                ring.zip_code: coordinates
                for ring in area.radius
                if (coordinates := _coordinates(ring.zip_code)) is not None
            },
        )
        if len(_TERMS) > 10_000:
            _TERMS.clear()
        _TERMS[key] = cached
    return cached


def candidate(partner: Partner, usage: Usage, excluded: str | None) -> Candidate:
    terms = terms_of(partner)
    return Candidate(
        partner_id=partner.id,
        status=partner.status,
        area=terms.area,
        filters=terms.filters,
        prices=terms.prices,
        caps=terms.caps,
        usage=usage,
        balance_cents=partner.balance_cents,
        billing_mode=partner.billing_mode,
        credit_limit_cents=partner.credit_limit_cents,
        sales_today=usage.day,
        excluded=excluded,
        centres=terms.centres,
    )


async def candidates_for(
    session: AsyncSession, lead: Lead, now: datetime, partners: list[Partner] | None = None
) -> list[Candidate]:
    if partners is None:
        partners = list(
            (
                await session.execute(
                    sa.select(Partner)
                    .where(Partner.status == "active")
                    .execution_options(populate_existing=True)
                )
            ).scalars()
        )
    usage = await usage_of(session, partners, now)
    excluded = await _exclusions(session, lead, partners, now)
    return [candidate(p, usage[p.id], excluded.get(p.id)) for p in partners]


# --- the sale -------------------------------------------------------------------------------


def receipt(lead: Lead, allocation: Allocation, award: Any, max_buyers: int) -> dict[str, Any]:
    return {
        "mode": allocation.mode,
        "buyers": len(allocation.awards),
        "max_buyers_consented": max_buyers,
        "price_cents": award.price_cents,
        "price_rule": award.matched["price_rule"],
        "matched": {"area": award.matched["area"], "filters": award.matched["filters"]},
        "compared_cents": award.matched["compared"],
        "tier": lead.tier,
        "score": lead.score,
        "score_factors": lead.score_factors,
    }


async def _lock_lead(session: AsyncSession, lead_id: uuid.UUID) -> Lead | None:
    return (
        await session.execute(
            sa.select(Lead)
            .where(Lead.id == lead_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()


async def offer_lead(
    session: AsyncSession, lead_id: uuid.UUID, *, now: datetime, settings: Settings
) -> Outcome:
    """Offer one lead to the partners and sell it if anyone may buy it (in ``session``'s
    transaction; the caller commits)."""
    lead = await _lock_lead(session, lead_id)
    if lead is None:
        return Outcome(lead_id, None, skipped="no such lead")
    if not is_sellable(lead):
        return Outcome(lead_id, None, skipped=f"not sellable ({lead.status})")
    opened = lead.offer_until is None  # first offer: the lead counts as sellable
    if opened:
        lead.offer_until = now + OFFER_WINDOW
    facts = await lead_facts(session, lead)

    allocation: Allocation | None = None
    locked: dict[uuid.UUID, Partner] = {}
    usage: dict[uuid.UUID, Usage] = {}
    for _attempt in range(MAX_ATTEMPTS):
        pool = await candidates_for(session, lead, now)
        allocation = allocate(facts, pool, max_shared_buyers=settings.max_shared_buyers)
        if not allocation.sold:
            break
        # Under the chosen partners' locks, their balances and counters as they are now:
        # another sale may have taken the last of a cap or of a balance meanwhile.
        chosen = sorted(a.partner_id for a in allocation.awards)
        locked = {pid: await ledger.lock_partner(session, pid) for pid in chosen}
        usage = await usage_of(session, list(locked.values()), now)
        if all(
            budget_problem(
                candidate(locked[a.partner_id], usage[a.partner_id], None), a.price_cents
            )
            is None
            for a in allocation.awards
        ):
            break
        logger.info("allocation changed under lock; again", extra={"lead_id": str(lead.id)})
    else:
        allocation = None

    lead.last_offered_at = now
    if allocation is None or not allocation.sold:
        if opened:
            await analytics.lead_offered(session, lead)
        lead.unsold_reason = allocation.unsold_reason() if allocation else "partners busy"
        if now >= lead.offer_until:
            await change_status(
                session, lead, "unsold", actor="system", reason=lead.unsold_reason, at=now
            )
        return Outcome(lead.id, allocation)

    sale_ids, sales = [], []
    for award in allocation.awards:
        partner = locked[award.partner_id]
        sale = LeadSale(
            id=uuid.uuid4(),
            lead_id=lead.id,
            partner_id=partner.id,
            price_cents=award.price_cents,
            exclusive=allocation.mode == "exclusive",
            buyers=len(allocation.awards),
            tier=lead.tier,
            sold_at=now,
            status="active",
            receipt=receipt(lead, allocation, award, facts.max_buyers),
        )
        session.add(sale)
        await session.flush()
        await ledger.post(
            session,
            partner,
            kind="sale_charge",
            amount_cents=-award.price_cents,
            at=now,
            sale_id=sale.id,
            note=f"lead {lead.id} ({allocation.mode}, tier {lead.tier})",
        )
        await _count_sale(session, partner, award.price_cents, now)
        outbox.publish(
            session,
            LEAD_SOLD,
            key=sale.id,
            payload={
                "sale_id": str(sale.id),
                "lead_id": str(lead.id),
                "partner_id": str(partner.id),
            },
            now=now,
        )
        _notices(session, partner, usage[partner.id], award.price_cents, now)
        live.publish_after_commit(
            session,
            live.LEAD_SOLD,
            {
                "lead_id": lead.id,
                "sale_id": sale.id,
                "partner_id": partner.id,
                "partner_name": partner.name,
                "price_cents": sale.price_cents,
                "exclusive": sale.exclusive,
                "buyers": sale.buyers,
                "tier": lead.tier,
                "state": lead.state,
            },
            at=now,
        )
        sale_ids.append(sale.id)
        sales.append(sale)
    await analytics.lead_sold(session, lead, sales, opened=opened)
    lead.unsold_reason = None
    await change_status(
        session,
        lead,
        "sold",
        actor="system",
        reason=f"{allocation.mode} to {len(allocation.awards)} partner(s)",
        at=now,
        details={"revenue_cents": allocation.revenue_cents},
    )
    await session.flush()
    return Outcome(lead.id, allocation, tuple(sale_ids))


def _notices(
    session: AsyncSession, partner: Partner, before: Usage, price: int, now: datetime
) -> None:
    """Tell the partner (through its webhooks) when this sale fills a cap or takes the
    balance below its low-balance mark (once, as it crosses). ``before``: its usage
    before this sale."""
    caps = terms_of(partner).caps
    for period in ("day", "week", "month"):
        cap = getattr(caps, period)
        if cap is not None and getattr(before, period) + 1 == cap:
            outbox.publish(
                session,
                CAP_REACHED,
                key=partner.id,
                payload={"partner_id": str(partner.id), "period": period, "cap": cap},
                now=now,
            )
            live.publish_after_commit(
                session,
                live.PARTNER_CAP_REACHED,
                {
                    "partner_id": partner.id,
                    "partner_name": partner.name,
                    "period": period,
                    "cap": cap,
                },
                at=now,
            )
    low = partner.low_balance_cents
    if low and partner.balance_cents < low <= partner.balance_cents + price:
        outbox.publish(
            session,
            BALANCE_LOW,
            key=partner.id,
            payload={"partner_id": str(partner.id), "balance_cents": partner.balance_cents},
            now=now,
        )
        live.publish_after_commit(
            session,
            live.PARTNER_BALANCE_LOW,
            {
                "partner_id": partner.id,
                "partner_name": partner.name,
                "balance_cents": partner.balance_cents,
                "low_balance_cents": low,
            },
            at=now,
        )

"""Daily rollups of the selling figures, kept in step with the raw rows.

What a lead adds to the rollups is one pure function of its raw rows
(:func:`contributions`): the lead itself on the day it was created (leads, qualified,
sellable), its first sale's day (sold), each sale's day (sales, gross), each accepted
return's decision day (returns, credits) and each sale's first outcome's day (outcomes
reported; the first ``sold`` outcome: won). The transactions that create those rows
add the same amounts with an upsert (:func:`apply`), so the dashboard reads today's
figures at once; :func:`rebuild_day` recomputes a day from the raw rows with the same
function, so a rebuild and the incremental path cannot disagree.

Attribution: the lead's state and UTM source and campaign as they are now (a
resubmission may add UTM tags to a lead that had none, an erasure removes them: both
move the lead's whole contribution, see :func:`lead_changed`); the tier of the lead for
lead counts, of the sale for sale, return and outcome counts (a sale keeps the tier it
was priced at).

Definitions (docs/architecture.md, "Analytics"): qualified = the answers qualify the
lead (its score gave no unqualified reason); sellable = the lead was offered to the
partners at least once (its offer window was opened); sold = sold at least once.

Concurrency: a rebuild of a day takes an exclusive PostgreSQL advisory lock on that
day, every incremental change a shared one on the days it touches, so a sale that
commits while a day is rebuilt is counted exactly once. SQLite runs one writer at a time.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.analytics.models import (
    COUNTERS,
    DIMENSIONS,
    NO_PARTNER,
    DailyRollup,
    DimensionDailyRollup,
    PartnerDailyRollup,
)
from app.leads.models import Lead
from app.partners.models import LeadOutcome, LeadReturn, LeadSale

NO_VALUE = "(none)"
LABEL_LENGTH = 64
WON_OUTCOME = "sold"
CHUNK = 500


def day_of(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def label(value: object) -> str:
    """A UTM value as the rollups key it: trimmed, lower case, at most 64 characters."""
    text = str(value).strip().lower()[:LABEL_LENGTH] if value is not None else ""
    return text or NO_VALUE


def attribution(utm: dict[str, Any] | None) -> tuple[str, str]:
    """(source, campaign) of a lead or chat's UTM tags."""
    utm = utm or {}
    return (
        label(utm.get("utm_source") or utm.get("source")),
        label(utm.get("utm_campaign") or utm.get("campaign")),
    )


@dataclass(frozen=True, order=True)
class Key:
    day: date
    state: str
    partner_id: uuid.UUID
    tier: str
    source: str
    campaign: str


Deltas = dict[Key, Counter[str]]


@dataclass(frozen=True)
class LeadAttrs:
    """What of a lead the rollups look at."""

    id: uuid.UUID
    created_at: datetime
    state: str
    tier: str
    utm: dict[str, Any]
    qualified: bool
    sellable: bool

    @classmethod
    def of(cls, lead: Lead) -> LeadAttrs:
        return cls(
            id=lead.id,
            created_at=lead.created_at,
            state=lead.state,
            tier=lead.tier,
            utm=dict(lead.utm or {}),
            qualified=lead.unqualified_reason is None,
            sellable=lead.offer_until is not None,
        )

    def key(self, day: date, *, partner_id: uuid.UUID = NO_PARTNER, tier: str | None = None) -> Key:
        source, campaign = attribution(self.utm)
        return Key(day, self.state, partner_id, tier or self.tier, source, campaign)


@dataclass(frozen=True)
class SaleRow:
    id: uuid.UUID
    partner_id: uuid.UUID
    tier: str
    price_cents: int
    sold_at: datetime


@dataclass(frozen=True)
class ReturnRow:
    """An accepted return."""

    sale_id: uuid.UUID
    partner_id: uuid.UUID
    decided_at: datetime
    credit_cents: int


@dataclass(frozen=True)
class OutcomeRow:
    id: uuid.UUID
    sale_id: uuid.UUID
    outcome: str
    recorded_at: datetime


def _add(deltas: Deltas, key: Key, **counts: int) -> None:
    deltas.setdefault(key, Counter()).update(counts)


def contributions(
    lead: LeadAttrs,
    sales: Sequence[SaleRow] = (),
    returns: Sequence[ReturnRow] = (),
    outcomes: Sequence[OutcomeRow] = (),
) -> Deltas:
    """Everything one lead adds to the fine-grain rollup, from its raw rows."""
    deltas: Deltas = {}
    _add(
        deltas,
        lead.key(day_of(lead.created_at)),
        leads=1,
        qualified=int(lead.qualified),
        sellable=int(lead.sellable),
    )
    if sales:
        first = min(sales, key=lambda s: (s.sold_at, s.id))
        _add(deltas, lead.key(day_of(first.sold_at), tier=first.tier), sold=1)
    by_id = {sale.id: sale for sale in sales}
    for sale in sales:
        _add(
            deltas,
            lead.key(day_of(sale.sold_at), partner_id=sale.partner_id, tier=sale.tier),
            sales=1,
            gross_cents=sale.price_cents,
        )
    for claim in returns:
        sale = by_id[claim.sale_id]
        _add(
            deltas,
            lead.key(day_of(claim.decided_at), partner_id=claim.partner_id, tier=sale.tier),
            returns=1,
            return_credits_cents=claim.credit_cents,
        )
    per_sale: dict[uuid.UUID, list[OutcomeRow]] = defaultdict(list)
    for row in outcomes:
        per_sale[row.sale_id].append(row)
    for sale_id, rows in per_sale.items():
        sale = by_id[sale_id]
        first_report = min(row.recorded_at for row in rows)
        key = lead.key(day_of(first_report), partner_id=sale.partner_id, tier=sale.tier)
        _add(deltas, key, outcomes_reported=1)
        won = [row.recorded_at for row in rows if row.outcome == WON_OUTCOME]
        if won:
            key = lead.key(day_of(min(won)), partner_id=sale.partner_id, tier=sale.tier)
            _add(deltas, key, won=1)
    return deltas


def merge(into: Deltas, more: Deltas, sign: int = 1) -> Deltas:
    for key, counts in more.items():
        target = into.setdefault(key, Counter())
        for name, value in counts.items():
            target[name] += sign * value
    return into


# --- writing -------------------------------------------------------------------------------


def _lock_key(day: date) -> int:
    digest = hashlib.sha256(f"analytics:day:{day.isoformat()}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name if session.bind is not None else "postgresql"


async def _lock_days(session: AsyncSession, days: Iterable[date], *, exclusive: bool) -> None:
    if _dialect(session) != "postgresql":
        return  # SQLite: the write transaction already holds the database lock
    lock = sa.func.pg_advisory_xact_lock if exclusive else sa.func.pg_advisory_xact_lock_shared
    keys = sorted({_lock_key(day) for day in days})
    if keys:
        await session.execute(sa.select(*(lock(key) for key in keys)))


def _project(deltas: Deltas) -> dict[Any, list[dict[str, Any]]]:
    """``deltas`` (fine-grain keys) as rows of every grain, non-zero only, in key order
    (concurrent transactions lock rows in one order: no deadlock)."""
    grains: dict[Any, dict[tuple[Any, ...], Counter[str]]] = {
        DailyRollup: {},
        PartnerDailyRollup: {},
        DimensionDailyRollup: {},
    }
    for key, counts in deltas.items():
        if not any(counts.values()):
            continue
        grains[DailyRollup].setdefault(
            (key.day, key.state, key.partner_id, key.tier, key.source, key.campaign), Counter()
        ).update(counts)
        grains[PartnerDailyRollup].setdefault(
            (key.day, key.partner_id, key.tier), Counter()
        ).update(counts)
        for dimension, value in zip(DIMENSIONS, (key.state, key.source, key.campaign), strict=True):
            grains[DimensionDailyRollup].setdefault(
                (key.day, dimension, value, key.tier), Counter()
            ).update(counts)
    found: dict[Any, list[dict[str, Any]]] = {}
    for model, rows in grains.items():
        names = [column.name for column in model.__table__.primary_key.columns]
        found[model] = [
            {
                **dict(zip(names, values, strict=True)),
                **{name: int(counts.get(name, 0)) for name in COUNTERS},
            }
            for values, counts in sorted(rows.items())
            if any(counts.values())
        ]
    return found


GRAINS = (DailyRollup, PartnerDailyRollup, DimensionDailyRollup)
_UPSERTS: dict[tuple[str, str], Any] = {}


def _upsert_statement(dialect: str, model: Any) -> Any:
    """One statement per grain and dialect, executed with many parameter sets: compiled
    once (SQLAlchemy's cache), sent as one batch."""
    cached = _UPSERTS.get((dialect, model.__tablename__))
    if cached is None:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        table = model.__table__
        statement = insert(table)
        cached = statement.on_conflict_do_update(
            index_elements=[column.name for column in table.primary_key.columns],
            set_={name: table.c[name] + statement.excluded[name] for name in COUNTERS},
        )
        _UPSERTS[(dialect, model.__tablename__)] = cached
    return cached


async def _write(session: AsyncSession, rows: dict[Any, list[dict[str, Any]]]) -> None:
    dialect = _dialect(session)
    for model in GRAINS:
        if rows.get(model):
            await session.execute(_upsert_statement(dialect, model), rows[model])


async def apply(session: AsyncSession, deltas: Deltas) -> None:
    """Add ``deltas`` to every grain, in the caller's transaction."""
    rows = _project(deltas)
    if not rows[DailyRollup]:
        return
    await _lock_days(session, {row["day"] for row in rows[DailyRollup]}, exclusive=False)
    await _write(session, rows)


# --- the calls the selling code makes, in its own transactions -----------------------------


async def _rows_of(
    session: AsyncSession, lead_ids: Sequence[uuid.UUID]
) -> tuple[
    dict[uuid.UUID, list[SaleRow]],
    dict[uuid.UUID, list[ReturnRow]],
    dict[uuid.UUID, list[OutcomeRow]],
]:
    sales: dict[uuid.UUID, list[SaleRow]] = defaultdict(list)
    claims: dict[uuid.UUID, list[ReturnRow]] = defaultdict(list)
    outcomes: dict[uuid.UUID, list[OutcomeRow]] = defaultdict(list)
    for start in range(0, len(lead_ids), CHUNK):
        chunk = list(lead_ids[start : start + CHUNK])
        for row in await session.execute(
            sa.select(
                LeadSale.lead_id,
                LeadSale.id,
                LeadSale.partner_id,
                LeadSale.tier,
                LeadSale.price_cents,
                LeadSale.sold_at,
            ).where(LeadSale.lead_id.in_(chunk))
        ):
            sales[row[0]].append(SaleRow(*row[1:]))
        for row in await session.execute(
            sa.select(
                LeadReturn.lead_id,
                LeadReturn.sale_id,
                LeadReturn.partner_id,
                LeadReturn.decided_at,
                sa.func.coalesce(LeadReturn.credit_cents, 0),
            ).where(LeadReturn.lead_id.in_(chunk), LeadReturn.status == "accepted")
        ):
            claims[row[0]].append(ReturnRow(*row[1:]))
        for row in await session.execute(
            sa.select(
                LeadOutcome.lead_id,
                LeadOutcome.id,
                LeadOutcome.sale_id,
                LeadOutcome.outcome,
                LeadOutcome.recorded_at,
            ).where(LeadOutcome.lead_id.in_(chunk))
        ):
            outcomes[row[0]].append(OutcomeRow(*row[1:]))
    return sales, claims, outcomes


async def snapshot(session: AsyncSession, lead: Lead) -> Deltas:
    """What ``lead`` adds to the rollups now (before a change :func:`lead_changed` follows)."""
    sales, claims, outcomes = await _rows_of(session, [lead.id])
    return contributions(LeadAttrs.of(lead), sales[lead.id], claims[lead.id], outcomes[lead.id])


async def lead_changed(session: AsyncSession, lead: Lead, before: Deltas | None) -> None:
    """A lead was created (``before`` None) or changed: move its contribution."""
    if before is None:
        await apply(session, contributions(LeadAttrs.of(lead)))
        return
    after = await snapshot(session, lead)
    await apply(session, merge(after, before, sign=-1))


async def lead_offered(session: AsyncSession, lead: Lead) -> None:
    """The lead's offer window opened: it is sellable."""
    attrs = LeadAttrs.of(lead)
    await apply(session, {attrs.key(day_of(attrs.created_at)): Counter(sellable=1)})


async def lead_sold(
    session: AsyncSession, lead: Lead, sales: Sequence[LeadSale], *, opened: bool = False
) -> None:
    """The lead's sales (its one allocation) were written in this transaction; ``opened``:
    its offer window opened in it too (sellable, counted in the same upsert)."""
    if not sales:
        return
    attrs = LeadAttrs.of(lead)
    rows = [SaleRow(s.id, s.partner_id, s.tier, s.price_cents, s.sold_at) for s in sales]
    first = min(rows, key=lambda s: (s.sold_at, s.id))
    deltas: Deltas = {attrs.key(day_of(first.sold_at), tier=first.tier): Counter(sold=1)}
    for sale in rows:
        key = attrs.key(day_of(sale.sold_at), partner_id=sale.partner_id, tier=sale.tier)
        _add(deltas, key, sales=1, gross_cents=sale.price_cents)
    if opened:
        _add(deltas, attrs.key(day_of(attrs.created_at)), sellable=1)
    await apply(session, deltas)


async def _attrs_by_id(session: AsyncSession, lead_id: uuid.UUID) -> LeadAttrs:
    row = (
        await session.execute(
            sa.select(
                Lead.id,
                Lead.created_at,
                Lead.state,
                Lead.tier,
                Lead.utm,
                Lead.unqualified_reason.is_(None),
                Lead.offer_until.is_not(None),
            ).where(Lead.id == lead_id)
        )
    ).one()
    return LeadAttrs(*row[:4], dict(row[4] or {}), bool(row[5]), bool(row[6]))


async def return_accepted(session: AsyncSession, sale: LeadSale, claim: LeadReturn) -> None:
    attrs = await _attrs_by_id(session, sale.lead_id)
    assert claim.decided_at is not None
    key = attrs.key(day_of(claim.decided_at), partner_id=claim.partner_id, tier=sale.tier)
    await apply(
        session, {key: Counter(returns=1, return_credits_cents=int(claim.credit_cents or 0))}
    )


async def outcome_recorded(session: AsyncSession, sale: LeadSale, row: LeadOutcome) -> None:
    """A partner reported an outcome of ``sale`` (``row``, already flushed)."""
    earlier = (
        await session.execute(
            sa.select(LeadOutcome.outcome).where(
                LeadOutcome.sale_id == sale.id, LeadOutcome.id != row.id
            )
        )
    ).scalars()
    seen = set(earlier)
    counts: Counter[str] = Counter()
    if not seen:
        counts["outcomes_reported"] = 1
    if row.outcome == WON_OUTCOME and WON_OUTCOME not in seen:
        counts["won"] = 1
    if not counts:
        return
    attrs = await _attrs_by_id(session, sale.lead_id)
    await apply(
        session,
        {attrs.key(day_of(row.recorded_at), partner_id=sale.partner_id, tier=sale.tier): counts},
    )


# --- rebuilding from the raw rows ----------------------------------------------------------


def bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, UTC)
    return start, start + timedelta(days=1)


async def _lead_ids_touching(session: AsyncSession, day: date) -> list[uuid.UUID]:
    start, end = bounds(day)
    queries = (
        sa.select(Lead.id).where(Lead.created_at >= start, Lead.created_at < end),
        sa.select(LeadSale.lead_id).where(LeadSale.sold_at >= start, LeadSale.sold_at < end),
        sa.select(LeadReturn.lead_id).where(
            LeadReturn.decided_at >= start,
            LeadReturn.decided_at < end,
            LeadReturn.status == "accepted",
        ),
        sa.select(LeadOutcome.lead_id).where(
            LeadOutcome.recorded_at >= start, LeadOutcome.recorded_at < end
        ),
    )
    found: set[uuid.UUID] = set()
    for query in queries:
        found.update((await session.execute(query)).scalars())
    return sorted(found)


async def lead_attrs(session: AsyncSession, lead_ids: Sequence[uuid.UUID]) -> list[LeadAttrs]:
    found: list[LeadAttrs] = []
    for start in range(0, len(lead_ids), CHUNK):
        chunk = list(lead_ids[start : start + CHUNK])
        for row in await session.execute(
            sa.select(
                Lead.id,
                Lead.created_at,
                Lead.state,
                Lead.tier,
                Lead.utm,
                Lead.unqualified_reason.is_(None),
                Lead.offer_until.is_not(None),
            ).where(Lead.id.in_(chunk))
        ):
            found.append(LeadAttrs(*row[:4], dict(row[4] or {}), bool(row[5]), bool(row[6])))
    return found


async def recompute(session: AsyncSession, lead_ids: Sequence[uuid.UUID]) -> Deltas:
    """The fine-grain rollup of these leads, from their raw rows (every day)."""
    attrs = await lead_attrs(session, lead_ids)
    sales, claims, outcomes = await _rows_of(session, [a.id for a in attrs])
    total: Deltas = {}
    for lead in attrs:
        merge(total, contributions(lead, sales[lead.id], claims[lead.id], outcomes[lead.id]))
    return total


async def rebuild_day(session: AsyncSession, day: date) -> int:
    """Recompute ``day`` in both grains from the raw rows (in the caller's transaction);
    the fine-grain rows written."""
    await _lock_days(session, [day], exclusive=True)
    everything = await recompute(session, await _lead_ids_touching(session, day))
    deltas = {key: counts for key, counts in everything.items() if key.day == day}
    for model in GRAINS:
        await session.execute(sa.delete(model).where(model.day == day))
    rows = _project(deltas)
    await _write(session, rows)
    return len(rows[DailyRollup])

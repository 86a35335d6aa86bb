"""The read side of analytics: KPIs for a period, by time bucket, by dimension, and the
public funnel. Every query reads the rollups (and the small daily funnel table), never
the raw lead or sale rows, and runs on the read session (``DATABASE_READ_URL``).

Which grain: the coarse one (day x partner x tier) when the question needs only those;
one dimension's table (day x state, source or campaign x tier) when exactly one of them
filters or groups and no partner does; the fine one otherwise.

Partners: leads are nobody's until sold, so lead-side counts (leads, qualified,
sellable) live on rows of no partner. Filtered or grouped by partner, those are 0 and
``sold`` is the leads that partner bought (its sales: a partner buys a lead once).

Conversations started and estimates shown come from the ``conversations`` table (a
chat is started when it is created; an estimate was shown when the chat holds one),
by the chat's creation day and UTM tags; they have no partner, state or tier, so those
filters make them 0. The funnel's site steps come from the site's own events.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.analytics.models import (
    COUNTERS,
    DIMENSIONS,
    NO_PARTNER,
    DailyRollup,
    DimensionDailyRollup,
    FunnelDaily,
    PartnerDailyRollup,
)
from app.analytics.rollups import NO_VALUE, attribution, bounds, label
from app.analytics.schemas import (
    FUNNEL_STEPS,
    Breakdown,
    BreakdownRow,
    Dimension,
    Funnel,
    FunnelStep,
    Interval,
    Kpis,
    SourceFunnel,
    Summary,
    TimePoint,
    Timeseries,
)
from app.conversation.models import Conversation
from app.partners.models import Partner


@dataclass(frozen=True)
class Filters:
    partner_id: uuid.UUID | None = None
    state: str | None = None
    tier: str | None = None
    source: str | None = None
    campaign: str | None = None

    @property
    def needs_fine_grain(self) -> bool:
        return any(v is not None for v in (self.state, self.source, self.campaign))


@dataclass(frozen=True)
class ChatCounts:
    started: int = 0
    estimates: int = 0


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def kpis(counts: Counter[str], chats: ChatCounts, *, per_partner: bool = False) -> Kpis:
    leads = counts["leads"]
    sales = counts["sales"]
    sold = sales if per_partner else counts["sold"]
    gross = counts["gross_cents"]
    credits = counts["return_credits_cents"]
    net = gross - credits
    return Kpis(
        conversations_started=chats.started,
        estimates_shown=chats.estimates,
        leads=leads,
        qualified=counts["qualified"],
        qualified_rate=_rate(counts["qualified"], leads),
        sellable=counts["sellable"],
        sold=sold,
        sales=sales,
        sell_through=_rate(sold, counts["sellable"]),
        buyers_per_lead=_rate(sales, sold),
        gross_revenue_cents=gross,
        return_credits_cents=credits,
        net_revenue_cents=net,
        revenue_per_lead_cents=round(net / leads) if leads else None,
        returns=counts["returns"],
        return_rate=_rate(counts["returns"], sales),
        outcomes_reported=counts["outcomes_reported"],
        won=counts["won"],
        close_rate=_rate(counts["won"], counts["outcomes_reported"]),
    )


# --- rollup sums ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Grain:
    model: Any
    dimension: str | None = None  # DimensionDailyRollup: the one dimension it is about


def _grain(filters: Filters, by: Dimension | None = None) -> _Grain:
    """The smallest table that answers: coarse without attribution, one dimension's
    table when one of state, source or campaign is involved (and no partner), else the
    fine grain."""
    involved = {d for d in DIMENSIONS if getattr(filters, d) is not None}
    if by in DIMENSIONS:
        involved.add(by)
    if not involved:
        return _Grain(PartnerDailyRollup)
    if len(involved) == 1 and filters.partner_id is None and by != "partner":
        return _Grain(DimensionDailyRollup, involved.pop())
    return _Grain(DailyRollup)


def _conditions(grain: _Grain, filters: Filters, start: date, end: date) -> list[Any]:
    model = grain.model
    found = [model.day >= start, model.day <= end]
    if filters.tier is not None:
        found.append(model.tier == filters.tier)
    if grain.dimension is not None:
        found.append(model.dimension == grain.dimension)
        value = getattr(filters, grain.dimension)
        if value is not None:
            found.append(model.value == value)
        return found
    if filters.partner_id is not None:
        found.append(model.partner_id == filters.partner_id)
    for dimension in DIMENSIONS if model is DailyRollup else ():
        value = getattr(filters, dimension)
        if value is not None:
            found.append(getattr(model, dimension) == value)
    return found


async def _sums(
    session: AsyncSession,
    filters: Filters,
    start: date,
    end: date,
    *,
    by: Dimension | None = None,
    by_day: bool = False,
) -> list[tuple[tuple[Any, ...], Counter[str]]]:
    grain = _grain(filters, by)
    model = grain.model
    groups: list[Any] = []
    if by_day:
        groups.append(model.day)
    if by is not None:
        if grain.dimension is not None:
            groups.append(model.value)
        else:
            groups.append(getattr(model, "partner_id" if by == "partner" else by))
    conditions = _conditions(grain, filters, start, end)
    if by == "partner":
        conditions.append(model.partner_id != NO_PARTNER)
    statement = sa.select(
        *groups, *(sa.func.coalesce(sa.func.sum(getattr(model, c)), 0) for c in COUNTERS)
    ).where(*conditions)
    if groups:
        statement = statement.group_by(*groups)
    found = []
    for row in await session.execute(statement):
        values = tuple(row[: len(groups)])
        counts = Counter(dict(zip(COUNTERS, map(int, row[len(groups) :]), strict=True)))
        found.append((values, counts))
    return found


# --- chats ---------------------------------------------------------------------------------


def _utc_day(session: AsyncSession, column: Any) -> Any:
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        return sa.cast(sa.func.timezone("UTC", column), sa.Date)
    return sa.func.date(column)


def _has_estimate(session: AsyncSession) -> Any:
    json_type = (
        sa.func.jsonb_typeof
        if session.bind is not None and session.bind.dialect.name == "postgresql"
        else sa.func.json_type
    )
    return json_type(Conversation.estimate) == "object"


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


async def _chats(
    session: AsyncSession, filters: Filters, start: date, end: date
) -> list[tuple[date, str, str, ChatCounts]]:
    """(day, source, campaign, counts) of the chats started in [start, end]."""
    if filters.partner_id is not None or filters.state is not None or filters.tier is not None:
        return []
    day = _utc_day(session, Conversation.created_at)
    source = Conversation.utm["utm_source"].as_string()
    campaign = Conversation.utm["utm_campaign"].as_string()
    statement = (
        sa.select(
            day,
            source,
            campaign,
            sa.func.count(),
            sa.func.count().filter(_has_estimate(session)),
        )
        .where(
            Conversation.created_at >= bounds(start)[0],
            Conversation.created_at < bounds(end)[1],
        )
        .group_by(day, source, campaign)
    )
    found: list[tuple[date, str, str, ChatCounts]] = []
    for row in await session.execute(statement):
        chat_source, chat_campaign = attribution({"utm_source": row[1], "utm_campaign": row[2]})
        if filters.source is not None and chat_source != filters.source:
            continue
        if filters.campaign is not None and chat_campaign != filters.campaign:
            continue
        found.append((_as_date(row[0]), chat_source, chat_campaign, ChatCounts(row[3], row[4])))
    return found


def _total(chats: Iterable[ChatCounts]) -> ChatCounts:
    started = estimates = 0
    for counts in chats:
        started += counts.started
        estimates += counts.estimates
    return ChatCounts(started, estimates)


def _merged(rows: Iterable[tuple[tuple[Any, ...], Counter[str]]]) -> Counter[str]:
    total: Counter[str] = Counter()
    for _values, counts in rows:
        total.update(counts)
    return total


# --- the four questions --------------------------------------------------------------------


async def period_kpis(session: AsyncSession, filters: Filters, start: date, end: date) -> Kpis:
    counts = _merged(await _sums(session, filters, start, end))
    chats = _total(c for *_, c in await _chats(session, filters, start, end))
    return kpis(counts, chats, per_partner=filters.partner_id is not None)


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The same number of days just before [start, end]."""
    length = (end - start).days + 1
    previous_end = start - timedelta(days=1)
    return previous_end - timedelta(days=length - 1), previous_end


async def summary(session: AsyncSession, filters: Filters, start: date, end: date) -> Summary:
    previous_start, previous_end = previous_period(start, end)
    return Summary(
        from_=start,
        to=end,
        previous_from=previous_start,
        previous_to=previous_end,
        current=await period_kpis(session, filters, start, end),
        previous=await period_kpis(session, filters, previous_start, previous_end),
    )


def bucket_start(day: date, interval: Interval) -> date:
    if interval == "week":
        return day - timedelta(days=day.weekday())  # ISO weeks start on Monday
    if interval == "month":
        return day.replace(day=1)
    return day


def buckets(start: date, end: date, interval: Interval) -> list[date]:
    """Every bucket from the one holding ``start`` to the one holding ``end``."""
    found: list[date] = []
    current = bucket_start(start, interval)
    while current <= end:
        found.append(current)
        if interval == "day":
            current += timedelta(days=1)
        elif interval == "week":
            current += timedelta(days=7)
        else:
            current = (current.replace(day=28) + timedelta(days=4)).replace(day=1)
    return found


async def timeseries(
    session: AsyncSession, filters: Filters, start: date, end: date, interval: Interval
) -> Timeseries:
    counts: dict[date, Counter[str]] = {b: Counter() for b in buckets(start, end, interval)}
    chats: dict[date, list[ChatCounts]] = {b: [] for b in counts}
    for (day,), row in await _sums(session, filters, start, end, by_day=True):
        counts[bucket_start(_as_date(day), interval)].update(row)
    for day, _source, _campaign, chat in await _chats(session, filters, start, end):
        chats[bucket_start(day, interval)].append(chat)
    per_partner = filters.partner_id is not None
    return Timeseries(
        interval=interval,
        points=[
            TimePoint.model_construct(
                start=bucket,
                **dict(kpis(counts[bucket], _total(chats[bucket]), per_partner=per_partner)),
            )
            for bucket in counts
        ],
    )


async def _partner_names(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = await session.execute(sa.select(Partner.id, Partner.name).where(Partner.id.in_(ids)))
    return {partner_id: name for partner_id, name in rows}


async def breakdown(
    session: AsyncSession, filters: Filters, start: date, end: date, by: Dimension
) -> Breakdown:
    grouped = {
        values[0]: counts for values, counts in await _sums(session, filters, start, end, by=by)
    }
    chats: dict[Any, list[ChatCounts]] = {}
    if by in ("source", "campaign"):
        for _day, source, campaign, chat in await _chats(session, filters, start, end):
            key = source if by == "source" else campaign
            chats.setdefault(key, []).append(chat)
            grouped.setdefault(key, Counter())
    names = await _partner_names(session, list(grouped)) if by == "partner" else {}
    per_partner = by == "partner" or filters.partner_id is not None
    rows = [
        BreakdownRow(
            key=str(key),
            label=names.get(key, "(deleted partner)") if by == "partner" else str(key),
            **kpis(counts, _total(chats.get(key, [])), per_partner=per_partner).model_dump(),
        )
        for key, counts in grouped.items()
    ]
    rows.sort(key=lambda r: (-r.net_revenue_cents, -r.leads, -r.conversations_started, r.key))
    return Breakdown(by=by, rows=rows)


def _steps(counts: dict[str, int]) -> list[FunnelStep]:
    found: list[FunnelStep] = []
    first = counts.get(FUNNEL_STEPS[0], 0)
    previous: int | None = None
    for step in FUNNEL_STEPS:
        count = counts.get(step, 0)
        found.append(
            FunnelStep(
                step=step,
                count=count,
                rate_from_previous=None if previous is None else _rate(count, previous),
                rate_from_start=_rate(count, first),
            )
        )
        previous = count
    return found


async def funnel(session: AsyncSession, start: date, end: date, source: str | None) -> Funnel:
    per_source: dict[str, Counter[str]] = {}
    site = sa.select(FunnelDaily.source, FunnelDaily.step, sa.func.sum(FunnelDaily.count)).where(
        FunnelDaily.day >= start, FunnelDaily.day <= end
    )
    if source is not None:
        site = site.where(FunnelDaily.source == source)
    for row_source, step, count in await session.execute(
        site.group_by(FunnelDaily.source, FunnelDaily.step)
    ):
        per_source.setdefault(row_source, Counter())[step] += int(count or 0)
    for (row_source,), counts in await _sums(
        session, Filters(source=source), start, end, by="source"
    ):
        totals = per_source.setdefault(row_source, Counter())
        totals["lead"] += counts["leads"]
        totals["sold"] += counts["sold"]
    overall: Counter[str] = Counter()
    for counts in per_source.values():
        overall.update(counts)
    ordered = sorted(
        per_source.items(), key=lambda item: (-item[1]["visit"], -item[1]["lead"], item[0])
    )
    return Funnel(
        steps=_steps(overall),
        by_source=[SourceFunnel(source=name, steps=_steps(counts)) for name, counts in ordered],
    )


def source_filter(value: str | None) -> str | None:
    """A ``source`` or ``campaign`` query parameter as the rollups key it."""
    return None if value is None else label(value)


__all__ = ["NO_VALUE", "Filters", "breakdown", "funnel", "summary", "timeseries"]

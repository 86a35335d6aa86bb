"""The staff face of analytics: ``/admin/analytics/*`` (analyst, manager and admin).

Every route takes ``from`` and ``to`` (UTC days, both inclusive, at most
``MAX_RANGE_DAYS`` apart) and reads the rollups on the read session.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from app.admin.deps import AnalystAccess
from app.analytics import queries
from app.analytics.schemas import Breakdown, Dimension, Funnel, Interval, Summary, Timeseries
from app.core.db import ReadSessionDep
from app.core.errors import Forbidden, RateLimited, Unauthorized, ValidationFailed, responses
from app.partners.schemas import US_STATES

MAX_RANGE_DAYS = 3 * 366
# The days a period may touch (its previous period included): the platform's lifetime,
# with room, and far from the calendar's edges (year 1, year 9999).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
_COMMON = (Unauthorized, Forbidden, ValidationFailed, RateLimited)

router = APIRouter(prefix="/analytics", tags=["admin_analytics"])


@dataclass(frozen=True)
class Period:
    start: date
    end: date


def period(
    from_: Annotated[date, Query(alias="from", description="First UTC day (YYYY-MM-DD).")],
    to: Annotated[date, Query(description="Last UTC day, inclusive (YYYY-MM-DD).")],
) -> Period:
    if from_ > to:
        raise ValidationFailed(
            "`from` must be on or before `to`.",
            code="invalid_period",
            details={"from": from_.isoformat(), "to": to.isoformat()},
        )
    for name, day in (("from", from_), ("to", to)):
        if not FIRST_DAY + timedelta(days=MAX_RANGE_DAYS) <= day <= LAST_DAY:
            raise ValidationFailed(
                f"`{name}` must be between {FIRST_DAY + timedelta(days=MAX_RANGE_DAYS)} "
                f"and {LAST_DAY}.",
                code="date_out_of_range",
                details={name: day.isoformat()},
            )
    if (to - from_).days + 1 > MAX_RANGE_DAYS:
        raise ValidationFailed(
            f"A period is at most {MAX_RANGE_DAYS} days long.",
            code="period_too_long",
            details={"max_days": MAX_RANGE_DAYS, "days": (to - from_).days + 1},
        )
    return Period(from_, to)


Utm = Annotated[str | None, Query(max_length=100)]


def filters(
    partner_id: Annotated[uuid.UUID | None, Query(description="One partner's figures.")] = None,
    state: Annotated[
        str | None, Query(max_length=8, description="Two-letter US state, e.g. `AZ`.")
    ] = None,
    tier: Annotated[Literal["A", "B", "C"] | None, Query()] = None,
    source: Annotated[Utm, Query(description="UTM source; `(none)` for none.")] = None,
    campaign: Annotated[Utm, Query(description="UTM campaign; `(none)` for none.")] = None,
) -> queries.Filters:
    if state is not None and state.strip().upper() not in US_STATES:
        raise ValidationFailed(
            f"{state!r} is not a US state or DC; use its two-letter code, e.g. AZ.",
            code="invalid_state",
            details={"state": state},
        )
    return queries.Filters(
        partner_id=partner_id,
        state=state.strip().upper() if state is not None else None,
        tier=tier,
        source=queries.source_filter(source),
        campaign=queries.source_filter(campaign),
    )


PeriodDep = Annotated[Period, Depends(period)]
FiltersDep = Annotated[queries.Filters, Depends(filters)]


@router.get("/summary", response_model=Summary, responses=responses(*_COMMON))
async def summary(
    _principal: AnalystAccess, session: ReadSessionDep, when: PeriodDep, only: FiltersDep
) -> Summary:
    """Every KPI of the period and of the same-length period just before it (for the
    change). Analyst role or higher."""
    return await queries.summary(session, only, when.start, when.end)


@router.get("/timeseries", response_model=Timeseries, responses=responses(*_COMMON))
async def timeseries(
    _principal: AnalystAccess,
    session: ReadSessionDep,
    when: PeriodDep,
    only: FiltersDep,
    interval: Annotated[
        Interval, Query(description="Bucket: day, week (Monday) or month.")
    ] = "day",
) -> Timeseries:
    """The KPIs per day, ISO week or calendar month: every bucket from the one holding
    `from` to the one holding `to`, zeros included (only days in the period count).
    Analyst role or higher."""
    return await queries.timeseries(session, only, when.start, when.end, interval)


@router.get("/breakdown", response_model=Breakdown, responses=responses(*_COMMON))
async def breakdown(
    _principal: AnalystAccess,
    session: ReadSessionDep,
    when: PeriodDep,
    only: FiltersDep,
    by: Annotated[Dimension, Query(description="partner, state, tier, source or campaign.")],
) -> Breakdown:
    """The KPIs per partner (label: its name), state, tier, UTM source or campaign,
    highest net revenue first. Analyst role or higher."""
    return await queries.breakdown(session, only, when.start, when.end, by)


@router.get("/funnel", response_model=Funnel, responses=responses(*_COMMON))
async def funnel(
    _principal: AnalystAccess,
    session: ReadSessionDep,
    when: PeriodDep,
    source: Annotated[Utm, Query(description="UTM source; `(none)` for none.")] = None,
) -> Funnel:
    """The public funnel: visit, chat started, estimate shown, contact given, consented
    (from the site's events), lead and sold (from the rollups), overall and per UTM
    source. Analyst role or higher."""
    return await queries.funnel(session, when.start, when.end, queries.source_filter(source))

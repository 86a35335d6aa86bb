"""A partner's own account: what it sees (``account_view``) and what it may change
itself (``update_account``) within the limits Aurum set.

Self-service, where the lead platforms we compete with take an email and days: pause
and resume (never out of or into ``suspended``), caps up to ``cap_limits``, and a
service area that stays inside ``allowed_states``: states, ZIPs, ZIP prefixes and radius
circles are all checked against the ZIP table, so a radius cannot reach across a border
the partner may not sell in. Changes go through ``service.update_partner`` as
``via: partner``, so they are audited and re-offer open leads like a staff change.
"""

from __future__ import annotations

import bisect
import math
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.errors import ValidationFailed
from app.partners import service
from app.partners.allocation import EARTH_RADIUS_MILES, miles_between
from app.partners.b2b_deps import PartnerPrincipal
from app.partners.b2b_schemas import (
    AccountUpdate,
    ApiKeyInfo,
    B2BAccount,
    Billing,
    CapsUsage,
    Notice,
    PeriodUsage,
    ReturnAllowance,
)
from app.partners.distribution import period_starts, usage_of
from app.partners.models import Partner
from app.partners.returns import return_allowance
from app.partners.schemas import Caps, Prices, ServiceArea
from app.solar.tables import ZipRecord, reference_data
from app.webhooks.notices import notices_for as webhook_notices

# --- what the partner sees ------------------------------------------------------------------


def _next_start(period: str, starts_on: date) -> date:
    if period == "day":
        return starts_on + timedelta(days=1)
    if period == "week":
        return starts_on + timedelta(days=7)
    return (starts_on.replace(day=28) + timedelta(days=4)).replace(day=1)


def _local_midnight(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time.min, ZoneInfo(timezone)).astimezone(UTC)


def _usage(cap: int | None, used: int, period: str, starts_on: date, tz: str) -> PeriodUsage:
    return PeriodUsage(
        cap=cap,
        used=used,
        left=None if cap is None else max(0, cap - used),
        starts_on=starts_on,
        resets_at=_local_midnight(_next_start(period, starts_on), tz),
    )


def available_cents(partner: Partner) -> int:
    floor = -partner.credit_limit_cents if partner.billing_mode == "credit" else 0
    return max(0, partner.balance_cents - floor)


async def account_view(
    session: AsyncSession, principal: PartnerPrincipal, settings: Settings
) -> B2BAccount:
    partner, now = principal.partner, principal.now
    caps = Caps.model_validate(partner.caps or {})
    used = (await usage_of(session, [partner], now))[partner.id]
    starts = period_starts(now, partner.timezone)
    tz = partner.timezone
    allowance = await return_allowance(session, partner, now, settings)
    return B2BAccount(
        id=partner.id,
        name=partner.name,
        status=partner.status,
        timezone=tz,
        billing=Billing(
            mode=partner.billing_mode,
            balance_cents=partner.balance_cents,
            credit_limit_cents=partner.credit_limit_cents,
            available_cents=available_cents(partner),
            low_balance_cents=partner.low_balance_cents,
        ),
        prices=Prices.model_validate(partner.prices or {}),
        caps=CapsUsage(
            day=_usage(caps.day, used.day, "day", starts["day"], tz),
            week=_usage(caps.week, used.week, "week", starts["week"], tz),
            month=_usage(caps.month, used.month, "month", starts["month"], tz),
            month_spend_cents=_usage(
                caps.month_spend_cents, used.month_spend_cents, "month", starts["month"], tz
            ),
        ),
        cap_limits=Caps.model_validate(partner.cap_limits or {}),
        service_area=ServiceArea.model_validate(partner.service_area or {}),
        allowed_states=list(partner.allowed_states or []),
        person_window_days=partner.person_window_days,
        returns=ReturnAllowance(
            window_days=settings.return_window_days,
            cap_pct=settings.return_cap_pct,
            allowed_this_month=allowance.allowed,
            filed_this_month=allowance.filed,
        ),
        api_key=ApiKeyInfo(
            id=principal.key.id,
            name=principal.key.name,
            prefix=principal.key.display_prefix,
            scopes=list(principal.key.scopes),
            expires_at=principal.key.expires_at,
        ),
        notices=[
            Notice(code=n.code, message=n.message, at=n.at, details=n.details)
            for n in await webhook_notices(session, partner.id)
        ],
    )


# --- the service area, checked against the allowed states ----------------------------------


@cache
def _zip_index() -> tuple[list[str], list[ZipRecord], list[float], list[ZipRecord]]:
    """ZIPs sorted by code (for prefixes) and by latitude (for circles)."""
    zips = reference_data().zips
    by_code = sorted(zips.values(), key=lambda z: z.zip_code)
    by_latitude = sorted(zips.values(), key=lambda z: z.latitude)
    return (
        [z.zip_code for z in by_code],
        by_code,
        [z.latitude for z in by_latitude],
        by_latitude,
    )


def _states_with_prefix(prefix: str) -> set[str]:
    codes, records, _, _ = _zip_index()
    low = bisect.bisect_left(codes, prefix)
    high = bisect.bisect_left(codes, prefix + ":")  # ":" sorts right after "9"
    return {records[i].state for i in range(low, high)}


def _states_within(centre: ZipRecord, miles: float) -> set[str]:
    _, _, latitudes, records = _zip_index()
    degrees = miles / (EARTH_RADIUS_MILES * math.pi / 180)  # of latitude
    low = bisect.bisect_left(latitudes, centre.latitude - degrees)
    high = bisect.bisect_right(latitudes, centre.latitude + degrees)
    here = (centre.latitude, centre.longitude)
    return {
        records[i].state
        for i in range(low, high)
        if miles_between(here, (records[i].latitude, records[i].longitude)) <= miles
    }


def outside_allowed(area: ServiceArea, allowed_states: list[str]) -> list[str]:
    """Each part of ``area`` that reaches outside ``allowed_states``, said plainly."""
    allowed = set(allowed_states)
    zips = reference_data().zips
    problems = [f"state {s}" for s in area.states if s not in allowed]
    for code in area.zips:
        record = zips.get(code)
        if record is None:
            problems.append(f"ZIP {code} (not a known US ZIP)")
        elif record.state not in allowed:
            problems.append(f"ZIP {code} ({record.state})")
    for prefix in area.zip_prefixes:
        beyond = _states_with_prefix(prefix) - allowed
        if beyond:
            problems.append(f"ZIP prefix {prefix} (reaches {', '.join(sorted(beyond))})")
    for ring in area.radius:
        centre = zips.get(ring.zip_code)
        if centre is None:
            problems.append(f"radius around {ring.zip_code} (not a known US ZIP)")
            continue
        beyond = _states_within(centre, ring.miles) - allowed
        if beyond:
            problems.append(
                f"{ring.miles:g} miles around {ring.zip_code} (reaches {', '.join(sorted(beyond))})"
            )
    return problems


# --- what the partner changes ---------------------------------------------------------------


async def update_account(
    session: AsyncSession, principal: PartnerPrincipal, body: AccountUpdate
) -> Partner:
    partner = principal.partner
    changes: dict[str, object] = {}
    if body.caps is not None:
        current = Caps.model_validate(partner.caps or {}).model_dump()
        changes["caps"] = {**current, **body.caps.model_dump(exclude_unset=True)}
    if body.service_area is not None:
        problems = outside_allowed(body.service_area, list(partner.allowed_states or []))
        if problems:
            raise ValidationFailed(
                "Your service area may only cover "
                f"{', '.join(partner.allowed_states) or 'no states'}; outside them: "
                f"{'; '.join(problems)}.",
                code="outside_allowed_states",
                details={"outside": problems, "allowed_states": list(partner.allowed_states)},
            )
        changes["service_area"] = body.service_area.model_dump()
    if body.status is not None:
        changes["status"] = body.status
    if changes:
        partner = await service.update_partner(session, partner.id, changes, principal.who())
    return partner

"""Who buys a lead: a pure function of the lead, the candidate partners and the time.

Each candidate is checked (status, service area, filters, the person window, caps, its
balance); then two ways of selling are priced:

- **exclusive**: the one partner paying the highest exclusive price for the lead's tier;
- **shared**: up to ``k`` partners at their shared prices, ``k`` being the smaller of
  ``MAX_SHARED_BUYERS`` and the number of installers the homeowner agreed to.

Whichever earns more wins; on equal revenue the exclusive sale does (one phone call for
the homeowner instead of several). Between partners offering the same price the one with
the fewest sales today goes first, then a stable hash of (lead, partner): fair to equal
partners, and the same inputs always give the same answer.

No I/O, no clock of its own: ``distribution`` gathers the inputs and writes the result.
"""

from __future__ import annotations

import hashlib
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from app.partners.schemas import Caps, Filters, Prices, ServiceArea

Mode = Literal["exclusive", "shared"]
EARTH_RADIUS_MILES = 3958.8


@dataclass(frozen=True)
class LeadFacts:
    lead_id: uuid.UUID
    state: str
    zip_code: str
    latitude: float | None
    longitude: float | None
    score: int
    tier: str
    credit_band: str
    property_type: str
    roof_type: str
    shade: str
    timeline: str
    homeowner: bool
    max_buyers: int  # what the homeowner's consent allows


@dataclass(frozen=True)
class Usage:
    """What a partner has bought in its current day, week and month."""

    day: int = 0
    week: int = 0
    month: int = 0
    month_spend_cents: int = 0


@dataclass(frozen=True)
class Candidate:
    partner_id: uuid.UUID
    status: str
    area: ServiceArea
    filters: Filters
    prices: Prices
    caps: Caps
    usage: Usage
    balance_cents: int
    billing_mode: str
    credit_limit_cents: int
    sales_today: int = 0
    # Set by distribution from the database: it bought this person (same email or
    # phone) within its window, or a lead this one may duplicate.
    excluded: str | None = None
    # ZIP -> (lat, lon) for its radius centres.
    centres: dict[str, tuple[float, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class Award:
    partner_id: uuid.UUID
    price_cents: int
    matched: dict[str, Any]  # the rules that matched, for the receipt


@dataclass(frozen=True)
class Allocation:
    mode: Mode | None
    awards: tuple[Award, ...]
    revenue_cents: int
    rejected: dict[uuid.UUID, str]
    options: dict[str, int]  # revenue of each way of selling that was possible

    @property
    def sold(self) -> bool:
        return bool(self.awards)

    def unsold_reason(self) -> str:
        if self.sold:
            return ""
        if not self.rejected:
            return "no active partner"
        reasons = sorted(set(self.rejected.values()))
        return "no partner could buy: " + "; ".join(reasons)[:180]


def miles_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(h))


def area_match(lead: LeadFacts, candidate: Candidate) -> str | None:
    """The rule of the partner's area that covers the lead, or None."""
    return area_rule(
        candidate.area,
        candidate.centres,
        state=lead.state,
        zip_code=lead.zip_code,
        latitude=lead.latitude,
        longitude=lead.longitude,
    )


def area_rule(
    area: ServiceArea,
    centres: dict[str, tuple[float, float]],
    *,
    state: str,
    zip_code: str,
    latitude: float | None,
    longitude: float | None,
) -> str | None:
    """The rule of ``area`` that covers a home (state, ZIP, prefix or radius), or None."""
    if state in area.states:
        return f"state:{state}"
    if zip_code in area.zips:
        return f"zip:{zip_code}"
    for prefix in area.zip_prefixes:
        if zip_code.startswith(prefix):
            return f"zip_prefix:{prefix}"
    if latitude is not None and longitude is not None:
        for ring in area.radius:
            centre = centres.get(ring.zip_code)
            if centre is None:
                continue
            distance = miles_between(centre, (latitude, longitude))
            if distance <= ring.miles:
                return f"radius:{ring.zip_code}:{ring.miles:g}mi"
    return None


def filter_problem(lead: LeadFacts, filters: Filters) -> str | None:
    """Why the partner's filters refuse the lead, or None."""
    if filters.homeowners_only and not lead.homeowner:
        return "filters: homeowners only"
    if filters.min_score is not None and lead.score < filters.min_score:
        return "filters: score below minimum"
    checks = (
        (filters.tiers, lead.tier, "tier"),
        (filters.credit_bands, lead.credit_band, "credit band"),
        (filters.property_types, lead.property_type, "property type"),
        (filters.roof_types, lead.roof_type, "roof type"),
        (filters.shades, lead.shade, "shade"),
        (filters.timelines, lead.timeline, "timeline"),
    )
    for accepted, value, name in checks:
        if accepted and value not in accepted:
            return f"filters: {name}"
    return None


def budget_problem(candidate: Candidate, price: int) -> str | None:
    """Why the partner cannot take one more lead at ``price`` now, or None."""
    caps, used = candidate.caps, candidate.usage
    for period in ("day", "week", "month"):
        cap = getattr(caps, period)
        if cap is not None and getattr(used, period) + 1 > cap:
            return f"{period} cap reached"
    if (
        caps.month_spend_cents is not None
        and used.month_spend_cents + price > caps.month_spend_cents
    ):
        return "monthly spend cap reached"
    floor = -candidate.credit_limit_cents if candidate.billing_mode == "credit" else 0
    if candidate.balance_cents - price < floor:
        return "balance too low"
    return None


def _order(lead: LeadFacts, candidate: Candidate, price: int) -> tuple[int, int, str]:
    fair = hashlib.sha256(f"{lead.lead_id}:{candidate.partner_id}".encode()).hexdigest()
    return (-price, candidate.sales_today, fair)


def allocate(
    lead: LeadFacts, candidates: Sequence[Candidate], *, max_shared_buyers: int
) -> Allocation:
    rejected: dict[uuid.UUID, str] = {}
    matched: dict[uuid.UUID, dict[str, Any]] = {}
    for candidate in candidates:
        if candidate.status != "active":
            rejected[candidate.partner_id] = f"partner {candidate.status}"
            continue
        rule = area_match(lead, candidate)
        if rule is None:
            rejected[candidate.partner_id] = "outside service area"
            continue
        problem = candidate.excluded or filter_problem(lead, candidate.filters)
        if problem:
            rejected[candidate.partner_id] = problem
            continue
        matched[candidate.partner_id] = {"area": rule, "filters": "passed"}

    eligible = [c for c in candidates if c.partner_id in matched]
    offers: dict[Mode, list[tuple[Candidate, int]]] = {"exclusive": [], "shared": []}
    for mode in ("exclusive", "shared"):
        for candidate in eligible:
            price = candidate.prices.price(lead.tier, mode == "exclusive")
            if price is None:
                continue
            problem = budget_problem(candidate, price)
            if problem:
                rejected.setdefault(candidate.partner_id, problem)
                continue
            offers[mode].append((candidate, price))
        offers[mode].sort(key=lambda offer: _order(lead, offer[0], offer[1]))

    buyers_allowed = max(1, min(max_shared_buyers, lead.max_buyers))
    options: dict[str, int] = {}
    exclusive = offers["exclusive"][:1]
    shared = offers["shared"][:buyers_allowed]
    if exclusive:
        options["exclusive"] = exclusive[0][1]
    if shared:
        options["shared"] = sum(price for _, price in shared)

    if not options:
        for candidate in eligible:
            rejected.setdefault(candidate.partner_id, f"does not buy tier {lead.tier}")
        return Allocation(None, (), 0, rejected, options)
    mode: Mode = (
        "exclusive" if options.get("exclusive", -1) >= options.get("shared", -1) else "shared"
    )
    chosen = exclusive if mode == "exclusive" else shared
    awards = tuple(
        Award(
            candidate.partner_id,
            price,
            {
                **matched[candidate.partner_id],
                "price_rule": f"{lead.tier}.{mode}",
                "compared": options,
            },
        )
        for candidate, price in chosen
    )
    for candidate in eligible:
        if candidate.partner_id not in {a.partner_id for a in awards}:
            rejected.setdefault(candidate.partner_id, f"outbid ({mode} sale)")
    return Allocation(mode, awards, sum(a.price_cents for a in awards), rejected, options)

"""Lead scoring: a pure, explainable function of what the homeowner told us.

Seven factors add up to at most 100 points. Each factor reports its points, its
maximum and a one-line reason an admin (or a partner disputing a price) can read.
Renters and bills too small for solar are `unqualified` whatever their score.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

MIN_QUALIFIED_MONTHLY_BILL_USD = 50.0
TIER_A_MIN = 75
TIER_B_MIN = 50


@dataclass(frozen=True)
class Factor:
    factor: str
    value: Any
    points: int
    max_points: int
    reason: str


@dataclass(frozen=True)
class Score:
    score: int
    tier: str
    factors: tuple[Factor, ...]
    qualified: bool
    unqualified_reason: str | None

    def factors_json(self) -> list[dict[str, Any]]:
        return [asdict(f) for f in self.factors]


PROPERTY_POINTS = {
    "single_family": (15, "Detached homes have the roof space and the owner's say on it"),
    "townhouse": (10, "Townhouses often qualify but roofs can be shared or small"),
    "multi_family": (6, "Small multi-family buildings qualify but installs are more complex"),
    "condo": (4, "Condo roofs usually belong to the association, which must approve"),
    "mobile_home": (3, "Few installers mount panels on manufactured homes"),
}
ROOF_POINTS = {
    "asphalt_shingle": (10, "Asphalt shingle is the easiest, cheapest roof to install on"),
    "metal": (10, "Standing-seam metal takes clamp mounts with no roof penetrations"),
    "tile": (7, "Tile roofs need tile hooks and careful handling: slower install"),
    "flat": (6, "Flat roofs need ballasted or tilted racking"),
    "other": (4, "Unknown roof material: the installer must inspect first"),
    "wood_shake": (2, "Wood shake is fragile and a fire concern; often needs a new roof"),
    "slate": (2, "Slate is brittle and few installers work on it"),
}
SHADE_POINTS = {
    "none": (10, "Full sun: the estimate holds"),
    "light": (7, "Light shade costs a few percent of production"),
    "moderate": (3, "Moderate shade cuts production noticeably"),
    "heavy": (0, "Heavy shade may make solar uneconomic"),
}
CREDIT_POINTS = {
    "excellent": (15, "720+ qualifies for the best loan rates"),
    "good": (11, "680-719 qualifies for most solar loans"),
    "fair": (6, "640-679 limits financing options"),
    # Below fair: financing is unknown until the installer asks, but not ruled out.
    "unknown": (3, "Credit range not shared: financing options unknown until the installer asks"),
    "poor": (1, "Below 640 rarely qualifies for financing; cash or lease only"),
}
TIMELINE_POINTS = {
    "asap": (10, "Ready to buy now"),
    "1_3_months": (8, "Plans to buy within 3 months"),
    "3_6_months": (5, "Plans to buy within 6 months"),
    "6_12_months": (3, "Plans to buy within a year"),
    "researching": (1, "Still researching"),
}
BILL_BANDS = (  # (minimum monthly bill USD, points, reason)
    (250.0, 20, "A bill of $250+ a month makes solar pay back fastest"),
    (150.0, 15, "A $150-249 bill gives solid savings"),
    (100.0, 10, "A $100-149 bill gives moderate savings"),
    (MIN_QUALIFIED_MONTHLY_BILL_USD, 5, "A $50-99 bill makes savings slim"),
    (0.0, 0, "Under $50 a month is too small for solar to pay back"),
)
OWNERSHIP_MAX = 20


def tier_for(score: int) -> str:
    if score >= TIER_A_MIN:
        return "A"
    if score >= TIER_B_MIN:
        return "B"
    return "C"


def _from_table(name: str, value: str, table: dict[str, tuple[int, str]]) -> Factor:
    top = max(points for points, _ in table.values())
    points, reason = table[value]
    return Factor(name, value, points, top, reason)


def score_lead(
    *,
    homeowner: bool,
    property_type: str,
    monthly_bill_usd: float,
    credit_band: str,
    shade: str,
    roof_type: str,
    timeline: str,
) -> Score:
    """Score a lead from its qualification answers (values as the NLU normalises them)."""
    bill_points, bill_reason = next(
        (points, reason) for floor, points, reason in BILL_BANDS if monthly_bill_usd >= floor
    )
    factors = (
        Factor(
            "ownership",
            homeowner,
            OWNERSHIP_MAX if homeowner else 0,
            OWNERSHIP_MAX,
            "Owns the home and can sign for solar"
            if homeowner
            else "Renters cannot install solar without the owner",
        ),
        _from_table("property_type", property_type, PROPERTY_POINTS),
        Factor("monthly_bill", round(monthly_bill_usd, 2), bill_points, 20, bill_reason),
        _from_table("credit", credit_band, CREDIT_POINTS),
        _from_table("shade", shade, SHADE_POINTS),
        _from_table("roof", roof_type, ROOF_POINTS),
        _from_table("timeline", timeline, TIMELINE_POINTS),
    )
    total = sum(f.points for f in factors)
    reason = None
    if not homeowner:
        reason = "Renter: only the property owner can buy solar"
    elif monthly_bill_usd < MIN_QUALIFIED_MONTHLY_BILL_USD:
        reason = f"Monthly bill under ${MIN_QUALIFIED_MONTHLY_BILL_USD:.0f} is too small for solar"
    return Score(total, tier_for(total), factors, reason is None, reason)

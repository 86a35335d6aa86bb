"""Sizing and money: from a bill and a per-kW yield to cost, savings and payback.

Pure arithmetic on plain numbers; every figure it uses arrives as an argument so the
engine can return it with the estimate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Incentive:
    """One row of the incentives table.

    ``percent`` of the gross cost (capped at ``max_usd``) plus ``usd_per_watt`` plus a
    fixed ``usd``; it applies to systems installed in ``states`` (all when empty)
    between ``installed_from`` and ``installed_until`` (inclusive, open when None).
    """

    name: str
    percent: float = 0.0
    usd_per_watt: float = 0.0
    usd: float = 0.0
    max_usd: float | None = None
    states: tuple[str, ...] = ()
    installed_from: date | None = None
    installed_until: date | None = None
    note: str = ""

    def applies(self, state: str, install_date: date) -> bool:
        if self.states and state not in self.states:
            return False
        if self.installed_from and install_date < self.installed_from:
            return False
        return not (self.installed_until and install_date > self.installed_until)

    def amount(self, gross_cost_usd: float, system_watts: float) -> float:
        value = gross_cost_usd * self.percent / 100.0 + system_watts * self.usd_per_watt + self.usd
        if self.max_usd is not None:
            value = min(value, self.max_usd)
        return max(0.0, min(value, gross_cost_usd))


#: The federal residential clean energy credit (IRC 25D, 30 %) ended for expenditures
#: after 2025-12-31 (Public Law 119-21, section 70506); an expenditure counts when the
#: installation is completed, so a homeowner-owned system installed in 2026 or later
#: gets nothing. The row stays in the table so the estimate can say why it is zero.
FEDERAL_25D = Incentive(
    name="Federal residential clean energy credit (IRC 25D)",
    percent=30.0,
    installed_until=date(2025, 12, 31),
    note="Ended for systems installed after 2025-12-31 (Public Law 119-21, sec. 70506).",
)
DEFAULT_INCENTIVES: tuple[Incentive, ...] = (FEDERAL_25D,)


@dataclass(frozen=True, slots=True)
class Sizing:
    panel_count: int
    system_size_kw: float
    target_kw: float


def size_system(
    annual_consumption_kwh: float, yield_kwh_per_kw: float, offset_pct: float, panel_watts: float
) -> Sizing:
    """Smallest whole number of panels whose first-year output reaches the target offset."""
    target_kw = annual_consumption_kwh * offset_pct / 100.0 / yield_kwh_per_kw
    panels = max(1, math.ceil(target_kw * 1000.0 / panel_watts - 1e-9))
    return Sizing(
        panel_count=panels, system_size_kw=panels * panel_watts / 1000.0, target_kw=target_kw
    )


@dataclass(frozen=True, slots=True)
class AppliedIncentive:
    name: str
    amount_usd: float


def apply_incentives(
    incentives: Sequence[Incentive],
    state: str,
    install_date: date,
    gross_cost_usd: float,
    system_watts: float,
) -> list[AppliedIncentive]:
    """The incentives that apply, each with its amount; never more than the cost in total."""
    applied: list[AppliedIncentive] = []
    remaining = gross_cost_usd
    for incentive in incentives:
        if not incentive.applies(state, install_date):
            continue
        amount = min(incentive.amount(gross_cost_usd, system_watts), remaining)
        remaining -= amount
        applied.append(AppliedIncentive(incentive.name, amount))
    return applied


@dataclass(frozen=True, slots=True)
class Savings:
    year1_usd: float
    lifetime_usd: float
    yearly_usd: tuple[float, ...]
    payback_years: float | None


def project_savings(
    *,
    year1_production_kwh: float,
    annual_consumption_kwh: float,
    rate_usd_per_kwh: float,
    escalation_pct: float,
    degradation_pct: float,
    years: int,
    net_cost_usd: float,
) -> Savings:
    """Bill savings year by year and the simple payback.

    Each kWh the system makes replaces a kWh bought at the retail rate, up to the
    home's consumption (surplus is valued at nothing: export credits vary by utility
    and are often far below retail, so not counting them keeps the estimate honest).
    Output falls by ``degradation_pct`` a year, the rate rises by ``escalation_pct``.
    Payback is when cumulative savings first reach the net cost, interpolated within
    the year; None when that does not happen within ``years``.
    """
    yearly = []
    for year in range(years):
        production = year1_production_kwh * (1 - degradation_pct / 100.0) ** year
        rate = rate_usd_per_kwh * (1 + escalation_pct / 100.0) ** year
        yearly.append(min(production, annual_consumption_kwh) * rate)
    return Savings(
        year1_usd=yearly[0] if yearly else 0.0,
        lifetime_usd=sum(yearly),
        yearly_usd=tuple(yearly),
        payback_years=payback_years(yearly, net_cost_usd),
    )


def payback_years(yearly_savings: Sequence[float], net_cost_usd: float) -> float | None:
    if net_cost_usd <= 0:
        return 0.0
    cumulative = 0.0
    for index, saving in enumerate(yearly_savings):
        if saving > 0 and cumulative + saving >= net_cost_usd:
            return index + (net_cost_usd - cumulative) / saving
        cumulative += saving
    return None


@dataclass(frozen=True, slots=True)
class Loan:
    principal_usd: float
    apr_pct: float
    term_years: int
    monthly_payment_usd: float
    total_interest_usd: float


def amortize(principal_usd: float, apr_pct: float, term_years: int) -> Loan:
    """Fixed-rate, fully amortising monthly loan."""
    months = term_years * 12
    monthly_rate = apr_pct / 100.0 / 12.0
    if principal_usd <= 0:
        payment = 0.0
    elif monthly_rate < 1e-9:  # 0 % financing (and rates too small to compound)
        payment = principal_usd / months
    else:
        payment = principal_usd * monthly_rate / (1 - (1 + monthly_rate) ** -months)
    return Loan(
        principal_usd=principal_usd,
        apr_pct=apr_pct,
        term_years=term_years,
        monthly_payment_usd=payment,
        total_interest_usd=max(0.0, payment * months - principal_usd),
    )

"""Sizing and money: from a bill and a per-kW yield to cost, savings and payback.

Pure arithmetic on plain numbers; every figure it uses arrives as an argument so the
engine can return it with the estimate.

Savings are worked out month by month, as a utility bills: the fixed monthly charge
stays whatever the panels make, so savings never exceed the energy part of the bill,
and how an exported kWh is credited (``Compensation``) decides what the output is worth.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

MONTHS = 12


def whole_dollar_cents(usd: float) -> int:
    """An amount rounded to whole dollars (half away from zero), in integer cents.

    An estimate is not precise to the cent; rounding every amount once, here, makes
    the figures add up as shown (installed cost - incentives = your cost) everywhere.
    """
    dollars = math.floor(abs(usd) + 0.5)
    return int(math.copysign(dollars, usd)) * 100 if dollars else 0


def whole_dollars(cents: int) -> int:
    """Integer cents to whole dollars, half away from zero (exact for whole-dollar cents)."""
    dollars = (abs(cents) + 50) // 100
    return -dollars if cents < 0 else dollars


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
    #: True when the target was below the smallest system worth installing, so the
    #: system is that minimum instead (a 3-panel system is not a real offer).
    raised_to_minimum: bool = False


def size_system(
    annual_consumption_kwh: float,
    yield_kwh_per_kw: float,
    offset_pct: float,
    panel_watts: float,
    minimum_kw: float = 0.0,
) -> Sizing:
    """Smallest whole number of panels whose first-year output reaches the target offset,
    and never fewer than ``minimum_kw`` needs."""
    target_kw = annual_consumption_kwh * offset_pct / 100.0 / yield_kwh_per_kw
    panels = max(1, _panels_for(target_kw, panel_watts))
    minimum_panels = _panels_for(minimum_kw, panel_watts)
    raised = panels < minimum_panels
    panels = max(panels, minimum_panels)
    return Sizing(
        panel_count=panels,
        system_size_kw=panels * panel_watts / 1000.0,
        target_kw=target_kw,
        raised_to_minimum=raised,
    )


def _panels_for(kw: float, panel_watts: float) -> int:
    return math.ceil(kw * 1000.0 / panel_watts - 1e-9)


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


class Compensation(StrEnum):
    """How a utility credits the output of a new residential system."""

    #: kWh netted at the retail rate; a month's surplus is carried forward as kWh credit
    #: within the year (what is left at the yearly true-up is not counted).
    RETAIL_NET_METERING = "retail_net_metering"
    #: kWh netted at retail within each month; a month's net surplus earns the export
    #: credit, carried forward as dollars within the year.
    MONTHLY_NETTING = "monthly_netting"
    #: Output used in the home as it is made saves the retail rate; every kWh sent to
    #: the grid earns the export credit, carried forward as dollars within the year.
    NET_BILLING = "net_billing"


@dataclass(frozen=True, slots=True)
class Tariff:
    """What a kWh is worth on one home's bill, year 1 (rates escalate from here)."""

    rate_usd_per_kwh: float
    fixed_usd_per_month: float
    compensation: Compensation
    #: Credit per exported kWh for each month of year 1 (ignored under retail netting).
    export_credit_usd_per_kwh: tuple[float, ...] = (0.0,) * MONTHS
    #: True when the credit is a share of the retail rate (it then rises with it);
    #: a dollar credit stays flat (many are locked for years: CA 9, HI 7, APS 10).
    export_credit_follows_retail: bool = False
    #: Share of the output used in the home as it is made (matters under net billing).
    self_consumption_share: float = 0.3
    escalation_pct: float = 0.0
    #: The bill never drops below this (the fixed charge where no higher minimum is known).
    minimum_bill_usd_per_month: float = 0.0
    #: Charged on every kWh produced (Connecticut's netting tariff), else 0.
    production_charge_usd_per_kwh: float = 0.0


@dataclass(frozen=True, slots=True)
class Savings:
    year1_usd: float
    lifetime_usd: float
    yearly_usd: tuple[float, ...]
    payback_years: float | None
    #: Year 1, month by month.
    bill_without_usd: NDArray[np.float64]
    bill_with_usd: NDArray[np.float64]
    #: Output sent to the grid rather than used as it is made (the self-consumption
    #: share), whatever the rule credits it at.
    exported_kwh: NDArray[np.float64]


def project_savings(
    *,
    monthly_production_kwh: Sequence[float] | NDArray[np.float64],
    monthly_consumption_kwh: Sequence[float] | NDArray[np.float64],
    tariff: Tariff,
    degradation_pct: float,
    years: int,
    net_cost_usd: float,
) -> Savings:
    """Bill savings year by year from a month-by-month bill, and the simple payback.

    Output falls by ``degradation_pct`` a year and the retail rate rises by the
    tariff's escalation. Each month's bill without solar is the fixed charge plus the
    energy bought; with solar, the energy charge left after credits, never below zero,
    plus the fixed charge (and never under the minimum bill). Payback is when
    cumulative savings first reach the net cost, interpolated within the year; None
    when that does not happen within ``years``. Rows are years, columns months.
    """
    remaining, growth = _yearly_factors(max(years, 1), degradation_pct, tariff.escalation_pct)
    production = np.asarray(monthly_production_kwh, dtype=float) * remaining
    consumption = np.asarray(monthly_consumption_kwh, dtype=float)
    rate = tariff.rate_usd_per_kwh * growth
    credit = np.asarray(tariff.export_credit_usd_per_kwh, dtype=float)
    if tariff.export_credit_follows_retail:
        credit = credit * growth
    used_on_site = np.minimum(tariff.self_consumption_share * production, consumption)
    exported = production - used_on_site

    if tariff.compensation is Compensation.NET_BILLING:
        monthly_net_usd = exported * credit - (consumption - used_on_site) * rate
    else:
        # A retail kWh credit carried within a year is worth the year's one retail rate,
        # so carrying kWh and carrying dollars at that rate are the same thing.
        surplus_credit = rate if tariff.compensation is Compensation.RETAIL_NET_METERING else credit
        net_kwh = production - consumption
        monthly_net_usd = np.where(net_kwh > 0, net_kwh * surplus_credit, net_kwh * rate)

    fixed = tariff.fixed_usd_per_month
    production_charge = production * tariff.production_charge_usd_per_kwh
    if tariff.minimum_bill_usd_per_month <= fixed:
        # Charges never go below zero, so the floor cannot bind, and a year's charges
        # telescope: sum_m charge_m = bank_12 - sum_m net_m = max(0, -min_k S_k), S the
        # running sum of net_m. Only year 1 needs its months.
        running = np.cumsum(monthly_net_usd, axis=1)
        charged = np.maximum(-running.min(axis=1), 0.0) + production_charge.sum(axis=1)
        yearly = (consumption.sum() * rate[:, 0] - charged).tolist()[:years]
        bill_with = fixed + charges_after_credit(monthly_net_usd[:1])[0] + production_charge[0]
    else:
        bills = np.maximum(
            fixed + charges_after_credit(monthly_net_usd) + production_charge,
            tariff.minimum_bill_usd_per_month,
        )
        yearly = ((fixed + consumption * rate).sum(axis=1) - bills.sum(axis=1)).tolist()[:years]
        bill_with = bills[0]
    return Savings(
        year1_usd=yearly[0] if yearly else 0.0,
        lifetime_usd=sum(yearly),
        yearly_usd=tuple(yearly),
        payback_years=payback_years(yearly, net_cost_usd),
        bill_without_usd=fixed + consumption * rate[0, 0] + np.zeros(MONTHS),
        bill_with_usd=bill_with,
        exported_kwh=exported[0],
    )


@lru_cache(maxsize=256)
def _yearly_factors(
    years: int, degradation_pct: float, escalation_pct: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Output left and price growth in each year, as columns (read-only, shared)."""
    years_ahead = np.arange(years, dtype=float)[:, None]
    remaining = (1.0 - degradation_pct / 100.0) ** years_ahead
    growth = (1.0 + escalation_pct / 100.0) ** years_ahead
    remaining.flags.writeable = growth.flags.writeable = False
    return remaining, growth


def charges_after_credit(monthly_net_usd: NDArray[np.float64]) -> NDArray[np.float64]:
    """What each month's energy charge comes to when credits carry forward in the year.

    ``monthly_net_usd`` is each month's credit earned minus energy bought (rows are
    years, columns months). The credit bank follows bank_m = max(0, bank_{m-1} + net_m),
    starting empty each year (the true-up); its closed form (Lindley's recursion) is
    bank_m = S_m - min(0, min_{k<=m} S_k) with S the running sum, so a whole
    projection is a few array operations. The charge is what the bank could not cover.
    """
    running = np.cumsum(monthly_net_usd, axis=1)
    bank = running - np.minimum(np.minimum.accumulate(running, axis=1), 0.0)
    bank_before = np.concatenate([np.zeros_like(bank[:, :1]), bank[:, :-1]], axis=1)
    return np.maximum(bank - bank_before - monthly_net_usd, 0.0)


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

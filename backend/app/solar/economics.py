"""A state's money assumptions: installed cost, tariff, export compensation, escalation.

Each figure comes from the operator's override when one is set, else from the state's
row in ``data/state_money/`` when the row has one, else from a stated national fallback;
the estimate returns every one with its value, its source and that basis, and never
presents a fallback as the state's own figure. Provenance of the tables and the
engine's reading of them: ``data/README.md`` and ``data/state_money/README.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.solar.finance import MONTHS, Compensation
from app.solar.schemas import Basis, Sourced
from app.solar.tables import StateMoneyTable

#: The current national installed cost: EnergySage's median quote, H1 2025 (11.7 kW
#: median system; pv magazine, 2025-09-04).
NATIONAL_COST_PER_WATT_USD = 2.48
NATIONAL_COST_SOURCE = "EnergySage median installed cost, H1 2025"

#: What an exported kWh earns where the rule is "avoided cost" with no figure, and under
#: the fallback rule: the median of the avoided-cost figures the table does record
#: (Georgia ~$0.03 in 2019, North Carolina $0.034 in 2024, Louisiana $0.0368 in 2023).
FALLBACK_EXPORT_CREDIT_USD_PER_KWH = 0.034

#: Where the table sources no rule. The most common US rule (DSIRE Insight, May 2021:
#: most states net over the monthly billing period), with the month's surplus at the
#: fallback export credit: a stated assumption, not the state's rule, and less generous
#: than full retail net metering.
FALLBACK_COMPENSATION = Compensation.MONTHLY_NETTING

#: Share of output a home without a battery uses as it is made: the table's default
#: (its range is 25-40 %; low-authority sources, no state figures).
DEFAULT_SELF_CONSUMPTION_SHARE = 0.30

#: Cap on the escalation taken from a state's 2013-2023 price history. That two-point
#: nominal figure carries the 2021-2023 spike: six states (CT, NH, RI, CA, MA, ME) ran
#: 5.5-6.7 %/yr, which over 25 years would multiply the price 4-5x; every other state
#: ran 4.0 %/yr or less.
ESCALATION_CAP_PCT = 4.0

#: The smallest system worth installing: an installer's guidance ("the smallest system
#: I would recommend is about a 3000-watt system": aresolar.com); below it, permits and
#: labour make the cost per watt climb and the economics rarely work.
MINIMUM_SYSTEM_KW = 3.0
MINIMUM_SYSTEM_SOURCE = (
    "installer guidance (aresolar.com: 'the smallest system I would recommend is about "
    "a 3000-watt system'); low authority"
)


@dataclass(frozen=True, slots=True)
class CompensationOverride:
    """An operator's rule for a state (``SOLAR_COMPENSATION_BY_STATE``)."""

    compensation: Compensation
    export_credit_usd_per_kwh: float | None = None
    export_credit_fraction_of_retail: float | None = None


@dataclass(frozen=True, slots=True)
class ExportRule:
    compensation: Compensation
    basis: Basis
    source: str
    #: Credit per exported kWh by month, January first, in USD; or, when
    #: ``fraction_of_retail`` is set, that share of the retail rate (rising with it).
    #: None under retail net metering (exports earn the retail rate).
    credit_usd_by_month: tuple[float, ...] | None
    fraction_of_retail: float | None
    credit_basis: Basis | None
    credit_source: str
    production_charge_usd_per_kwh: float

    def year1_credit(self, rate_usd_per_kwh: float) -> tuple[float, ...] | None:
        if self.fraction_of_retail is not None:
            return (self.fraction_of_retail * rate_usd_per_kwh,) * MONTHS
        return self.credit_usd_by_month


def cost_per_watt(
    state: str,
    table: StateMoneyTable,
    national_usd: float,
    overrides: Mapping[str, float],
) -> Sourced:
    """Installed $/W: the state's ratio to its source's national median, times today's
    national figure (the state figures are 2023-2024 vintages; the ratio travels better
    than the dollars), rounded to the cent."""
    national_source = (
        NATIONAL_COST_SOURCE
        if national_usd == NATIONAL_COST_PER_WATT_USD
        else "SOLAR_COST_PER_WATT_USD"
    )
    if state in overrides:
        return _usd_per_w(overrides[state], Basis.OVERRIDE, "SOLAR_COST_PER_WATT_BY_STATE")
    row = table.states[state]
    if row.cost_usd_per_w is None or row.cost_source_national_usd_per_w is None:
        return _usd_per_w(
            national_usd,
            Basis.FALLBACK,
            f"No installed-cost figure for {state} in the table: the national "
            f"${national_usd:.2f}/W ({national_source})",
        )
    ratio = row.cost_usd_per_w.value / row.cost_source_national_usd_per_w
    return _usd_per_w(
        round(ratio * national_usd, 2),
        Basis.STATE,
        f"{state} ${row.cost_usd_per_w.value:.2f}/W ({row.cost_usd_per_w.source}) is "
        f"{ratio:.3f} x its source's U.S. ${row.cost_source_national_usd_per_w:.2f}/W "
        f"({row.cost_reading}); times the national ${national_usd:.2f}/W ({national_source})",
    )


def cost_per_watt_table(
    table: StateMoneyTable, national_usd: float, overrides: Mapping[str, float]
) -> dict[str, float]:
    """$/W for every state with a figure of its own (or an override)."""
    costs = {}
    for state in table.states:
        sourced = cost_per_watt(state, table, national_usd, overrides)
        if sourced.basis is not Basis.FALLBACK:
            costs[state] = sourced.value
    return costs


def _usd_per_w(value: float, basis: Basis, source: str) -> Sourced:
    return Sourced(value=value, unit="USD/W", basis=basis, source=source)


def fixed_charge(
    state: str,
    table: StateMoneyTable,
    overrides: Mapping[str, float],
    fallback_usd: float | None,
) -> Sourced:
    """The fixed monthly customer charge, which solar cannot reduce (the tables record it
    as the minimum bill too where they name one: CT, MD, NC, NY, RI)."""
    if state in overrides:
        return _per_month(overrides[state], Basis.OVERRIDE, "SOLAR_FIXED_CHARGE_BY_STATE")
    row = table.states[state].fixed_usd_per_month
    if row is not None:
        return _per_month(row.value, Basis.STATE, row.source)
    if fallback_usd is not None:
        return _per_month(
            fallback_usd,
            Basis.FALLBACK,
            f"No fixed-charge figure for {state}: SOLAR_FIXED_CHARGE_FALLBACK_USD_PER_MONTH",
        )
    return _per_month(
        table.median_fixed_usd_per_month,
        Basis.FALLBACK,
        f"No fixed-charge figure for {state}: the median of the "
        f"{sum(1 for r in table.states.values() if r.fixed_usd_per_month)} states the "
        "table has (AZ, CA, CT, GA, MD, MI, NC, NY, RI)",
    )


def _per_month(value: float, basis: Basis, source: str) -> Sourced:
    return Sourced(value=value, unit="USD/month", basis=basis, source=source)


def escalation(
    state: str, table: StateMoneyTable, override_pct: float | None, cap_pct: float
) -> Sourced:
    """Yearly rise of the retail rate: the state's 2013-2023 nominal history, capped."""
    if override_pct is not None:
        return _pct_per_year(override_pct, Basis.OVERRIDE, "SOLAR_UTILITY_ESCALATION_PCT")
    row = table.states[state].escalation
    if row is None:
        return _pct_per_year(
            round(table.median_escalation * 100.0, 2),
            Basis.FALLBACK,
            f"No 2023 EIA price for {state} in the table: the median of the 50 other "
            "states' 2013-2023 yearly change (EIA residential prices, nominal)",
        )
    history_pct = row.value * 100.0
    capped = history_pct > cap_pct
    return _pct_per_year(
        min(history_pct, cap_pct),
        Basis.STATE,
        f"{row.source}"
        + (f"; {history_pct:.2f} %/yr capped at {cap_pct:g} %/yr" if capped else ""),
    )


def _pct_per_year(value: float, basis: Basis, source: str) -> Sourced:
    return Sourced(value=value, unit="%/yr", basis=basis, source=source)


def self_consumption(state: str, table: StateMoneyTable, share: float) -> Sourced:
    row = table.states[state]
    table_share = row.self_consumption_share
    if table_share is None or abs(share - table_share) > 1e-9:
        return Sourced(
            value=share, unit="share", basis=Basis.OVERRIDE, source="SOLAR_SELF_CONSUMPTION_SHARE"
        )
    return Sourced(
        value=share,
        unit="share",
        basis=Basis.NATIONAL,
        source=(
            f"Share of output used in the home as it is made, no battery: the table's "
            f"default {table_share:.2f} (range {row.self_consumption_range}; usapowr.com, "
            "solarcalculatorhq.com, palebluedot.llc, low authority; one figure for every state)"
        ),
    )


def export_rule(
    state: str,
    table: StateMoneyTable,
    overrides: Mapping[str, CompensationOverride],
    fallback_credit_usd: float,
) -> ExportRule:
    """How exported output is credited for a new customer in the state."""
    fallback_credit = (fallback_credit_usd,) * MONTHS
    if state in overrides:
        override = overrides[state]
        retail = override.compensation is Compensation.RETAIL_NET_METERING
        given = override.export_credit_usd_per_kwh
        return ExportRule(
            compensation=override.compensation,
            basis=Basis.OVERRIDE,
            source="SOLAR_COMPENSATION_BY_STATE",
            credit_usd_by_month=None if retail else (given,) * MONTHS if given else fallback_credit,
            fraction_of_retail=None if retail else override.export_credit_fraction_of_retail,
            credit_basis=None if retail else Basis.OVERRIDE,
            credit_source="" if retail else "SOLAR_COMPENSATION_BY_STATE",
            production_charge_usd_per_kwh=0.0,
        )
    row = table.states[state]
    if not row.compensation:
        why = row.compensation_reading or "no source read for this state"
        return ExportRule(
            compensation=FALLBACK_COMPENSATION,
            basis=Basis.FALLBACK,
            source=(
                f"No sourced rule for {state} ({why}): assumed monthly netting at the "
                "retail rate, the most common US rule (DSIRE Insight, May 2021)"
            ),
            credit_usd_by_month=fallback_credit,
            fraction_of_retail=None,
            credit_basis=Basis.FALLBACK,
            credit_source=_fallback_credit_source(fallback_credit_usd),
            production_charge_usd_per_kwh=0.0,
        )
    compensation = Compensation(row.compensation)
    source = f"{row.compensation_reading} ({row.compensation_source})"
    retail = compensation is Compensation.RETAIL_NET_METERING
    adder = row.export_credit_adder_usd_per_kwh
    has_figure = row.export_credit_usd_per_kwh is not None or (
        row.export_credit_fraction_of_retail is not None
    )
    if retail:
        credit, credit_basis, credit_source = None, None, ""
    elif row.export_credit_usd_per_kwh is not None:
        credit = tuple(v + adder for v in row.export_credit_usd_per_kwh)
        credit_basis, credit_source = Basis.STATE, source
    elif has_figure:
        credit, credit_basis, credit_source = None, Basis.STATE, source
    else:
        credit = tuple(v + adder for v in fallback_credit)
        credit_basis = Basis.FALLBACK
        credit_source = _fallback_credit_source(fallback_credit_usd) + (
            f", plus the state's ${adder:.3f}/kWh adder" if adder else ""
        )
    return ExportRule(
        compensation=compensation,
        basis=Basis.FALLBACK if row.compensation_is_fallback else Basis.STATE,
        source=source,
        credit_usd_by_month=credit,
        fraction_of_retail=None if retail else row.export_credit_fraction_of_retail,
        credit_basis=credit_basis,
        credit_source=credit_source,
        production_charge_usd_per_kwh=row.production_charge_usd_per_kwh,
    )


def _fallback_credit_source(credit_usd: float) -> str:
    if credit_usd == FALLBACK_EXPORT_CREDIT_USD_PER_KWH:
        return (
            f"No export-credit figure: ${credit_usd:.3f}/kWh, the median of the avoided-cost "
            "figures the table records (GA ~$0.03, NC $0.034, LA $0.0368)"
        )
    return (
        f"No export-credit figure: ${credit_usd:.3f}/kWh (SOLAR_EXPORT_CREDIT_FALLBACK_USD_PER_KWH)"
    )

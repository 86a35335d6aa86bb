"""Each state's money assumptions: from its own row, an override, or a labelled fallback.

Expected values are read from the shipped CSVs here with the csv module, not copied
into the test, so a changed row changes what is expected.
"""

from __future__ import annotations

import csv
import statistics
from pathlib import Path

import pytest

from app.solar import economics
from app.solar.economics import CompensationOverride
from app.solar.finance import Compensation
from app.solar.schemas import Basis
from app.solar.tables import STATE_MONEY_DIR, US_STATES_AND_DC, reference_data

NATIONAL = economics.NATIONAL_COST_PER_WATT_USD


def rows(name: str) -> dict[str, dict[str, str]]:
    with (STATE_MONEY_DIR / name).open(newline="", encoding="utf-8") as handle:
        return {row["state"]: row for row in csv.DictReader(handle)}


COST = rows("cost_per_watt_by_state.csv")
FIXED = rows("fixed_charges_by_state.csv")
ESCALATION = rows("price_escalation_by_state.csv")
READINGS = rows("engine_readings.csv")
METERING = rows("net_metering_by_state.csv")


def table():
    return reference_data().state_money


@pytest.mark.parametrize("state", ["HI", "CA"])
def test_hawaii_and_california_cost_per_watt_come_from_their_rows(state: str) -> None:
    """The row's $/W over its source's U.S. median, times today's national $2.48."""
    own = float(COST[state]["cost_usd_per_w_gross"])
    source_national = float(READINGS[state]["cost_source_national_usd_per_w"])
    sourced = economics.cost_per_watt(state, table(), NATIONAL, {})
    assert sourced.basis is Basis.STATE
    assert sourced.value == pytest.approx(round(own / source_national * NATIONAL, 2))
    assert f"${own:.2f}/W" in sourced.source and "NerdWallet" in sourced.source


def test_hawaii_costs_more_than_california_and_neither_is_the_national_figure() -> None:
    hawaii = economics.cost_per_watt("HI", table(), NATIONAL, {}).value
    california = economics.cost_per_watt("CA", table(), NATIONAL, {}).value
    assert hawaii > NATIONAL > california


@pytest.mark.parametrize(
    "state", sorted(s for s in US_STATES_AND_DC if not COST[s]["cost_usd_per_w_gross"])
)
def test_a_state_without_a_cost_figure_says_so(state: str) -> None:
    sourced = economics.cost_per_watt(state, table(), NATIONAL, {})
    assert sourced.basis is Basis.FALLBACK
    assert sourced.value == NATIONAL
    assert f"No installed-cost figure for {state}" in sourced.source


def test_the_nerdwallet_denominator_is_that_tables_own_middle() -> None:
    """$2.96/W, NerdWallet's U.S. figure, against the median of the 2024 table's rows."""
    rows_2024 = [
        float(r["cost_usd_per_w_gross"])
        for r in COST.values()
        if r["cost_usd_per_w_gross"] and r["as_of"].startswith("2024 (EnergySage")
    ]
    assert len(rows_2024) == 21
    assert statistics.median(rows_2024) == pytest.approx(2.96, abs=0.02)


def test_an_operator_override_wins_and_says_so() -> None:
    sourced = economics.cost_per_watt("AK", table(), NATIONAL, {"AK": 3.4})
    assert (sourced.value, sourced.basis) == (3.4, Basis.OVERRIDE)
    costs = economics.cost_per_watt_table(table(), NATIONAL, {"AK": 3.4})
    assert costs["AK"] == 3.4 and "MT" not in costs and "HI" in costs


@pytest.mark.parametrize("state", sorted(US_STATES_AND_DC))
def test_every_assumption_is_the_states_own_only_when_its_row_has_it(state: str) -> None:
    """For every state: basis "state" exactly where the table has a figure; otherwise a
    fallback whose source says the state has none."""
    fixed = economics.fixed_charge(state, table(), {}, None)
    has_fixed = bool(FIXED[state]["typical_fixed_usd_per_month"])
    assert (fixed.basis is Basis.STATE) == has_fixed
    if has_fixed:
        assert fixed.value == float(FIXED[state]["typical_fixed_usd_per_month"])
    else:
        assert (
            fixed.basis is Basis.FALLBACK and f"No fixed-charge figure for {state}" in fixed.source
        )

    escalation = economics.escalation(state, table(), None, economics.ESCALATION_CAP_PCT)
    history = ESCALATION[state]["avg_annual_change_2013_2023_nominal"]
    assert (escalation.basis is Basis.STATE) == bool(history)
    if history:
        assert escalation.value == pytest.approx(
            min(float(history) * 100, economics.ESCALATION_CAP_PCT)
        )

    rule = economics.export_rule(state, table(), {}, economics.FALLBACK_EXPORT_CREDIT_USD_PER_KWH)
    reading = READINGS[state]
    if not reading["compensation"]:
        assert rule.basis is Basis.FALLBACK
        assert rule.compensation is Compensation.MONTHLY_NETTING
        assert f"No sourced rule for {state}" in rule.source
    else:
        assert rule.compensation is Compensation(reading["compensation"])
        assert (rule.basis is Basis.FALLBACK) == (reading["compensation_basis"] == "fallback")
    if rule.compensation is Compensation.RETAIL_NET_METERING:
        # Full retail net metering only where the table says so.
        assert METERING[state]["policy_new_residential"] == "net_metering_retail"
        assert rule.credit_usd_by_month is None
    else:
        has_credit = bool(
            reading["export_credit_usd_per_kwh"]
            or reading["export_credit_fraction_of_retail"]
            or reading["export_credit_by_month_usd_per_kwh"]
        )
        assert (rule.credit_basis is Basis.STATE) == has_credit


def test_fixed_charge_fallback_is_the_median_of_the_states_that_have_one() -> None:
    figures = [
        float(r["typical_fixed_usd_per_month"])
        for r in FIXED.values()
        if r["typical_fixed_usd_per_month"]
    ]
    assert economics.fixed_charge("AK", table(), {}, None).value == statistics.median(figures)
    assert economics.fixed_charge("AK", table(), {}, 25.0).value == 25.0
    assert economics.fixed_charge("AK", table(), {"AK": 31.0}, 25.0).basis is Basis.OVERRIDE


def test_escalation_is_capped_and_wyoming_takes_the_median() -> None:
    california = economics.escalation("CA", table(), None, 4.0)
    assert float(ESCALATION["CA"]["avg_annual_change_2013_2023_nominal"]) * 100 > 6
    assert california.value == 4.0 and "capped" in california.source
    wyoming = economics.escalation("WY", table(), None, 4.0)
    history = [
        float(r["avg_annual_change_2013_2023_nominal"])
        for r in ESCALATION.values()
        if r["avg_annual_change_2013_2023_nominal"]
    ]
    assert wyoming.basis is Basis.FALLBACK
    assert wyoming.value == pytest.approx(statistics.median(history) * 100, abs=0.005)
    assert economics.escalation("WY", table(), 3.0, 4.0).basis is Basis.OVERRIDE


@pytest.mark.parametrize(
    ("state", "rule", "credit_basis"),
    [
        ("CA", Compensation.NET_BILLING, Basis.STATE),
        ("HI", Compensation.NET_BILLING, Basis.STATE),
        ("UT", Compensation.NET_BILLING, Basis.STATE),
        ("MI", Compensation.NET_BILLING, Basis.FALLBACK),  # supply charges, no $ figure
        ("NV", Compensation.MONTHLY_NETTING, Basis.STATE),
        ("FL", Compensation.RETAIL_NET_METERING, None),
        ("AK", Compensation.MONTHLY_NETTING, Basis.FALLBACK),
    ],
)
def test_export_rules_read_from_the_table(state, rule, credit_basis) -> None:
    exported = economics.export_rule(state, table(), {}, 0.034)
    assert exported.compensation is rule
    assert exported.credit_basis is credit_basis


def test_utahs_seasonal_credit_and_nevadas_share_of_retail() -> None:
    utah = economics.export_rule("UT", table(), {}, 0.034).year1_credit(0.112)
    months = READINGS["UT"]["export_credit_by_month_usd_per_kwh"].split(";")
    assert utah == tuple(float(v) for v in months)
    assert utah[6] > utah[0]  # July pays the summer rate
    nevada = economics.export_rule("NV", table(), {}, 0.034)
    assert nevada.year1_credit(0.20) == pytest.approx((0.75 * 0.20,) * 12)


def test_mississippi_adds_its_adder_to_the_fallback_avoided_cost() -> None:
    rule = economics.export_rule("MS", table(), {}, 0.034)
    assert rule.year1_credit(0.13) == pytest.approx((0.034 + 0.025,) * 12)
    assert rule.credit_basis is Basis.FALLBACK and "adder" in rule.credit_source


def test_a_compensation_override_replaces_the_reading() -> None:
    overrides = {
        "AK": CompensationOverride(Compensation.NET_BILLING, export_credit_usd_per_kwh=0.05)
    }
    rule = economics.export_rule("AK", table(), overrides, 0.034)
    assert (rule.compensation, rule.basis) == (Compensation.NET_BILLING, Basis.OVERRIDE)
    assert rule.year1_credit(0.24) == (0.05,) * 12


def test_the_readings_file_covers_every_state_once() -> None:
    assert set(READINGS) == set(US_STATES_AND_DC)
    assert Path(STATE_MONEY_DIR / "README.md").exists()


def test_the_configs_state_costs_are_the_ones_estimates_use() -> None:
    """What the advisor quotes before an estimate ("about $X per watt") is the same
    figure the estimate then uses; a state without one is absent (national figure)."""
    from app.solar.engine import SolarConfig

    costs = SolarConfig().cost_per_watt_by_state
    assert costs["CA"] == economics.cost_per_watt("CA", table(), NATIONAL, {}).value
    assert "AK" not in costs
    assert SolarConfig(cost_per_watt_overrides={"AK": 3.1}).cost_per_watt_by_state["AK"] == 3.1

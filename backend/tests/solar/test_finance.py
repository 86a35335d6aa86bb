"""Sizing and money arithmetic."""

from __future__ import annotations

from datetime import date

import pytest

from app.solar import finance
from app.solar.finance import FEDERAL_25D, Incentive


def test_system_is_the_smallest_whole_panel_count_reaching_the_target() -> None:
    sizing = finance.size_system(10_000, 1_250, 100, 430)  # needs 8.0 kW
    assert sizing.panel_count == 19  # 18 panels = 7.74 kW would fall short
    assert sizing.system_size_kw == pytest.approx(8.17)
    assert sizing.panel_count * 430 * 1.25 >= 10_000


def test_exact_fit_does_not_add_a_panel() -> None:
    assert finance.size_system(4300 * 1.25, 1_250, 100, 430).panel_count == 10


@pytest.mark.parametrize(
    ("install", "applies"),
    [(date(2025, 6, 1), True), (date(2025, 12, 31), True), (date(2026, 1, 1), False)],
)
def test_federal_credit_ends_with_2025(install: date, applies: bool) -> None:
    applied = finance.apply_incentives([FEDERAL_25D], "NC", install, 20_000, 8_000)
    assert [a.amount_usd for a in applied] == ([6_000.0] if applies else [])


def test_incentives_respect_states_caps_and_never_exceed_the_cost() -> None:
    table = [
        Incentive("State rebate", usd_per_watt=0.5, max_usd=1_000, states=("NY",)),
        Incentive("Utility rebate", usd=900),
        Incentive("Too generous", percent=100),
    ]
    applied = finance.apply_incentives(table, "NY", date(2026, 3, 1), 2_500, 4_000)
    assert [(a.name, a.amount_usd) for a in applied] == [
        ("State rebate", 1_000),
        ("Utility rebate", 900),
        ("Too generous", 600),
    ]
    assert finance.apply_incentives(table[:1], "CA", date(2026, 3, 1), 2_500, 4_000) == []


def test_savings_escalate_degrade_and_ignore_surplus() -> None:
    savings = finance.project_savings(
        year1_production_kwh=12_000,
        annual_consumption_kwh=10_000,
        rate_usd_per_kwh=0.20,
        escalation_pct=3,
        degradation_pct=0.5,
        years=25,
        net_cost_usd=15_000,
    )
    assert savings.year1_usd == pytest.approx(2_000)  # surplus 2,000 kWh earns nothing
    assert savings.yearly_usd[1] == pytest.approx(2_060)  # still above use after 0.5 %
    assert savings.lifetime_usd == pytest.approx(sum(savings.yearly_usd))
    assert 6.8 < savings.payback_years < 6.9  # 12,937 back after 6 years, 2,389 in year 7


def test_payback_interpolates_and_can_be_missing() -> None:
    assert finance.payback_years([1_000] * 10, 2_500) == pytest.approx(2.5)
    assert finance.payback_years([100] * 10, 5_000) is None
    assert finance.payback_years([100] * 10, 0) == 0.0


def test_loan_payment_matches_the_annuity_formula() -> None:
    loan = finance.amortize(20_000, 6.0, 10)
    assert loan.monthly_payment_usd == pytest.approx(222.04, abs=0.01)
    assert loan.total_interest_usd == pytest.approx(222.04 * 120 - 20_000, abs=1)
    assert finance.amortize(12_000, 0.0, 10).monthly_payment_usd == pytest.approx(100)
    assert finance.amortize(12_000, 1e-300, 10).monthly_payment_usd == pytest.approx(100)

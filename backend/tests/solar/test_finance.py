"""Sizing and money arithmetic: incentives, the month-by-month bill, payback, loans."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.solar import finance
from app.solar.finance import FEDERAL_25D, Compensation, Incentive, Tariff


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


FLAT_USE = [800.0] * 12
# A sunny-summer production shape (kWh a month), 9,600 kWh a year: 100 % of FLAT_USE.
SUMMER_PEAK = [
    500.0,
    600.0,
    800.0,
    950.0,
    1050.0,
    1100.0,
    1100.0,
    1050.0,
    900.0,
    700.0,
    500.0,
    350.0,
]


def tariff(compensation: Compensation, **changes) -> Tariff:
    base = dict(
        rate_usd_per_kwh=0.20,
        fixed_usd_per_month=15.0,
        compensation=compensation,
        export_credit_usd_per_kwh=(0.05,) * 12,
        self_consumption_share=0.3,
        escalation_pct=3.0,
        minimum_bill_usd_per_month=15.0,
    )
    return Tariff(**{**base, **changes})


def savings(t: Tariff, production=SUMMER_PEAK, use=FLAT_USE, years=25, net_cost=15_000.0):
    return finance.project_savings(
        monthly_production_kwh=production,
        monthly_consumption_kwh=use,
        tariff=t,
        degradation_pct=0.5,
        years=years,
        net_cost_usd=net_cost,
    )


def test_retail_net_metering_carries_summer_credit_into_the_autumn() -> None:
    """January-February draw at retail; from March the surplus banks and pays for the
    autumn; the fixed charge stays on every bill."""
    result = savings(tariff(Compensation.RETAIL_NET_METERING), years=1)
    bills = np.array(result.bill_with_usd)
    assert bills[0] == pytest.approx(15 + 300 * 0.20)
    assert bills[1] == pytest.approx(15 + 200 * 0.20)
    assert np.all(bills[2:] == pytest.approx(15.0))  # banked kWh cover March-December
    assert result.bill_without_usd == pytest.approx((15 + 160,) * 12)
    assert result.year1_usd == pytest.approx(12 * 160 - 60 - 40)


def test_net_billing_values_exports_at_the_credit() -> None:
    """June: 1,100 kWh made, 330 used as made, 770 exported at $0.05; 470 bought at $0.20:
    a $94 energy charge less $38.50 of credit."""
    result = savings(tariff(Compensation.NET_BILLING), years=1)
    june = 5
    assert result.exported_kwh[june] == pytest.approx(770)
    assert result.bill_with_usd[june] == pytest.approx(15 + 470 * 0.20 - 770 * 0.05)


def test_escalation_and_degradation_compound_yearly() -> None:
    flat = tariff(Compensation.RETAIL_NET_METERING, escalation_pct=0.0)
    rising = tariff(Compensation.RETAIL_NET_METERING, escalation_pct=3.0)
    use = [1_000.0] * 12  # more than production: every kWh made saves the rate
    production = [500.0] * 12
    no_growth = savings(flat, production, use)
    growth = savings(rising, production, use)
    assert no_growth.yearly_usd[1] == pytest.approx(no_growth.yearly_usd[0] * 0.995)
    assert growth.yearly_usd[1] == pytest.approx(growth.yearly_usd[0] * 0.995 * 1.03)
    assert growth.lifetime_usd == pytest.approx(sum(growth.yearly_usd))


def test_fixed_charge_keeps_a_small_bill_from_paying_back() -> None:
    """A $35 bill with a $14 fixed charge: at most $21 a month to save."""
    use = [21 / 0.13] * 12
    result = savings(
        tariff(
            Compensation.RETAIL_NET_METERING,
            rate_usd_per_kwh=0.13,
            fixed_usd_per_month=14.0,
            minimum_bill_usd_per_month=14.0,
        ),
        production=[400.0] * 12,
        use=use,
        net_cost=7_000,
    )
    assert result.year1_usd == pytest.approx(12 * 21)
    assert result.payback_years is None or result.payback_years > 20


def test_a_minimum_bill_above_the_fixed_charge_is_a_floor() -> None:
    """A $25 minimum bill over a $15 fixed charge: a fully offset month still costs $25."""
    result = savings(
        tariff(Compensation.RETAIL_NET_METERING, minimum_bill_usd_per_month=25.0), years=2
    )
    assert min(result.bill_with_usd) == pytest.approx(25.0)
    assert result.year1_usd == pytest.approx(
        sum(result.bill_without_usd) - sum(result.bill_with_usd)
    )


@st.composite
def bill_cases(draw):
    """A year of production and use, a retail rate and a compensation rule."""
    months = st.lists(st.floats(min_value=0, max_value=3_000), min_size=12, max_size=12)
    rate = draw(st.floats(min_value=0.05, max_value=0.60))
    return dict(
        production=draw(months),
        use=draw(months),
        rate=rate,
        credit=tuple(draw(st.lists(st.floats(0, rate), min_size=12, max_size=12))),
        share=draw(st.floats(min_value=0, max_value=1)),
        fixed=draw(st.floats(min_value=0, max_value=40)),
        minimum=draw(st.floats(min_value=0, max_value=60)),
        escalation=draw(st.floats(min_value=0, max_value=6)),
        production_charge=draw(st.sampled_from([0.0, 0.0402])),
    )


def _tariff_for(case, compensation: Compensation, credit=None, minimum=None) -> Tariff:
    return Tariff(
        rate_usd_per_kwh=case["rate"],
        fixed_usd_per_month=case["fixed"],
        compensation=compensation,
        export_credit_usd_per_kwh=case["credit"] if credit is None else credit,
        self_consumption_share=case["share"],
        escalation_pct=case["escalation"],
        minimum_bill_usd_per_month=case["fixed"] if minimum is None else minimum,
        production_charge_usd_per_kwh=case["production_charge"],
    )


@settings(max_examples=300, deadline=None, derandomize=True)
@given(case=bill_cases(), rule=st.sampled_from(Compensation))
def test_savings_never_exceed_the_energy_part_of_the_bill(case, rule) -> None:
    minimum = max(case["fixed"], case["minimum"])
    result = savings(
        _tariff_for(case, rule, minimum=minimum), case["production"], case["use"], years=3
    )
    for month in range(12):
        bill_with, bill_without = result.bill_with_usd[month], result.bill_without_usd[month]
        assert bill_with >= minimum - 1e-9
        assert bill_without - bill_with <= case["use"][month] * case["rate"] + 1e-6
    # The year's total is the months' total.
    assert result.year1_usd == pytest.approx(
        sum(result.bill_without_usd) - sum(result.bill_with_usd), abs=1e-6
    )


@settings(max_examples=300, deadline=None, derandomize=True)
@given(case=bill_cases(), rule=st.sampled_from(Compensation))
def test_the_yearly_shortcut_equals_the_month_by_month_bill(case, rule) -> None:
    """The years summed in closed form against the month-by-month path (a minimum bill
    1e-9 above the fixed charge routes there and changes nothing measurable)."""
    fast = savings(_tariff_for(case, rule), case["production"], case["use"], years=4)
    slow = savings(
        _tariff_for(case, rule, minimum=case["fixed"] + 1e-9),
        case["production"],
        case["use"],
        years=4,
    )
    assert fast.yearly_usd == pytest.approx(slow.yearly_usd, abs=1e-5)
    np.testing.assert_allclose(fast.bill_with_usd, slow.bill_with_usd, atol=1e-6)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(case=bill_cases())
def test_net_billing_and_monthly_netting_never_beat_retail_net_metering(case) -> None:
    """With exports credited at or below retail, neither rule saves more in any year than
    retail net metering, so neither pays back sooner."""
    retail = savings(
        _tariff_for(case, Compensation.RETAIL_NET_METERING), case["production"], case["use"]
    )
    for rule in (Compensation.NET_BILLING, Compensation.MONTHLY_NETTING):
        other = savings(_tariff_for(case, rule), case["production"], case["use"])
        assert all(o <= r + 1e-6 for o, r in zip(other.yearly_usd, retail.yearly_usd, strict=True))
        if other.payback_years is not None:
            assert retail.payback_years is not None
            assert other.payback_years >= retail.payback_years - 1e-9


@settings(max_examples=200, deadline=None, derandomize=True)
@given(case=bill_cases())
def test_every_rule_is_retail_net_metering_when_exports_earn_retail(case) -> None:
    retail = savings(
        _tariff_for(case, Compensation.RETAIL_NET_METERING), case["production"], case["use"]
    )
    at_retail = (case["rate"],) * 12
    flat = {**case, "escalation": 0.0}
    retail_flat = savings(
        _tariff_for(flat, Compensation.RETAIL_NET_METERING), flat["production"], flat["use"]
    )
    for rule in (Compensation.NET_BILLING, Compensation.MONTHLY_NETTING):
        other = savings(_tariff_for(flat, rule, at_retail), flat["production"], flat["use"])
        assert other.yearly_usd == pytest.approx(retail_flat.yearly_usd, rel=1e-9, abs=1e-6)
    assert retail.year1_usd == pytest.approx(retail_flat.year1_usd, rel=1e-9, abs=1e-6)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.lists(st.floats(-500, 500), min_size=12, max_size=12), min_size=1, max_size=4))
def test_carried_credit_matches_a_month_by_month_ledger(years) -> None:
    """The closed form against the ledger a utility keeps."""
    expected = []
    for months in years:
        bank, charges = 0.0, []
        for net in months:
            bank += net
            charges.append(max(0.0, -bank))
            bank = max(bank, 0.0)
        expected.append(charges)
    got = finance.charges_after_credit(np.array(years, dtype=float))
    np.testing.assert_allclose(got, expected, atol=1e-6)


def test_minimum_practical_size_replaces_a_three_panel_system() -> None:
    """1,949 kWh a year at 1,436 kWh/kW needs 1.36 kW (4 panels); the minimum is 3 kW."""
    sizing = finance.size_system(1_949, 1_436, 100, 430, minimum_kw=3.0)
    assert sizing.raised_to_minimum
    assert sizing.panel_count == 7 and sizing.system_size_kw == pytest.approx(3.01)
    assert not finance.size_system(10_000, 1_250, 100, 430, minimum_kw=3.0).raised_to_minimum


@pytest.mark.parametrize(
    ("usd", "cents"),
    [(66236.5, 6623700), (66236.49, 6623600), (0.4, 0), (-12.5, -1300), (-0.4, 0), (2.0, 200)],
)
def test_amounts_round_once_to_whole_dollars(usd: float, cents: int) -> None:
    assert finance.whole_dollar_cents(usd) == cents
    assert finance.whole_dollars(cents) * 100 == cents


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

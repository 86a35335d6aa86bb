"""Properties every estimate must have, for any input (hypothesis) and every ZIP."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.solar import economics
from app.solar.economics import CompensationOverride
from app.solar.engine import ConsumptionOutOfRange, SolarConfig, estimate, monthly_yield
from app.solar.finance import Compensation, whole_dollar_cents
from app.solar.location import lookup_location
from app.solar.production import ArraySpec
from app.solar.schemas import MAX_ANNUAL_KWH, Estimate, EstimateInput, Shade
from app.solar.tables import reference_data

CONFIG = SolarConfig(as_of=date(2026, 6, 1))
# A spread of climates: NC, AK (Anchorage, Barrow), HI, AZ, WA, FL, ME, DC, TX.
ZIPS = ["27401", "99501", "99723", "96813", "85034", "98101", "33101", "04101", "20001", "79901"]

zip_codes = st.sampled_from(ZIPS)
bills = st.floats(min_value=20, max_value=1_000, allow_nan=False)
tilts = st.floats(min_value=0, max_value=90, allow_nan=False)
slow_examples = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI never flakes on a new draw
    suppress_health_check=[HealthCheck.too_slow],
)


@slow_examples
@given(
    zip_code=zip_codes,
    # Above what the 3 kW minimum system makes anywhere (Phoenix ~5,300 kWh), so both
    # systems are sized to their use.
    use=st.floats(min_value=6_000, max_value=20_000),
    factor=st.floats(min_value=1.5, max_value=10),
    tilt=tilts,
)
def test_production_is_linear_in_system_size(
    zip_code: str, use: float, factor: float, tilt: float
) -> None:
    """Two systems at the same place and orientation: output in proportion to kW."""
    small = estimate(EstimateInput(zip_code=zip_code, annual_kwh=use, tilt_deg=tilt), CONFIG)
    large = estimate(
        EstimateInput(zip_code=zip_code, annual_kwh=use * factor, tilt_deg=tilt), CONFIG
    )
    assert large.system_size_kw > small.system_size_kw
    assert large.annual_production_kwh / small.annual_production_kwh == pytest.approx(
        large.system_size_kw / small.system_size_kw, rel=1e-4
    )
    location = lookup_location(zip_code)
    per_kw = sum(monthly_yield(location, ArraySpec(tilt_deg=tilt)))
    assert small.annual_production_kwh == pytest.approx(per_kw * small.system_size_kw, abs=0.1)


@slow_examples
@given(zip_code=zip_codes, tilt=st.floats(min_value=5, max_value=90), shade=st.sampled_from(Shade))
def test_south_facing_beats_north_facing(zip_code: str, tilt: float, shade: Shade) -> None:
    def production(azimuth: float) -> float:
        request = EstimateInput(
            zip_code=zip_code,
            annual_kwh=10_000,
            tilt_deg=round(tilt),
            azimuth_deg=azimuth,
            shade=shade,
        )
        return estimate(request, CONFIG).specific_yield_kwh_per_kw

    assert production(180) > production(0)


@slow_examples
@given(zip_code=zip_codes, bill=bills, extra=st.floats(min_value=0.01, max_value=500))
def test_a_bigger_bill_never_gives_a_smaller_system(
    zip_code: str, bill: float, extra: float
) -> None:
    small = estimate(EstimateInput(zip_code=zip_code, monthly_bill=bill), CONFIG)
    large = estimate(EstimateInput(zip_code=zip_code, monthly_bill=bill + extra), CONFIG)
    assert large.system_size_kw >= small.system_size_kw
    assert large.panel_count >= small.panel_count


@slow_examples
@given(
    zip_code=zip_codes,
    bill=bills,
    tilt=st.none() | tilts,
    azimuth=st.none() | st.floats(min_value=0, max_value=360),
    shade=st.sampled_from(Shade),
    offset=st.none() | st.floats(min_value=10, max_value=200),
    rate=st.none() | st.floats(min_value=0.02, max_value=1.5),
    panel=st.none() | st.floats(min_value=100, max_value=800),
    loan=st.none() | st.tuples(st.floats(min_value=0, max_value=36), st.integers(1, 30)),
)
def test_any_valid_request_gives_finite_non_negative_figures(
    zip_code, bill, tilt, azimuth, shade, offset, rate, panel, loan
) -> None:
    request = EstimateInput(
        zip_code=zip_code,
        monthly_bill=bill,
        tilt_deg=tilt,
        azimuth_deg=azimuth,
        shade=shade,
        offset_pct=offset,
        electricity_rate_usd_per_kwh=rate,
        panel_watts=panel,
        loan_apr_pct=None if loan is None else loan[0],
        loan_term_years=None if loan is None else loan[1],
    )
    state = lookup_location(zip_code).state
    fixed = economics.fixed_charge(state, reference_data().state_money, {}, None).value
    use = max(bill - fixed, 0) * 12 / (rate or reference_data().state_rates_usd_per_kwh[state])
    if use > MAX_ANNUAL_KWH:
        with pytest.raises(ConsumptionOutOfRange):
            estimate(request, CONFIG)
    else:
        assert_sane(estimate(request, CONFIG))


def assert_sane(result: Estimate, min_yield: float = 0.0) -> None:
    figures = [
        result.system_size_kw,
        result.annual_production_kwh,
        result.specific_yield_kwh_per_kw,
        result.annual_consumption_kwh,
        result.electricity_rate_usd_per_kwh,
        result.gross_cost_cents,
        result.incentives_cents,
        result.net_cost_cents,
        result.year1_savings_cents,
        result.lifetime_savings_cents,
        result.co2_offset_tons_per_year,
        *result.monthly_production_kwh,
    ]
    # lifetime_net_savings may honestly be negative (a system that never pays back).
    assert all(math.isfinite(v) and v >= 0 for v in figures), result
    assert result.offset_pct is None or result.offset_pct > 0
    assert result.panel_count >= 1
    assert result.specific_yield_kwh_per_kw > min_yield
    assert result.payback_years is None or result.payback_years >= 0
    assert sum(result.monthly_production_kwh) == pytest.approx(
        result.annual_production_kwh, abs=1.0
    )
    # Whole dollars, stored as cents, adding up as shown.
    money = [result.gross_cost_cents, result.net_cost_cents, result.year1_savings_cents]
    assert all(isinstance(v, int) and v % 100 == 0 for v in money)
    assert result.gross_cost_cents - result.incentives_cents == result.net_cost_cents
    assert result.year1_savings_cents == sum(m.savings_cents for m in result.monthly)
    assert result.net_cost_usd * 100 == result.net_cost_cents


@pytest.mark.slow
def test_every_zip_in_the_data_gets_a_sane_estimate() -> None:
    """All ~41,700 ZIPs in the 50 states and DC, default system, a $150 bill."""
    zips = sorted(reference_data().zips)
    for zip_code in zips:
        # South-facing at 20 deg even Barrow, AK makes ~720 kWh/kW.
        result = estimate(EstimateInput(zip_code=zip_code, monthly_bill=150), CONFIG)
        assert_sane(result, min_yield=500)


# --------------------------------------------------------------------------- money

# Net-billing states with a sourced export credit: CA, AZ, HI, UT, LA, GA.
NET_BILLING_ZIPS = ["94110", "92101", "85004", "96734", "84101", "70112", "30303"]


@slow_examples
@given(zip_code=st.sampled_from(NET_BILLING_ZIPS), bill=st.floats(min_value=40, max_value=800))
def test_net_billing_never_pays_back_sooner_than_full_net_metering(
    zip_code: str, bill: float
) -> None:
    """The same home and system, the state's net billing against full retail net metering:
    exports earn less than retail, so savings are lower and payback no sooner."""
    state = lookup_location(zip_code).state
    retail = SolarConfig(
        as_of=CONFIG.as_of,
        compensation_overrides={state: CompensationOverride(Compensation.RETAIL_NET_METERING)},
    )
    request = EstimateInput(zip_code=zip_code, monthly_bill=bill)
    billing, metering = estimate(request, CONFIG), estimate(request, retail)
    assert billing.assumptions.compensation.rule is Compensation.NET_BILLING
    assert billing.system_size_kw == metering.system_size_kw
    assert billing.net_cost_cents == metering.net_cost_cents
    assert billing.lifetime_savings_cents <= metering.lifetime_savings_cents
    if billing.payback_years is not None:
        assert metering.payback_years is not None
        assert billing.payback_years >= metering.payback_years


@slow_examples
@given(
    zip_code=zip_codes,
    bill=st.floats(min_value=5, max_value=1_000),
    offset=st.none() | st.floats(min_value=10, max_value=200),
)
def test_savings_never_exceed_the_bill_minus_its_fixed_charge(
    zip_code: str, bill: float, offset: float | None
) -> None:
    """Month by month the bill with solar keeps the fixed charge; a year saves at most 12
    times the energy part. Each month is rounded to whole dollars once (at most 50
    cents on either bill), hence $1 of slack a month."""
    result = estimate(
        EstimateInput(zip_code=zip_code, monthly_bill=bill, offset_pct=offset), CONFIG
    )
    fixed = result.assumptions.fixed_charge.value
    fixed_cents = whole_dollar_cents(fixed)
    for month in result.monthly:
        assert month.bill_with_solar_cents >= fixed_cents - 100
        assert month.savings_cents <= whole_dollar_cents(max(bill - fixed, 0)) + 100
    assert result.year1_savings_cents <= 100 * (12 * max(bill - fixed, 0) + 12)


@pytest.mark.parametrize("zip_code", ["99701", "99723", "96734", "96720"])
def test_a_dark_winter_shows_month_by_month(zip_code: str) -> None:
    """Fairbanks and Barrow save almost nothing in December; Hawaii saves every month."""
    result = estimate(EstimateInput(zip_code=zip_code, monthly_bill=150), CONFIG)
    december, june = result.monthly[11], result.monthly[5]
    if result.location.state == "AK":
        assert december.savings_cents < 0.2 * june.savings_cents
        assert december.production_kwh < 0.05 * june.production_kwh
    else:
        assert december.savings_cents > 0.5 * june.savings_cents


@pytest.mark.parametrize(("zip_code", "bill"), [("27401", 35), ("94110", 40), ("99701", 30)])
def test_a_small_bill_gets_the_minimum_practical_system_not_three_panels(
    zip_code: str, bill: float
) -> None:
    result = estimate(EstimateInput(zip_code=zip_code, monthly_bill=bill), CONFIG)
    assert result.sizing == "minimum_practical_size"
    assert result.system_size_kw >= economics.MINIMUM_SYSTEM_KW
    assert any("smallest practical system" in note for note in result.notes)
    assert result.payback_years is None or result.payback_years > 15


def test_a_bill_that_is_all_fixed_charge_saves_nothing() -> None:
    result = estimate(EstimateInput(zip_code="94110", monthly_bill=20), CONFIG)  # CA: $24 fixed
    assert result.annual_consumption_kwh == 0 and result.offset_pct is None
    assert result.year1_savings_cents == 0 and result.payback_years is None
    assert "fixed monthly charge" in result.notes[0]

"""The advisor's reply quotes the estimate with the card's rounding, so they never differ.

The card (aurum-chat-solar-main, ``src/lib/format.ts``) formats with the browser's
``toLocaleString('en-US')``: half away from zero on the shortest decimal of the float.
``ROUNDING_CASES`` is the same table as ``format.test.ts`` there; Node gives exactly
these strings.
"""

from __future__ import annotations

from datetime import date

import pytest

from app.conversation.agent.policy import _figure, describe_estimate, money
from app.solar.engine import SolarConfig, estimate
from app.solar.schemas import EstimateInput

ROUNDING_CASES = [
    # (value, decimals, as the card prints it)
    (18692.5, 0, "18,693"),
    (104.5, 0, "105"),
    (0.5, 0, "1"),
    (2.675, 2, "2.68"),
    (1.005, 2, "1.01"),
    (9.25, 1, "9.3"),
    (10.75, 2, "10.75"),
    (3.0, 2, "3"),
    (66236.5, 0, "66,237"),
    (12345678.0, 0, "12,345,678"),
]


@pytest.mark.parametrize(("value", "decimals", "shown"), ROUNDING_CASES)
def test_figures_round_as_the_card_rounds(value: float, decimals: int, shown: str) -> None:
    assert _figure(value, decimals) == shown


CONFIG = SolarConfig(as_of=date(2026, 6, 1))


@pytest.mark.parametrize(("zip_code", "bill"), [("85004", 210), ("99701", 150), ("94110", 173)])
def test_the_reply_quotes_the_estimates_whole_dollar_figures(zip_code: str, bill: float) -> None:
    result = estimate(EstimateInput(zip_code=zip_code, monthly_bill=bill), CONFIG)
    text = describe_estimate(result.model_dump(mode="json"))
    assert money(result.net_cost_usd) in text
    assert money(result.year1_savings_usd) in text
    assert money(result.lifetime_savings_usd) in text
    assert f"{_figure(result.annual_production_kwh)} kWh" in text
    assert f"{result.assumptions.analysis_years} years" in text


def test_ties_in_an_estimate_are_quoted_like_the_card() -> None:
    result = estimate(EstimateInput(zip_code="85004", monthly_bill=210), CONFIG)
    tied = result.model_dump(mode="json") | {
        "annual_production_kwh": 18692.5,
        "offset_pct": 104.5,
        "payback_years": 9.25,
        "system_size_kw": 10.745,
    }
    text = describe_estimate(tied)
    assert "18,693 kWh" in text and "around 105%" in text
    assert "about 9.3 years" in text and "a 10.75 kW system" in text


def test_a_minimum_size_system_and_an_all_fixed_bill_read_honestly() -> None:
    small = estimate(EstimateInput(zip_code="27401", monthly_bill=35), CONFIG)
    assert "the smallest system installers usually fit" in describe_estimate(
        small.model_dump(mode="json")
    )
    fixed_only = estimate(EstimateInput(zip_code="94110", monthly_bill=20), CONFIG)
    text = describe_estimate(fixed_only.model_dump(mode="json"))
    assert "% of the electricity" not in text and "would not pay for itself" in text

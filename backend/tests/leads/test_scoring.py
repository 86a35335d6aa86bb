"""Lead scoring is a pure, explainable function."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.leads import scoring
from app.leads.scoring import score_lead

ANSWERS = {
    "homeowner": [True, False],
    "property_type": list(scoring.PROPERTY_POINTS),
    "credit_band": list(scoring.CREDIT_POINTS),
    "shade": list(scoring.SHADE_POINTS),
    "roof_type": list(scoring.ROOF_POINTS),
    "timeline": list(scoring.TIMELINE_POINTS),
}

answers = st.fixed_dictionaries({k: st.sampled_from(v) for k, v in ANSWERS.items()})


def test_best_answers_score_100_tier_a() -> None:
    result = score_lead(
        homeowner=True,
        property_type="single_family",
        monthly_bill_usd=320,
        credit_band="excellent",
        shade="none",
        roof_type="asphalt_shingle",
        timeline="asap",
    )
    assert (result.score, result.tier, result.qualified) == (100, "A", True)
    assert all(f.points == f.max_points for f in result.factors)


@given(answers, st.floats(min_value=1, max_value=5000))
def test_score_is_the_sum_of_explained_factors(answer: dict, bill: float) -> None:
    result = score_lead(monthly_bill_usd=bill, **answer)
    assert 0 <= result.score <= 100
    assert result.score == sum(f.points for f in result.factors)
    assert sum(f.max_points for f in result.factors) == 100
    assert all(f.reason for f in result.factors)
    assert result.tier == ("A" if result.score >= 75 else "B" if result.score >= 50 else "C")
    factors = result.factors_json()
    assert {f["factor"] for f in factors} == {
        "ownership",
        "property_type",
        "monthly_bill",
        "credit",
        "shade",
        "roof",
        "timeline",
    }


@given(answers, st.floats(min_value=1, max_value=4999))
def test_a_bigger_bill_never_lowers_the_score(answer: dict, bill: float) -> None:
    assert (
        score_lead(monthly_bill_usd=bill + 1, **answer).score
        >= score_lead(monthly_bill_usd=bill, **answer).score
    )


@pytest.mark.parametrize(
    ("homeowner", "bill", "qualified", "reason"),
    [
        (False, 300, False, "Renter"),
        (True, 49.99, False, "too small"),
        (True, 50, True, None),
    ],
)
def test_renters_and_tiny_bills_are_unqualified(
    homeowner: bool, bill: float, qualified: bool, reason: str | None
) -> None:
    result = score_lead(
        homeowner=homeowner,
        property_type="single_family",
        monthly_bill_usd=bill,
        credit_band="good",
        shade="none",
        roof_type="metal",
        timeline="asap",
    )
    assert result.qualified is qualified
    assert (reason is None) == (result.unqualified_reason is None)
    if reason:
        assert reason in result.unqualified_reason


def test_better_answers_never_score_lower() -> None:
    # Within each factor, the tables are ordered best first.
    for key, values in ANSWERS.items():
        if key == "homeowner":
            continue
        base = {k: v[0] for k, v in ANSWERS.items()}
        scores = [
            score_lead(monthly_bill_usd=200, **{**base, key: value}).score for value in values
        ]
        assert scores == sorted(scores, reverse=True), key
    assert len(list(itertools.product(*ANSWERS.values()))) > 0


def test_a_credit_range_not_shared_scores_lower_than_any_shared_fair_or_better_one() -> None:
    """Skipping the credit question is allowed, and honestly costs points."""

    def credit_points(band: str) -> int:
        result = score_lead(
            homeowner=True,
            property_type="single_family",
            monthly_bill_usd=200,
            credit_band=band,
            shade="none",
            roof_type="metal",
            timeline="asap",
        )
        return next(f.points for f in result.factors if f.factor == "credit")

    assert credit_points("poor") < credit_points("unknown") < credit_points("fair")
    assert credit_points("unknown") < credit_points("good") < credit_points("excellent")

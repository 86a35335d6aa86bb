"""The HTTP endpoints: shape of a good answer and one 422 per kind of bad input."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.solar.engine import SolarConfig
from app.solar.router import get_solar_config

ESTIMATE = "/api/v1/solar/estimate"


async def test_estimate_answers_with_every_documented_field(client: httpx.AsyncClient) -> None:
    response = await client.post(
        ESTIMATE,
        json={"zip_code": "27401", "monthly_bill": 150, "loan_apr_pct": 7, "loan_term_years": 15},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    for field in (
        "system_size_kw",
        "panel_count",
        "sizing",
        "annual_production_kwh",
        "specific_yield_kwh_per_kw",
        "annual_consumption_kwh",
        "offset_pct",
        "electricity_rate_usd_per_kwh",
        "gross_cost_cents",
        "incentives_cents",
        "net_cost_cents",
        "year1_savings_cents",
        "lifetime_savings_cents",
        "payback_years",
        "co2_offset_tons_per_year",
        "loan",
        "monthly",
        "assumptions",
    ):
        assert field in body, field
    assert len(body["monthly_production_kwh"]) == 12 and len(body["monthly"]) == 12
    assert body["location"]["city"] == "Greensboro"
    assert body["location"]["state"] == "NC"
    assert body["location"]["station"]["name"] == "Greensboro Piedmont Triad Int"
    assumptions = body["assumptions"]
    rate, fixed = assumptions["electricity_rate"], assumptions["fixed_charge"]
    assert body["electricity_rate_usd_per_kwh"] == pytest.approx(0.1293) == rate["value"]
    assert rate["basis"] == "state" and "EIA 2023" in rate["source"]
    # The bill's fixed charge (Duke Energy Progress, $14) buys no energy.
    assert fixed == {**fixed, "value": 14.0, "basis": "state"}
    assert body["annual_consumption_kwh"] == pytest.approx((150 - 14) * 12 / 0.1293, rel=1e-3)
    assert body["loan"]["monthly_payment_cents"] > 0
    # Money is integer cents, whole dollars, with the dollar figure the card shows.
    for key in ("gross_cost", "net_cost", "year1_savings", "lifetime_savings"):
        cents = body[f"{key}_cents"]
        assert isinstance(cents, int) and cents % 100 == 0
        assert body[f"{key}_usd"] * 100 == cents
    assert body["monthly"][0]["bill_without_solar_usd"] == 150
    assert assumptions["tilt_deg"] == 20 and assumptions["azimuth_deg"] == 180
    assert assumptions["panel_watts"] == 430
    cost = assumptions["cost_per_watt"]
    assert cost["basis"] == "state" and cost["unit"] == "USD/W" and "NerdWallet" in cost["source"]
    compensation = assumptions["compensation"]
    assert compensation["rule"] == "monthly_netting" and compensation["basis"] == "state"
    assert compensation["export_credit"]["value"] == pytest.approx(0.034)
    resource = assumptions["solar_resource"]
    assert resource["corrected"] is True and resource["zcta"] == "27401"
    # Within half of the 0.5 % step the factor is taken in.
    assert resource["ghi_kwh_m2_day"] == pytest.approx(resource["nsrdb_ghi_kwh_m2_day"], rel=0.0025)
    federal = assumptions["incentives_table"][0]
    assert federal["installed_until"] == "2025-12-31" and federal["applied"] is False
    assert body["incentives_cents"] == 0


async def test_every_assumption_carries_value_source_and_basis(client: httpx.AsyncClient) -> None:
    """Alaska: no state cost, fixed charge or export rule in the tables; each says so."""
    body = (await client.post(ESTIMATE, json={"zip_code": "99701", "monthly_bill": 150})).json()
    assumptions = body["assumptions"]
    sourced = {
        key: value
        for key, value in assumptions.items()
        if isinstance(value, dict) and {"value", "unit", "basis", "source"} <= value.keys()
    }
    assert set(sourced) >= {
        "electricity_rate",
        "fixed_charge",
        "self_consumption_share",
        "utility_escalation",
        "cost_per_watt",
        "minimum_system_kw",
    }
    assert all(item["source"] for item in sourced.values())
    assert sourced["cost_per_watt"]["basis"] == "fallback"
    assert "No installed-cost figure for AK" in sourced["cost_per_watt"]["source"]
    assert sourced["fixed_charge"]["basis"] == "fallback"
    assert assumptions["compensation"]["basis"] == "fallback"
    assert assumptions["compensation"]["description"].startswith("Assumed (no sourced rule for AK)")
    assert any("no sourced rule" in note for note in body["notes"])


async def test_estimate_turns_the_nsrdb_correction_off_by_setting(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    corrected = (
        await client.post(ESTIMATE, json={"zip_code": "70112", "monthly_bill": 150})
    ).json()
    app.dependency_overrides[get_solar_config] = lambda: SolarConfig(nsrdb_correction=False)
    try:
        plain = (
            await client.post(ESTIMATE, json={"zip_code": "70112", "monthly_bill": 150})
        ).json()
    finally:
        app.dependency_overrides.pop(get_solar_config)
    assert plain["assumptions"]["solar_resource"]["corrected"] is False
    assert "switched off" in plain["assumptions"]["solar_resource"]["source"]
    # New Orleans: NSRDB's GHI runs ~12 % above the 1991-2005 stations'.
    assert corrected["specific_yield_kwh_per_kw"] > 1.08 * plain["specific_yield_kwh_per_kw"]


async def test_location_lookup(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/solar/locations/20001")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["city"], body["state"]) == ("Washington", "DC")
    assert body["electricity_rate_usd_per_kwh"] == pytest.approx(0.1645)
    assert body["station"]["state"] in {"VA", "MD"}
    assert len(body["stations"]) == 3


@pytest.mark.parametrize(
    ("zip_code", "code"),
    [("00000", "unknown_zip"), ("00901", "zip_not_served"), ("SW1A1AA", "unknown_zip")],
)
async def test_location_lookup_rejects_unknown_zip(
    client: httpx.AsyncClient, zip_code: str, code: str
) -> None:
    response = await client.get(f"/api/v1/solar/locations/{zip_code}")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code


GOOD = {"zip_code": "27401", "monthly_bill": 150}
BAD_REQUESTS: list[tuple[str, dict[str, Any], str, str]] = [
    # (case, body, expected error code, field named in details or "")
    ("zero bill", {**GOOD, "monthly_bill": 0}, "validation_error", "monthly_bill"),
    ("negative bill", {**GOOD, "monthly_bill": -40}, "validation_error", "monthly_bill"),
    ("absurd bill", {**GOOD, "monthly_bill": 250_000}, "validation_error", "monthly_bill"),
    ("bill not a number", {**GOOD, "monthly_bill": "lots"}, "validation_error", "monthly_bill"),
    ("no bill, no use", {"zip_code": "27401"}, "validation_error", ""),
    ("tilt below 0", {**GOOD, "tilt_deg": -5}, "validation_error", "tilt_deg"),
    ("tilt above 90", {**GOOD, "tilt_deg": 95}, "validation_error", "tilt_deg"),
    ("azimuth below 0", {**GOOD, "azimuth_deg": -1}, "validation_error", "azimuth_deg"),
    ("azimuth above 360", {**GOOD, "azimuth_deg": 400}, "validation_error", "azimuth_deg"),
    ("unknown shade", {**GOOD, "shade": "partly"}, "validation_error", "shade"),
    ("offset too low", {**GOOD, "offset_pct": 0}, "validation_error", "offset_pct"),
    (
        "rate too high",
        {**GOOD, "electricity_rate_usd_per_kwh": 9},
        "validation_error",
        "electricity_rate_usd_per_kwh",
    ),
    ("absurd annual use", {**GOOD, "annual_kwh": 5_000_000}, "validation_error", "annual_kwh"),
    ("tiny panel", {**GOOD, "panel_watts": 5}, "validation_error", "panel_watts"),
    ("loan without term", {**GOOD, "loan_apr_pct": 6}, "validation_error", ""),
    (
        "loan term too long",
        {**GOOD, "loan_apr_pct": 6, "loan_term_years": 60},
        "validation_error",
        "loan_term_years",
    ),
    ("unexpected field", {**GOOD, "roof": "tile"}, "validation_error", "roof"),
    ("missing zip", {"monthly_bill": 150}, "validation_error", "zip_code"),
    ("unknown zip", {**GOOD, "zip_code": "00000"}, "unknown_zip", ""),
    ("territory zip", {**GOOD, "zip_code": "00901"}, "zip_not_served", ""),
    ("non-US postcode", {**GOOD, "zip_code": "SW1A 1AA"}, "unknown_zip", ""),
    (
        "use beyond a home",
        {**GOOD, "zip_code": "98101", "monthly_bill": 2_900},
        "consumption_out_of_range",
        "",
    ),
]


@pytest.mark.parametrize(
    ("case", "body", "code", "field"), BAD_REQUESTS, ids=[b[0] for b in BAD_REQUESTS]
)
async def test_bad_input_is_a_422_in_the_common_error_shape(
    client: httpx.AsyncClient, case: str, body: dict[str, Any], code: str, field: str
) -> None:
    response = await client.post(ESTIMATE, json=body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    if field:
        assert field in {detail["field"] for detail in error["details"]}


async def test_estimate_is_in_the_openapi_document(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    operation = document["paths"]["/api/v1/solar/estimate"]["post"]
    assert operation["operationId"] == "solar-create_estimate"
    assert "422" in operation["responses"]
    schema = document["components"]["schemas"]["EstimateInput"]["properties"]["tilt_deg"]
    assert "description" in schema

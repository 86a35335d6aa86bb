"""The HTTP endpoints: shape of a good answer and one 422 per kind of bad input."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

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
        "annual_production_kwh",
        "specific_yield_kwh_per_kw",
        "annual_consumption_kwh",
        "offset_pct",
        "electricity_rate_usd_per_kwh",
        "gross_cost_usd",
        "incentives_usd",
        "net_cost_usd",
        "year1_savings_usd",
        "lifetime_savings_usd",
        "payback_years",
        "co2_offset_tons_per_year",
        "loan",
        "assumptions",
    ):
        assert field in body, field
    assert len(body["monthly_production_kwh"]) == 12
    assert body["location"]["city"] == "Greensboro"
    assert body["location"]["state"] == "NC"
    assert body["location"]["station"]["name"] == "Greensboro Piedmont Triad Int"
    assert body["electricity_rate_usd_per_kwh"] == pytest.approx(0.1293)
    assert body["annual_consumption_kwh"] == pytest.approx(150 * 12 / 0.1293, rel=1e-3)
    assert body["loan"]["monthly_payment_usd"] > 0
    assumptions = body["assumptions"]
    assert assumptions["tilt_deg"] == 20 and assumptions["azimuth_deg"] == 180
    assert assumptions["panel_watts"] == 430 and assumptions["cost_per_watt_usd"] == 2.48
    federal = assumptions["incentives_table"][0]
    assert federal["installed_until"] == "2025-12-31" and federal["applied"] is False
    assert body["incentives_usd"] == 0


async def test_location_lookup(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/solar/locations/20001")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["city"], body["state"]) == ("Washington", "DC")
    assert body["electricity_rate_usd_per_kwh"] == pytest.approx(0.1645)
    assert body["station"]["state"] in {"VA", "MD"}
    assert len(body["stations"]) == 3


@pytest.mark.parametrize("zip_code", ["00000", "00901", "SW1A1AA"])
async def test_location_lookup_rejects_unknown_zip(
    client: httpx.AsyncClient, zip_code: str
) -> None:
    response = await client.get(f"/api/v1/solar/locations/{zip_code}")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unknown_zip"


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
    ("territory zip", {**GOOD, "zip_code": "00901"}, "unknown_zip", ""),
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

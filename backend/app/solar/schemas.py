"""Request and response models of the solar engine.

They are both the HTTP contract (and so the SPAs' generated client) and the Python
entry point other domains use: ``estimate(EstimateInput(...)) -> Estimate``. An
``Estimate`` dumps to plain JSON (``model_dump(mode="json")``) for lead snapshots.
"""

from __future__ import annotations

from datetime import date
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.leads.fields import MAX_MONTHLY_BILL_USD, Shade

#: Above this a request is not a home: about 20x the US average residential use.
MAX_ANNUAL_KWH = 250_000.0


class EstimateInput(BaseModel):
    """What a homeowner tells us; everything but the ZIP code and the bill is optional."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zip_code: str = Field(
        min_length=1,
        max_length=16,
        description="US ZIP code (5 digits, ZIP+4 accepted) in the 50 states or DC.",
        examples=["27401"],
    )
    monthly_bill: float | None = Field(
        default=None,
        gt=0,
        le=MAX_MONTHLY_BILL_USD,
        description="Average monthly electricity bill in USD. Required unless annual_kwh is given.",
        examples=[150],
    )
    annual_kwh: float | None = Field(
        default=None,
        gt=0,
        le=MAX_ANNUAL_KWH,
        description="Annual electricity use in kWh; when given it is used instead of the bill.",
    )
    electricity_rate_usd_per_kwh: float | None = Field(
        default=None,
        ge=0.02,
        le=1.5,
        description="Electricity price in USD/kWh; defaults to the state's average rate.",
    )
    tilt_deg: float | None = Field(
        default=None, ge=0, le=90, description="Roof pitch in degrees (0 flat, 90 vertical); 20."
    )
    azimuth_deg: float | None = Field(
        default=None,
        ge=0,
        le=360,
        description="Direction the panels face, degrees clockwise from north (180 south); 180.",
    )
    shade: Shade = Field(
        default=Shade.NONE,
        description="Shade on the roof: none, light, moderate or heavy (each adds a loss).",
    )
    offset_pct: float | None = Field(
        default=None,
        ge=10,
        le=200,
        description="Share of annual use the system should cover, percent; 100.",
    )
    panel_watts: float | None = Field(
        default=None, ge=100, le=800, description="Panel nameplate in watts; 430."
    )
    loan_apr_pct: float | None = Field(
        default=None, ge=0, le=36, description="Loan APR in percent (with loan_term_years)."
    )
    loan_term_years: int | None = Field(
        default=None, ge=1, le=30, description="Loan term in years (with loan_apr_pct)."
    )

    @model_validator(mode="after")
    def _check_consistency(self) -> Self:
        if self.monthly_bill is None and self.annual_kwh is None:
            raise ValueError("monthly_bill is required unless annual_kwh is given")
        if (self.loan_apr_pct is None) != (self.loan_term_years is None):
            raise ValueError("loan_apr_pct and loan_term_years go together: give both or neither")
        return self


class WeatherStation(BaseModel):
    usaf: str = Field(description="USAF id of the NREL TMY3 station.")
    name: str
    state: str
    distance_km: float
    weight: float = Field(description="Share of the site's climate taken from this station.")


class LocationOut(BaseModel):
    zip_code: str
    city: str
    state: str
    lat: float
    lon: float
    station: WeatherStation = Field(description="The nearest (heaviest-weighted) station.")
    stations: list[WeatherStation] = Field(description="All stations blended for this ZIP.")


class LocationInfo(LocationOut):
    """A ZIP's place, weather stations and default electricity rate."""

    electricity_rate_usd_per_kwh: float
    rate_source: str


class IncentiveOut(BaseModel):
    name: str
    amount_usd: float


class IncentiveRule(BaseModel):
    """One row of the incentives table the estimate was checked against."""

    name: str
    percent: float
    usd_per_watt: float
    usd: float
    max_usd: float | None
    states: list[str]
    installed_from: date | None
    installed_until: date | None
    applied: bool
    note: str


class LoanOut(BaseModel):
    principal_usd: float
    apr_pct: float
    term_years: int
    monthly_payment_usd: float
    total_interest_usd: float


class Assumptions(BaseModel):
    """Every figure the estimate used, so any number shown can be traced."""

    electricity_rate_usd_per_kwh: float
    rate_source: str = Field(description="request | settings override | EIA 2023 state average")
    consumption_source: str = Field(description="annual_kwh | monthly_bill / rate")
    offset_target_pct: float
    panel_watts: float
    tilt_deg: float
    azimuth_deg: float
    shade: Shade
    shade_loss_pct: float
    base_losses_pct: float
    total_losses_pct: float
    module: str
    mount: str
    dc_ac_ratio: float
    inverter_efficiency_pct: float
    temperature_coefficient_pct_per_c: float
    production_model: str
    weather_source: str
    production_adjustment_pct: float
    cost_per_watt_usd: float
    cost_source: str
    install_date_assumed: date
    incentives_table: list[IncentiveRule]
    utility_escalation_pct_per_year: float
    degradation_pct_per_year: float
    analysis_years: int
    surplus_valuation: str
    co2_kg_per_kwh: float
    co2_source: str


class Estimate(BaseModel):
    """A homeowner's solar estimate: size, production, cost, savings and their assumptions."""

    system_size_kw: float = Field(description="DC nameplate, kW.")
    panel_count: int
    annual_production_kwh: float = Field(description="First-year AC output.")
    monthly_production_kwh: list[float] = Field(min_length=12, max_length=12)
    specific_yield_kwh_per_kw: float = Field(description="First-year AC kWh per kW DC.")
    annual_consumption_kwh: float
    offset_pct: float = Field(description="First-year production / consumption, percent.")
    electricity_rate_usd_per_kwh: float
    gross_cost_usd: float
    incentives_usd: float
    incentives: list[IncentiveOut]
    net_cost_usd: float
    year1_savings_usd: float
    lifetime_savings_usd: float = Field(description="Bill savings over the analysis period.")
    lifetime_net_savings_usd: float = Field(
        description="Lifetime savings minus net cost (and loan interest when financed)."
    )
    payback_years: float | None = Field(
        description="Simple payback in years; null when not reached within the analysis period."
    )
    loan: LoanOut | None
    co2_offset_tons_per_year: float = Field(description="Metric tons of CO2 avoided per year.")
    location: LocationOut
    assumptions: Assumptions
    notes: list[str] = Field(description="Plain-language caveats worth showing the homeowner.")
    engine_version: str

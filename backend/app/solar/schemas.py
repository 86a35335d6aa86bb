"""Request and response models of the solar engine.

They are both the HTTP contract (and so the SPAs' generated client) and the Python
entry point other domains use: ``estimate(EstimateInput(...)) -> Estimate``. An
``Estimate`` dumps to plain JSON (``model_dump(mode="json")``) for lead snapshots.

Money is integer cents (``*_cents``), as it is stored in those snapshots. Each amount
also has a whole-dollar ``*_usd`` twin, rounded once here (half up), which is what the
card, the form and the advisor's replies quote, so they can never disagree by a dollar.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from app.leads.fields import MAX_MONTHLY_BILL_USD, Shade
from app.solar.finance import Compensation, whole_dollars

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
    model_config = ConfigDict(frozen=True)  # shared between estimates (cached)

    usaf: str = Field(description="USAF id of the NREL TMY3 station.")
    name: str
    state: str
    distance_km: float
    weight: float = Field(description="Share of the site's climate taken from this station.")


class LocationOut(BaseModel):
    model_config = ConfigDict(frozen=True)  # shared between estimates (cached)

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


class Basis(StrEnum):
    """Where an assumption's value comes from."""

    STATE = "state"  # the state's own figure in the shipped tables
    FALLBACK = "fallback"  # the state has no figure: a stated national figure stands in
    OVERRIDE = "override"  # the operator's setting
    REQUEST = "request"  # the homeowner's own figure
    NATIONAL = "national"  # one figure for every state by design (no state has its own)


class Sourced(BaseModel):
    """One assumption: its value, its unit, where it comes from and how local it is."""

    model_config = ConfigDict(frozen=True)  # shared between estimates (cached)

    value: float
    unit: str
    basis: Basis
    source: str


class SolarResource(BaseModel):
    """How bright the site's typical year is, and the NSRDB correction that set it."""

    model_config = ConfigDict(frozen=True)  # shared between estimates (cached)

    corrected: bool = Field(description="True when the annual GHI was set from NSRDB.")
    ghi_kwh_m2_day: float = Field(description="Annual mean daily GHI the estimate used.")
    tmy3_ghi_kwh_m2_day: float = Field(description="The same from the TMY3 stations alone.")
    nsrdb_ghi_kwh_m2_day: float | None = Field(
        description="NSRDB PSM v3 1998-2016 mean daily GHI at the site's ZCTA."
    )
    zcta: str | None = Field(description="ZIP code tabulation area the NSRDB figure is for.")
    zcta_distance_km: float | None
    station_scale_factors: list[float] = Field(
        description="Factor on each station's monthly GHI, in location.stations order."
    )
    source: str


class CompensationOut(BaseModel):
    """How the utility values solar output: the state's rule for new customers."""

    model_config = ConfigDict(frozen=True)  # shared between estimates (cached)

    rule: Compensation
    description: str
    basis: Basis
    source: str
    export_credit: Sourced | None = Field(
        description="Credit per exported kWh in year 1 (mean over the months); null under "
        "retail net metering, where exports earn the retail rate."
    )
    export_credit_by_month_usd_per_kwh: list[float] | None = Field(
        description="Year-1 export credit for each month, January first."
    )
    export_credit_follows_retail: bool = Field(
        description="True when the credit is a share of the retail rate and rises with it; "
        "a dollar credit stays flat."
    )
    production_charge_usd_per_kwh: float = Field(
        description="A charge on every kWh produced (Connecticut's netting tariff), else 0."
    )


class Sizing(StrEnum):
    YOUR_USE = "your_use"  # the fewest whole panels reaching the target offset
    MINIMUM_PRACTICAL = "minimum_practical_size"  # the use needs less than installers fit


class IncentiveOut(BaseModel):
    name: str
    amount_cents: int

    @computed_field(description="Whole dollars, as shown.")
    @property
    def amount_usd(self) -> int:
        return whole_dollars(self.amount_cents)


class IncentiveRule(BaseModel):
    """One row of the incentives table the estimate was checked against."""

    model_config = ConfigDict(frozen=True)  # shared between estimates (cached)

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
    principal_cents: int
    apr_pct: float
    term_years: int
    monthly_payment_cents: int
    total_interest_cents: int

    @computed_field(description="Whole dollars, as shown.")
    @property
    def monthly_payment_usd(self) -> int:
        return whole_dollars(self.monthly_payment_cents)

    @computed_field(description="Whole dollars, as shown.")
    @property
    def total_interest_usd(self) -> int:
        return whole_dollars(self.total_interest_cents)


class MonthOut(BaseModel):
    """One month of the first year: energy and the bill with and without solar."""

    month: int = Field(ge=1, le=12)
    production_kwh: float
    consumption_kwh: float
    exported_kwh: float = Field(description="Output sent to the grid (not used as it is made).")
    bill_without_solar_cents: int
    bill_with_solar_cents: int = Field(description="Never below the fixed monthly charge.")

    @computed_field(description="bill_without_solar - bill_with_solar, cents.")
    @property
    def savings_cents(self) -> int:
        return self.bill_without_solar_cents - self.bill_with_solar_cents

    @computed_field(description="Whole dollars, as shown.")
    @property
    def bill_without_solar_usd(self) -> int:
        return whole_dollars(self.bill_without_solar_cents)

    @computed_field(description="Whole dollars, as shown.")
    @property
    def bill_with_solar_usd(self) -> int:
        return whole_dollars(self.bill_with_solar_cents)


class Assumptions(BaseModel):
    """Every figure the estimate used, so any number shown can be traced."""

    # Where the sunshine comes from.
    solar_resource: SolarResource
    weather_source: str
    # The system.
    offset_target_pct: float
    minimum_system_kw: Sourced
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
    production_adjustment_pct: float
    # The bill and what solar is worth on it.
    electricity_rate: Sourced
    consumption_source: str = Field(description="annual_kwh | bill minus fixed charge / rate")
    fixed_charge: Sourced
    compensation: CompensationOut
    self_consumption_share: Sourced
    utility_escalation: Sourced
    # The cost.
    cost_per_watt: Sourced
    install_date_assumed: date
    incentives_table: list[IncentiveRule]
    degradation_pct_per_year: float
    analysis_years: int
    co2_kg_per_kwh: float
    co2_source: str


class Estimate(BaseModel):
    """A homeowner's solar estimate: size, production, cost, savings and their assumptions."""

    system_size_kw: float = Field(description="DC nameplate, kW.")
    panel_count: int
    sizing: Sizing = Field(
        description="your_use, or minimum_practical_size when the use needs a smaller "
        "system than installers fit (see assumptions.minimum_system_kw)."
    )
    annual_production_kwh: float = Field(description="First-year AC output.")
    monthly_production_kwh: list[float] = Field(min_length=12, max_length=12)
    specific_yield_kwh_per_kw: float = Field(description="First-year AC kWh per kW DC.")
    annual_consumption_kwh: float
    offset_pct: float | None = Field(
        description="First-year production / consumption, percent; null when the bill is "
        "all fixed charges (no energy use to offset)."
    )
    electricity_rate_usd_per_kwh: float
    gross_cost_cents: int
    incentives_cents: int
    incentives: list[IncentiveOut]
    net_cost_cents: int
    year1_savings_cents: int = Field(description="Never more than the bill's energy part.")
    lifetime_savings_cents: int = Field(description="Bill savings over the analysis period.")
    lifetime_net_savings_cents: int = Field(
        description="Lifetime savings minus net cost (and loan interest when financed)."
    )
    payback_years: float | None = Field(
        description="Simple payback in years; null when not reached within the analysis period."
    )
    monthly: list[MonthOut] = Field(min_length=12, max_length=12)
    loan: LoanOut | None
    co2_offset_tons_per_year: float = Field(description="Metric tons of CO2 avoided per year.")
    location: LocationOut
    assumptions: Assumptions
    notes: list[str] = Field(description="Plain-language caveats worth showing the homeowner.")
    engine_version: str

    @computed_field(description="Whole dollars, as shown.")
    @property
    def gross_cost_usd(self) -> int:
        return whole_dollars(self.gross_cost_cents)

    @computed_field(description="Whole dollars, as shown.")
    @property
    def incentives_usd(self) -> int:
        return whole_dollars(self.incentives_cents)

    @computed_field(description="Whole dollars, as shown.")
    @property
    def net_cost_usd(self) -> int:
        return whole_dollars(self.net_cost_cents)

    @computed_field(description="Whole dollars, as shown.")
    @property
    def year1_savings_usd(self) -> int:
        return whole_dollars(self.year1_savings_cents)

    @computed_field(description="Whole dollars, as shown.")
    @property
    def lifetime_savings_usd(self) -> int:
        return whole_dollars(self.lifetime_savings_cents)

    @computed_field(description="Whole dollars, as shown (negative when it never pays back).")
    @property
    def lifetime_net_savings_usd(self) -> int:
        return whole_dollars(self.lifetime_net_savings_cents)

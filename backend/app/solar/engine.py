"""The solar engine's entry points: ``estimate`` and ``lookup_location``.

Other domains (the conversation agent, the lead form) call these functions directly.
They are deterministic for a given input and configuration, touch no network and no
database, and are fast: the hourly year of a new site costs ~10 ms, a new orientation
~7 ms; after that a site/orientation pair is a dictionary hit and the money math is
microseconds (``benchmarks/solar_bench.py`` prints the figures).

Caches (per process, bounded LRU):

* ``_station_year``: a station's synthetic hourly typical year (orientation-free:
  sun path, clear sky, GHI/DNI/DHI, temperatures), ~0.6 MB each;
* ``_station_yield``: kWh per kW per month, keyed by (station, tilt, azimuth, losses
  incl. shade, module, mount). Production scales linearly with kW, so one entry
  serves every system size; a ZIP's yield is the IDW blend of its three stations'.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from app.core.config import ConfigError, Settings
from app.core.errors import ValidationFailed
from app.solar import finance
from app.solar.finance import DEFAULT_INCENTIVES, Incentive
from app.solar.location import Location, UnknownZip, lookup_location
from app.solar.production import (
    DEFAULT_LOSSES_PCT,
    ArraySpec,
    Module,
    Mount,
    hourly_ac_wh_per_kw,
    monthly_totals,
)
from app.solar.resource import TypicalYear, typical_year
from app.solar.schemas import (
    MAX_ANNUAL_KWH,
    Assumptions,
    Estimate,
    EstimateInput,
    IncentiveOut,
    IncentiveRule,
    LoanOut,
    LocationInfo,
    LocationOut,
    Shade,
    WeatherStation,
)
from app.solar.tables import Station, reference_data

__all__ = [
    "ENGINE_VERSION",
    "SolarConfig",
    "UnknownZip",
    "clear_caches",
    "estimate",
    "location_info",
    "lookup_location",
]

ENGINE_VERSION = "solar-engine/1 (pvwatts-v8 chain, pvlib, TMY3 monthly synthetic year)"

DEFAULT_TILT_DEG = 20.0
DEFAULT_AZIMUTH_DEG = 180.0
DEFAULT_OFFSET_PCT = 100.0
DEFAULT_PANEL_WATTS = 430.0

#: Extra loss for shade on top of PVWatts' 3 % shading allowance, percent of output.
#: Roughly the solar access (TSRF) installers measure: light ~95 %, moderate ~88 %,
#: heavy ~75 % (the floor many installers accept before declining a roof).
SHADE_LOSS_PCT: dict[Shade, float] = {
    Shade.NONE: 0.0,
    Shade.LIGHT: 5.0,
    Shade.MODERATE: 12.0,
    Shade.HEAVY: 25.0,
}

_RATE_SOURCE_EIA = "EIA 2023 average residential rate for the state"


@dataclass(frozen=True, slots=True)
class SolarConfig:
    """Money assumptions an operator may change (see ``from_settings``)."""

    cost_per_watt_usd: float = 2.48  # EnergySage median quote, H1 2025
    cost_per_watt_by_state: Mapping[str, float] = field(default_factory=dict)
    rate_by_state_usd_per_kwh: Mapping[str, float] = field(default_factory=dict)
    incentives: tuple[Incentive, ...] = DEFAULT_INCENTIVES
    utility_escalation_pct: float = 3.0
    degradation_pct: float = 0.5
    analysis_years: int = 25
    #: EPA Greenhouse Gas Equivalencies Calculator: AVERT U.S. national weighted average
    #: marginal CO2 rate, 1,540.1 lb/MWh = 0.699 kg/kWh (the rate for displaced generation).
    co2_kg_per_kwh: float = 0.699
    #: Uniform correction of the TMY3-based yield; 0 by default (see data/README.md).
    production_adjustment_pct: float = 0.0
    #: Typical time from quote to completed installation; decides which incentives apply.
    install_lead_days: int = 60
    #: "Today" for the install date; None means the current UTC date (tests pin it).
    as_of: date | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> SolarConfig:
        return cls(
            cost_per_watt_usd=settings.solar_cost_per_watt_usd,
            cost_per_watt_by_state=_upper_keys(settings.solar_cost_per_watt_by_state),
            rate_by_state_usd_per_kwh=_upper_keys(settings.solar_rate_by_state_usd_per_kwh),
            incentives=(
                DEFAULT_INCENTIVES
                if settings.solar_incentives is None
                else tuple(_incentive(row) for row in settings.solar_incentives)
            ),
            utility_escalation_pct=settings.solar_utility_escalation_pct,
            degradation_pct=settings.solar_degradation_pct,
            co2_kg_per_kwh=settings.solar_co2_kg_per_kwh,
            production_adjustment_pct=settings.solar_production_adjustment_pct,
        )

    def install_date(self) -> date:
        today = self.as_of or datetime.now(UTC).date()
        return today + timedelta(days=self.install_lead_days)


DEFAULT_CONFIG = SolarConfig()


def _upper_keys(mapping: Mapping[str, float]) -> dict[str, float]:
    return {key.strip().upper(): float(value) for key, value in mapping.items()}


def _incentive(row: Mapping[str, Any]) -> Incentive:
    try:
        return Incentive(
            name=str(row["name"]),
            percent=float(row.get("percent", 0.0)),
            usd_per_watt=float(row.get("usd_per_watt", 0.0)),
            usd=float(row.get("usd", 0.0)),
            max_usd=None if row.get("max_usd") is None else float(row["max_usd"]),
            states=tuple(str(s).upper() for s in row.get("states", ())),
            installed_from=_date_or_none(row.get("installed_from")),
            installed_until=_date_or_none(row.get("installed_until")),
            note=str(row.get("note", "")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"SOLAR_INCENTIVES has an invalid row {dict(row)!r}: {exc}") from exc


def _date_or_none(value: object) -> date | None:
    return None if value in (None, "") else date.fromisoformat(str(value))


class ConsumptionOutOfRange(ValidationFailed):
    code = "consumption_out_of_range"
    message = "That electricity use is beyond what a home solar estimate covers."


# --------------------------------------------------------------------------- production


@lru_cache(maxsize=64)
def _station_year(usaf: str) -> TypicalYear:
    return typical_year(_stations_by_usaf()[usaf].climate)


@lru_cache(maxsize=16384)
def _station_yield(usaf: str, spec: ArraySpec) -> tuple[float, ...]:
    """First-year AC kWh per kW DC for each month at one station."""
    year = _station_year(usaf)
    hourly = hourly_ac_wh_per_kw(year.sun, year.weather, spec)
    return tuple(float(v) / 1000.0 for v in monthly_totals(hourly, year.sun.month))


@lru_cache(maxsize=1)
def _stations_by_usaf() -> dict[str, Station]:
    return {s.usaf: s for s in reference_data().stations.stations}


def monthly_yield(location: Location, spec: ArraySpec) -> list[float]:
    """kWh per kW per month at a ZIP: its stations' yields, inverse-distance weighted."""
    blended = [0.0] * 12
    for weighted in location.stations:
        monthly = _station_yield(weighted.station.usaf, spec)
        for month, value in enumerate(monthly):
            blended[month] += weighted.weight * value
    return blended


def clear_caches() -> None:
    """Forget every cached year and yield (benchmarks measure cold paths with it)."""
    _station_year.cache_clear()
    _station_yield.cache_clear()


def total_losses_pct(shade: Shade, base_pct: float = DEFAULT_LOSSES_PCT) -> float:
    """PVWatts losses and the shade loss, combined multiplicatively as PVWatts does."""
    return 100.0 * (1.0 - (1.0 - base_pct / 100.0) * (1.0 - SHADE_LOSS_PCT[shade] / 100.0))


# --------------------------------------------------------------------------- entry points


def estimate(request: EstimateInput, config: SolarConfig = DEFAULT_CONFIG) -> Estimate:
    """Size a system for the request and work out its production, cost and savings."""
    location = lookup_location(request.zip_code)
    rate, rate_source = _rate(request, location.state, config)
    if request.annual_kwh is not None:
        consumption, consumption_source = request.annual_kwh, "annual_kwh"
    else:
        assert request.monthly_bill is not None  # guaranteed by EstimateInput's validator
        consumption, consumption_source = request.monthly_bill * 12.0 / rate, "monthly_bill / rate"
    if consumption > MAX_ANNUAL_KWH:
        raise ConsumptionOutOfRange(
            f"A ${request.monthly_bill:,.0f} monthly bill at ${rate:.3f}/kWh is "
            f"{consumption:,.0f} kWh a year, more than the {MAX_ANNUAL_KWH:,.0f} kWh a "
            "home solar estimate covers.",
            details={"annual_consumption_kwh": round(consumption), "max": MAX_ANNUAL_KWH},
        )

    spec = ArraySpec(
        tilt_deg=DEFAULT_TILT_DEG if request.tilt_deg is None else request.tilt_deg,
        azimuth_deg=(DEFAULT_AZIMUTH_DEG if request.azimuth_deg is None else request.azimuth_deg)
        % 360.0,
        mount=Mount.ROOF,
        module=Module.PREMIUM,
        losses_pct=total_losses_pct(request.shade),
    )
    adjustment = 1.0 + config.production_adjustment_pct / 100.0
    monthly_per_kw = [v * adjustment for v in monthly_yield(location, spec)]
    yield_per_kw = sum(monthly_per_kw)

    offset_target = DEFAULT_OFFSET_PCT if request.offset_pct is None else request.offset_pct
    panel_watts = DEFAULT_PANEL_WATTS if request.panel_watts is None else request.panel_watts
    sizing = finance.size_system(consumption, yield_per_kw, offset_target, panel_watts)
    size_kw = sizing.system_size_kw
    production = yield_per_kw * size_kw

    cost_per_watt, cost_source = _cost_per_watt(location.state, config)
    gross = size_kw * 1000.0 * cost_per_watt
    install_date = config.install_date()
    applied = finance.apply_incentives(
        config.incentives, location.state, install_date, gross, size_kw * 1000.0
    )
    incentives_total = sum(a.amount_usd for a in applied)
    net = gross - incentives_total
    savings = finance.project_savings(
        year1_production_kwh=production,
        annual_consumption_kwh=consumption,
        rate_usd_per_kwh=rate,
        escalation_pct=config.utility_escalation_pct,
        degradation_pct=config.degradation_pct,
        years=config.analysis_years,
        net_cost_usd=net,
    )
    loan = None
    if request.loan_apr_pct is not None and request.loan_term_years is not None:
        loan = finance.amortize(net, request.loan_apr_pct, request.loan_term_years)
    interest = loan.total_interest_usd if loan else 0.0

    assumptions = Assumptions(
        electricity_rate_usd_per_kwh=round(rate, 4),
        rate_source=rate_source,
        consumption_source=consumption_source,
        offset_target_pct=offset_target,
        panel_watts=panel_watts,
        tilt_deg=spec.tilt_deg,
        azimuth_deg=spec.azimuth_deg,
        shade=request.shade,
        shade_loss_pct=SHADE_LOSS_PCT[request.shade],
        base_losses_pct=round(DEFAULT_LOSSES_PCT, 2),
        total_losses_pct=round(spec.losses_pct, 2),
        module="premium (temperature coefficient -0.35 %/C)",
        mount="fixed roof mount",
        dc_ac_ratio=spec.dc_ac_ratio,
        inverter_efficiency_pct=spec.inverter_efficiency * 100.0,
        temperature_coefficient_pct_per_c=-0.35,
        production_model=(
            "PVWatts v8 chain with pvlib: Perez transposition, De Soto cover and spectral "
            "losses, Fuentes cell temperature, pvwatts_dc, pvwatts_losses, inverter.pvwatts"
        ),
        weather_source=(
            "NREL TMY3 monthly means (1991-2005) of the three nearest stations (weights in "
            "location.stations), each made into an hourly year: Ineichen clear sky, Bendt "
            "daily clearness, Erbs split"
        ),
        production_adjustment_pct=config.production_adjustment_pct,
        cost_per_watt_usd=cost_per_watt,
        cost_source=cost_source,
        install_date_assumed=install_date,
        incentives_table=[
            _incentive_rule(i, any(a.name == i.name for a in applied)) for i in config.incentives
        ],
        utility_escalation_pct_per_year=config.utility_escalation_pct,
        degradation_pct_per_year=config.degradation_pct,
        analysis_years=config.analysis_years,
        surplus_valuation=(
            "Output up to the home's use saves the retail rate; surplus is valued at $0"
        ),
        co2_kg_per_kwh=config.co2_kg_per_kwh,
        co2_source="EPA GHG Equivalencies Calculator (AVERT national marginal CO2 rate)",
    )
    return Estimate(
        system_size_kw=round(size_kw, 3),
        panel_count=sizing.panel_count,
        annual_production_kwh=round(production, 1),
        monthly_production_kwh=[round(v * size_kw, 1) for v in monthly_per_kw],
        specific_yield_kwh_per_kw=round(yield_per_kw, 1),
        annual_consumption_kwh=round(consumption, 1),
        offset_pct=round(production / consumption * 100.0, 1),
        electricity_rate_usd_per_kwh=round(rate, 4),
        gross_cost_usd=round(gross, 2),
        incentives_usd=round(incentives_total, 2),
        incentives=[IncentiveOut(name=a.name, amount_usd=round(a.amount_usd, 2)) for a in applied],
        net_cost_usd=round(net, 2),
        year1_savings_usd=round(savings.year1_usd, 2),
        lifetime_savings_usd=round(savings.lifetime_usd, 2),
        lifetime_net_savings_usd=round(savings.lifetime_usd - net - interest, 2),
        payback_years=None if savings.payback_years is None else round(savings.payback_years, 1),
        loan=None
        if loan is None
        else LoanOut(
            principal_usd=round(loan.principal_usd, 2),
            apr_pct=loan.apr_pct,
            term_years=loan.term_years,
            monthly_payment_usd=round(loan.monthly_payment_usd, 2),
            total_interest_usd=round(loan.total_interest_usd, 2),
        ),
        co2_offset_tons_per_year=round(production * config.co2_kg_per_kwh / 1000.0, 2),
        location=_location_out(location),
        assumptions=assumptions,
        notes=_notes(request, location, savings.payback_years, config),
        engine_version=ENGINE_VERSION,
    )


def location_info(zip_code: str, config: SolarConfig = DEFAULT_CONFIG) -> LocationInfo:
    """A ZIP's place, weather stations and the rate an estimate would use by default."""
    location = lookup_location(zip_code)
    rate, source = _state_rate(location.state, config)
    return LocationInfo(
        **_location_out(location).model_dump(),
        electricity_rate_usd_per_kwh=round(rate, 4),
        rate_source=source,
    )


# --------------------------------------------------------------------------- helpers


def _rate(request: EstimateInput, state: str, config: SolarConfig) -> tuple[float, str]:
    if request.electricity_rate_usd_per_kwh is not None:
        return request.electricity_rate_usd_per_kwh, "request"
    return _state_rate(state, config)


def _state_rate(state: str, config: SolarConfig) -> tuple[float, str]:
    if state in config.rate_by_state_usd_per_kwh:
        return config.rate_by_state_usd_per_kwh[state], "settings override"
    return reference_data().state_rates_usd_per_kwh[state], _RATE_SOURCE_EIA


def _cost_per_watt(state: str, config: SolarConfig) -> tuple[float, str]:
    if state in config.cost_per_watt_by_state:
        return config.cost_per_watt_by_state[state], "settings override for the state"
    if config.cost_per_watt_usd == DEFAULT_CONFIG.cost_per_watt_usd:
        return config.cost_per_watt_usd, "EnergySage median installed cost, H1 2025"
    return config.cost_per_watt_usd, "settings"


def _incentive_rule(incentive: Incentive, applied: bool) -> IncentiveRule:
    return IncentiveRule(
        name=incentive.name,
        percent=incentive.percent,
        usd_per_watt=incentive.usd_per_watt,
        usd=incentive.usd,
        max_usd=incentive.max_usd,
        states=list(incentive.states),
        installed_from=incentive.installed_from,
        installed_until=incentive.installed_until,
        applied=applied,
        note=incentive.note,
    )


def _location_out(location: Location) -> LocationOut:
    stations = [
        WeatherStation(
            usaf=w.station.usaf,
            name=w.station.name,
            state=w.station.state,
            distance_km=round(w.distance_km, 1),
            weight=round(w.weight, 4),
        )
        for w in location.stations
    ]
    return LocationOut(
        zip_code=location.zip_code,
        city=location.city,
        state=location.state,
        lat=location.latitude,
        lon=location.longitude,
        station=stations[0],
        stations=stations,
    )


def _notes(
    request: EstimateInput, location: Location, payback: float | None, config: SolarConfig
) -> list[str]:
    notes = []
    if location.approximate:
        notes.append(
            "This ZIP code has no map position of its own; it was placed at the centre "
            "of the ZIP codes around it."
        )
    if request.shade is Shade.HEAVY:
        notes.append(
            "Heavy shade cuts output by about a quarter; an installer's site survey "
            "should confirm the roof is worth it."
        )
    if payback is None:
        notes.append(
            f"At these prices the system does not pay for itself within "
            f"{config.analysis_years} years."
        )
    if location.nearest.distance_km > 100:
        notes.append(
            f"The nearest weather station is {location.nearest.distance_km:.0f} km away, "
            "so the production figure is less certain than usual."
        )
    return notes

"""The solar engine's entry points: ``estimate`` and ``lookup_location``.

Other domains (the conversation agent, the lead form) call these functions directly.
They are deterministic for a given input and configuration, touch no network and no
database, and are fast: the hourly year of a new site costs ~10 ms, a new orientation
~7 ms; after that a site/orientation pair is a dictionary hit and the money math is
microseconds (``benchmarks/solar_bench.py`` prints the figures).

Caches (per process, bounded LRU):

* ``_station_sky``: a station's sun path and clear sky over the year (~4.5 ms to build);
* ``_station_year``: a station's synthetic hourly typical year at a given GHI level
  (the NSRDB correction sets the level per ZIP; ~1.5 ms given the sky), ~0.2 MB each;
* ``_station_yield``: kWh per kW per month, keyed by (station, GHI level, tilt, azimuth,
  losses incl. shade, module, mount). Production scales linearly with kW, so one entry
  serves every system size; a ZIP's yield is the IDW blend of its three stations'.
* ``location._shipped_location``: a ZIP's place, stations and NSRDB figure.

Money (``economics`` and ``finance``): the state's installed cost, fixed charge, export
compensation and price escalation, a month-by-month bill with and without solar, and
every amount rounded once to whole dollars and carried as integer cents.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

import numpy as np

from app.core.config import ConfigError, Settings
from app.core.errors import ValidationFailed
from app.solar import economics, finance
from app.solar.economics import CompensationOverride, ExportRule
from app.solar.finance import (
    DEFAULT_INCENTIVES,
    MONTHS,
    Compensation,
    Incentive,
    Tariff,
    whole_dollar_cents,
)
from app.solar.location import MAX_ZCTA_DISTANCE_KM, Location, UnknownZip, lookup_location
from app.solar.location import cache_clear as location_cache_clear
from app.solar.production import (
    DEFAULT_LOSSES_PCT,
    ArraySpec,
    Module,
    Mount,
    hourly_ac_wh_per_kw,
    monthly_totals,
)
from app.solar.resource import (
    NSRDB_SCALE_BOUNDS,
    ClearSky,
    TypicalYear,
    clear_sky,
    nsrdb_scale,
    typical_year,
)
from app.solar.schemas import (
    MAX_ANNUAL_KWH,
    Assumptions,
    Basis,
    CompensationOut,
    Estimate,
    EstimateInput,
    IncentiveOut,
    IncentiveRule,
    LoanOut,
    LocationInfo,
    LocationOut,
    Shade,
    Sizing,
    SolarResource,
    Sourced,
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

ENGINE_VERSION = (
    "solar-engine/2 (pvwatts-v8 chain, pvlib, TMY3 monthly synthetic year at the NSRDB "
    "level; state economics, monthly bills)"
)

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

_RATE_SOURCE_EIA = (
    "EIA 2023 average residential revenue per kWh for the state (Electric Power Annual); "
    "it spreads fixed charges over every kWh, so it slightly overstates the price of a kWh"
)
NSRDB_BOUNDS_TEXT = f"{NSRDB_SCALE_BOUNDS[0]:g}-{NSRDB_SCALE_BOUNDS[1]:g}"


@dataclass(frozen=True, slots=True, eq=False)
class SolarConfig:
    """Assumptions an operator may change (see ``from_settings``); the state tables
    supply the rest.

    Compared and hashed by identity (an app builds one), so a state's terms can be
    cached per configuration.
    """

    #: Today's national installed cost; a state's figure is its ratio to its source's
    #: national median times this.
    cost_per_watt_usd: float = economics.NATIONAL_COST_PER_WATT_USD
    cost_per_watt_overrides: Mapping[str, float] = field(default_factory=dict)
    rate_by_state_usd_per_kwh: Mapping[str, float] = field(default_factory=dict)
    incentives: tuple[Incentive, ...] = DEFAULT_INCENTIVES
    #: None: each state's 2013-2023 price history, capped; a number: that everywhere.
    utility_escalation_pct: float | None = None
    escalation_cap_pct: float = economics.ESCALATION_CAP_PCT
    self_consumption_share: float = economics.DEFAULT_SELF_CONSUMPTION_SHARE
    fixed_charge_overrides: Mapping[str, float] = field(default_factory=dict)
    #: For states without a figure; None: the median of the states that have one.
    fixed_charge_fallback_usd: float | None = None
    export_credit_fallback_usd_per_kwh: float = economics.FALLBACK_EXPORT_CREDIT_USD_PER_KWH
    compensation_overrides: Mapping[str, CompensationOverride] = field(default_factory=dict)
    minimum_system_kw: float = economics.MINIMUM_SYSTEM_KW
    #: Set each ZIP's yearly GHI to NSRDB's (False: the TMY3 stations' own level).
    nsrdb_correction: bool = True
    degradation_pct: float = 0.5
    analysis_years: int = 25
    #: EPA Greenhouse Gas Equivalencies Calculator: AVERT U.S. national weighted average
    #: marginal CO2 rate, 1,540.1 lb/MWh = 0.699 kg/kWh (the rate for displaced generation).
    co2_kg_per_kwh: float = 0.699
    #: Uniform correction of the modelled yield; 0 by default (see data/README.md).
    production_adjustment_pct: float = 0.0
    #: Typical time from quote to completed installation; decides which incentives apply.
    install_lead_days: int = 60
    #: "Today" for the install date; None means the current UTC date (tests pin it).
    as_of: date | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> SolarConfig:
        return cls(
            cost_per_watt_usd=settings.solar_cost_per_watt_usd,
            cost_per_watt_overrides=_upper_keys(settings.solar_cost_per_watt_by_state),
            rate_by_state_usd_per_kwh=_upper_keys(settings.solar_rate_by_state_usd_per_kwh),
            incentives=(
                DEFAULT_INCENTIVES
                if settings.solar_incentives is None
                else tuple(_incentive(row) for row in settings.solar_incentives)
            ),
            utility_escalation_pct=settings.solar_utility_escalation_pct,
            escalation_cap_pct=settings.solar_escalation_cap_pct,
            self_consumption_share=settings.solar_self_consumption_share,
            fixed_charge_overrides=_upper_keys(settings.solar_fixed_charge_by_state),
            fixed_charge_fallback_usd=settings.solar_fixed_charge_fallback_usd_per_month,
            export_credit_fallback_usd_per_kwh=settings.solar_export_credit_fallback_usd_per_kwh,
            compensation_overrides={
                key.strip().upper(): _compensation_override(key, row)
                for key, row in settings.solar_compensation_by_state.items()
            },
            minimum_system_kw=settings.solar_minimum_system_kw,
            nsrdb_correction=settings.solar_nsrdb_correction,
            degradation_pct=settings.solar_degradation_pct,
            co2_kg_per_kwh=settings.solar_co2_kg_per_kwh,
            production_adjustment_pct=settings.solar_production_adjustment_pct,
        )

    @property
    def cost_per_watt_by_state(self) -> dict[str, float]:
        """$/W for each state that has a figure of its own or an override; a state not
        listed uses ``cost_per_watt_usd``."""
        return economics.cost_per_watt_table(
            reference_data().state_money, self.cost_per_watt_usd, self.cost_per_watt_overrides
        )

    def install_date(self) -> date:
        today = self.as_of or datetime.now(UTC).date()
        return today + timedelta(days=self.install_lead_days)


DEFAULT_CONFIG = SolarConfig()


def _upper_keys(mapping: Mapping[str, float]) -> dict[str, float]:
    return {key.strip().upper(): float(value) for key, value in mapping.items()}


def _compensation_override(state: str, row: Mapping[str, Any]) -> CompensationOverride:
    try:
        return CompensationOverride(
            compensation=Compensation(row["compensation"]),
            export_credit_usd_per_kwh=_float_or_none(row.get("export_credit_usd_per_kwh")),
            export_credit_fraction_of_retail=_float_or_none(
                row.get("export_credit_fraction_of_retail")
            ),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(
            f"SOLAR_COMPENSATION_BY_STATE has an invalid entry for {state!r}: {exc}. Give "
            '{"compensation": "net_billing" | "monthly_netting" | "retail_net_metering", '
            '"export_credit_usd_per_kwh": 0.05} (or "export_credit_fraction_of_retail").'
        ) from exc


def _float_or_none(value: object) -> float | None:
    return None if value in (None, "") else float(value)  # type: ignore[arg-type]


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
def _station_sky(usaf: str) -> ClearSky:
    return clear_sky(_stations_by_usaf()[usaf].climate)


@lru_cache(maxsize=64)
def _station_year(usaf: str, ghi_scale: float) -> TypicalYear:
    return typical_year(_stations_by_usaf()[usaf].climate, _station_sky(usaf), ghi_scale)


@lru_cache(maxsize=16384)
def _station_yield(usaf: str, ghi_scale: float, spec: ArraySpec) -> tuple[float, ...]:
    """First-year AC kWh per kW DC for each month at one station and GHI level."""
    year = _station_year(usaf, ghi_scale)
    hourly = hourly_ac_wh_per_kw(year.sun, year.weather, spec)
    return tuple(float(v) / 1000.0 for v in monthly_totals(hourly, year.sun.month))


@lru_cache(maxsize=1)
def _stations_by_usaf() -> dict[str, Station]:
    return {s.usaf: s for s in reference_data().stations.stations}


#: The NSRDB factor is taken in steps of 0.5 %, the resolution of the ZCTA table itself
#: (its values come in steps of 0.024 kWh/m2/day, ~0.5 % of a typical 4.5), so that
#: nearby ZIPs share a station's cached year: the level is then within 0.25 % of the
#: ZCTA figure, and each new ZIP does not cost a cold estimate.
SCALE_STEP = 0.005


def station_scales(location: Location, corrected: bool = True) -> tuple[float, ...]:
    """The factor on each of the site's stations' monthly GHI (1 when not corrected)."""
    if not corrected or location.nsrdb is None:
        return (1.0,) * len(location.stations)
    return tuple(
        round(
            round(
                nsrdb_scale(w.station.annual_ghi_kwh_m2_day, location.nsrdb.ghi_kwh_m2_day)
                / SCALE_STEP
            )
            * SCALE_STEP,
            4,
        )
        for w in location.stations
    )


def monthly_yield(location: Location, spec: ArraySpec, corrected: bool = True) -> list[float]:
    """kWh per kW per month at a site: its stations' yields, inverse-distance weighted,
    each station's year set to the site's NSRDB level unless ``corrected`` is False."""
    return _blended_yield(location, spec, station_scales(location, corrected))


@dataclass(frozen=True, slots=True)
class Site:
    """What an estimate says about its place, worked out once per place."""

    scales: tuple[float, ...]
    resource: SolarResource
    location: LocationOut


@lru_cache(maxsize=8192)
def _site(location: Location, corrected: bool) -> Site:
    scales = station_scales(location, corrected)
    return Site(
        scales=scales,
        resource=_solar_resource(location, scales, corrected),
        location=_location_out(location),
    )


def _blended_yield(location: Location, spec: ArraySpec, scales: tuple[float, ...]) -> list[float]:
    blended = [0.0] * 12
    for weighted, scale in zip(location.stations, scales, strict=True):
        monthly = _station_yield(weighted.station.usaf, scale, spec)
        for month, value in enumerate(monthly):
            blended[month] += weighted.weight * value
    return blended


def clear_caches() -> None:
    """Forget every cached year, yield, place and state's terms (benchmarks measure cold
    paths with it)."""
    _station_sky.cache_clear()
    _station_year.cache_clear()
    _station_yield.cache_clear()
    _state_terms.cache_clear()
    _site.cache_clear()
    _compensation_out.cache_clear()
    _incentives_table.cache_clear()
    location_cache_clear()


@dataclass(frozen=True, slots=True)
class StateTerms:
    """A state's money assumptions under one configuration (the homeowner's own rate,
    when given, replaces ``rate``)."""

    rate: Sourced
    fixed_charge: Sourced
    cost_per_watt: Sourced
    escalation: Sourced
    self_consumption: Sourced
    export: ExportRule
    minimum_system: Sourced


@lru_cache(maxsize=1024)
def _state_terms(state: str, config: SolarConfig) -> StateTerms:
    money = reference_data().state_money
    default_minimum = config.minimum_system_kw == economics.MINIMUM_SYSTEM_KW
    return StateTerms(
        rate=_state_rate(state, config),
        fixed_charge=economics.fixed_charge(
            state, money, config.fixed_charge_overrides, config.fixed_charge_fallback_usd
        ),
        cost_per_watt=economics.cost_per_watt(
            state, money, config.cost_per_watt_usd, config.cost_per_watt_overrides
        ),
        escalation=economics.escalation(
            state, money, config.utility_escalation_pct, config.escalation_cap_pct
        ),
        self_consumption=economics.self_consumption(state, money, config.self_consumption_share),
        export=economics.export_rule(
            state, money, config.compensation_overrides, config.export_credit_fallback_usd_per_kwh
        ),
        minimum_system=Sourced(
            value=config.minimum_system_kw,
            unit="kW",
            basis=Basis.NATIONAL if default_minimum else Basis.OVERRIDE,
            source=economics.MINIMUM_SYSTEM_SOURCE
            if default_minimum
            else "SOLAR_MINIMUM_SYSTEM_KW",
        ),
    )


def total_losses_pct(shade: Shade, base_pct: float = DEFAULT_LOSSES_PCT) -> float:
    """PVWatts losses and the shade loss, combined multiplicatively as PVWatts does."""
    return 100.0 * (1.0 - (1.0 - base_pct / 100.0) * (1.0 - SHADE_LOSS_PCT[shade] / 100.0))


# --------------------------------------------------------------------------- entry points


def estimate(request: EstimateInput, config: SolarConfig = DEFAULT_CONFIG) -> Estimate:
    """Size a system for the request and work out its production, cost and savings."""
    location = lookup_location(request.zip_code)
    state = location.state
    terms = _state_terms(state, config)
    rate = _rate(request, terms)
    fixed = terms.fixed_charge
    if request.annual_kwh is not None:
        consumption, consumption_source = request.annual_kwh, "annual_kwh"
    else:
        assert request.monthly_bill is not None  # guaranteed by EstimateInput's validator
        # The fixed charge stays whatever the panels make; only the rest buys energy.
        energy_part = max(request.monthly_bill - fixed.value, 0.0)
        consumption = energy_part * 12.0 / rate.value
        consumption_source = "(monthly_bill - fixed charge) / rate"
    if consumption > MAX_ANNUAL_KWH:
        raise ConsumptionOutOfRange(
            f"A ${request.monthly_bill:,.0f} monthly bill at ${rate.value:.3f}/kWh is "
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
    site = _site(location, config.nsrdb_correction)
    scales = site.scales
    monthly_per_kw = np.array(_blended_yield(location, spec, scales)) * adjustment
    yield_per_kw = float(monthly_per_kw.sum())

    offset_target = DEFAULT_OFFSET_PCT if request.offset_pct is None else request.offset_pct
    panel_watts = DEFAULT_PANEL_WATTS if request.panel_watts is None else request.panel_watts
    sizing = finance.size_system(
        consumption, yield_per_kw, offset_target, panel_watts, config.minimum_system_kw
    )
    size_kw = sizing.system_size_kw
    monthly_production = monthly_per_kw * size_kw
    production = yield_per_kw * size_kw

    cost_per_watt = terms.cost_per_watt
    gross_cents = whole_dollar_cents(size_kw * 1000.0 * cost_per_watt.value)
    install_date = config.install_date()
    applied = finance.apply_incentives(
        config.incentives, state, install_date, gross_cents / 100.0, size_kw * 1000.0
    )
    incentives = [
        IncentiveOut(name=a.name, amount_cents=whole_dollar_cents(a.amount_usd)) for a in applied
    ]
    net_cents = gross_cents - sum(i.amount_cents for i in incentives)

    export = terms.export
    tariff = Tariff(
        rate_usd_per_kwh=rate.value,
        fixed_usd_per_month=fixed.value,
        compensation=export.compensation,
        export_credit_usd_per_kwh=export.year1_credit(rate.value) or (0.0,) * MONTHS,
        export_credit_follows_retail=export.fraction_of_retail is not None,
        self_consumption_share=terms.self_consumption.value,
        escalation_pct=terms.escalation.value,
        minimum_bill_usd_per_month=fixed.value,
        production_charge_usd_per_kwh=export.production_charge_usd_per_kwh,
    )
    monthly_use = consumption / MONTHS
    savings = finance.project_savings(
        monthly_production_kwh=monthly_production,
        monthly_consumption_kwh=np.full(MONTHS, monthly_use),
        tariff=tariff,
        degradation_pct=config.degradation_pct,
        years=config.analysis_years,
        net_cost_usd=net_cents / 100.0,
    )
    production_shown = np.round(monthly_production, 1).tolist()
    bill_without = _whole_dollar_cents(savings.bill_without_usd)
    bill_with = _whole_dollar_cents(savings.bill_with_usd)
    # Plain rows, validated with the Estimate in one pass (12 model objects built in
    # Python would cost a fifth of a warm estimate).
    months = [
        {
            "month": index + 1,
            "production_kwh": production_shown[index],
            "consumption_kwh": round(monthly_use, 1),
            "exported_kwh": exported,
            "bill_without_solar_cents": bill_without[index],
            "bill_with_solar_cents": bill_with[index],
        }
        for index, exported in enumerate(np.round(savings.exported_kwh, 1).tolist())
    ]
    # Year 1 is the sum of the months as shown, so the card's table adds up.
    year1_cents = sum(bill_without) - sum(bill_with)
    lifetime_cents = whole_dollar_cents(savings.lifetime_usd)
    loan = None
    interest_cents = 0
    if request.loan_apr_pct is not None and request.loan_term_years is not None:
        amortized = finance.amortize(
            net_cents / 100.0, request.loan_apr_pct, request.loan_term_years
        )
        payment_cents = whole_dollar_cents(amortized.monthly_payment_usd)
        interest_cents = max(0, payment_cents * request.loan_term_years * 12 - net_cents)
        loan = LoanOut(
            principal_cents=net_cents,
            apr_pct=amortized.apr_pct,
            term_years=amortized.term_years,
            monthly_payment_cents=payment_cents,
            total_interest_cents=interest_cents,
        )

    assumptions = Assumptions(
        solar_resource=site.resource,
        weather_source=(
            "NREL TMY3 monthly means (1991-2005) of the three nearest stations (weights in "
            "location.stations), their yearly level set to NSRDB's (solar_resource), each "
            "made into an hourly year: Ineichen clear sky, Bendt daily clearness, Erbs split"
        ),
        offset_target_pct=offset_target,
        minimum_system_kw=terms.minimum_system,
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
        production_adjustment_pct=config.production_adjustment_pct,
        electricity_rate=rate,
        consumption_source=consumption_source,
        fixed_charge=fixed,
        compensation=_compensation_out(export, tariff.export_credit_usd_per_kwh, state),
        self_consumption_share=terms.self_consumption,
        utility_escalation=terms.escalation,
        cost_per_watt=cost_per_watt,
        install_date_assumed=install_date,
        incentives_table=_incentives_table(config, state, install_date),
        degradation_pct_per_year=config.degradation_pct,
        analysis_years=config.analysis_years,
        co2_kg_per_kwh=config.co2_kg_per_kwh,
        co2_source="EPA GHG Equivalencies Calculator (AVERT national marginal CO2 rate)",
    )
    return Estimate(
        system_size_kw=round(size_kw, 3),
        panel_count=sizing.panel_count,
        sizing=Sizing.MINIMUM_PRACTICAL if sizing.raised_to_minimum else Sizing.YOUR_USE,
        annual_production_kwh=round(production, 1),
        monthly_production_kwh=production_shown,
        specific_yield_kwh_per_kw=round(yield_per_kw, 1),
        annual_consumption_kwh=round(consumption, 1),
        offset_pct=round(production / consumption * 100.0, 1) if consumption > 0 else None,
        electricity_rate_usd_per_kwh=round(rate.value, 4),
        gross_cost_cents=gross_cents,
        incentives_cents=gross_cents - net_cents,
        incentives=incentives,
        net_cost_cents=net_cents,
        year1_savings_cents=year1_cents,
        lifetime_savings_cents=lifetime_cents,
        lifetime_net_savings_cents=lifetime_cents - net_cents - interest_cents,
        payback_years=None if savings.payback_years is None else round(savings.payback_years, 1),
        monthly=months,
        loan=loan,
        co2_offset_tons_per_year=round(production * config.co2_kg_per_kwh / 1000.0, 2),
        location=site.location,
        assumptions=assumptions,
        notes=_notes(request, location, sizing, consumption, fixed, export, savings, config),
        engine_version=ENGINE_VERSION,
    )


def location_info(zip_code: str, config: SolarConfig = DEFAULT_CONFIG) -> LocationInfo:
    """A ZIP's place, weather stations and the rate an estimate would use by default."""
    location = lookup_location(zip_code)
    rate = _state_rate(location.state, config)
    return LocationInfo(
        **_location_out(location).model_dump(),
        electricity_rate_usd_per_kwh=round(rate.value, 4),
        rate_source=rate.source,
    )


# --------------------------------------------------------------------------- helpers


def _rate(request: EstimateInput, terms: StateTerms) -> Sourced:
    if request.electricity_rate_usd_per_kwh is not None:
        return Sourced(
            value=request.electricity_rate_usd_per_kwh,
            unit="USD/kWh",
            basis=Basis.REQUEST,
            source="your figure",
        )
    return terms.rate


def _whole_dollar_cents(usd: np.ndarray) -> list[int]:
    """``whole_dollar_cents`` for an array: half away from zero, in cents."""
    return (np.sign(usd) * np.floor(np.abs(usd) + 0.5) * 100).astype(int).tolist()


def _state_rate(state: str, config: SolarConfig) -> Sourced:
    if state in config.rate_by_state_usd_per_kwh:
        return Sourced(
            value=config.rate_by_state_usd_per_kwh[state],
            unit="USD/kWh",
            basis=Basis.OVERRIDE,
            source="SOLAR_RATE_BY_STATE_USD_PER_KWH",
        )
    approximate = (
        " (approximate: EIA figure as quoted by Wyoming Public Media)" if state == "WY" else ""
    )
    return Sourced(
        value=round(reference_data().state_rates_usd_per_kwh[state], 4),
        unit="USD/kWh",
        basis=Basis.STATE,
        source=f"{_RATE_SOURCE_EIA}{approximate}",
    )


def _solar_resource(location: Location, scales: tuple[float, ...], enabled: bool) -> SolarResource:
    weights = [w.weight for w in location.stations]
    station_ghi = [w.station.annual_ghi_kwh_m2_day for w in location.stations]
    tmy3 = sum(w * g for w, g in zip(weights, station_ghi, strict=True))
    used = sum(w * g * f for w, g, f in zip(weights, station_ghi, scales, strict=True))
    nsrdb = location.nsrdb
    corrected = enabled and nsrdb is not None
    if corrected:
        assert nsrdb is not None
        source = (
            f"NREL NSRDB PSM v3 annual GHI, 1998-2016 mean (Sengupta et al. 2018), at ZCTA "
            f"{nsrdb.zcta} ({nsrdb.distance_km:.1f} km away): each station's monthly GHI "
            f"scaled to it, by a factor kept within {NSRDB_BOUNDS_TEXT}"
        )
    elif not enabled:
        source = "The TMY3 stations' own level (the NSRDB correction is switched off)"
    else:
        source = f"The TMY3 stations' own level (no ZCTA within {MAX_ZCTA_DISTANCE_KM:g} km)"
    return SolarResource(
        corrected=corrected,
        ghi_kwh_m2_day=round(used, 3),
        tmy3_ghi_kwh_m2_day=round(tmy3, 3),
        nsrdb_ghi_kwh_m2_day=None if nsrdb is None else nsrdb.ghi_kwh_m2_day,
        zcta=None if nsrdb is None else nsrdb.zcta,
        zcta_distance_km=None if nsrdb is None else round(nsrdb.distance_km, 1),
        station_scale_factors=list(scales),
        source=source,
    )


@lru_cache(maxsize=1024)
def _compensation_out(
    export: ExportRule, year1_credit: tuple[float, ...], state: str
) -> CompensationOut:
    credits = None if export.compensation is Compensation.RETAIL_NET_METERING else year1_credit
    mean_credit = None if credits is None else sum(credits) / len(credits)
    description = _describe_compensation(export, mean_credit)
    if export.basis is Basis.FALLBACK:
        description = f"Assumed (no sourced rule for {state}): {description}"
    return CompensationOut(
        rule=export.compensation,
        description=description,
        basis=export.basis,
        source=export.source,
        export_credit=None
        if mean_credit is None or export.credit_basis is None
        else Sourced(
            value=round(mean_credit, 4),
            unit="USD/kWh",
            basis=export.credit_basis,
            source=(
                f"{export.fraction_of_retail:.0%} of the retail rate; {export.credit_source}"
                if export.fraction_of_retail is not None
                else export.credit_source
            ),
        ),
        export_credit_by_month_usd_per_kwh=None
        if credits is None
        else [round(v, 4) for v in credits],
        export_credit_follows_retail=export.fraction_of_retail is not None,
        production_charge_usd_per_kwh=export.production_charge_usd_per_kwh,
    )


def _price(usd_per_kwh: float | None) -> str:
    """$0.0555, $0.075, $0.30: a per-kWh price with the digits it has (two to four)."""
    text = f"{usd_per_kwh or 0.0:.4f}"
    while text.endswith("0") and len(text.split(".")[1]) > 2:
        text = text[:-1]
    return "$" + text


def _describe_compensation(export: ExportRule, credit: float | None) -> str:
    carried = "carried forward as credit within the year"
    if export.compensation is Compensation.RETAIL_NET_METERING:
        text = (
            "Net metering at the retail rate: each kWh you send to the grid offsets a kWh "
            "you buy; a month's surplus is carried forward within the year, and what is "
            "left at the yearly true-up is not counted."
        )
    elif export.compensation is Compensation.MONTHLY_NETTING:
        text = (
            "Monthly netting: within each month your output offsets your use at the "
            f"retail rate; a month's net surplus earns {_price(credit)} per kWh, {carried}."
        )
    else:
        text = (
            "Net billing: output used in the home as it is made saves the retail rate; "
            f"each kWh sent to the grid earns {_price(credit)}, {carried}."
        )
    if export.production_charge_usd_per_kwh:
        text += (
            f" The tariff charges {_price(export.production_charge_usd_per_kwh)} on every kWh "
            "produced."
        )
    return text


@lru_cache(maxsize=1024)
def _incentives_table(config: SolarConfig, state: str, install_date: date) -> list[IncentiveRule]:
    """The incentives table as checked for this state and install date (shared; read-only)."""
    return [_incentive_rule(i, i.applies(state, install_date)) for i in config.incentives]


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
    request: EstimateInput,
    location: Location,
    sizing: finance.Sizing,
    consumption_kwh: float,
    fixed: Sourced,
    export: ExportRule,
    savings: finance.Savings,
    config: SolarConfig,
) -> list[str]:
    notes = []
    if consumption_kwh <= 0:
        notes.append(
            f"Your bill is no more than the fixed monthly charge (${fixed.value:.2f}), which "
            "solar cannot lower: there is no energy use for panels to offset."
        )
    elif sizing.raised_to_minimum:
        notes.append(
            f"Your use ({consumption_kwh:,.0f} kWh a year) needs only about "
            f"{sizing.target_kw:.1f} kW, but installers rarely fit less than "
            f"{config.minimum_system_kw:g} kW, so this is the smallest practical system: "
            "much of its output goes to the grid at the export credit."
        )
    if savings.payback_years is None:
        notes.append(
            f"At these prices the system does not pay for itself within "
            f"{config.analysis_years} years"
            + (
                ": for a bill this small, solar is not worth it."
                if sizing.raised_to_minimum or consumption_kwh <= 0
                else "."
            )
        )
    if export.basis is Basis.FALLBACK:
        notes.append(
            f"We have no sourced rule for how {location.state} utilities credit solar sent "
            "to the grid; the savings assume the common monthly netting (see how we "
            "calculated this). Your utility's rule may be better or worse."
        )
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
    if location.nearest.distance_km > 100:
        notes.append(
            f"The nearest weather station is {location.nearest.distance_km:.0f} km away, "
            "so the production figure is less certain than usual."
        )
    return notes

"""The solar resource: an hourly typical year synthesised from monthly station means.

The shipped station table has, per NREL TMY3 station, the mean daily global
horizontal irradiation (GHI) and the mean dry-bulb temperature of each month. From
them we build an hourly year:

* sun position for every hour with pvlib's ``ephemeris`` (4 ms a year; pvlib's numpy
  SPA takes 40 ms and agrees within 0.02 deg, far below what monthly inputs resolve);
* clear-sky GHI from Ineichen-Perez with the monthly Linke turbidity pvlib ships;
* day-to-day variability: each day gets a clearness index from the Bendt et al.
  (1981) distribution for the month's mean clearness, keeping the clear-sky shape;
  the month is then scaled so its mean daily GHI equals the station's exactly;
* beam and diffuse split with the Erbs correlation;
* the month's mean temperature with a diurnal swing, and the station's mean wind.

Why synthesise: the hourly TMY3 files are about 1.7 GB for 1,011 stations; the
monthly table is 220 KB. Run through the PVWatts chain, the synthetic year lands
within 0.6 % (mean absolute) of PVWatts on the full hourly year over the 925 lower-48
stations, 2.1 % in Alaska (``tests/solar/test_resource.py`` measures every station).
Dimming every day of a month alike instead (no day-to-day spread) is 8 % low at
cloudy Sand Point, AK: the beam-diffuse split and a tilted plane's gain are not
linear in cloudiness.

Current-era level (``nsrdb_scale``): TMY3 is 1991-2005 ground data, partly modelled;
today's PVWatts v8 runs on the satellite-based NSRDB, whose GHI is ~7 % higher on
average. Before anything else, a station's 12 monthly GHI means are multiplied by one
factor so that their annual mean equals the NSRDB figure at the site: the station's
monthly shape, temperatures and wind stay; decomposition, transposition and the PV
model then run on the corrected year (the energy gain is smaller than the GHI gain,
as it should be: more of the extra light is diffuse).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from pvlib import atmosphere, clearsky, irradiance, solarposition

from app.solar.production import FloatArray, SunPath, Weather

#: The calendar of the typical year: a non-leap year, hours stamped at mid-interval.
TYPICAL_YEAR = 2023
HOURS_PER_YEAR = 8760
DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
_MONTH_MIDDLES = np.concatenate(
    ([-15.5], np.cumsum(DAYS_IN_MONTH) - DAYS_IN_MONTH / 2.0, [365 + 15.5])
)

#: Half the typical dawn-to-afternoon temperature swing, C. TMY3 gives only monthly
#: means; US stations swing about 10-12 C a day (the two TMY3 files pvlib ships:
#: Greensboro 11 C, Sand Point 5 C). A documented assumption, worth ~0.5 % a year.
DIURNAL_HALF_RANGE_C = 5.0

#: Bounds on the NSRDB / TMY3 annual GHI factor of a station. Over the lower 48 the
#: factors ZIPs give their stations run 0.95-1.20 (1st-99th percentile), and 0.1 % of
#: them fall outside these bounds; 14 % of Alaska's and 18 % of Hawaii's do, where the
#: ZCTA point sits far from where people live (Honolulu 96821 up the Koolau range:
#: 0.74) or the satellite retrieval is doubtful over snow (Prudhoe Bay: 1.40). There
#: the correction stops at the bound.
NSRDB_SCALE_BOUNDS = (0.85, 1.25)

#: A clear day is at most this much brighter than the Ineichen clear sky (cloud
#: enhancement, clear-sky model error); caps the brightest days of very clear months.
_MAX_OVER_CLEAR = 1.05
_K_MIN = 0.05


@dataclass(frozen=True, slots=True)
class MonthlyClimate:
    """What the synthetic year is built from: one site's monthly means."""

    latitude: float
    longitude: float
    elevation_m: float
    utc_offset_hours: float
    ghi_kwh_m2_day: tuple[float, ...]  # 12 mean daily GHI values
    temp_air_c: tuple[float, ...]  # 12 mean dry-bulb temperatures
    wind_speed_ms: float
    linke_turbidity: tuple[float, ...]  # 12 monthly values (pvlib's climatology)


def nsrdb_scale(station_ghi_kwh_m2_day: float, nsrdb_ghi_kwh_m2_day: float) -> float:
    """The factor on a station's monthly GHI that gives it the NSRDB annual level, bounded."""
    low, high = NSRDB_SCALE_BOUNDS
    return min(max(nsrdb_ghi_kwh_m2_day / station_ghi_kwh_m2_day, low), high)


@dataclass(frozen=True, slots=True)
class TypicalYear:
    sun: SunPath
    weather: Weather


@dataclass(frozen=True, slots=True)
class ClearSky:
    """The part of a site's year that does not depend on how sunny it is: sun path
    (sunlit hours only) and clear-sky GHI. Costs ~4.5 ms, so the engine keeps it per
    station while the year's level changes from one ZIP to the next."""

    sun: SunPath
    clear_ghi: FloatArray
    day: NDArray[np.int64]  # 0..364 for each sunlit hour
    day_of_year: NDArray[np.int64]
    local_hour: NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Calendar:
    """The typical year's hours for one UTC offset (shared by every site in that zone)."""

    times_utc: pd.DatetimeIndex
    month: NDArray[np.int64]  # 0..11, local standard time
    hour: NDArray[np.int64]  # 0..23
    day: NDArray[np.int64]  # 0..364
    day_of_year: NDArray[np.int64]  # 1..365
    dni_extra: FloatArray
    # For a quick first pass at which hours can be sunlit (Spencer 1971, ~0.5 deg):
    utc_hours: FloatArray
    declination_rad: FloatArray
    equation_of_time_min: FloatArray


@lru_cache(maxsize=32)
def calendar_for(utc_offset_hours: float) -> Calendar:
    """The 8,760 mid-hour instants of a local-standard-time year, with their fields."""
    local = pd.date_range(f"{TYPICAL_YEAR}-01-01 00:30", periods=HOURS_PER_YEAR, freq="h")
    times = (local - pd.Timedelta(hours=utc_offset_hours)).tz_localize("UTC")
    day_of_year = local.day_of_year.to_numpy().astype(np.int64)
    utc_day_of_year = times.day_of_year.to_numpy()
    return Calendar(
        times_utc=times,
        month=local.month.to_numpy().astype(np.int64) - 1,
        hour=local.hour.to_numpy().astype(np.int64),
        day=day_of_year - 1,
        day_of_year=day_of_year,
        dni_extra=np.asarray(irradiance.get_extra_radiation(day_of_year), dtype=float),
        utc_hours=(times.hour + times.minute / 60.0).to_numpy(dtype=float),
        declination_rad=np.asarray(solarposition.declination_spencer71(utc_day_of_year)),
        equation_of_time_min=np.asarray(solarposition.equation_of_time_spencer71(utc_day_of_year)),
    )


def possibly_sunlit(cal: Calendar, latitude: float, longitude: float) -> NDArray[np.bool_]:
    """Hours whose sun may be up: approximate zenith under 92 deg (margin for its error)."""
    hour_angle = np.radians(
        15.0 * (cal.utc_hours + longitude / 15.0 + cal.equation_of_time_min / 60.0 - 12.0)
    )
    lat = np.radians(latitude)
    cos_zenith = np.sin(lat) * np.sin(cal.declination_rad) + np.cos(lat) * np.cos(
        cal.declination_rad
    ) * np.cos(hour_angle)
    return cos_zenith > np.cos(np.radians(92.0))


def sun_path(
    times_utc: pd.DatetimeIndex,
    latitude: float,
    longitude: float,
    elevation_m: float,
    month: NDArray[np.int64],
    dni_extra: FloatArray | None = None,
    hour_index: NDArray[np.int64] | None = None,
) -> SunPath:
    """Solar geometry for the given instants (pvlib ``ephemeris``)."""
    position = solarposition.ephemeris(
        times_utc, latitude, longitude, pressure=atmosphere.alt2pres(elevation_m)
    )
    zenith = position["zenith"].to_numpy(dtype=float)  # geometric; apparent for clear sky
    with np.errstate(invalid="ignore"):
        airmass = np.asarray(atmosphere.get_relative_airmass(zenith, model="kastenyoung1989"))
    if dni_extra is None:
        dni_extra = np.asarray(irradiance.get_extra_radiation(times_utc.day_of_year.to_numpy()))
    return SunPath(
        hour_index=np.arange(len(times_utc)) if hour_index is None else hour_index,
        zenith_deg=zenith,
        azimuth_deg=position["azimuth"].to_numpy(dtype=float),
        dni_extra=dni_extra,
        airmass_relative=airmass,
        month=month,
        elevation_m=elevation_m,
        apparent_zenith_deg=position["apparent_zenith"].to_numpy(dtype=float),
    )


def clear_sky(climate: MonthlyClimate) -> ClearSky:
    """Sun path and Ineichen clear-sky GHI for a site's sunlit hours.

    Only sunlit hours are kept: nights make no energy, and dropping them halves the
    work here and in the production chain, and the memory a cached year takes.
    """
    cal = calendar_for(climate.utc_offset_hours)
    candidates = np.flatnonzero(possibly_sunlit(cal, climate.latitude, climate.longitude))
    sun = sun_path(
        cal.times_utc[candidates],
        climate.latitude,
        climate.longitude,
        climate.elevation_m,
        cal.month[candidates],
        cal.dni_extra[candidates],
        candidates,
    )
    sun = _select(sun, sun.zenith_deg < 90.0)
    hours = sun.hour_index

    linke = daily_linke_turbidity(climate.linke_turbidity, cal.day_of_year[hours])
    with np.errstate(divide="ignore", invalid="ignore"):
        airmass_absolute = atmosphere.get_absolute_airmass(
            atmosphere.get_relative_airmass(sun.apparent_zenith_deg),
            atmosphere.alt2pres(climate.elevation_m),
        )
        clear = clearsky.ineichen(
            sun.apparent_zenith_deg,
            np.asarray(airmass_absolute),
            linke,
            altitude=climate.elevation_m,
            dni_extra=sun.dni_extra,
        )
    return ClearSky(
        sun=sun,
        clear_ghi=np.nan_to_num(np.asarray(clear["ghi"], dtype=float)),
        day=cal.day[hours],
        day_of_year=cal.day_of_year[hours],
        local_hour=cal.hour[hours],
    )


def typical_year(
    climate: MonthlyClimate, sky: ClearSky | None = None, ghi_scale: float = 1.0
) -> TypicalYear:
    """Build the hourly typical year for one site (about 6 ms; 1.5 ms given its sky).

    ``ghi_scale`` multiplies the 12 monthly GHI means before anything is built from
    them (the NSRDB correction); the temperatures and wind are the station's own.
    """
    sky = sky or clear_sky(climate)
    sun = sky.sun
    target = np.asarray(climate.ghi_kwh_m2_day, dtype=float) * ghi_scale
    ghi = spread_over_days(sky.clear_ghi, sun, sky.day, target)
    split = irradiance.erbs(ghi, sun.zenith_deg, sky.day_of_year)
    weather = Weather(
        ghi=ghi,
        dni=np.nan_to_num(np.asarray(split["dni"], dtype=float)),
        dhi=np.nan_to_num(np.asarray(split["dhi"], dtype=float)),
        temp_air=diurnal_temperature(climate.temp_air_c, sun.month, sky.local_hour),
        wind_speed=np.full(sun.hour_index.size, climate.wind_speed_ms),
    )
    return TypicalYear(sun=sun, weather=weather)


def _select(sun: SunPath, keep: NDArray[np.bool_]) -> SunPath:
    return SunPath(
        hour_index=sun.hour_index[keep],
        zenith_deg=sun.zenith_deg[keep],
        azimuth_deg=sun.azimuth_deg[keep],
        dni_extra=sun.dni_extra[keep],
        airmass_relative=sun.airmass_relative[keep],
        month=sun.month[keep],
        elevation_m=sun.elevation_m,
        apparent_zenith_deg=sun.apparent_zenith_deg[keep],
    )


def daily_linke_turbidity(monthly: tuple[float, ...], day_of_year: NDArray[np.int64]) -> FloatArray:
    """Monthly values taken at mid-month and interpolated by day, as pvlib does."""
    values = np.asarray(monthly, dtype=float)
    return np.interp(
        day_of_year, _MONTH_MIDDLES, np.concatenate(([values[-1]], values, [values[0]]))
    )


def spread_over_days(
    clear_ghi: FloatArray, sun: SunPath, day: NDArray[np.int64], target_kwh_day: FloatArray
) -> FloatArray:
    """Hourly GHI whose monthly means match the station, with a realistic spread of days.

    Real months mix clear and cloudy days, so each day gets a daily clearness index
    from the mid-quantiles of the Bendt, Collares-Pereira & Rabl (1981) distribution
    for the month's mean clearness, dealt out to the days in a fixed shuffled order;
    the day keeps the clear-sky shape scaled to its total.
    """
    cos_zenith = np.cos(np.radians(sun.zenith_deg))
    extraterrestrial = np.where(cos_zenith > 0, sun.dni_extra * cos_zenith, 0.0)
    daily_clear = np.bincount(day, weights=clear_ghi, minlength=365)
    daily_extra = np.bincount(day, weights=extraterrestrial, minlength=365)

    monthly_extra = np.bincount(_DAY_MONTH, weights=daily_extra, minlength=12)
    want_monthly = target_kwh_day * 1000.0 * DAYS_IN_MONTH
    mean_clearness = np.clip(
        np.divide(want_monthly, monthly_extra, out=np.zeros(12), where=monthly_extra > 0),
        0.06,
        0.78,
    )
    daily_clearness = np.concatenate(
        [
            bendt_quantiles(float(mean_clearness[m]), int(DAYS_IN_MONTH[m]))[_DAY_ORDER[m]]
            for m in range(12)
        ]
    )
    wanted_daily = np.minimum(daily_clearness * daily_extra, daily_clear * _MAX_OVER_CLEAR)
    day_scale = np.divide(wanted_daily, daily_clear, out=np.zeros(365), where=daily_clear > 0)
    ghi = clear_ghi * day_scale[day]

    have = monthly_sum(ghi, sun.month)
    month_scale = np.divide(want_monthly, have, out=np.zeros(12), where=have > 0)
    return ghi * month_scale[sun.month]


def bendt_k_max(mean_clearness: float) -> float:
    return 0.6313 + 0.267 * mean_clearness - 11.9 * (mean_clearness - 0.75) ** 8


def bendt_quantiles(mean_clearness: float, n: int) -> FloatArray:
    """The n mid-quantiles of the Bendt et al. (1981) daily clearness distribution.

    Its density is proportional to exp(gamma k) on [0.05, k_max], with
    k_max = 0.6313 + 0.267 K - 11.9 (K - 0.75)^8 and gamma chosen so the mean is K.
    """
    k_max = bendt_k_max(mean_clearness)
    gamma = float(np.interp(mean_clearness, _GAMMA_TABLE_K, _GAMMA_TABLE))
    probability = (np.arange(n) + 0.5) / n
    if abs(gamma) < 1e-3:
        return _K_MIN + probability * (k_max - _K_MIN)
    e_min, e_max = np.exp(gamma * _K_MIN), np.exp(gamma * k_max)
    return np.log(e_min - probability * (e_min - e_max)) / gamma


def _bendt_mean(gamma: FloatArray, k_max: FloatArray) -> FloatArray:
    """Mean of the distribution; (k_min + k_max) / 2 as gamma -> 0, where the closed
    form cancels catastrophically."""
    small = np.abs(gamma) < 1e-3
    safe = np.where(small, 1.0, gamma)
    e_min, e_max = np.exp(safe * _K_MIN), np.exp(safe * k_max)
    mean = ((_K_MIN - 1 / safe) * e_min - (k_max - 1 / safe) * e_max) / (e_min - e_max)
    return np.where(small, (_K_MIN + k_max) / 2, mean)


def _gamma_table() -> tuple[FloatArray, FloatArray]:
    """gamma for mean clearness 0.06..0.78, by vectorised bisection (the mean rises with gamma)."""
    k_mean = np.linspace(0.06, 0.78, 721)
    k_max = np.array([bendt_k_max(k) for k in k_mean])
    target = np.clip(k_mean, _K_MIN + 1e-3, k_max - 1e-3)
    low, high = np.full_like(k_mean, -200.0), np.full_like(k_mean, 200.0)
    for _ in range(60):
        mid = (low + high) / 2
        below = _bendt_mean(mid, k_max) < target
        low = np.where(below, mid, low)
        high = np.where(below, high, mid)
    return k_mean, (low + high) / 2


_GAMMA_TABLE_K, _GAMMA_TABLE = _gamma_table()
_DAY_MONTH = np.repeat(np.arange(12), DAYS_IN_MONTH)


def _day_orders() -> list[NDArray[np.int64]]:
    """Per month, a fixed shuffle dealing the sorted quantiles out to its days.

    Fixed seed: the typical year, and so every estimate, is deterministic.
    """
    rng = np.random.default_rng(20231)
    return [rng.permutation(int(n)) for n in DAYS_IN_MONTH]


_DAY_ORDER = _day_orders()


def diurnal_temperature(
    monthly_mean_c: tuple[float, ...], month: NDArray[np.int64], hour: NDArray[np.int64]
) -> FloatArray:
    """Monthly mean temperature plus a cosine swing peaking at 15:00 local time."""
    mean = np.asarray(monthly_mean_c, dtype=float)[month]
    return mean + DIURNAL_HALF_RANGE_C * np.cos(2 * np.pi * (hour + 0.5 - 15.0) / 24.0)


def monthly_sum(hourly: FloatArray, month: NDArray[np.int64]) -> FloatArray:
    return np.bincount(month, weights=hourly, minlength=12)

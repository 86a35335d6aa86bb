"""Hourly weather files the checks run on, as engine weather and as PySAM weather.

* the two TMY3 files pvlib ships: Greensboro NC and Sand Point AK (1991-2005 data);
* two NREL NSRDB PSM v3 TMY files trimmed to the columns used (``data/README.md``):
  Rice, CA tmy-2020 v3.2.0 (the edition PVWatts v8 reports using) and Daggett, CA.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib

from app.solar.production import ArraySpec, Module, Mount, SunPath, Weather
from app.solar.resource import sun_path

PVLIB_DATA = Path(pvlib.__file__).parent / "data"
DATA = Path(__file__).parent / "data"
TMY3_FILES = {"723170": "723170TYA.CSV", "703165": "703165TY.csv"}  # Greensboro, Sand Point
NSRDB_FILES = ("rice_ca_tmy-2020_v3.2.0", "daggett_ca_psmv3_tmy")


@dataclass(frozen=True)
class HourlyYear:
    name: str
    latitude: float
    longitude: float
    elevation_m: float
    utc_offset_hours: float
    # Local standard time of each hour's middle.
    month: np.ndarray
    day: np.ndarray
    hour: np.ndarray
    sun: SunPath
    weather: Weather


def _year(name, latitude, longitude, elevation, utc_offset, middle, weather) -> HourlyYear:
    sun = sun_path(
        middle.tz_convert("UTC"),
        latitude,
        longitude,
        elevation,
        middle.month.to_numpy().astype(np.int64) - 1,
    )
    return HourlyYear(
        name=name,
        latitude=latitude,
        longitude=longitude,
        elevation_m=elevation,
        utc_offset_hours=utc_offset,
        month=middle.month.to_numpy(),
        day=middle.day.to_numpy(),
        hour=middle.hour.to_numpy(),
        sun=sun,
        weather=weather,
    )


@cache
def load(usaf: str) -> HourlyYear:
    """One of pvlib's TMY3 files."""
    frame, meta = pvlib.iotools.read_tmy3(PVLIB_DATA / TMY3_FILES[usaf], map_variables=True)
    # TMY3 stamps the end of each hour; PVWatts reads the hour at its midpoint.
    middle = frame.index - pd.Timedelta(minutes=30)
    weather = Weather(
        ghi=frame["ghi"].to_numpy(float),
        dni=frame["dni"].to_numpy(float),
        dhi=frame["dhi"].to_numpy(float),
        temp_air=frame["temp_air"].to_numpy(float),
        wind_speed=frame["wind_speed"].to_numpy(float),
    )
    return _year(
        usaf, meta["latitude"], meta["longitude"], meta["altitude"], meta["TZ"], middle, weather
    )


@cache
def load_nsrdb(name: str) -> HourlyYear:
    """One of the trimmed NSRDB files; its first line carries the site's metadata."""
    path = DATA / f"{name}_hourly.csv.gz"
    with gzip.open(path, "rt") as handle:
        header = handle.readline()
    meta = dict(re.findall(r"(lat|lon|elevation|UTC offset) (-?[\d.]+)", header))
    frame = pd.read_csv(path, comment="#")
    utc_offset = float(meta["UTC offset"])
    local = pd.to_datetime(
        {"year": 2019, "month": frame["Month"], "day": frame["Day"], "hour": frame["Hour"]}
    ) + pd.Timedelta(minutes=30)
    middle = pd.DatetimeIndex(local).tz_localize(f"Etc/GMT{-int(utc_offset):+d}")
    weather = Weather(
        ghi=frame["GHI"].to_numpy(float),
        dni=frame["DNI"].to_numpy(float),
        dhi=frame["DHI"].to_numpy(float),
        temp_air=frame["Temperature"].to_numpy(float),
        wind_speed=frame["Wind Speed"].to_numpy(float),
    )
    return _year(
        name,
        float(meta["lat"]),
        float(meta["lon"]),
        float(meta["elevation"]),
        utc_offset,
        middle,
        weather,
    )


def pysam_annual_ac_kwh_per_kw(year: HourlyYear, spec: ArraySpec) -> float:
    """PySAM's Pvwattsv8 on the same hourly weather and system, kWh AC per kW DC."""
    import PySAM.Pvwattsv8 as pvwattsv8

    model = pvwattsv8.new()
    model.SolarResource.solar_resource_data = {
        "lat": year.latitude,
        "lon": year.longitude,
        "tz": year.utc_offset_hours,
        "elev": year.elevation_m,
        "year": [1990] * len(year.month),
        "month": year.month.tolist(),
        "day": year.day.tolist(),
        "hour": year.hour.tolist(),
        "minute": [30] * len(year.month),
        "dn": year.weather.dni.tolist(),
        "df": year.weather.dhi.tolist(),
        "gh": year.weather.ghi.tolist(),
        "tdry": year.weather.temp_air.tolist(),
        "wspd": year.weather.wind_speed.tolist(),
        "alb": [spec.albedo] * len(year.month),
    }
    design = model.SystemDesign
    design.system_capacity = 1.0
    design.module_type = {Module.STANDARD: 0, Module.PREMIUM: 1}[spec.module]
    design.array_type = {Mount.OPEN_RACK: 0, Mount.ROOF: 1}[spec.mount]
    design.tilt = spec.tilt_deg
    design.azimuth = spec.azimuth_deg
    design.losses = spec.losses_pct
    design.dc_ac_ratio = spec.dc_ac_ratio
    design.inv_eff = spec.inverter_efficiency * 100
    design.gcr = 0.4
    model.execute(0)
    return float(np.sum(model.Outputs.ac)) / 1000.0

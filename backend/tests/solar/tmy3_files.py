"""The two TMY3 files pvlib ships, as engine weather and as PySAM weather."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib

from app.solar.production import ArraySpec, Module, Mount, SunPath, Weather
from app.solar.resource import sun_path

PVLIB_DATA = Path(pvlib.__file__).parent / "data"
FILES = {"723170": "723170TYA.CSV", "703165": "703165TY.csv"}  # Greensboro NC, Sand Point AK


@dataclass(frozen=True)
class Tmy3Year:
    usaf: str
    frame: pd.DataFrame
    meta: dict
    sun: SunPath
    weather: Weather


@cache
def load(usaf: str) -> Tmy3Year:
    frame, meta = pvlib.iotools.read_tmy3(PVLIB_DATA / FILES[usaf], map_variables=True)
    # TMY3 stamps the end of each hour; PVWatts reads the hour at its midpoint.
    middle = frame.index - pd.Timedelta(minutes=30)
    sun = sun_path(
        middle.tz_convert("UTC"),
        meta["latitude"],
        meta["longitude"],
        meta["altitude"],
        middle.month.to_numpy().astype(np.int64) - 1,
    )
    weather = Weather(
        ghi=frame["ghi"].to_numpy(float),
        dni=frame["dni"].to_numpy(float),
        dhi=frame["dhi"].to_numpy(float),
        temp_air=frame["temp_air"].to_numpy(float),
        wind_speed=frame["wind_speed"].to_numpy(float),
    )
    return Tmy3Year(usaf, frame, meta, sun, weather)


def pysam_annual_ac_kwh_per_kw(year: Tmy3Year, spec: ArraySpec) -> float:
    """PySAM's Pvwattsv8 on the same hourly weather and system, kWh AC per kW DC."""
    import PySAM.Pvwattsv8 as pvwattsv8

    middle = year.frame.index - pd.Timedelta(minutes=30)
    model = pvwattsv8.new()
    model.SolarResource.solar_resource_data = {
        "lat": year.meta["latitude"],
        "lon": year.meta["longitude"],
        "tz": year.meta["TZ"],
        "elev": year.meta["altitude"],
        "year": [1990] * len(middle),
        "month": middle.month.tolist(),
        "day": middle.day.tolist(),
        "hour": middle.hour.tolist(),
        "minute": [30] * len(middle),
        "dn": year.weather.dni.tolist(),
        "df": year.weather.dhi.tolist(),
        "gh": year.weather.ghi.tolist(),
        "tdry": year.weather.temp_air.tolist(),
        "wspd": year.weather.wind_speed.tolist(),
        "alb": [spec.albedo] * len(middle),
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

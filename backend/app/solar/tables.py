"""The reference data the engine ships with, parsed once per process.

* ``data/tmy3_stations_monthly.csv``: 1,011 NREL TMY3 stations with monthly means;
* ``data/eia_residential_cents_per_kwh_2023.csv``: EIA average residential price per state;
* the ``zipcodes`` package's embedded ZIP table (GeoNames coordinates, CC BY 4.0),
  restricted to the 50 states and DC.

Provenance and licences are in ``data/README.md``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import h5py
import numpy as np
import pvlib
import zipcodes
from numpy.typing import NDArray

from app.solar.resource import MonthlyClimate

DATA_DIR = Path(__file__).parent / "data"
STATIONS_CSV = DATA_DIR / "tmy3_stations_monthly.csv"
RATES_CSV = DATA_DIR / "eia_residential_cents_per_kwh_2023.csv"
#: pvlib's Linke turbidity climatology: 1/12-degree grid, 12 months, stored as 20 x TL.
LINKE_H5 = Path(pvlib.__file__).parent / "data" / "LinkeTurbidities.h5"

#: The 50 states and DC: the territories and military ZIPs (AA, AE, AP) are out of scope.
US_STATES_AND_DC = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
    ]
)


@dataclass(frozen=True, slots=True)
class Station:
    usaf: str
    name: str
    state: str
    utc_offset_hours: float
    latitude: float
    longitude: float
    elevation_m: float
    ghi_uncertainty_pct: float
    wind_speed_ms: float
    ghi_kwh_m2_day: tuple[float, ...]
    temp_air_c: tuple[float, ...]
    #: PySAM PVWatts v8 on the station's full hourly TMY3 year (tilt 20, azimuth 180,
    #: 14.08 % losses, DC/AC 1.2, 96 % inverter): roof mount with premium modules.
    kwh_per_kw_roof_premium: float
    kwh_per_kw_openrack_standard: float
    linke_turbidity: tuple[float, ...]

    @property
    def climate(self) -> MonthlyClimate:
        """The monthly means the station's synthetic year is built from."""
        return MonthlyClimate(
            latitude=self.latitude,
            longitude=self.longitude,
            elevation_m=self.elevation_m,
            utc_offset_hours=self.utc_offset_hours,
            ghi_kwh_m2_day=self.ghi_kwh_m2_day,
            temp_air_c=self.temp_air_c,
            wind_speed_ms=self.wind_speed_ms,
            linke_turbidity=self.linke_turbidity,
        )


@dataclass(frozen=True, slots=True)
class StationTable:
    stations: tuple[Station, ...]
    latitude_rad: NDArray[np.float64]
    longitude_rad: NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.stations)


@dataclass(frozen=True, slots=True)
class ZipRecord:
    zip_code: str
    city: str
    state: str
    latitude: float
    longitude: float
    #: True when the ZIP has no coordinates of its own (some PO box and unique ZIPs);
    #: it then sits at the centre of the ZIPs sharing its 3-digit prefix and state.
    approximate: bool = False


@dataclass(frozen=True, slots=True)
class ReferenceData:
    stations: StationTable
    state_rates_usd_per_kwh: dict[str, float]
    zips: dict[str, ZipRecord]


def load_stations(path: Path = STATIONS_CSV) -> StationTable:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    linke = linke_turbidity_monthly(
        np.array([float(r["lat"]) for r in rows]), np.array([float(r["lon"]) for r in rows])
    )
    stations = tuple(
        Station(
            usaf=row["usaf"],
            name=row["name"].title(),
            state=row["state"],
            utc_offset_hours=float(row["tz"]),
            latitude=float(row["lat"]),
            longitude=float(row["lon"]),
            elevation_m=float(row["elev"]),
            ghi_uncertainty_pct=float(row["ghi_uncert_pct"]),
            wind_speed_ms=float(row["wspd_annual_ms"]),
            ghi_kwh_m2_day=tuple(float(row[f"ghi_m{m:02d}"]) for m in range(1, 13)),
            temp_air_c=tuple(float(row[f"tdry_m{m:02d}"]) for m in range(1, 13)),
            kwh_per_kw_roof_premium=float(row["kwh_per_kw_roof_premium"]),
            kwh_per_kw_openrack_standard=float(row["kwh_per_kw_openrack_std"]),
            linke_turbidity=tuple(float(v) for v in turbidity),
        )
        for row, turbidity in zip(rows, linke, strict=True)
    )
    return StationTable(
        stations=stations,
        latitude_rad=np.radians([s.latitude for s in stations]),
        longitude_rad=np.radians([s.longitude for s in stations]),
    )


def linke_turbidity_monthly(
    latitudes: NDArray[np.float64], longitudes: NDArray[np.float64]
) -> NDArray[np.float64]:
    """The 12 monthly Linke turbidities at each point (pvlib's file and grid convention).

    Same cells as ``pvlib.clearsky.lookup_linke_turbidity``, read in one pass over the
    file instead of opening it once per site (4 ms each).
    """
    lat_index = np.clip(np.rint((90.0 - 1 / 24 - latitudes) * 12), 0, 2159).astype(int)
    lon_index = np.clip(np.rint((longitudes + 180.0 - 1 / 24) * 12), 0, 4319).astype(int)
    with h5py.File(LINKE_H5, "r") as handle:
        grid = handle["LinkeTurbidity"]
        values = np.array([grid[i, j] for i, j in zip(lat_index, lon_index, strict=True)])
    return values.astype(float) / 20.0


def load_state_rates(path: Path = RATES_CSV) -> dict[str, float]:
    """State -> average residential price in USD per kWh."""
    with path.open(newline="", encoding="utf-8") as handle:
        return {
            row["state"]: float(row["residential_cents_per_kwh"]) / 100.0
            for row in csv.DictReader(handle)
        }


def load_zips() -> dict[str, ZipRecord]:
    """Every ZIP of the ``zipcodes`` data in the 50 states and DC (about 41,700).

    APO/DPO/FPO ZIPs are overseas military mail even when filed under a state, so
    they are left out. About 50 ZIPs carry (0, 0) for coordinates; they are placed
    at the centre of their 3-digit prefix (or, failing that, their state).
    """
    located: dict[str, ZipRecord] = {}
    unlocated: list[dict[str, str]] = []
    # Per-state queries: the Rust core filters, so only the wanted rows become dicts.
    entries = (e for state in sorted(US_STATES_AND_DC) for e in zipcodes.filter_by(state=state))
    for entry in entries:
        state = entry["state"]
        if entry.get("city", "").upper() in _MILITARY_CITIES:
            continue
        latitude, longitude = float(entry.get("lat") or 0), float(entry.get("long") or 0)
        if latitude == 0 and longitude == 0:
            unlocated.append(entry)
            continue
        located[entry["zip_code"]] = ZipRecord(
            entry["zip_code"], entry["city"], state, latitude, longitude
        )
    by_prefix: dict[tuple[str, str], list[ZipRecord]] = {}
    for record in located.values():
        by_prefix.setdefault((record.state, record.zip_code[:3]), []).append(record)
        by_prefix.setdefault((record.state, ""), []).append(record)
    records = dict(located)
    for entry in unlocated:
        state, code = entry["state"], entry["zip_code"]
        nearby = by_prefix.get((state, code[:3])) or by_prefix.get((state, ""), [])
        if nearby:
            latitude = round(sum(r.latitude for r in nearby) / len(nearby), 4)
            longitude = round(sum(r.longitude for r in nearby) / len(nearby), 4)
            records[code] = ZipRecord(
                code, entry["city"], state, latitude, longitude, approximate=True
            )
    return records


_MILITARY_CITIES = frozenset({"APO", "DPO", "FPO"})


@cache
def reference_data() -> ReferenceData:
    """All shipped data, loaded on first use and kept for the life of the process."""
    return ReferenceData(
        stations=load_stations(), state_rates_usd_per_kwh=load_state_rates(), zips=load_zips()
    )

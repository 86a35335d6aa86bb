"""The reference data the engine ships with, parsed once per process.

* ``data/tmy3_stations_monthly.csv``: 1,011 NREL TMY3 stations with monthly means;
* ``data/nsrdb_zcta_ghi_1998_2016.csv``: NREL NSRDB (PSM v3) annual mean daily GHI at
  32,989 ZIP code tabulation areas, the current-era level the stations are corrected to;
* ``data/eia_residential_cents_per_kwh_2023.csv``: EIA average residential price per state;
* ``data/state_money/``: per-state installed cost, export compensation, fixed charges and
  price history, with the engine's reading of them (``engine_readings.csv``);
* the ``zipcodes`` package's embedded ZIP table (GeoNames coordinates, CC BY 4.0),
  restricted to the 50 states and DC.

Provenance and licences are in ``data/README.md``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import h5py
import numpy as np
import pvlib
import zipcodes
from numpy.typing import NDArray

from app.solar.resource import DAYS_IN_MONTH, MonthlyClimate

DATA_DIR = Path(__file__).parent / "data"
STATIONS_CSV = DATA_DIR / "tmy3_stations_monthly.csv"
ZCTA_GHI_CSV = DATA_DIR / "nsrdb_zcta_ghi_1998_2016.csv"
RATES_CSV = DATA_DIR / "eia_residential_cents_per_kwh_2023.csv"
STATE_MONEY_DIR = DATA_DIR / "state_money"
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
    #: Mean daily GHI over the year (the 12 monthly means weighted by their days).
    annual_ghi_kwh_m2_day: float

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
class ZctaGhiTable:
    """NSRDB annual mean daily GHI by ZCTA, with each ZCTA's position (ordered by
    latitude) for nearest search."""

    ghi_by_zcta: dict[str, float]
    zctas: tuple[str, ...]
    ghi_kwh_m2_day: NDArray[np.float64]
    latitude_rad: NDArray[np.float64]
    longitude_rad: NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Cited:
    """A figure read from a state table, with the source and vintage the table gives."""

    value: float
    source: str


@dataclass(frozen=True, slots=True)
class StateMoney:
    """One state's rows of the ``state_money`` tables, as numbers (None: no figure)."""

    state: str
    #: Gross installed $/W from the state's source, and that source's national median.
    cost_usd_per_w: Cited | None
    cost_source_national_usd_per_w: float | None
    cost_reading: str
    fixed_usd_per_month: Cited | None
    #: Nominal 2013-2023 yearly change of the EIA residential price, fraction.
    escalation: Cited | None
    #: The engine's reading of ``net_metering_by_state.csv`` (``engine_readings.csv``).
    compensation: str  # a ``Compensation`` value, or "" when no rule was sourced
    compensation_is_fallback: bool
    export_credit_usd_per_kwh: tuple[float, ...] | None  # 12 months
    export_credit_fraction_of_retail: float | None
    export_credit_adder_usd_per_kwh: float
    production_charge_usd_per_kwh: float
    compensation_reading: str
    compensation_source: str
    self_consumption_share: float | None
    self_consumption_range: str


@dataclass(frozen=True, slots=True)
class StateMoneyTable:
    states: dict[str, StateMoney]
    #: Medians over the states that have a figure: the stated national fallbacks.
    median_fixed_usd_per_month: float
    median_escalation: float


@dataclass(frozen=True, slots=True)
class ReferenceData:
    stations: StationTable
    state_rates_usd_per_kwh: dict[str, float]
    zips: dict[str, ZipRecord]
    zcta_ghi: ZctaGhiTable
    state_money: StateMoneyTable


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
            annual_ghi_kwh_m2_day=annual_mean_daily(
                tuple(float(row[f"ghi_m{m:02d}"]) for m in range(1, 13))
            ),
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


def annual_mean_daily(monthly_kwh_m2_day: tuple[float, ...]) -> float:
    return float(np.dot(monthly_kwh_m2_day, DAYS_IN_MONTH) / DAYS_IN_MONTH.sum())


def load_zcta_ghi(zips: dict[str, ZipRecord], path: Path = ZCTA_GHI_CSV) -> ZctaGhiTable:
    """The NSRDB GHI of every ZCTA that is also a ZIP with coordinates (all of them in
    the 50 states and DC; the ZIP table gives each its position)."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle)
        next(rows)  # zcta, ghi_kwh_m2_day
        ghi = {zcta: float(value) for zcta, value in rows if zcta in zips}
    # Sorted by latitude, so a nearest search can look at one band of it.
    zctas = tuple(sorted(ghi, key=lambda z: (zips[z].latitude, z)))
    return ZctaGhiTable(
        ghi_by_zcta=ghi,
        zctas=zctas,
        ghi_kwh_m2_day=np.array([ghi[z] for z in zctas]),
        latitude_rad=np.radians([zips[z].latitude for z in zctas]),
        longitude_rad=np.radians([zips[z].longitude for z in zctas]),
    )


def load_state_money(directory: Path = STATE_MONEY_DIR) -> StateMoneyTable:
    """The four state tables and the engine's reading of them, one record per state."""

    def rows(name: str) -> dict[str, dict[str, str]]:
        with (directory / name).open(newline="", encoding="utf-8") as handle:
            return {row["state"]: row for row in csv.DictReader(handle)}

    cost = rows("cost_per_watt_by_state.csv")
    metering = rows("net_metering_by_state.csv")
    fixed = rows("fixed_charges_by_state.csv")
    escalation = rows("price_escalation_by_state.csv")
    readings = rows("engine_readings.csv")
    records = {}
    for state in sorted(US_STATES_AND_DC):
        c, m, f, e, r = (
            cost[state],
            metering[state],
            fixed[state],
            escalation[state],
            readings[state],
        )
        by_month = [float(v) for v in r["export_credit_by_month_usd_per_kwh"].split(";") if v]
        single = _number(r["export_credit_usd_per_kwh"])
        records[state] = StateMoney(
            state=state,
            cost_usd_per_w=_cited(
                c["cost_usd_per_w_gross"],
                f"{_short(c['source'])}; {c['as_of']}; {c['confidence']} confidence",
            ),
            cost_source_national_usd_per_w=_number(r["cost_source_national_usd_per_w"]),
            cost_reading=r["cost_reading"],
            fixed_usd_per_month=_cited(
                f["typical_fixed_usd_per_month"],
                f"{f['utilities_and_values']}; {_short(f['source'])}; {f['as_of']}; "
                f"{f['confidence']} confidence",
            ),
            escalation=_cited(
                e["avg_annual_change_2013_2023_nominal"],
                f"EIA residential price {e['res_price_2013_cents_kwh']} cents/kWh (2013) to "
                f"{e['res_price_2023_cents_kwh']} (2023): {e['method']}",
            ),
            compensation=r["compensation"],
            compensation_is_fallback=r["compensation_basis"] == "fallback",
            export_credit_usd_per_kwh=(
                tuple(by_month) if by_month else None if single is None else (single,) * 12
            ),
            export_credit_fraction_of_retail=_number(r["export_credit_fraction_of_retail"]),
            export_credit_adder_usd_per_kwh=_number(r["export_credit_adder_usd_per_kwh"]) or 0.0,
            production_charge_usd_per_kwh=_number(r["production_charge_usd_per_kwh"]) or 0.0,
            compensation_reading=r["compensation_reading"],
            compensation_source=(
                f"{m['source']} ({m['effective_or_as_of']}; {m['confidence']})"
                if m["source"]
                else ""
            ),
            self_consumption_share=_number(m["self_consumption_share_no_battery_default"]),
            self_consumption_range=m["self_consumption_share_range"],
        )
    fixed_figures = [r.fixed_usd_per_month.value for r in records.values() if r.fixed_usd_per_month]
    escalations = [r.escalation.value for r in records.values() if r.escalation]
    return StateMoneyTable(
        states=records,
        median_fixed_usd_per_month=float(np.median(fixed_figures)),
        median_escalation=float(np.median(escalations)),
    )


def _short(source: str) -> str:
    """A table's source cell without its addresses and asides, for showing in an estimate
    (the full cell stays in the shipped file)."""
    text = re.sub(r"\s*\(?https?://\S+", "", source).split(" (")[0]
    return " ".join(text.split()).rstrip(" ;-")


def _number(cell: str) -> float | None:
    return float(cell) if cell.strip() else None


def _cited(cell: str, source: str) -> Cited | None:
    value = _number(cell)
    return None if value is None else Cited(value, source)


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
    zips = load_zips()
    return ReferenceData(
        stations=load_stations(),
        state_rates_usd_per_kwh=load_state_rates(),
        zips=zips,
        zcta_ghi=load_zcta_ghi(zips),
        state_money=load_state_money(),
    )

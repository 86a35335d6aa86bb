"""Rebuild this folder's NSRDB extracts from the original files (not shipped).

    python -m tests.solar.data.make_nsrdb_extracts DIR

DIR holds the NSRDB files described in README.md: the three PSM v3 TMY files (Rice CA
tmy-2020 v3.2.0 and tmy-2019, Daggett CA) and ``tmy_35_cities/``. Writes

* ``rice_ca_tmy-2020_v3.2.0_hourly.csv.gz`` and ``daggett_ca_psmv3_tmy_hourly.csv.gz``:
  those two years with only the columns the checks use (GHI, DNI, DHI, temperature and
  wind, rounded to 0.1), metadata in the first line;
* ``nsrdb_monthly_ghi.csv``: each file's mean daily GHI per month, kWh/m2/day.

Files without a GHI column get GHI = DNI cos(zenith) + DHI, the sun's zenith computed
at each timestamp (their timestamps are UTC; the three PSM v3 files are local standard
time, both stamped at mid-hour).
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from pvlib import solarposition

HERE = Path(__file__).parent
DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
PSM3_FILES = {
    "rice_ca_tmy-2020_v3.2.0": "Rice_CA_34.13_-114.82_tmy-2020_v3.2.0.csv",
    "rice_ca_tmy-2019": "Rice_CA_34.13_-114.82_tmy-2019.csv",
    "daggett_ca_psmv3_tmy": "Daggett_CA_34.865371_-116.783023_psmv3_60_tmy.csv",
}


def read_psm3(path: Path) -> tuple[dict[str, str], pd.DataFrame]:
    with path.open() as handle:
        keys = handle.readline().strip().split(",")
        values = handle.readline().strip().split(",")
    meta = dict(zip(keys, values, strict=False))
    frame = pd.read_csv(path, skiprows=2)
    return meta, frame.loc[:, ~frame.columns.str.startswith("Unnamed")]


def monthly_mean_daily(frame: pd.DataFrame, ghi: np.ndarray) -> list[float]:
    wh = np.bincount(frame["Month"].to_numpy() - 1, weights=ghi, minlength=12)
    return [round(float(v), 4) for v in wh / DAYS / 1000.0]


def city_ghi(frame: pd.DataFrame, latitude: float, longitude: float) -> np.ndarray:
    if "GHI" in frame.columns:
        return frame["GHI"].to_numpy(float)
    times = pd.to_datetime(
        {k: frame[k] for k in ("Year", "Month", "Day", "Hour", "Minute")}
    ).dt.tz_localize("UTC")
    zenith = solarposition.get_solarposition(pd.DatetimeIndex(times), latitude, longitude)
    cos_zenith = np.clip(np.cos(np.radians(zenith["zenith"].to_numpy())), 0.0, None)
    return frame["DNI"].to_numpy(float) * cos_zenith + frame["DHI"].to_numpy(float)


def write_hourly(name: str, meta: dict[str, str], frame: pd.DataFrame) -> None:
    columns = ["Month", "Day", "Hour", "GHI", "DNI", "DHI", "Temperature", "Wind Speed"]
    # mtime=0: the same input gives the same bytes.
    with (
        gzip.GzipFile(HERE / f"{name}_hourly.csv.gz", "wb", mtime=0) as packed,
        io.TextIOWrapper(packed, newline="") as out,
    ):
        out.write(
            f"# NSRDB PSM v3 TMY {meta['Version']}, location {meta['Location ID']}, "
            f"lat {meta['Latitude']}, lon {meta['Longitude']}, elevation {meta['Elevation']} m, "
            f"UTC offset {meta['Time Zone']} (times are local standard time, mid-hour)\n"
        )
        frame[columns].round(1).to_csv(out, index=False, lineterminator="\n")


def main(source: Path) -> None:
    rows = []
    for name, file_name in PSM3_FILES.items():
        meta, frame = read_psm3(source / file_name)
        monthly = monthly_mean_daily(frame, frame["GHI"].to_numpy(float))
        rows.append([name, "psm3", meta["Latitude"], meta["Longitude"], *monthly])
    for name in ("rice_ca_tmy-2020_v3.2.0", "daggett_ca_psmv3_tmy"):
        write_hourly(name, *read_psm3(source / PSM3_FILES[name]))

    summary = pd.read_csv(source / "tmy_35_cities" / "_annual_summary_computed.csv")
    for entry in summary.itertuples():
        frame = pd.read_csv(source / "tmy_35_cities" / entry.file)
        ghi = city_ghi(frame, entry.lat, entry.lon)
        edition = entry.file.rsplit("_", 1)[-1].removesuffix(".csv") if "tmy" in entry.file else ""
        name = entry.file.removesuffix(".csv")
        rows.append([name, edition or "tmy", entry.lat, entry.lon, *monthly_mean_daily(frame, ghi)])

    with (HERE / "nsrdb_monthly_ghi.csv").open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["file", "edition", "lat", "lon"] + [f"ghi_m{m:02d}" for m in range(1, 13)])
        writer.writerows(rows)


if __name__ == "__main__":
    main(Path(sys.argv[1]))

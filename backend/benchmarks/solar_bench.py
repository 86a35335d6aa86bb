"""Solar engine latency: data load, cold estimates and warm estimates.

Run from backend/: ``venv/bin/python -m benchmarks.solar_bench`` (``make bench-solar``).
Prints figures; asserts nothing. Targets (issue 3): cold under 30 ms, warm under 2 ms.

* data load: parsing the station table, the EIA rates, the ZIP table, the NSRDB ZCTA
  table, the state money tables and the Linke turbidity of every station (once per
  process);
* cold, new stations: every cache emptied before each estimate, so the three stations
  of the ZIP each build their sky and hourly year and run the chain (the worst case:
  the first estimate in a region);
* cold, new NSRDB level: the stations' skies are cached but not the year at this ZIP's
  level (a new ZIP near earlier ones: its year and chain at each station);
* cold, new orientation: the ZIP's years are cached, the orientation is new (each
  station runs the production chain);
* warm: same ZIP and orientation as an earlier estimate, any bill (yield cached; the
  month-by-month bill over the analysis period and the response are built anew).
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable

from app.solar import engine
from app.solar.schemas import EstimateInput
from app.solar.tables import reference_data


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def timed_ms(action: Callable[..., object], *args: object) -> float:
    started = time.perf_counter()
    action(*args)
    return (time.perf_counter() - started) * 1000


def main(cold_samples: int = 120, warm_samples: int = 3000) -> None:
    warnings.filterwarnings("ignore")
    import_s = (
        subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import app.solar.engine"],
            capture_output=True,
            text=True,
            check=True,
        )
        .stderr.strip()
        .splitlines()[-1]
    )
    import_ms = int(import_s.split("|")[1]) / 1000

    reference_data.cache_clear()
    load_ms = timed_ms(reference_data)
    data = reference_data()
    rng = random.Random(3)
    zips = rng.sample(sorted(data.zips), cold_samples)

    def request(zip_code: str, tilt: float, azimuth: float, bill: float) -> EstimateInput:
        return EstimateInput(
            zip_code=zip_code, monthly_bill=bill, tilt_deg=tilt, azimuth_deg=azimuth
        )

    cold_new_stations = []
    for zip_code in zips:
        engine.clear_caches()
        tilt, azimuth = rng.randint(5, 45), rng.randint(90, 270)
        cold_new_stations.append(timed_ms(engine.estimate, request(zip_code, tilt, azimuth, 150)))

    cold_new_level = []
    for zip_code in zips:
        engine.estimate(request(zip_code, 20, 180, 150))  # skies cached
        engine._station_year.cache_clear()
        engine._station_yield.cache_clear()
        cold_new_level.append(timed_ms(engine.estimate, request(zip_code, 20, 180, 150)))

    cold_new_orientation = []
    for zip_code in zips:
        engine.estimate(request(zip_code, 20, 180, 150))  # station years now cached
        tilt, azimuth = rng.randint(5, 45) + 0.5, rng.randint(90, 270) + 0.5  # never seen
        cold_new_orientation.append(
            timed_ms(engine.estimate, request(zip_code, tilt, azimuth, 150))
        )

    warm = []
    for _ in range(warm_samples):
        zip_code = rng.choice(zips)
        bill = rng.uniform(40, 600)
        warm.append(timed_ms(engine.estimate, request(zip_code, 20, 180, bill)))

    rows = [
        ("import app.solar.engine", [import_ms]),
        ("data load (once per process)", [load_ms]),
        (f"cold, new stations ({len(cold_new_stations)})", cold_new_stations),
        (f"cold, new NSRDB level ({len(cold_new_level)})", cold_new_level),
        (f"cold, new orientation ({len(cold_new_orientation)})", cold_new_orientation),
        (f"warm ({len(warm)})", warm),
    ]
    print(f"{'solar engine':40s} {'p50 ms':>9s} {'p99 ms':>9s} {'mean ms':>9s}")
    for name, samples in rows:
        print(
            f"{name:40s} {percentile(samples, 50):9.2f} {percentile(samples, 99):9.2f} "
            f"{statistics.fmean(samples):9.2f}"
        )


if __name__ == "__main__":
    main()

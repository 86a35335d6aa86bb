"""The engine at a ZIP against PVWatts v8 figures published by others.

Real PVWatts v8 results I could source offline (no invented numbers):

* NREL's own SAM Simulation Core test suite, ``test/ssc_test/cmod_pvwattsv8_test.cpp``
  in github.com/NREL/ssc (cases in ``test/input_cases/pvwatts_cases.h``): Phoenix, AZ,
  weather file "USA AZ Phoenix (TMY2)", 4 kW, tilt 20, azimuth 180, losses 14.0757 %,
  DC/AC 1.2, inverter 96 %: 7,030.39 kWh (standard module, open rack), 7,028.27 kWh
  (premium, open rack), 7,009.26 kWh (standard, roof mount). TMY2 is 1961-1990 data.
* A recorded PVWatts v8 API response (version 8.5.0, weather "NSRDB PSM V3 GOES
  tmy-2020 3.2.0") committed in github.com/nicholasrossano/nitrogen,
  ``backend/tests/fixtures/calculators/pvwatts/recorded/pvwatts_50kw_distributed_response.json``:
  New York, NY (40.7128, -74.006), 50 kW, standard module, roof mount, tilt 41,
  azimuth 180, losses 14 %, DC/AC 1.2, inverter 96 %: ac_annual 65,896.94 kWh.

Measured (engine at ZIP 85034 and 10007), at the TMY3 level -> at the NSRDB level the
engine now uses: Phoenix -0.2 % -> +0.8 %, +0.3 % -> +1.3 %, -1.2 % -> -0.1 %; New York
+0.5 % -> +2.7 % (NYC's ZCTA figure runs 1.7 % above the metro's NSRDB typical-year
file, the typical-year to multi-year-mean spread of the data). These are places where
the two eras agree (Phoenix's factor is 1.01), so they cannot show the correction; the
NSRDB-file checks in test_resource.py do. Tolerance 8 % (the issue's ceiling).

A second table checks more cities against the shipped station table's
``kwh_per_kw_roof_premium``: that column is PySAM PVWatts v8 run on each station's
full hourly TMY3 year (provenance in app/solar/data/README.md), not a published
NREL figure; it measures the engine's ZIP-level blend and synthetic year at the TMY3
level, so it runs with the NSRDB correction off.
"""

from __future__ import annotations

import pytest

from app.solar.engine import monthly_yield
from app.solar.location import lookup_location
from app.solar.production import ArraySpec, Module, Mount

SSC_LOSSES = 14.075660705566406

PUBLISHED = [
    # (case, ZIP, system, published kWh per kW DC)
    (
        "phoenix-tmy2-standard-rack",
        "85034",
        ArraySpec(mount=Mount.OPEN_RACK, module=Module.STANDARD, losses_pct=SSC_LOSSES),
        7030.39 / 4,
    ),
    (
        "phoenix-tmy2-premium-rack",
        "85034",
        ArraySpec(mount=Mount.OPEN_RACK, module=Module.PREMIUM, losses_pct=SSC_LOSSES),
        7028.27 / 4,
    ),
    (
        "phoenix-tmy2-standard-roof",
        "85034",
        ArraySpec(mount=Mount.ROOF, module=Module.STANDARD, losses_pct=SSC_LOSSES),
        7009.26 / 4,
    ),
    (
        "new-york-nsrdb-standard-roof-tilt41",
        "10007",
        ArraySpec(tilt_deg=41, mount=Mount.ROOF, module=Module.STANDARD, losses_pct=14.0),
        65896.93730772632 / 50,
    ),
]


@pytest.mark.parametrize(
    ("case", "zip_code", "spec", "published"), PUBLISHED, ids=[p[0] for p in PUBLISHED]
)
def test_published_pvwatts_v8_figures_within_8_percent(
    case: str, zip_code: str, spec: ArraySpec, published: float
) -> None:
    engine = sum(monthly_yield(lookup_location(zip_code), spec))
    assert engine == pytest.approx(published, rel=0.08), f"{case}: {engine:.0f} vs {published:.0f}"


STATION_TABLE = [
    # (ZIP, USAF of the station it sits next to): Seattle, Miami, Denver (Aurora), Boston,
    # Chicago, Los Angeles, Anchorage, Honolulu.
    ("98158", "727930"),
    ("33126", "722020"),
    ("80249", "724695"),
    ("02128", "725090"),
    ("60018", "725300"),
    ("90045", "722950"),
    ("99502", "702730"),
    ("96819", "911820"),
]


@pytest.mark.parametrize(("zip_code", "usaf"), STATION_TABLE)
def test_zip_next_to_a_station_matches_its_pysam_figure_within_8_percent(
    zip_code: str, usaf: str
) -> None:
    location = lookup_location(zip_code)
    assert location.nearest.station.usaf == usaf
    engine = sum(monthly_yield(location, ArraySpec(), corrected=False))
    table = location.nearest.station.kwh_per_kw_roof_premium
    assert engine == pytest.approx(table, rel=0.08)

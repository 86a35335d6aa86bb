"""ZIP code -> place, and place -> the weather stations that describe its climate.

Station choice: inverse-distance weighting (power 2) of the three nearest TMY3
stations. Measured by leave-one-out over the 1,011 stations (predict each station's
PVWatts yield from its neighbours, ``tests/solar/test_location.py`` keeps the
figures honest): nearest station alone, mean absolute error 5.4 % (lower 48: 4.8 %);
three-station IDW 4.6 % (lower 48: 4.1 %); more stations or weighting by the TMY3
uncertainty class gained less than 0.2 point. A ZIP close to a station still takes
nearly all of its climate from it (weights fall with the square of distance, floored
at 1 km). Each station's yield is simulated at the station (and cached per station
and orientation); a ZIP's yield is the weighted mean of its stations' yields.

Current-era sunshine: each ZIP also gets the NREL NSRDB annual GHI of its ZIP code
tabulation area (ZCTA), or of the nearest ZCTA when the ZIP is not one (PO-box and
downtown ZIPs, a fifth of them: median 1.7 km from a ZCTA, 99 % within 16 km). The
engine sets the stations' years to that level (``resource.nsrdb_scale``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import zipcodes

from app.core.errors import ValidationFailed
from app.solar.tables import ReferenceData, Station, StationTable, ZctaGhiTable, reference_data

EARTH_RADIUS_KM = 6371.0088
STATIONS_PER_SITE = 3
IDW_POWER = 2.0
MIN_DISTANCE_KM = 1.0
#: Farther than this from any ZCTA, a ZIP keeps its stations' TMY3 level: two ZIPs
#: (Clayton Lake, ME and Takotna, AK, 65-73 km) in the shipped data.
MAX_ZCTA_DISTANCE_KM = 50.0

_ZIP_PATTERN = re.compile(r"^(\d{5})(?:[- ]?\d{4})?$")


class UnknownZip(ValidationFailed):
    """A ZIP code that is not a US ZIP in the 50 states or DC."""

    code = "unknown_zip"
    message = "That ZIP code is not a US ZIP code we can estimate for."


class ZipNotServed(UnknownZip):
    """A real US ZIP outside the area served (a territory, overseas military mail)."""

    code = "zip_not_served"
    message = "We don't serve that area yet: Aurum covers the 50 states and DC."


#: US ZIPs the postal data knows outside the 50 states and DC, by the name a reply uses.
UNSERVED_AREAS = {
    "PR": "Puerto Rico",
    "VI": "the U.S. Virgin Islands",
    "GU": "Guam",
    "AS": "American Samoa",
    "MP": "the Northern Mariana Islands",
    "FM": "the Federated States of Micronesia",
    "MH": "the Marshall Islands",
    "PW": "Palau",
    "AA": "overseas military addresses (APO/FPO)",
    "AE": "overseas military addresses (APO/FPO)",
    "AP": "overseas military addresses (APO/FPO)",
}
_MILITARY_CITIES = frozenset({"APO", "DPO", "FPO"})


def unserved_area(zip_code: str) -> str | None:
    """The name of the place a real US ZIP outside the 50 states and DC belongs to
    ("Puerto Rico"), or None (a ZIP we serve, or no ZIP at all)."""
    normalized = normalize_zip(zip_code)
    if normalized is None:
        return None
    try:
        entries = zipcodes.matching(normalized)
    except (TypeError, ValueError):
        return None
    for entry in entries:
        if entry.get("city", "").upper() in _MILITARY_CITIES:
            return UNSERVED_AREAS["AE"]
        if entry.get("state") in UNSERVED_AREAS:
            return UNSERVED_AREAS[entry["state"]]
    return None


@dataclass(frozen=True, slots=True)
class WeightedStation:
    station: Station
    distance_km: float
    weight: float


@dataclass(frozen=True, slots=True)
class NsrdbGhi:
    """The NSRDB annual mean daily GHI (kWh/m2/day) of the ZCTA that stands for a site."""

    zcta: str
    ghi_kwh_m2_day: float
    distance_km: float


@dataclass(frozen=True, slots=True)
class Location:
    zip_code: str
    city: str
    state: str
    latitude: float
    longitude: float
    stations: tuple[WeightedStation, ...]  # nearest first
    approximate: bool = False  # the ZIP has no coordinates of its own
    nsrdb: NsrdbGhi | None = None  # None: no ZCTA within MAX_ZCTA_DISTANCE_KM

    @property
    def nearest(self) -> WeightedStation:
        return self.stations[0]


def normalize_zip(raw: str) -> str | None:
    """'27401', '27401-1234' or ' 27401 ' -> '27401'; anything else -> None."""
    match = _ZIP_PATTERN.match(raw.strip())
    return match.group(1) if match else None


def lookup_location(zip_code: str, data: ReferenceData | None = None) -> Location:
    """Resolve a ZIP code to its place and weather stations, or raise ``UnknownZip``."""
    normalized = normalize_zip(zip_code)
    if data is None:
        data = reference_data()
        # ~0.15 ms of distance searches per lookup; the shipped data never changes.
        location = _shipped_location(normalized) if normalized else None
    else:
        location = _locate(normalized, data) if normalized else None
    if location is None:
        area = unserved_area(zip_code)
        if area is not None:
            raise ZipNotServed(
                f"We don't serve {area} yet: Aurum's estimates and installers cover the "
                "50 states and DC.",
                details={"zip_code": zip_code, "area": area},
            )
        raise UnknownZip(
            f"{zip_code.strip()!r} is not a ZIP code in the 50 US states or DC.",
            details={"zip_code": zip_code},
        )
    return location


@lru_cache(maxsize=8192)
def _shipped_location(normalized: str) -> Location | None:
    return _locate(normalized, reference_data())


def _locate(normalized: str, data: ReferenceData) -> Location | None:
    record = data.zips.get(normalized)
    if record is None:
        return None
    return Location(
        zip_code=record.zip_code,
        city=record.city,
        state=record.state,
        latitude=record.latitude,
        longitude=record.longitude,
        stations=nearest_stations(data.stations, record.latitude, record.longitude),
        approximate=record.approximate,
        nsrdb=nsrdb_ghi(data.zcta_ghi, record.latitude, record.longitude, record.zip_code),
    )


def location_at(
    latitude: float, longitude: float, state: str = "", data: ReferenceData | None = None
) -> Location:
    """A site given by its coordinates instead of a ZIP (checks against weather files)."""
    data = data or reference_data()
    return Location(
        zip_code="",
        city="",
        state=state,
        latitude=latitude,
        longitude=longitude,
        stations=nearest_stations(data.stations, latitude, longitude),
        nsrdb=nsrdb_ghi(data.zcta_ghi, latitude, longitude),
    )


def nsrdb_ghi(
    table: ZctaGhiTable, latitude: float, longitude: float, zip_code: str = ""
) -> NsrdbGhi | None:
    """The ZIP's own ZCTA when it is one, else the nearest ZCTA within reach."""
    if zip_code in table.ghi_by_zcta:
        return NsrdbGhi(zip_code, table.ghi_by_zcta[zip_code], 0.0)
    # Only ZCTAs in the latitude band that can lie within reach (the table is sorted by
    # latitude): a few hundred instead of 33,000 distances.
    reach = MAX_ZCTA_DISTANCE_KM / EARTH_RADIUS_KM  # radians of latitude
    lat = np.radians(latitude)
    start, stop = np.searchsorted(table.latitude_rad, [lat - reach, lat + reach])
    if start == stop:
        return None
    distance = haversine_km(
        table.latitude_rad[start:stop], table.longitude_rad[start:stop], latitude, longitude
    )
    nearest = int(np.argmin(distance))
    if distance[nearest] > MAX_ZCTA_DISTANCE_KM:
        return None
    index = start + nearest
    return NsrdbGhi(
        table.zctas[index], float(table.ghi_kwh_m2_day[index]), float(distance[nearest])
    )


def distances_km(table: StationTable, latitude: float, longitude: float) -> np.ndarray:
    """Great-circle distance from a point to every station (haversine)."""
    return haversine_km(table.latitude_rad, table.longitude_rad, latitude, longitude)


def haversine_km(
    latitude_rad: np.ndarray, longitude_rad: np.ndarray, latitude: float, longitude: float
) -> np.ndarray:
    lat, lon = np.radians(latitude), np.radians(longitude)
    half_chord = (
        np.sin((latitude_rad - lat) / 2) ** 2
        + np.cos(lat) * np.cos(latitude_rad) * np.sin((longitude_rad - lon) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(half_chord, 1.0)))


def idw_weights(distance_km: np.ndarray) -> np.ndarray:
    raw = 1.0 / np.maximum(distance_km, MIN_DISTANCE_KM) ** IDW_POWER
    return raw / raw.sum()


def nearest_stations(
    table: StationTable, latitude: float, longitude: float, count: int = STATIONS_PER_SITE
) -> tuple[WeightedStation, ...]:
    """The ``count`` nearest stations, nearest first, with distance (km) and IDW weight."""
    distance = distances_km(table, latitude, longitude)
    nearest = np.argsort(distance, kind="stable")[:count]
    weights = idw_weights(distance[nearest])
    return tuple(
        WeightedStation(table.stations[i], float(distance[i]), float(w))
        for i, w in zip(nearest, weights, strict=True)
    )


def cache_clear() -> None:
    """Forget the cached places of the shipped ZIPs."""
    _shipped_location.cache_clear()

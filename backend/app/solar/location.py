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
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from app.core.errors import ValidationFailed
from app.solar.tables import ReferenceData, Station, StationTable, reference_data

EARTH_RADIUS_KM = 6371.0088
STATIONS_PER_SITE = 3
IDW_POWER = 2.0
MIN_DISTANCE_KM = 1.0

_ZIP_PATTERN = re.compile(r"^(\d{5})(?:[- ]?\d{4})?$")


class UnknownZip(ValidationFailed):
    """A ZIP code that is not a US ZIP in the 50 states or DC."""

    code = "unknown_zip"
    message = "That ZIP code is not a US ZIP code we can estimate for."


@dataclass(frozen=True, slots=True)
class WeightedStation:
    station: Station
    distance_km: float
    weight: float


@dataclass(frozen=True, slots=True)
class Location:
    zip_code: str
    city: str
    state: str
    latitude: float
    longitude: float
    stations: tuple[WeightedStation, ...]  # nearest first
    approximate: bool = False  # the ZIP has no coordinates of its own

    @property
    def nearest(self) -> WeightedStation:
        return self.stations[0]


def normalize_zip(raw: str) -> str | None:
    """'27401', '27401-1234' or ' 27401 ' -> '27401'; anything else -> None."""
    match = _ZIP_PATTERN.match(raw.strip())
    return match.group(1) if match else None


def lookup_location(zip_code: str, data: ReferenceData | None = None) -> Location:
    """Resolve a ZIP code to its place and weather stations, or raise ``UnknownZip``."""
    data = data or reference_data()
    normalized = normalize_zip(zip_code)
    record = data.zips.get(normalized) if normalized else None
    if record is None:
        raise UnknownZip(
            f"{zip_code.strip()!r} is not a ZIP code in the 50 US states or DC.",
            details={"zip_code": zip_code},
        )
    return Location(
        zip_code=record.zip_code,
        city=record.city,
        state=record.state,
        latitude=record.latitude,
        longitude=record.longitude,
        stations=nearest_stations(data.stations, record.latitude, record.longitude),
        approximate=record.approximate,
    )


def distances_km(table: StationTable, latitude: float, longitude: float) -> np.ndarray:
    """Great-circle distance from a point to every station (haversine)."""
    lat, lon = np.radians(latitude), np.radians(longitude)
    half_chord = (
        np.sin((table.latitude_rad - lat) / 2) ** 2
        + np.cos(lat) * np.cos(table.latitude_rad) * np.sin((table.longitude_rad - lon) / 2) ** 2
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

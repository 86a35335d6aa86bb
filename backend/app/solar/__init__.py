"""Solar engine: PVWatts-grade estimates for any US ZIP code, offline.

Other domains call it as a Python function::

    from app.solar import EstimateInput, estimate
    result = estimate(EstimateInput(zip_code="27401", monthly_bill=150))
    snapshot = result.model_dump(mode="json")
"""

from app.solar.engine import SolarConfig, estimate, location_info, lookup_location
from app.solar.location import Location, UnknownZip, ZipNotServed, unserved_area
from app.solar.schemas import Estimate, EstimateInput, LocationInfo, Shade

__all__ = [
    "Estimate",
    "EstimateInput",
    "Location",
    "LocationInfo",
    "Shade",
    "SolarConfig",
    "UnknownZip",
    "ZipNotServed",
    "estimate",
    "location_info",
    "lookup_location",
    "unserved_area",
]

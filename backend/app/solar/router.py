"""HTTP layer of the solar engine: validation in, JSON out, the engine does the work."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from app.core.errors import ValidationFailed, responses
from app.solar.engine import SolarConfig, estimate, location_info
from app.solar.schemas import Estimate, EstimateInput, LocationInfo

router = APIRouter(prefix="/solar", tags=["solar"])


def get_solar_config(request: Request) -> SolarConfig:
    """The engine's configuration, built once per app from its settings."""
    state = request.app.state
    config = getattr(state, "solar_config", None)
    if config is None:
        config = SolarConfig.from_settings(state.settings)
        state.solar_config = config
    return config


SolarConfigDep = Annotated[SolarConfig, Depends(get_solar_config)]


# Plain `def` routes: an estimate is ~20 ms of numpy work when its site is new, so it
# runs in the threadpool instead of blocking the event loop.
@router.post("/estimate", response_model=Estimate, responses=responses(ValidationFailed))
def create_estimate(body: EstimateInput, config: SolarConfigDep) -> Estimate:
    """Size a home solar system for a ZIP code and bill: production, cost, savings, payback.

    Public. Unknown ZIP codes answer 422 with code `unknown_zip`; out-of-range input
    answers 422 with code `validation_error`. Every assumption is in `assumptions`.
    """
    return estimate(body, config)


@router.get(
    "/locations/{zip_code}", response_model=LocationInfo, responses=responses(ValidationFailed)
)
def get_location(
    zip_code: Annotated[str, Path(max_length=16, description="US ZIP code.")],
    config: SolarConfigDep,
) -> LocationInfo:
    """The place, weather stations and default electricity rate for a ZIP code."""
    return location_info(zip_code, config)

"""What a partner buys, where, at what price and how much: the shapes stored on the
partner row (``service_area``, ``filters``, ``prices``, ``caps``) and read by allocation,
the staff API, the B2B account API and the command line alike."""

from __future__ import annotations

import re
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from app.leads.fields import CREDIT_BANDS, PROPERTY_TYPES, ROOF_TYPES, SHADE_LEVELS, TIMELINES

US_STATES = frozenset(
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
Tier = Literal["A", "B", "C"]
TIERS: tuple[Tier, ...] = ("A", "B", "C")
MAX_PRICE_CENTS = 1_000_000  # $10,000 for one lead: anything above is a typo


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RadiusArea(_Strict):
    zip_code: str = Field(pattern=r"^\d{5}$", description="The centre ZIP.")
    miles: float = Field(gt=0, le=500)


class ServiceArea(_Strict):
    """Where a partner installs: a lead matches when it is in any of these."""

    states: list[str] = Field(default_factory=list, max_length=51)
    zip_prefixes: list[str] = Field(default_factory=list, max_length=2000)
    zips: list[str] = Field(default_factory=list, max_length=20000)
    radius: list[RadiusArea] = Field(default_factory=list, max_length=50)

    @field_validator("states")
    @classmethod
    def _states(cls, value: list[str]) -> list[str]:
        upper = sorted({s.strip().upper() for s in value})
        unknown = [s for s in upper if s not in US_STATES]
        if unknown:
            raise ValueError(f"not US states (50 states and DC): {', '.join(unknown)}")
        return upper

    @field_validator("zip_prefixes")
    @classmethod
    def _prefixes(cls, value: list[str]) -> list[str]:
        for prefix in value:
            if not re.fullmatch(r"\d{1,5}", prefix):
                raise ValueError(f"a ZIP prefix is 1 to 5 digits: {prefix!r}")
        return sorted(set(value))

    @field_validator("zips")
    @classmethod
    def _zips(cls, value: list[str]) -> list[str]:
        for code in value:
            if not re.fullmatch(r"\d{5}", code):
                raise ValueError(f"a ZIP is 5 digits: {code!r}")
        return sorted(set(value))

    def is_empty(self) -> bool:
        return not (self.states or self.zip_prefixes or self.zips or self.radius)


def _one_of(allowed: tuple[str, ...], what: str) -> AfterValidator:
    def check(value: list[str]) -> list[str]:
        unknown = [v for v in value if v not in allowed]
        if unknown:
            raise ValueError(f"unknown {what}: {', '.join(unknown)} (one of {', '.join(allowed)})")
        return sorted(set(value), key=allowed.index)

    return AfterValidator(check)


class Filters(_Strict):
    """Which leads a partner buys; an empty list accepts any value."""

    min_score: int | None = Field(default=None, ge=0, le=100)
    tiers: Annotated[list[str], _one_of(TIERS, "tiers")] = Field(default_factory=list)
    credit_bands: Annotated[list[str], _one_of(CREDIT_BANDS, "credit bands")] = Field(
        default_factory=list
    )
    property_types: Annotated[list[str], _one_of(PROPERTY_TYPES, "property types")] = Field(
        default_factory=list
    )
    roof_types: Annotated[list[str], _one_of(ROOF_TYPES, "roof types")] = Field(
        default_factory=list
    )
    shades: Annotated[list[str], _one_of(SHADE_LEVELS, "shades")] = Field(default_factory=list)
    timelines: Annotated[list[str], _one_of(TIMELINES, "timelines")] = Field(default_factory=list)
    homeowners_only: bool = True


class TierPrice(_Strict):
    """What one lead of a tier costs, in cents; null: the partner does not buy it so."""

    exclusive: int | None = Field(default=None, ge=0, le=MAX_PRICE_CENTS)
    shared: int | None = Field(default=None, ge=0, le=MAX_PRICE_CENTS)


class Prices(_Strict):
    A: TierPrice = Field(default_factory=TierPrice)
    B: TierPrice = Field(default_factory=TierPrice)
    C: TierPrice = Field(default_factory=TierPrice)

    def price(self, tier: str, exclusive: bool) -> int | None:
        row: TierPrice = getattr(self, tier)
        return row.exclusive if exclusive else row.shared


class Caps(_Strict):
    """Most leads per day, week and month (the partner's own calendar) and most spend
    per month; null: no cap."""

    day: int | None = Field(default=None, ge=0, le=100_000)
    week: int | None = Field(default=None, ge=0, le=100_000)
    month: int | None = Field(default=None, ge=0, le=1_000_000)
    month_spend_cents: int | None = Field(default=None, ge=0, le=10**11)


def valid_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    # OSError: a name of a tzdata directory ("America") or too long for a file name.
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"not a time zone: {name!r} (e.g. America/Phoenix)") from exc
    return name

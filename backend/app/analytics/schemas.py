"""Analytics in and out: the KPI object, the summary, time series, breakdown and funnel,
and the public site's event batch."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

Interval = Literal["day", "week", "month"]
Dimension = Literal["partner", "state", "tier", "source", "campaign"]
FUNNEL_STEPS = (
    "visit",
    "chat_started",
    "estimate_shown",
    "contact_given",
    "consented",
    "lead",
    "sold",
)


class Kpis(BaseModel):
    """Every figure of a period. Money in integer cents; rates 0..1, or null when their
    denominator is 0."""

    conversations_started: int
    estimates_shown: int
    leads: int
    qualified: int
    qualified_rate: float | None
    sellable: int
    sold: int = Field(description="Leads sold at least once.")
    sales: int = Field(description="Sale rows (a shared lead counts once per buyer).")
    sell_through: float | None = Field(description="sold / sellable")
    buyers_per_lead: float | None = Field(description="sales / sold")
    gross_revenue_cents: int
    return_credits_cents: int
    net_revenue_cents: int
    revenue_per_lead_cents: int | None = Field(description="net revenue / leads")
    returns: int = Field(description="Accepted returns.")
    return_rate: float | None = Field(description="returns / sales")
    outcomes_reported: int = Field(description="Sales with at least one reported outcome.")
    won: int = Field(description="Sales the partner reported as sold to the homeowner.")
    close_rate: float | None = Field(description="won / outcomes_reported")


class Summary(BaseModel):
    from_: date = Field(alias="from", serialization_alias="from")
    to: date
    previous_from: date
    previous_to: date
    current: Kpis
    previous: Kpis

    model_config = ConfigDict(populate_by_name=True)


class TimePoint(Kpis):
    start: date


class Timeseries(BaseModel):
    interval: Interval
    points: list[TimePoint]


class BreakdownRow(Kpis):
    key: str
    label: str


class Breakdown(BaseModel):
    by: Dimension
    rows: list[BreakdownRow]


class FunnelStep(BaseModel):
    step: str
    count: int
    rate_from_previous: float | None
    rate_from_start: float | None


class SourceFunnel(BaseModel):
    source: str
    steps: list[FunnelStep]


class Funnel(BaseModel):
    steps: list[FunnelStep]
    by_source: list[SourceFunnel]


# --- the public site's events -------------------------------------------------------------

EventType = Literal[
    "page_view", "chat_started", "estimate_shown", "contact_given", "consented", "web_vital"
]
_EMAIL = re.compile(r"[^\s@/]+@[^\s@/]+")
_DIGIT_RUN = re.compile(r"\d{5,}")
Utm = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]


def _no_personal_data(value: str, what: str) -> str:
    if _EMAIL.search(value):
        raise ValueError(f"{what} must not contain an e-mail address")
    if _DIGIT_RUN.search(value):
        raise ValueError(f"{what} must not contain a run of more than 4 digits")
    return value


class SiteEvent(BaseModel):
    """One thing that happened on the public site. No personal data: unknown fields are
    refused, and so are paths with a query string, e-mail addresses or long digit runs
    (a phone number, a ZIP+4) anywhere in the text."""

    model_config = ConfigDict(extra="forbid")

    type: EventType
    path: str = Field(default="/", max_length=200, pattern=r"^/[^?#\s]*$")
    source: Utm | None = None
    campaign: Utm | None = None
    name: Literal["LCP", "INP", "CLS"] | None = None
    value: float | None = Field(default=None, ge=0, le=600_000)
    rating: Literal["good", "needs-improvement", "poor"] | None = None

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        return _no_personal_data(value, "path")

    @field_validator("source", "campaign")
    @classmethod
    def _utm(cls, value: str | None) -> str | None:
        return _no_personal_data(value, "UTM value") if value else value

    @model_validator(mode="after")
    def _vital_fields(self) -> SiteEvent:
        if self.type == "web_vital":
            if self.name is None or self.value is None:
                raise ValueError("a web_vital event needs a name and a value")
        elif self.name is not None or self.value is not None or self.rating is not None:
            raise ValueError("name, value and rating belong to web_vital events only")
        return self


class EventBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    session: str = Field(pattern=r"^[A-Za-z0-9_-]{8,64}$", description="A random id the page made.")
    events: list[SiteEvent] = Field(min_length=1, max_length=50)


class Accepted(BaseModel):
    accepted: int

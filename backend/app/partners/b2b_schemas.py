"""The partner's API (``/api/v1/b2b``): what an installer receives and sends.

A partner paid for its leads, so it gets them whole: contact details, answers, the
estimate, the score and why, the sale's receipt and the proof of consent. Money is
integer cents. The same ``B2BLead`` is the JSON page item, the NDJSON line and (later)
the ``data`` of a webhook delivery; the CSV has the same facts flattened.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.datetimes import UTCDatetime
from app.leads.admin_schemas import ScoreFactor
from app.leads.fields import CreditBand, PropertyType, RoofType, Shade, Timeline
from app.partners.models import OUTCOMES, RETURN_REASONS
from app.partners.schemas import Caps, Prices, ServiceArea

ReturnReason = Literal[RETURN_REASONS]  # type: ignore[valid-type]
OutcomeKind = Literal[OUTCOMES]  # type: ignore[valid-type]
ExportFormat = Literal["json", "ndjson", "csv"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- a sold lead ----------------------------------------------------------------------------


class B2BSale(BaseModel):
    id: uuid.UUID
    sold_at: datetime
    price_cents: int = Field(description="What this lead cost you.")
    exclusive: bool = Field(description="True: no one else bought it.")
    buyers: int = Field(description="How many partners bought it (1 when exclusive).")
    status: Literal["active", "returned"] = Field(
        description="`returned` once Aurum accepted your return and credited the price."
    )
    returnable_until: datetime = Field(description="The last moment a return may be filed.")


class B2BContact(BaseModel):
    first_name: str
    last_name: str
    email: str | None = Field(description="Null only when the homeowner had their data erased.")
    phone: str | None = Field(description="E.164, e.g. `+16025550142`.")


class B2BAddress(BaseModel):
    street_address: str | None
    city: str | None
    state: str
    zip_code: str


class B2BAnswers(BaseModel):
    """What the homeowner told us about the home and the project."""

    homeowner: bool
    property_type: PropertyType
    monthly_bill_cents: int
    roof_type: RoofType
    shade: Shade
    credit_band: CreditBand
    timeline: Timeline
    battery_interest: bool | None


class B2BEstimate(BaseModel):
    """The estimate the homeowner saw (money in cents)."""

    system_size_kw: float | None
    annual_production_kwh: float | None
    gross_cost_cents: int | None
    net_cost_cents: int | None = Field(description="After incentives.")
    year1_savings_cents: int | None
    lifetime_savings_cents: int | None
    payback_years: float | None = Field(description="Null when not reached.")


class B2BReceipt(BaseModel):
    """Why this lead went to you at this price, as recorded at the sale."""

    model_config = ConfigDict(extra="allow")

    mode: Literal["exclusive", "shared"]
    buyers: int
    max_buyers_consented: int = Field(description="How many installers the homeowner allowed.")
    price_cents: int
    price_rule: str = Field(description="`<tier>.<exclusive|shared>` of your price list.")
    matched: dict[str, Any] = Field(description="The rule of your service area that matched.")
    compared_cents: dict[str, int] = Field(
        description="Revenue of each way of selling that was possible."
    )
    tier: str
    score: int
    score_factors: list[ScoreFactor]


class B2BConsent(BaseModel):
    """Proof of the homeowner's consent to be contacted, as given before the sale."""

    disclosure_version: str
    disclosure_sha256: str = Field(description="SHA-256 (hex) of the exact text shown.")
    max_buyers: int = Field(description="How many installers the homeowner agreed to.")
    given_at: datetime
    ip: str | None
    user_agent: str | None
    source: Literal["chat", "form"]


class B2BReturn(BaseModel):
    id: uuid.UUID
    reason: ReturnReason
    note: str | None
    status: Literal["pending", "accepted", "rejected"]
    filed_at: datetime
    decided_at: datetime | None
    decision_note: str | None
    credit_cents: int | None = Field(description="Credited to your balance when accepted.")


class B2BOutcome(BaseModel):
    id: uuid.UUID
    outcome: OutcomeKind
    occurred_at: datetime
    recorded_at: datetime
    note: str | None


class B2BLead(BaseModel):
    """A lead sold to you, whole."""

    lead_id: uuid.UUID
    source: Literal["chat", "form"]
    created_at: datetime = Field(description="When the homeowner asked for quotes.")
    sale: B2BSale
    contact: B2BContact
    address: B2BAddress
    answers: B2BAnswers
    estimate: B2BEstimate | None
    score: int = Field(ge=0, le=100)
    tier: Literal["A", "B", "C"]
    score_factors: list[ScoreFactor]
    receipt: B2BReceipt
    consent: B2BConsent | None
    return_request: B2BReturn | None = Field(description="Your return of this lead, if any.")
    outcomes: list[B2BOutcome] = Field(description="What you reported, oldest first.")


class B2BLeadPage(BaseModel):
    items: list[B2BLead]
    next_cursor: str = Field(
        description="Pass as `cursor` for the next page; empty when this page is the last."
    )
    resume_cursor: str = Field(
        description="Where to poll from later for sales made after this page (empty: from "
        "the start). Sales of the last 30 seconds stay behind it, so one still being "
        "committed when you read is shown next time, never skipped: expect a few leads "
        "twice and keep them by `lead_id`."
    )


# --- what a partner sends -------------------------------------------------------------------


class ReturnRequest(_Strict):
    reason: ReturnReason
    note: str | None = Field(default=None, max_length=1000)


class OutcomeRequest(_Strict):
    outcome: OutcomeKind
    occurred_at: UTCDatetime = Field(description="When it happened (ISO 8601 with offset).")
    note: str | None = Field(default=None, max_length=1000)


class CapsUpdate(_Strict):
    """Send only the caps that change; null removes a cap (where no limit is set)."""

    day: int | None = Field(default=None, ge=0, le=100_000)
    week: int | None = Field(default=None, ge=0, le=100_000)
    month: int | None = Field(default=None, ge=0, le=1_000_000)
    month_spend_cents: int | None = Field(default=None, ge=0, le=10**11)


class AccountUpdate(_Strict):
    """Self-service within the limits Aurum set (``cap_limits``, ``allowed_states``)."""

    status: Literal["active", "paused"] | None = Field(
        default=None, description="Pause buying, or resume."
    )
    caps: CapsUpdate | None = None
    service_area: ServiceArea | None = Field(
        default=None,
        description="Replaces the whole area; everything in it must lie in `allowed_states`.",
    )


# --- the account ----------------------------------------------------------------------------


class PeriodUsage(BaseModel):
    cap: int | None = Field(description="Null: no cap.")
    used: int
    left: int | None = Field(description="Null: no cap.")
    starts_on: date = Field(description="The period's first day in your time zone.")
    resets_at: datetime


class CapsUsage(BaseModel):
    day: PeriodUsage
    week: PeriodUsage
    month: PeriodUsage
    month_spend_cents: PeriodUsage


class Billing(BaseModel):
    mode: Literal["prepaid", "credit"]
    balance_cents: int
    credit_limit_cents: int
    available_cents: int = Field(description="What you can still spend on leads.")
    low_balance_cents: int


class ReturnAllowance(BaseModel):
    window_days: int
    cap_pct: float
    allowed_this_month: int
    filed_this_month: int


class Notice(BaseModel):
    code: str
    message: str
    at: datetime | None = None
    details: Any | None = None


class ApiKeyInfo(BaseModel):
    id: uuid.UUID
    name: str
    prefix: str
    scopes: list[str]
    expires_at: datetime | None


class B2BAccount(BaseModel):
    id: uuid.UUID
    name: str
    status: Literal["active", "paused", "suspended"]
    timezone: str
    billing: Billing
    prices: Prices
    caps: CapsUsage
    cap_limits: Caps = Field(description="The most each cap may be set to (null: no limit).")
    service_area: ServiceArea
    allowed_states: list[str] = Field(description="Where your service area may reach.")
    person_window_days: int
    returns: ReturnAllowance
    api_key: ApiKeyInfo = Field(description="The key this request used.")
    notices: list[Notice] = Field(description="Things that need your attention.")

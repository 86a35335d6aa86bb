"""Partners, their keys, ledger, sales and returns as the staff dashboard sees them
(``/admin/partners``, ``/admin/sales``, ``/admin/returns``).

A partner's own details (its name, contacts, prices) are business data every staff role
sees. The homeowner behind a sale or a return is not: for analysts the server masks the
homeowner's last name, email, phone and street address, and scrubs free text
(``pii_masked`` says so), with the same functions as the lead views.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from app.core.datetimes import UTCDatetime
from app.leads.admin_schemas import AdminLeadSummary, ConsentOut
from app.leads.fields import mixed_script, normalize_email, normalize_phone
from app.partners.models import (
    API_KEY_SCOPES,
    BILLING_MODES,
    LEDGER_KINDS,
    PARTNER_STATUSES,
    RETURN_REASONS,
    RETURN_STATUSES,
    SALE_STATUSES,
)
from app.partners.schemas import Caps, Filters, Prices, ServiceArea

PartnerStatus = Literal[PARTNER_STATUSES]  # type: ignore[valid-type]
BillingMode = Literal[BILLING_MODES]  # type: ignore[valid-type]
ApiKeyScope = Literal[API_KEY_SCOPES]  # type: ignore[valid-type]
LedgerKind = Literal[LEDGER_KINDS]  # type: ignore[valid-type]
SaleStatus = Literal[SALE_STATUSES]  # type: ignore[valid-type]
ReturnStatus = Literal[RETURN_STATUSES]  # type: ignore[valid-type]
ReturnReason = Literal[RETURN_REASONS]  # type: ignore[valid-type]
SaleMode = Literal["exclusive", "shared"]

# Money a person may type for one partner: up to a billion dollars, in cents.
MAX_MONEY_CENTS = 10**11


def _one_alphabet(value: str) -> str:
    if mixed_script(value):
        raise ValueError("mixes alphabets (a look-alike letter?); type it in one alphabet")
    if any(not char.isprintable() for char in value):
        raise ValueError("has control characters")
    return value


def _business_email(value: str) -> str:
    normalized = normalize_email(value)
    if normalized is None:
        raise ValueError("enter a valid email address, like sales@installer.com")
    return normalized


def _us_phone(value: str) -> str:
    normalized = normalize_phone(value)
    if normalized is None:
        raise ValueError("enter a valid US phone number, like (602) 555-0142")
    return normalized


def _text(max_length: int) -> Any:
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length),
        AfterValidator(_one_alphabet),
    ]


PartnerName = _text(120)
ContactName = _text(120)
KeyName = _text(80)
ContactEmail = Annotated[str, Field(max_length=254), AfterValidator(_business_email)]
ContactPhone = Annotated[str, Field(max_length=32), AfterValidator(_us_phone)]
StateCode = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")]


# --- partners ------------------------------------------------------------------------------


class _PartnerFields(BaseModel):
    """Every field of a partner staff may set (``service.PARTNER_FIELDS``)."""

    model_config = ConfigDict(extra="forbid")

    name: PartnerName | None = None
    contact_name: ContactName | None = None
    contact_email: ContactEmail | None = None
    contact_phone: ContactPhone | None = None
    timezone: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="IANA time zone; caps reset at its midnight and month start.",
    )
    service_area: ServiceArea | None = None
    filters: Filters | None = None
    prices: Prices | None = None
    caps: Caps | None = Field(default=None, description="Null values: no cap.")
    cap_limits: Caps | None = Field(
        default=None, description="The most the partner may set its own caps to (B2B API)."
    )
    allowed_states: list[StateCode] | None = Field(
        default=None,
        max_length=51,
        description="The states the partner may add to its own service area (B2B API).",
    )
    person_window_days: int | None = Field(
        default=None, ge=1, le=365, description="Never sell it the same person twice within."
    )
    billing_mode: BillingMode | None = Field(
        default=None, description="`prepaid`: a sale never takes the balance below zero."
    )
    credit_limit_cents: int | None = Field(
        default=None, ge=0, le=MAX_MONEY_CENTS, description="How far below zero (credit)."
    )
    low_balance_cents: int | None = Field(
        default=None, ge=0, le=MAX_MONEY_CENTS, description="Notify the partner below this."
    )


# Fields that may be sent as null to clear them; the rest are never null once set.
NULLABLE_FIELDS = frozenset({"contact_name", "contact_email", "contact_phone"})


class PartnerCreate(_PartnerFields):
    name: PartnerName  # type: ignore[assignment]


class PartnerUpdate(_PartnerFields):
    """Only the fields sent change; `status` pauses, resumes or suspends."""

    status: PartnerStatus | None = Field(
        default=None,
        description="`paused`: buys nothing until resumed (`active`); `suspended`: paused "
        "by Aurum, and the partner cannot resume itself.",
    )

    @model_validator(mode="after")
    def _no_null_for_required(self) -> PartnerUpdate:
        cleared = [
            name
            for name in self.model_fields_set
            if getattr(self, name) is None and name not in NULLABLE_FIELDS
        ]
        if cleared:
            raise ValueError(f"{', '.join(sorted(cleared))} cannot be null")
        return self


class CapUsage(BaseModel):
    """Sales and spend in the partner's current day, week and month (its own time zone)."""

    day: int
    week: int
    month: int
    month_spend_cents: int


class ReturnCounts(BaseModel):
    pending: int
    accepted: int
    rejected: int


class PartnerSummary(BaseModel):
    """One row of the partners table."""

    id: uuid.UUID
    name: str
    status: PartnerStatus
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None
    timezone: str
    billing_mode: BillingMode
    balance_cents: int = Field(description="The sum of its ledger entries.")
    credit_limit_cents: int
    caps: Caps
    caps_used: CapUsage
    sales_count: int = Field(description="Leads sold to it, ever (returned ones included).")
    created_at: datetime
    updated_at: datetime


class PartnerList(BaseModel):
    items: list[PartnerSummary]


class PartnerDetail(PartnerSummary):
    service_area: ServiceArea
    filters: Filters
    prices: Prices
    cap_limits: Caps
    allowed_states: list[str]
    person_window_days: int
    low_balance_cents: int
    api_keys_live: int = Field(description="Keys that work now (not revoked or expired).")
    api_keys_total: int
    returns: ReturnCounts


# --- API keys ------------------------------------------------------------------------------


class ApiKeyOut(BaseModel):
    """A key as staff see it: never its secret (only its first characters)."""

    id: uuid.UUID
    name: str
    prefix: str = Field(description="The key's first characters, to tell keys apart.")
    scopes: list[ApiKeyScope]
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None = Field(
        description="After a rotation: the end of the old key's overlap."
    )
    revoked_at: datetime | None
    replaced_by_id: uuid.UUID | None = Field(description="The key that replaced it (rotation).")
    live: bool = Field(description="Accepted now: not revoked, not expired.")


class ApiKeyList(BaseModel):
    items: list[ApiKeyOut]


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: KeyName = Field(description="What the key is for, e.g. `CRM sync`.")
    scopes: list[ApiKeyScope] = Field(min_length=1, max_length=len(API_KEY_SCOPES))
    expires_at: UTCDatetime | None = Field(
        default=None, description="When the key stops working (ISO 8601 with offset)."
    )


class ApiKeyRotate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    overlap_hours: int = Field(
        default=24,
        ge=1,
        le=168,
        description="How long the old key keeps working, so the partner can deploy the new one.",
    )


class IssuedApiKey(BaseModel):
    key: ApiKeyOut
    secret: str = Field(
        description="The whole key (`ak_live_...`). Shown this once: only its hash is stored."
    )


class RotatedApiKey(IssuedApiKey):
    previous: ApiKeyOut = Field(description="The old key, working until its `expires_at`.")


# --- the ledger ----------------------------------------------------------------------------


class LedgerEntryOut(BaseModel):
    id: uuid.UUID
    kind: LedgerKind
    amount_cents: int = Field(description="+ a top-up or a return credit, - a sale charge.")
    balance_after_cents: int
    sale_id: uuid.UUID | None
    return_id: uuid.UUID | None
    note: str | None
    created_by: uuid.UUID | None = Field(description="The staff member, for manual entries.")
    created_at: datetime


class LedgerPage(BaseModel):
    balance_cents: int
    items: list[LedgerEntryOut] = Field(description="Newest first.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )


class LedgerPost(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["topup", "adjustment"] = Field(
        default="topup",
        description="`topup`: money received (positive). `adjustment`: a correction, "
        "either sign (not zero).",
    )
    amount_cents: int = Field(ge=-MAX_MONEY_CENTS, le=MAX_MONEY_CENTS)
    note: str | None = Field(default=None, max_length=500)


# --- sales ---------------------------------------------------------------------------------


class PartnerRef(BaseModel):
    id: uuid.UUID
    name: str


class SaleLead(BaseModel):
    """The homeowner behind a sale, briefly."""

    id: uuid.UUID
    first_name: str
    last_name: str = Field(description="Masked for analysts (`D.`).")
    city: str | None
    state: str
    zip_code: str
    tier: str
    score: int
    status: str


class SaleOut(BaseModel):
    id: uuid.UUID
    sold_at: datetime
    status: SaleStatus
    price_cents: int
    mode: SaleMode
    buyers: int = Field(description="How many partners bought this lead.")
    tier: str
    partner: PartnerRef
    lead: SaleLead
    receipt: dict[str, Any] = Field(
        description="Why it sold so: rules matched, price rule, score and its factors."
    )
    return_id: uuid.UUID | None
    return_status: ReturnStatus | None
    pii_masked: bool


class SalePage(BaseModel):
    items: list[SaleOut] = Field(description="Newest first.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )


# --- returns -------------------------------------------------------------------------------


class ReturnSale(BaseModel):
    id: uuid.UUID
    sold_at: datetime
    status: SaleStatus
    price_cents: int
    mode: SaleMode
    buyers: int


class TranscriptLink(BaseModel):
    conversation_id: uuid.UUID
    href: str = Field(description="The chat and its transcript in the staff API.")


class ReturnEvidence(BaseModel):
    """What the platform knows, beside the partner's claim."""

    filed: dict[str, Any] = Field(
        description="Gathered when the return was filed: consents (disclosure hash, time, "
        "IP, user agent), submissions, duplicate links."
    )
    consents: list[ConsentOut] = Field(description="The lead's consent records, newest first.")
    transcripts: list[TranscriptLink] = Field(description="The chats behind the lead.")


class ReturnOut(BaseModel):
    id: uuid.UUID
    status: ReturnStatus
    reason: ReturnReason
    note: str | None = Field(description="The partner's note (PII scrubbed for analysts).")
    filed_at: datetime
    decided_at: datetime | None
    decided_by: uuid.UUID | None
    decision_note: str | None
    credit_cents: int | None = Field(description="Credited to the partner when accepted.")
    partner: PartnerRef
    sale: ReturnSale
    lead: AdminLeadSummary = Field(description="Contact details masked for analysts.")
    evidence: ReturnEvidence
    pii_masked: bool


class ReturnPage(BaseModel):
    items: list[ReturnOut] = Field(description="Newest first.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )


class OutcomeCount(BaseModel):
    outcome: str
    sales: int = Field(description="Sales whose latest reported outcome is this one.")


class PartnerOutcomes(BaseModel):
    """What the partner reported after buying, per sale (its latest report counts)."""

    sales: int = Field(description="Leads sold to it, ever (returned ones included).")
    reported: int = Field(description="Sales with at least one outcome reported.")
    won: int = Field(description="Sales it reported as `sold` (the homeowner signed).")
    close_rate: float | None = Field(description="won / reported; null when none reported.")
    by_outcome: list[OutcomeCount] = Field(description="In the order of the outcome list.")


class ReturnDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["accept", "reject"] = Field(
        description="`accept`: the price goes back to the partner's balance and the sale is "
        "returned (the lead too once every buyer returned it). `reject`: nothing changes."
    )
    note: str | None = Field(default=None, max_length=1000)

"""The public lead form's request and response models.

Validation is the chat's: the same normalisers (email, US phone in E.164) and the same
allowed values, so a lead is the same whichever way it arrived.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.leads.fields import (
    MAX_MONTHLY_BILL_USD,
    MAX_NAME_LENGTH,
    MIN_MONTHLY_BILL_USD,
    NAME_PATTERN,
    CreditBand,
    PropertyType,
    RoofType,
    Shade,
    Timeline,
    mixed_script,
    normalize_email,
    normalize_phone,
)
from app.solar.schemas import Estimate


class UtmFields(BaseModel):
    """Campaign attribution (UTM parameters), kept with conversations and leads."""

    utm_source: str | None = Field(default=None, max_length=100)
    utm_medium: str | None = Field(default=None, max_length=100)
    utm_campaign: str | None = Field(default=None, max_length=100)
    utm_term: str | None = Field(default=None, max_length=100)
    utm_content: str | None = Field(default=None, max_length=100)

    def utm(self) -> dict[str, str]:
        fields = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
        return {f: v for f in fields if (v := getattr(self, f))}


class LeadCreate(UtmFields):
    """A homeowner's request for installer quotes, from the lead form."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    zip_code: str = Field(pattern=r"^\d{5}$", description="5-digit US ZIP of the home.")
    homeowner: bool
    property_type: PropertyType
    monthly_bill: float = Field(
        ge=MIN_MONTHLY_BILL_USD, le=MAX_MONTHLY_BILL_USD, description="USD per month."
    )
    roof_type: RoofType
    shade: Shade
    credit_band: CreditBand = Field(
        description=(
            "excellent 720+, good 680-719, fair 640-679, poor under 640; unknown when the "
            "homeowner would rather not say (scores lower)."
        )
    )
    timeline: Timeline
    first_name: str = Field(min_length=1, max_length=MAX_NAME_LENGTH, pattern=NAME_PATTERN)
    last_name: str = Field(min_length=1, max_length=MAX_NAME_LENGTH, pattern=NAME_PATTERN)
    email: str = Field(max_length=254)
    phone: str = Field(max_length=32, description="US phone number; stored as E.164.")
    street_address: str | None = Field(default=None, max_length=200)
    battery_interest: bool | None = None
    consent: bool = Field(description="Must be true: the homeowner agreed to the disclosure.")
    max_buyers: int | None = Field(
        default=None,
        ge=1,
        le=10,
        description="How many installers may contact the homeowner (1 to the most the "
        "disclosure offers); omitted: the most. Send the `version` of that choice's text.",
    )
    consent_version: str = Field(
        min_length=64,
        max_length=64,
        description="The `version` of the disclosure shown (GET /leads/consent-disclosure).",
    )

    @field_validator("first_name", "last_name")
    @classmethod
    def _one_alphabet(cls, value: str) -> str:
        if mixed_script(value):
            raise ValueError("use letters from one alphabet (a look-alike letter was typed)")
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        normalized = normalize_email(value)
        if normalized is None:
            raise ValueError("enter a valid email address, like jane@example.com")
        return normalized

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        normalized = normalize_phone(value)
        if normalized is None:
            raise ValueError("enter a valid US phone number, like (602) 555-0142")
        return normalized

    @field_validator("consent")
    @classmethod
    def _consent(cls, value: bool) -> bool:
        if value is not True:
            raise ValueError("you must agree to be contacted to request quotes")
        return value


class ConsentChoice(BaseModel):
    max_buyers: int = Field(description="At most this many installers contact the homeowner.")
    text: str = Field(description="Show exactly this text next to the consent checkbox.")
    version: str = Field(description="Send back as `consent_version` with `max_buyers`.")


class ConsentDisclosure(BaseModel):
    text: str = Field(description="The disclosure for the most installers (the default).")
    version: str = Field(description="Its version: send back as `consent_version`.")
    max_buyers: int = Field(description="The most installers a homeowner may choose.")
    choices: list[ConsentChoice] = Field(
        description="The text for each choice, 1 to `max_buyers` installers."
    )


class LeadReceipt(BaseModel):
    id: uuid.UUID
    received_at: datetime
    qualified: bool = Field(
        description="False when solar cannot help (renter, very small bill); no installer "
        "will be sent this request."
    )
    estimate: Estimate | None = Field(description="The solar estimate for this home.")

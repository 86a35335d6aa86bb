"""Leads as the dashboard sees them (``/admin/leads``). For analysts the server masks the
homeowner's email, phone, street address and last name (``pii_masked`` says so)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.leads.lifecycle import LeadStatus
from app.leads.models import DUPLICATE_REASONS, DUPLICATE_STATES, LEAD_SOURCES

LeadSource = Literal[LEAD_SOURCES]  # type: ignore[valid-type]
LeadTier = Literal["A", "B", "C"]
LeadSort = Literal["-created_at", "created_at", "-score", "score"]
DuplicateState = Literal[DUPLICATE_STATES]  # type: ignore[valid-type]
DuplicateReason = Literal[DUPLICATE_REASONS]  # type: ignore[valid-type]


class AdminLeadSummary(BaseModel):
    """One row of the leads table."""

    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    status: LeadStatus
    source: LeadSource
    score: int = Field(ge=0, le=100)
    tier: LeadTier
    first_name: str
    last_name: str = Field(description="Masked for analysts (`D.`).")
    email: str | None = Field(
        description="Masked for analysts (`j***@e***.com`); null once erased."
    )
    phone: str | None = Field(description="Masked for analysts (`+1******0142`); null once erased.")
    city: str | None
    state: str
    zip_code: str
    monthly_bill_cents: int
    homeowner: bool
    timeline: str
    submission_count: int = Field(description="How many times the homeowner asked (dedupe).")
    duplicate_state: DuplicateState | None = Field(
        description="`suspected`: shares only an email or a phone with an earlier lead and "
        "waits for a manager (not sold meanwhile); `kept_apart` or `merged` once decided."
    )
    erased: bool = Field(description="The person's data was erased on request.")
    pii_masked: bool = Field(description="True when contact details are masked (analysts).")


class ScoreFactor(BaseModel):
    """One factor of a lead's score (see app/leads/scoring.py)."""

    factor: str = Field(description="ownership, property_type, monthly_bill, credit, ...")
    value: Any = Field(description="The homeowner's answer this factor scored.")
    points: int
    max_points: int
    reason: str


class ConsentOut(BaseModel):
    """Proof of consent: the exact disclosure shown, its version, when and from where."""

    id: uuid.UUID
    source: str
    conversation_id: uuid.UUID | None
    disclosure_version: str
    disclosure_text: str
    given_at: datetime
    ip: str | None = Field(description="Masked to the network for analysts.")
    user_agent: str | None


class TranscriptMessage(BaseModel):
    seq: int
    role: Literal["user", "assistant", "system"]
    content: str = Field(description="PII scrubbed for analysts.")
    meta: dict[str, Any]
    created_at: datetime


class Transcript(BaseModel):
    conversation_id: uuid.UUID
    started_at: datetime
    status: str
    messages: list[TranscriptMessage]


class SubmissionOut(BaseModel):
    """One request for quotes: the answers as given, when and from where."""

    id: uuid.UUID
    source: LeadSource
    submitted_at: datetime
    conversation_id: uuid.UUID | None
    applied: bool = Field(
        description="Whether these answers updated the lead (false once the lead was sold)."
    )
    answers: dict[str, Any] = Field(description="As given; contact details masked for analysts.")
    ip: str | None = Field(description="Masked to the network for analysts.")
    user_agent: str | None


class LinkedLead(BaseModel):
    """Another lead this one may be the same person as."""

    id: uuid.UUID
    created_at: datetime
    status: LeadStatus
    first_name: str
    duplicate_state: DuplicateState | None
    duplicate_reason: DuplicateReason | None


class DuplicateDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["merge", "keep_apart"] = Field(
        description="`merge`: the same person; this lead becomes `duplicate` and is never "
        "sold. `keep_apart`: different people; this lead may be sold (never to a partner "
        "who bought the other)."
    )
    note: str | None = Field(default=None, max_length=500)


class AdminLeadDetail(AdminLeadSummary):
    street_address: str | None = Field(description="`*** (hidden)` for analysts.")
    property_type: str
    roof_type: str
    shade: str
    credit_band: str
    battery_interest: bool | None
    estimate: dict[str, Any] | None = Field(description="The estimate shown when it was made.")
    score_factors: list[ScoreFactor] = Field(description="How the score was reached.")
    unqualified_reason: str | None
    utm: dict[str, Any]
    notes: str | None = Field(description="Internal notes (PII scrubbed for analysts).")
    consents: list[ConsentOut] = Field(description="Newest first.")
    transcripts: list[Transcript] = Field(description="Chats that led to this lead, newest first.")
    submissions: list[SubmissionOut] = Field(description="Every request for quotes, newest first.")
    duplicate_of: LinkedLead | None = Field(
        description="The earlier lead this one shares an email or a phone with."
    )
    duplicate_reason: DuplicateReason | None
    possible_duplicates: list[LinkedLead] = Field(
        description="Later leads sharing only this lead's email or phone."
    )
    allowed_statuses: list[LeadStatus] = Field(
        description="The statuses staff may move this lead to by hand now."
    )


class AdminLeadPage(BaseModel):
    items: list[AdminLeadSummary]
    next_cursor: str | None = Field(
        description="Pass as `cursor` (with the same filters and sort) for the next page; "
        "null at the end."
    )


class AdminLeadUpdate(BaseModel):
    """Only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    status: LeadStatus | None = None
    notes: str | None = Field(default=None, max_length=5000, description="Replaces the notes.")

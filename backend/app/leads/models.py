"""Leads and their consent records."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, JSONType, Timestamps, UTCDateTime, UUIDPrimaryKey, utcnow

LEAD_SOURCES = ("chat", "form")
DUPLICATE_STATES = ("suspected", "kept_apart", "merged")
DUPLICATE_REASONS = ("same_email", "same_phone")


class Lead(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "leads"
    __table_args__ = (
        sa.Index("ix_leads_created_at_id", "created_at", "id"),
        sa.CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
        sa.CheckConstraint("tier IN ('A', 'B', 'C')", name="tier_values"),
    )

    status: Mapped[str] = mapped_column(sa.String(16), index=True)
    source: Mapped[str] = mapped_column(sa.String(16), index=True)

    # The person, as first submitted. Never changed by a later submission; erased (email
    # and phone null, names blank) only on an erasure request.
    first_name: Mapped[str] = mapped_column(sa.String(80))
    last_name: Mapped[str] = mapped_column(sa.String(80))
    email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(16), index=True)
    street_address: Mapped[str | None] = mapped_column(sa.String(200))
    city: Mapped[str | None] = mapped_column(sa.String(100))
    state: Mapped[str] = mapped_column(sa.String(2), index=True)
    zip_code: Mapped[str] = mapped_column(sa.String(5), index=True)

    homeowner: Mapped[bool] = mapped_column(sa.Boolean)
    property_type: Mapped[str] = mapped_column(sa.String(20))
    monthly_bill_cents: Mapped[int] = mapped_column(sa.Integer)
    roof_type: Mapped[str] = mapped_column(sa.String(20))
    shade: Mapped[str] = mapped_column(sa.String(10))
    credit_band: Mapped[str] = mapped_column(sa.String(10))
    timeline: Mapped[str] = mapped_column(sa.String(16))
    battery_interest: Mapped[bool | None] = mapped_column(sa.Boolean)

    estimate: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    score: Mapped[int] = mapped_column(sa.SmallInteger)
    tier: Mapped[str] = mapped_column(sa.String(1), index=True)
    score_factors: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    unqualified_reason: Mapped[str | None] = mapped_column(sa.String(200))

    utm: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    notes: Mapped[str | None] = mapped_column(sa.Text)
    submission_count: Mapped[int] = mapped_column(sa.Integer, default=1)

    # A lead sharing only an email or only a phone with an earlier one may be the same
    # person or not: linked to it and kept out of sale until a manager decides.
    duplicate_of_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("leads.id", ondelete="SET NULL"), index=True
    )
    duplicate_state: Mapped[str | None] = mapped_column(sa.String(16), index=True)
    duplicate_reason: Mapped[str | None] = mapped_column(sa.String(16))
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # Distribution: offered to partners until ``offer_until`` (72 hours after it became
    # sellable), then ``unsold`` with the last reason no one bought it.
    offer_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    last_offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unsold_reason: Mapped[str | None] = mapped_column(sa.String(200))


class LeadSubmission(UUIDPrimaryKey, Base):
    """One request for quotes by the homeowner: what they answered, when, from where.

    The first creates the lead; a repeat by the same person (same email and phone within
    30 days) adds a submission to it, each with its own consent record. ``applied`` says
    whether its answers updated the lead's qualification (only while the lead is unsold).
    """

    __tablename__ = "lead_submissions"
    __table_args__ = (
        sa.Index("ix_lead_submissions_lead_id_submitted_at", "lead_id", "submitted_at"),
    )

    lead_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("leads.id", ondelete="CASCADE"))
    consent_record_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("consent_records.id", ondelete="SET NULL"), unique=True
    )
    conversation_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("conversations.id", ondelete="SET NULL"), index=True
    )
    source: Mapped[str] = mapped_column(sa.String(16))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType)
    applied: Mapped[bool] = mapped_column(sa.Boolean)
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(512))


class ConsentRecord(UUIDPrimaryKey, Base):
    """Proof of consent: the exact disclosure shown, its version hash, when, from where."""

    __tablename__ = "consent_records"

    lead_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("leads.id", ondelete="CASCADE"), index=True
    )
    conversation_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("conversations.id", ondelete="SET NULL"), index=True
    )
    source: Mapped[str] = mapped_column(sa.String(16))
    disclosure_version: Mapped[str] = mapped_column(sa.String(64))
    disclosure_text: Mapped[str] = mapped_column(sa.Text)
    # How many installers the homeowner agreed to be contacted by (chosen at consent).
    max_buyers: Mapped[int] = mapped_column(sa.SmallInteger, default=3, server_default="3")
    given_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(512))

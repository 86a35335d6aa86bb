"""Leads and their consent records."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, JSONType, Timestamps, UTCDateTime, UUIDPrimaryKey, utcnow

LEAD_SOURCES = ("chat", "form")


class Lead(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "leads"
    __table_args__ = (
        sa.Index("ix_leads_created_at_id", "created_at", "id"),
        sa.CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
        sa.CheckConstraint("tier IN ('A', 'B', 'C')", name="tier_values"),
    )

    status: Mapped[str] = mapped_column(sa.String(16), index=True)
    source: Mapped[str] = mapped_column(sa.String(16), index=True)

    first_name: Mapped[str] = mapped_column(sa.String(80))
    last_name: Mapped[str] = mapped_column(sa.String(80))
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    phone: Mapped[str] = mapped_column(sa.String(16), index=True)
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
    given_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(512))

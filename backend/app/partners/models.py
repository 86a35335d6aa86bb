"""Partners (solar installers who buy leads), their API keys, ledger, sales, returns and
outcomes, and the per-period counters their caps are checked against.

Money is integer cents everywhere. A partner's ``balance_cents`` is the running sum of
its ledger entries, kept on the partner row so a sale can check it under the row lock;
a test checks it always equals the sum.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, JSONType, Timestamps, UTCDateTime, UUIDPrimaryKey, utcnow

PARTNER_STATUSES = ("active", "paused", "suspended")
BILLING_MODES = ("prepaid", "credit")
LEDGER_KINDS = ("topup", "sale_charge", "return_credit", "adjustment")
SALE_STATUSES = ("active", "returned")
RETURN_REASONS = (
    "not_homeowner",
    "already_has_solar",
    "bad_contact",
    "out_of_area",
    "duplicate",
    "never_requested",
)
RETURN_STATUSES = ("pending", "accepted", "rejected")
OUTCOMES = ("contacted", "appointment_set", "quoted", "sold", "unreachable", "not_interested")
API_KEY_SCOPES = ("leads:read", "returns:write", "outcomes:write", "account:read", "account:write")
PERIODS = ("day", "week", "month")


class Partner(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "partners"
    __table_args__ = (
        sa.CheckConstraint("status IN ('active', 'paused', 'suspended')", name="status_values"),
        sa.CheckConstraint("billing_mode IN ('prepaid', 'credit')", name="billing_values"),
        sa.CheckConstraint("credit_limit_cents >= 0", name="credit_limit_positive"),
    )

    name: Mapped[str] = mapped_column(sa.String(120))
    status: Mapped[str] = mapped_column(sa.String(16), default="active", index=True)
    contact_name: Mapped[str | None] = mapped_column(sa.String(120))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(16))
    timezone: Mapped[str] = mapped_column(sa.String(64), default="America/New_York")

    # Where and what it buys (see partners.schemas for the shapes).
    service_area: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    filters: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    prices: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    caps: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # What the partner may set itself through the B2B API: caps up to these, states
    # among these (an admin sets them).
    cap_limits: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    allowed_states: Mapped[list[str]] = mapped_column(JSONType, default=list)
    person_window_days: Mapped[int] = mapped_column(sa.Integer, default=30)

    billing_mode: Mapped[str] = mapped_column(sa.String(16), default="prepaid")
    credit_limit_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    balance_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    low_balance_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class ApiKey(UUIDPrimaryKey, Base):
    """``ak_live_`` + 256 random bits, shown once; stored as its SHA-256."""

    __tablename__ = "api_keys"

    partner_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(80))
    display_prefix: Mapped[str] = mapped_column(sa.String(20))
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    replaced_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)


class LedgerEntry(UUIDPrimaryKey, Base):
    """One money movement: + a top-up or a return credit, - a sale charge."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        sa.Index("ix_ledger_entries_partner_id_created_at", "partner_id", "created_at"),
        sa.CheckConstraint(
            "kind IN ('topup', 'sale_charge', 'return_credit', 'adjustment')", name="kind_values"
        ),
    )

    partner_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("partners.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    balance_after_cents: Mapped[int] = mapped_column(sa.BigInteger)
    sale_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("lead_sales.id", ondelete="SET NULL"), index=True
    )
    return_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("lead_returns.id", ondelete="SET NULL")
    )
    note: Mapped[str | None] = mapped_column(sa.String(500))
    created_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("admin_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LeadSale(UUIDPrimaryKey, Base):
    """A lead sold to one partner, exclusively or shared, with the receipt of why."""

    __tablename__ = "lead_sales"
    __table_args__ = (
        sa.UniqueConstraint("lead_id", "partner_id"),
        sa.Index("ix_lead_sales_partner_id_sold_at_id", "partner_id", "sold_at", "id"),
        sa.Index("ix_lead_sales_sold_at_id", "sold_at", "id"),
        sa.CheckConstraint("price_cents >= 0", name="price_positive"),
    )

    lead_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("leads.id", ondelete="RESTRICT"), index=True
    )
    partner_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("partners.id", ondelete="RESTRICT"))
    price_cents: Mapped[int] = mapped_column(sa.BigInteger)
    exclusive: Mapped[bool] = mapped_column(sa.Boolean)
    buyers: Mapped[int] = mapped_column(sa.SmallInteger)
    tier: Mapped[str] = mapped_column(sa.String(1))
    sold_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(sa.String(16), default="active")
    receipt: Mapped[dict[str, Any]] = mapped_column(JSONType)


class PartnerPeriodCount(Base):
    """Sales and spend of a partner in one day, week or month of its own time zone."""

    __tablename__ = "partner_period_counts"

    partner_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True
    )
    period: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    starts_on: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    sales: Mapped[int] = mapped_column(sa.Integer, default=0)
    spend_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class LeadReturn(UUIDPrimaryKey, Base):
    """A partner's claim that a lead it bought is bad, with the platform's evidence."""

    __tablename__ = "lead_returns"
    __table_args__ = (
        sa.Index("ix_lead_returns_partner_id_filed_at", "partner_id", "filed_at"),
        sa.Index("ix_lead_returns_status_filed_at", "status", "filed_at"),
        sa.Index("ix_lead_returns_decided_at", "decided_at"),  # analytics rebuilds by day
    )

    sale_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("lead_sales.id", ondelete="CASCADE"), unique=True
    )
    partner_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("partners.id", ondelete="CASCADE"))
    lead_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("leads.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(sa.String(32))
    note: Mapped[str | None] = mapped_column(sa.String(1000))
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("admin_users.id"))
    decision_note: Mapped[str | None] = mapped_column(sa.String(1000))
    credit_cents: Mapped[int | None] = mapped_column(sa.BigInteger)


class LeadOutcome(UUIDPrimaryKey, Base):
    """What happened after the sale, as the partner reports it."""

    __tablename__ = "lead_outcomes"
    __table_args__ = (
        sa.Index("ix_lead_outcomes_sale_id_occurred_at", "sale_id", "occurred_at"),
        sa.Index("ix_lead_outcomes_recorded_at", "recorded_at"),  # analytics rebuilds by day
    )

    sale_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("lead_sales.id", ondelete="CASCADE"))
    partner_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    lead_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("leads.id", ondelete="CASCADE"))
    outcome: Mapped[str] = mapped_column(sa.String(32))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    note: Mapped[str | None] = mapped_column(sa.String(1000))

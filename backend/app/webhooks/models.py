"""Webhook endpoints, deliveries and their attempts.

A delivery is one event for one endpoint. Its id is the ``webhook-id`` the partner
sees, the same on every attempt (their idempotency key). Deliveries are never deleted
and never dropped: after the last retry, or while the endpoint is disabled, they are
``held`` until someone redelivers or replays them.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, JSONType, Timestamps, UTCDateTime, UUIDPrimaryKey, utcnow

EVENT_TYPES = (
    "lead.sold",
    "lead.return_decided",
    "partner.cap_reached",
    "partner.balance_low",
)
TEST_EVENT = "webhook.test"
ENDPOINT_STATUSES = ("active", "disabled")
DELIVERY_STATUSES = ("pending", "delivered", "held")


class WebhookEndpoint(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "webhook_endpoints"

    partner_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(sa.String(2000))
    description: Mapped[str | None] = mapped_column(sa.String(200))
    event_types: Mapped[list[str]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(sa.String(16), default="active")
    disabled_reason: Mapped[str | None] = mapped_column(sa.String(200))
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The signing secrets (whsec_...). They must be readable to sign: a database
    # reader could sign as us anyway, so they are kept as they are; rotate on exposure.
    secret: Mapped[str] = mapped_column(sa.String(120))
    previous_secret: Mapped[str | None] = mapped_column(sa.String(120))
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        sa.Index("ix_webhook_deliveries_partner_created", "partner_id", "created_at", "id"),
        sa.Index("ix_webhook_deliveries_endpoint_created", "endpoint_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)  # msg_<32 hex>
    endpoint_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("webhook_endpoints.id", ondelete="CASCADE")
    )
    partner_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("partners.id", ondelete="CASCADE"))
    event_type: Mapped[str] = mapped_column(sa.String(40), index=True)
    event_key: Mapped[str | None] = mapped_column(sa.String(64))  # e.g. the sale id
    body: Mapped[str] = mapped_column(sa.Text)  # the exact JSON that is signed and sent
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    held_reason: Mapped[str | None] = mapped_column(sa.String(200))
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    leased_by: Mapped[str | None] = mapped_column(sa.String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status_code: Mapped[int | None] = mapped_column(sa.SmallInteger)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))


class WebhookAttempt(UUIDPrimaryKey, Base):
    __tablename__ = "webhook_attempts"
    __table_args__ = (sa.Index("ix_webhook_attempts_delivery_at", "delivery_id", "attempted_at"),)

    delivery_id: Mapped[str] = mapped_column(
        sa.ForeignKey("webhook_deliveries.id", ondelete="CASCADE")
    )
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status_code: Mapped[int | None] = mapped_column(sa.SmallInteger)
    latency_ms: Mapped[int | None] = mapped_column(sa.Integer)
    response: Mapped[str | None] = mapped_column(sa.String(1024))  # its first 1 KB
    error: Mapped[str | None] = mapped_column(sa.String(500))
    worker: Mapped[str | None] = mapped_column(sa.String(128))
    meta: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

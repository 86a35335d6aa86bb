"""Webhook endpoints, deliveries and attempts as staff and partners see them (never a
secret, except once, when it is made)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.webhooks.models import WebhookDelivery, WebhookEndpoint


class AttemptOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    attempted_at: datetime
    status_code: int | None = Field(description="The receiver's HTTP status; null: no answer.")
    latency_ms: int | None
    response: str | None = Field(description="The first 1 KB of the receiver's answer.")
    error: str | None


class DeliveryOut(BaseModel):
    id: str = Field(description="The `webhook-id` header: the same on every attempt.")
    endpoint_id: uuid.UUID
    partner_id: uuid.UUID
    event_type: str
    status: str = Field(description="`pending` (queued or retrying), `delivered` or `held`.")
    held_reason: str | None
    attempts: int
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    attempt_log: list[AttemptOut]

    @classmethod
    def of(cls, delivery: WebhookDelivery, attempts: list[AttemptOut]) -> DeliveryOut:
        return cls(
            id=delivery.id,
            endpoint_id=delivery.endpoint_id,
            partner_id=delivery.partner_id,
            event_type=delivery.event_type,
            status=delivery.status,
            held_reason=delivery.held_reason,
            attempts=delivery.attempts,
            next_attempt_at=delivery.next_attempt_at if delivery.status == "pending" else None,
            created_at=delivery.created_at,
            delivered_at=delivery.delivered_at,
            last_status_code=delivery.last_status_code,
            last_error=delivery.last_error,
            attempt_log=attempts,
        )


class EndpointOut(BaseModel):
    id: uuid.UUID
    partner_id: uuid.UUID
    url: str
    description: str | None
    event_types: list[str]
    status: str = Field(description="`active` or `disabled` (deliveries are held, not lost).")
    disabled_reason: str | None
    disabled_at: datetime | None
    previous_secret_valid_until: datetime | None = Field(
        description="While set, deliveries carry signatures with the old and the new secret."
    )
    held_deliveries: int
    created_at: datetime

    @classmethod
    def of(cls, endpoint: WebhookEndpoint, held: int) -> EndpointOut:
        return cls(
            id=endpoint.id,
            partner_id=endpoint.partner_id,
            url=endpoint.url,
            description=endpoint.description,
            event_types=list(endpoint.event_types),
            status=endpoint.status,
            disabled_reason=endpoint.disabled_reason,
            disabled_at=endpoint.disabled_at,
            previous_secret_valid_until=endpoint.previous_secret_expires_at
            if endpoint.previous_secret
            else None,
            held_deliveries=held,
            created_at=endpoint.created_at,
        )


class EndpointCreated(EndpointOut):
    secret: str = Field(description="whsec_...: shown this once. Verify signatures with it.")

"""Webhook endpoints and what staff and partners do with deliveries.

Partners manage their own endpoints through the B2B API; staff see every delivery,
redeliver one, replay an endpoint's deliveries since a time and re-enable a disabled
endpoint (which releases its held deliveries). Staff and partner changes are audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.audit.service import Action, record
from app.core.config import Settings
from app.core.errors import Conflict, NotFound, ValidationFailed
from app.partners.service import Who
from app.webhooks import signing
from app.webhooks.delivery import enqueue
from app.webhooks.models import EVENT_TYPES, TEST_EVENT, WebhookDelivery, WebhookEndpoint
from app.webhooks.ssrf import UnsafeURL, check_url

ROTATION_OVERLAP = timedelta(hours=24)
MAX_ENDPOINTS_PER_PARTNER = 10


@dataclass(frozen=True)
class NewEndpoint:
    endpoint: WebhookEndpoint
    secret: str  # shown once


def _event_types(values: list[str]) -> list[str]:
    unknown = [v for v in values if v not in EVENT_TYPES]
    if unknown or not values:
        raise ValidationFailed(
            f"event_types: one or more of {', '.join(EVENT_TYPES)}"
            + (f" (unknown: {', '.join(unknown)})" if unknown else ""),
            code="invalid_event_types",
        )
    return sorted(set(values), key=EVENT_TYPES.index)


async def _check(url: str, settings: Settings) -> str:
    try:
        await check_url(url, allow_private=settings.webhooks_allow_private)
    except UnsafeURL as exc:
        raise ValidationFailed(
            f"This URL cannot receive webhooks: {exc}.", code="unsafe_url"
        ) from exc
    return url


async def _audit(
    session: AsyncSession, who: Who | None, action: str, endpoint: WebhookEndpoint, **details: Any
) -> None:
    """The partner's own changes are audited like staff ones (``via: partner``); tests
    and seeds that make endpoints directly pass no ``who``."""
    if who is None:
        return
    await record(
        session,
        action=action,
        at=who.at,
        actor=who.user,
        target_type="webhook_endpoint",
        target_id=endpoint.id,
        ip=who.ip,
        details={"via": who.via, "partner_id": str(endpoint.partner_id), **details},
    )


async def get_endpoint(
    session: AsyncSession, endpoint_id: uuid.UUID, partner_id: uuid.UUID | None = None
) -> WebhookEndpoint:
    endpoint = await session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or (partner_id is not None and endpoint.partner_id != partner_id):
        raise NotFound("No webhook endpoint has this id.", code="webhook_endpoint_not_found")
    return endpoint


async def create_endpoint(
    session: AsyncSession,
    partner_id: uuid.UUID,
    *,
    url: str,
    event_types: list[str],
    description: str | None,
    settings: Settings,
    now: datetime,
    who: Who | None = None,
) -> NewEndpoint:
    count = await session.scalar(
        sa.select(sa.func.count())
        .select_from(WebhookEndpoint)
        .where(WebhookEndpoint.partner_id == partner_id)
    )
    if (count or 0) >= MAX_ENDPOINTS_PER_PARTNER:
        raise Conflict(
            f"At most {MAX_ENDPOINTS_PER_PARTNER} endpoints per partner.", code="too_many_endpoints"
        )
    types = _event_types(event_types)  # before the URL: no DNS lookup for a bad request
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(
        id=uuid.uuid4(),
        partner_id=partner_id,
        url=await _check(url, settings),
        description=description,
        event_types=types,
        status="active",
        secret=secret,
        created_at=now,
        updated_at=now,
    )
    session.add(endpoint)
    await session.flush()
    await _audit(
        session,
        who,
        Action.WEBHOOK_ENDPOINT_CREATE,
        endpoint,
        url=endpoint.url,
        event_types=endpoint.event_types,
    )
    return NewEndpoint(endpoint, secret)


async def update_endpoint(
    session: AsyncSession,
    endpoint: WebhookEndpoint,
    *,
    url: str | None,
    event_types: list[str] | None,
    description: str | None,
    status: str | None,
    settings: Settings,
    now: datetime,
    who: Who | None = None,
) -> WebhookEndpoint:
    before = {"url": endpoint.url, "event_types": endpoint.event_types, "status": endpoint.status}
    if event_types is not None:
        endpoint.event_types = _event_types(event_types)
    if url is not None:
        endpoint.url = await _check(url, settings)
    if description is not None:
        endpoint.description = description
    if status == "disabled" and endpoint.status != "disabled":
        endpoint.status, endpoint.disabled_at = "disabled", now
        endpoint.disabled_reason = "disabled by its owner"
    elif status == "active" and endpoint.status != "active":
        await _enable(session, endpoint, now)
    endpoint.updated_at = now
    after = {"url": endpoint.url, "event_types": endpoint.event_types, "status": endpoint.status}
    changes = {k: {"from": before[k], "to": v} for k, v in after.items() if before[k] != v}
    if changes or description is not None:
        await _audit(session, who, Action.WEBHOOK_ENDPOINT_UPDATE, endpoint, changes=changes)
    await session.flush()
    return endpoint


async def _enable(session: AsyncSession, endpoint: WebhookEndpoint, at: datetime) -> int:
    """Active again, and its held deliveries go back to the queue: none was dropped."""
    endpoint.status, endpoint.disabled_reason, endpoint.disabled_at = "active", None, None
    result = await session.execute(
        sa.update(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == "held")
        .values(status="pending", held_reason=None, next_attempt_at=at, attempts=0)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def rotate_secret(
    session: AsyncSession, endpoint: WebhookEndpoint, *, now: datetime, who: Who | None = None
) -> NewEndpoint:
    """A new secret; the old one still signs (beside it) for 24 hours."""
    secret = signing.new_secret()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = now + ROTATION_OVERLAP
    endpoint.secret = secret
    endpoint.updated_at = now
    await _audit(
        session,
        who,
        Action.WEBHOOK_SECRET_ROTATE,
        endpoint,
        previous_valid_until=endpoint.previous_secret_expires_at.isoformat(),
    )
    await session.flush()
    return NewEndpoint(endpoint, secret)


async def send_test(session: AsyncSession, endpoint: WebhookEndpoint, *, now: datetime) -> str:
    if endpoint.status != "active":
        raise Conflict("The endpoint is disabled; enable it first.", code="endpoint_disabled")
    ids = await enqueue(
        session,
        partner_id=endpoint.partner_id,
        event_type=TEST_EVENT,
        event_key=f"test:{uuid.uuid4()}",
        data={"message": "A test event from Aurum Solar. Verify its signature like any other."},
        at=now,
        endpoints=[endpoint],
    )
    return ids[0]


async def redeliver(session: AsyncSession, delivery_id: str, who: Who) -> WebhookDelivery:
    delivery = await session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise NotFound("No delivery has this id.", code="webhook_delivery_not_found")
    endpoint = await get_endpoint(session, delivery.endpoint_id)
    if endpoint.status != "active":
        raise Conflict(
            "The endpoint is disabled; re-enable it (its held deliveries go out then).",
            code="endpoint_disabled",
        )
    delivery.status, delivery.held_reason = "pending", None
    delivery.next_attempt_at = who.at
    delivery.lease_until = delivery.leased_by = None
    await record(
        session,
        action=Action.WEBHOOK_REDELIVER,
        at=who.at,
        actor=who.user,
        target_type="webhook_delivery",
        target_id=delivery.id,
        ip=who.ip,
        details={"via": who.via, "endpoint_id": str(endpoint.id)},
    )
    await session.flush()
    return delivery


async def replay(session: AsyncSession, endpoint_id: uuid.UUID, since: datetime, who: Who) -> int:
    """Send every delivery of the endpoint since ``since`` again (same ids)."""
    endpoint = await get_endpoint(session, endpoint_id)
    if endpoint.status != "active":
        raise Conflict("The endpoint is disabled; re-enable it first.", code="endpoint_disabled")
    result = await session.execute(
        sa.update(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.created_at >= since)
        .values(
            status="pending",
            held_reason=None,
            next_attempt_at=who.at,
            lease_until=None,
            leased_by=None,
        )
        .execution_options(synchronize_session=False)
    )
    count = result.rowcount or 0
    await record(
        session,
        action=Action.WEBHOOK_REPLAY,
        at=who.at,
        actor=who.user,
        target_type="webhook_endpoint",
        target_id=endpoint.id,
        ip=who.ip,
        details={"via": who.via, "since": since.isoformat(), "deliveries": count},
    )
    return count


async def enable(
    session: AsyncSession, endpoint_id: uuid.UUID, who: Who
) -> tuple[WebhookEndpoint, int]:
    endpoint = await get_endpoint(session, endpoint_id)
    released = await _enable(session, endpoint, who.at) if endpoint.status != "active" else 0
    endpoint.updated_at = who.at
    await record(
        session,
        action=Action.WEBHOOK_ENABLE,
        at=who.at,
        actor=who.user,
        target_type="webhook_endpoint",
        target_id=endpoint.id,
        ip=who.ip,
        details={"via": who.via, "released": released},
    )
    await session.flush()
    return endpoint, released

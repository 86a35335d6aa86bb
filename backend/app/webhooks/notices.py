"""What a partner should act on about its webhooks: disabled endpoints and held
deliveries (shown on ``GET /b2b/account`` until they are dealt with)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.webhooks.models import WebhookDelivery, WebhookEndpoint


@dataclass(frozen=True)
class WebhookNotice:
    code: str
    message: str
    at: datetime | None
    details: dict[str, Any]


async def notices_for(session: AsyncSession, partner_id: uuid.UUID) -> list[WebhookNotice]:
    found: list[WebhookNotice] = []
    disabled = (
        await session.execute(
            sa.select(WebhookEndpoint).where(
                WebhookEndpoint.partner_id == partner_id, WebhookEndpoint.status == "disabled"
            )
        )
    ).scalars()
    for endpoint in disabled:
        found.append(
            WebhookNotice(
                "webhook_endpoint_disabled",
                f"Your webhook endpoint {endpoint.url} is disabled ({endpoint.disabled_reason}); "
                "its deliveries are held. Enable it again to receive them.",
                endpoint.disabled_at,
                {"endpoint_id": str(endpoint.id)},
            )
        )
    rows = (
        await session.execute(
            sa.select(
                WebhookDelivery.endpoint_id,
                sa.func.count(),
                sa.func.min(WebhookDelivery.created_at),
            )
            .where(WebhookDelivery.partner_id == partner_id, WebhookDelivery.status == "held")
            .group_by(WebhookDelivery.endpoint_id)
        )
    ).all()
    for endpoint_id, count, oldest in rows:
        found.append(
            WebhookNotice(
                "webhook_deliveries_held",
                f"{count} webhook deliveries are held (none is lost): they will go out when "
                "the endpoint is enabled, or redeliver them from your delivery log.",
                oldest,
                {"endpoint_id": str(endpoint_id), "held": int(count)},
            )
        )
    return found

"""What each webhook event says: the ``data`` of its body, built from the outbox event.

``lead.sold``'s data is exactly the B2B API's lead item (``GET /b2b/leads/{id}``), so a
partner parses one shape whether it pulls or is pushed to.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.outbox import OutboxEvent
from app.partners.distribution import BALANCE_LOW, CAP_REACHED, LEAD_SOLD
from app.partners.items import item_for_sale
from app.partners.models import Partner
from app.partners.returns import RETURN_DECIDED


async def payload_for(
    session: AsyncSession, event: OutboxEvent, settings: Settings
) -> tuple[uuid.UUID | None, dict[str, Any]]:
    """(the partner to tell, the event's data); (None, {}) when there is nothing to say."""
    payload = event.payload
    partner_id = uuid.UUID(payload["partner_id"])
    if event.topic == LEAD_SOLD:
        item = await item_for_sale(
            session, uuid.UUID(payload["sale_id"]), return_window_days=settings.return_window_days
        )
        return (partner_id, item.model_dump(mode="json")) if item else (None, {})
    if event.topic == RETURN_DECIDED:
        return partner_id, {k: payload[k] for k in ("return_id", "sale_id", "lead_id", "status")}
    if event.topic == CAP_REACHED:
        return partner_id, {"period": payload["period"], "cap": payload["cap"]}
    if event.topic == BALANCE_LOW:
        partner = await session.get(Partner, partner_id)
        return partner_id, {
            "balance_cents": payload["balance_cents"],
            "low_balance_cents": partner.low_balance_cents if partner else None,
        }
    return None, {}

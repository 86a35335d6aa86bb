"""``/admin/webhook-deliveries`` and ``/admin/webhook-endpoints``: the delivery log, and
redelivery, replay and re-enabling (manager role or higher for the changes)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from app.admin.deps import AnalystAccess, ManagerAccess, Principal
from app.core.datetimes import UTCDatetime
from app.core.db import SessionDep
from app.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthorized,
    ValidationFailed,
    responses,
)
from app.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, SortKey, next_cursor, page_query
from app.partners.service import Who
from app.webhooks import service
from app.webhooks.models import (
    DELIVERY_STATUSES,
    EVENT_TYPES,
    TEST_EVENT,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from app.webhooks.schemas import AttemptOut, DeliveryOut, EndpointOut

deliveries_router = APIRouter(prefix="/webhook-deliveries", tags=["admin_webhooks"])
endpoints_router = APIRouter(prefix="/webhook-endpoints", tags=["admin_webhooks"])
router = APIRouter()

_COMMON = (Unauthorized, Forbidden, ValidationFailed, RateLimited)
SORT = SortKey(
    "-created_at", WebhookDelivery.created_at, WebhookDelivery.id, descending=True, kind=datetime
)


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    next_cursor: str | None


class Redelivered(BaseModel):
    delivery: DeliveryOut


class ReplayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    since: UTCDatetime = Field(description="Send again every delivery created at or after this.")


class ReplayOut(BaseModel):
    queued: int = Field(description="How many deliveries go out again (same webhook-ids).")


class EnabledOut(BaseModel):
    endpoint: EndpointOut
    released: int = Field(description="Held deliveries sent again now.")


def _who(principal: Principal) -> Who:
    return Who(via="api", at=principal.now, user=principal.user, ip=principal.ip)


async def _attempts(session: SessionDep, ids: list[str]) -> dict[str, list[AttemptOut]]:
    found: dict[str, list[AttemptOut]] = {i: [] for i in ids}
    if ids:
        rows = await session.execute(
            sa.select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id.in_(ids))
            .order_by(WebhookAttempt.attempted_at, WebhookAttempt.id)
        )
        for attempt in rows.scalars():
            found[attempt.delivery_id].append(AttemptOut.model_validate(attempt))
    return found


@deliveries_router.get("", response_model=DeliveryPage, responses=responses(*_COMMON))
async def list_deliveries(
    principal: AnalystAccess,
    session: SessionDep,
    partner_id: uuid.UUID | None = None,
    endpoint_id: uuid.UUID | None = None,
    status: Annotated[list[str] | None, Query(description=", ".join(DELIVERY_STATUSES))] = None,
    event_type: Annotated[
        list[str] | None, Query(description=", ".join((*EVENT_TYPES, TEST_EVENT)))
    ] = None,
    created_from: UTCDatetime | None = None,
    created_to: UTCDatetime | None = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> DeliveryPage:
    """Webhook deliveries, newest first, each with its attempts (time, status, latency,
    the first 1 KB of the response, the error). Analyst role or higher."""
    statement = sa.select(WebhookDelivery)
    if partner_id:
        statement = statement.where(WebhookDelivery.partner_id == partner_id)
    if endpoint_id:
        statement = statement.where(WebhookDelivery.endpoint_id == endpoint_id)
    if status:
        statement = statement.where(WebhookDelivery.status.in_(status))
    if event_type:
        statement = statement.where(WebhookDelivery.event_type.in_(event_type))
    if created_from:
        statement = statement.where(WebhookDelivery.created_at >= created_from)
    if created_to:
        statement = statement.where(WebhookDelivery.created_at < created_to)
    rows = list((await session.execute(page_query(statement, SORT, cursor, limit))).scalars())
    page = rows[:limit]
    attempts = await _attempts(session, [d.id for d in page])
    return DeliveryPage(
        items=[DeliveryOut.of(d, attempts[d.id]) for d in page],
        next_cursor=next_cursor(rows, SORT, limit, "created_at"),
    )


@deliveries_router.post(
    "/{delivery_id}/redeliver",
    response_model=Redelivered,
    responses=responses(*_COMMON, NotFound, Conflict),
)
async def redeliver(
    delivery_id: Annotated[str, Path(max_length=40, description="The webhook-id (msg_...).")],
    principal: ManagerAccess,
    session: SessionDep,
) -> Redelivered:
    """Send one delivery again now, with the same `webhook-id` (a held one included).
    409 while its endpoint is disabled. Audited. Manager role or higher."""
    delivery = await service.redeliver(session, delivery_id, _who(principal))
    attempts = await _attempts(session, [delivery.id])
    return Redelivered(delivery=DeliveryOut.of(delivery, attempts[delivery.id]))


@endpoints_router.get("", response_model=list[EndpointOut], responses=responses(*_COMMON))
async def list_endpoints(
    principal: AnalystAccess, session: SessionDep, partner_id: uuid.UUID | None = None
) -> list[EndpointOut]:
    """Webhook endpoints (never their secrets), with held-delivery counts. Analyst role
    or higher."""
    statement = sa.select(WebhookEndpoint).order_by(WebhookEndpoint.created_at)
    if partner_id:
        statement = statement.where(WebhookEndpoint.partner_id == partner_id)
    endpoints = list((await session.execute(statement)).scalars())
    held = dict(
        (
            await session.execute(
                sa.select(WebhookDelivery.endpoint_id, sa.func.count())
                .where(WebhookDelivery.status == "held")
                .group_by(WebhookDelivery.endpoint_id)
            )
        ).all()
    )
    return [EndpointOut.of(e, held.get(e.id, 0)) for e in endpoints]


@endpoints_router.post(
    "/{endpoint_id}/replay",
    response_model=ReplayOut,
    responses=responses(*_COMMON, NotFound, Conflict),
)
async def replay(
    endpoint_id: uuid.UUID, body: ReplayIn, principal: ManagerAccess, session: SessionDep
) -> ReplayOut:
    """Send again every delivery of this endpoint since a time (same `webhook-id`s, so
    the partner's deduplication holds). Audited. Manager role or higher."""
    return ReplayOut(queued=await service.replay(session, endpoint_id, body.since, _who(principal)))


@endpoints_router.post(
    "/{endpoint_id}/enable",
    response_model=EnabledOut,
    responses=responses(*_COMMON, NotFound),
)
async def enable(
    endpoint_id: uuid.UUID, principal: ManagerAccess, session: SessionDep
) -> EnabledOut:
    """Re-enable a disabled endpoint (after a 410 Gone, or disabled by its owner): its
    held deliveries go out again. Audited. Manager role or higher."""
    endpoint, released = await service.enable(session, endpoint_id, _who(principal))
    return EnabledOut(endpoint=EndpointOut.of(endpoint, 0), released=released)


router.include_router(deliveries_router)
router.include_router(endpoints_router)

"""``/b2b/webhooks``: a partner manages its own webhook endpoints and reads its delivery
log (API key with `account:read` to read, `account:write` to change). How to verify a
delivery's signature: docs/webhooks.md."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

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
from app.partners.b2b_deps import AccountReader, AccountWriter
from app.webhooks import service
from app.webhooks.admin_router import DeliveryPage, _attempts
from app.webhooks.models import EVENT_TYPES, WebhookDelivery, WebhookEndpoint
from app.webhooks.schemas import DeliveryOut, EndpointCreated, EndpointOut

router = APIRouter(prefix="/b2b/webhooks", tags=["b2b"])

_COMMON = (Unauthorized, Forbidden, ValidationFailed, RateLimited)
SORT = SortKey(
    "-created_at", WebhookDelivery.created_at, WebhookDelivery.id, descending=True, kind=datetime
)


class EndpointIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=2000, description="https on a public address.")
    event_types: list[str] = Field(
        min_length=1, max_length=len(EVENT_TYPES), description=", ".join(EVENT_TYPES)
    )
    description: str | None = Field(default=None, max_length=200)


class EndpointPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, max_length=2000)
    event_types: list[str] | None = Field(default=None, min_length=1, max_length=len(EVENT_TYPES))
    description: str | None = Field(default=None, max_length=200)
    status: str | None = Field(
        default=None,
        pattern="^(active|disabled)$",
        description="`disabled` holds deliveries; `active` again sends every held one.",
    )


class TestSent(BaseModel):
    delivery_id: str = Field(description="Its webhook-id; see it in the delivery log.")


async def _held(session: SessionDep, endpoint_id: uuid.UUID) -> int:
    return int(
        await session.scalar(
            sa.select(sa.func.count())
            .select_from(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.status == "held")
        )
        or 0
    )


def _created(made: service.NewEndpoint) -> JSONResponse:
    body = EndpointCreated(**EndpointOut.of(made.endpoint, 0).model_dump(), secret=made.secret)
    return JSONResponse(
        body.model_dump(mode="json"), status_code=201, headers={"Cache-Control": "no-store"}
    )


@router.get("", response_model=list[EndpointOut], responses=responses(*_COMMON))
async def list_webhooks(principal: AccountReader, session: SessionDep) -> list[EndpointOut]:
    """Your webhook endpoints (never their secrets). Scope `account:read`."""
    endpoints = (
        await session.execute(
            sa.select(WebhookEndpoint)
            .where(WebhookEndpoint.partner_id == principal.id)
            .order_by(WebhookEndpoint.created_at)
        )
    ).scalars()
    return [EndpointOut.of(e, await _held(session, e.id)) for e in endpoints]


@router.post(
    "",
    status_code=201,
    response_model=EndpointCreated,
    responses=responses(*_COMMON, Conflict),
)
async def create_webhook(
    body: EndpointIn, principal: AccountWriter, session: SessionDep, request: Request
) -> JSONResponse:
    """Add an endpoint. The answer holds its signing secret (`whsec_...`) this once.
    Scope `account:write`."""
    made = await service.create_endpoint(
        session,
        principal.id,
        url=body.url,
        event_types=body.event_types,
        description=body.description,
        settings=request.app.state.settings,
        now=principal.now,
        who=principal.who(),
    )
    return _created(made)


@router.patch("/{endpoint_id}", response_model=EndpointOut, responses=responses(*_COMMON, NotFound))
async def update_webhook(
    endpoint_id: uuid.UUID,
    body: EndpointPatch,
    principal: AccountWriter,
    session: SessionDep,
    request: Request,
) -> EndpointOut:
    """Change an endpoint's URL, events or description, or disable and enable it
    (enabling sends every held delivery). Scope `account:write`."""
    endpoint = await service.get_endpoint(session, endpoint_id, principal.id)
    await service.update_endpoint(
        session,
        endpoint,
        url=body.url,
        event_types=body.event_types,
        description=body.description,
        status=body.status,
        settings=request.app.state.settings,
        now=principal.now,
        who=principal.who(),
    )
    return EndpointOut.of(endpoint, await _held(session, endpoint.id))


@router.post(
    "/{endpoint_id}/rotate-secret",
    status_code=201,
    response_model=EndpointCreated,
    responses=responses(*_COMMON, NotFound),
)
async def rotate_webhook_secret(
    endpoint_id: uuid.UUID, principal: AccountWriter, session: SessionDep
) -> JSONResponse:
    """A new signing secret, shown this once. For 24 hours every delivery is signed with
    the old and the new one, so you can switch without missing a delivery. Scope
    `account:write`."""
    endpoint = await service.get_endpoint(session, endpoint_id, principal.id)
    return _created(
        await service.rotate_secret(session, endpoint, now=principal.now, who=principal.who())
    )


@router.post(
    "/{endpoint_id}/test",
    status_code=202,
    response_model=TestSent,
    responses=responses(*_COMMON, NotFound, Conflict),
)
async def test_webhook(
    endpoint_id: uuid.UUID, principal: AccountWriter, session: SessionDep
) -> TestSent:
    """Send a `webhook.test` event to this endpoint now. Scope `account:write`."""
    endpoint = await service.get_endpoint(session, endpoint_id, principal.id)
    return TestSent(delivery_id=await service.send_test(session, endpoint, now=principal.now))


@router.get(
    "/{endpoint_id}/deliveries",
    response_model=DeliveryPage,
    responses=responses(*_COMMON, NotFound),
)
async def webhook_deliveries(
    endpoint_id: uuid.UUID,
    principal: AccountReader,
    session: SessionDep,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> DeliveryPage:
    """This endpoint's deliveries, newest first, each with every attempt (time, your
    status code, latency, the first 1 KB of your answer). Scope `account:read`."""
    await service.get_endpoint(session, endpoint_id, principal.id)
    statement = sa.select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
    rows = list((await session.execute(page_query(statement, SORT, cursor, limit))).scalars())
    page = rows[:limit]
    attempts = await _attempts(session, [d.id for d in page])
    return DeliveryPage(
        items=[DeliveryOut.of(d, attempts[d.id]) for d in page],
        next_cursor=next_cursor(rows, SORT, limit, "created_at"),
    )

"""``/admin/events``: the live feed as server-sent events, opened with a ticket."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import BaseModel, Field

from app.admin.deps import AnalystAccess
from app.core.cache import entry_order
from app.core.db import SessionFactoryDep, utcnow
from app.core.errors import (
    AppError,
    Forbidden,
    RateLimited,
    Unauthorized,
    ValidationFailed,
    responses,
)
from app.core.events import FeedClosed, LiveEvent, Overflowed
from app.live import service
from app.live.service import Viewer

router = APIRouter(prefix="/events", tags=["admin_live"])

RECONNECT_MS = 3000  # how soon a browser's EventSource reconnects after a drop
RECHECK_SECONDS = 60.0  # how often an open stream checks its user is still signed in


class Ticket(BaseModel):
    ticket: str = Field(description="Pass as `?ticket=` to `GET /admin/events`; single use.")
    expires_in: int = Field(description="Seconds the ticket stays valid.")


@router.post(
    "/ticket",
    response_model=Ticket,
    responses=responses(Unauthorized, Forbidden, RateLimited),
)
async def create_ticket(request: Request, principal: AnalystAccess) -> Ticket:
    """A single-use ticket for opening the live feed (an `EventSource` cannot send the
    access token, and a token in a URL would end up in logs). Any staff role."""
    ttl = request.app.state.settings.live_ticket_seconds
    ticket = await service.issue_ticket(
        request.app.state.store, principal.user, principal.claims.session_id, ttl_seconds=ttl
    )
    return Ticket(ticket=ticket, expires_in=ttl)


def _no_token_in_url(request: Request) -> None:
    ticket = request.query_params.get("ticket", "")
    if (
        "access_token" in request.query_params
        or "token" in request.query_params
        or (ticket.startswith("eyJ") and ticket.count(".") == 2)
    ):
        raise Unauthorized(
            "Access tokens are never accepted in a URL; get a stream ticket from "
            "POST /api/v1/admin/events/ticket.",
            code="token_in_url",
        )


async def ticket_holder(
    request: Request,
    session_factory: SessionFactoryDep,
    ticket: Annotated[str, Query(min_length=1, max_length=200)],
    _checked: Annotated[None, Depends(_no_token_in_url)],
) -> Viewer:
    return await service.redeem_ticket(request.app.state.store, ticket, session_factory)


def _sse(event: LiveEvent, viewer: Viewer) -> ServerSentEvent:
    return ServerSentEvent(id=event.id, event=event.type, data=service.view_for(event, viewer))


def _json_errors(*errors: type[AppError]) -> dict[int | str, dict[str, Any]]:
    """Error answers of the stream route: JSON, not the route's text/event-stream."""
    return {
        status: {
            "description": entry["description"],
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}
            },
        }
        for status, entry in responses(*errors).items()
    }


@router.get(
    "",
    response_class=EventSourceResponse,
    responses=_json_errors(Unauthorized, Forbidden, ValidationFailed),
)
async def stream_events(
    request: Request,
    viewer: Annotated[Viewer, Depends(ticket_holder)],
    session_factory: SessionFactoryDep,
    last_event_id_header: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
    last_event_id: Annotated[
        str | None,
        Query(max_length=40, description="Resume after this event id (EventSource reconnects)."),
    ] = None,
) -> AsyncIterable[ServerSentEvent]:
    """What happens, as it happens: each message has `id`, `event` (its type) and
    `data` `{"id","type","at","data"}`. Resumes after `Last-Event-ID` (header, or the
    `last_event_id` parameter) from the recent buffer. Analysts see no names or contact
    details. A keep-alive comment every 15 s."""
    feed = request.app.state.live_feed
    resume_after = last_event_id_header or last_event_id
    try:
        async with feed.listen() as next_event:
            # Listening from here on; the client may count on what happens next.
            yield ServerSentEvent(comment="connected", retry=RECONNECT_MS)
            sent = entry_order(resume_after) if resume_after else None
            if sent is not None:
                for event in await feed.since(resume_after):
                    yield _sse(event, viewer)
                    sent = entry_order(event.id)
            while True:
                try:
                    event = await asyncio.wait_for(next_event(), RECHECK_SECONDS)
                except TimeoutError:
                    # A stream outlives access tokens: the sign-in must still stand.
                    role = await service.current_role(viewer, session_factory, now=utcnow())
                    if role != viewer.role:
                        return  # signed out, disabled or a new role: it asks again
                    continue
                if sent is not None and (entry_order(event.id) or (0, 0)) <= sent:
                    continue  # already sent from the buffer
                yield _sse(event, viewer)
    except (FeedClosed, Overflowed):
        return  # the server is stopping, or the client fell behind: it reconnects

"""``/admin/conversations``: chats with the advisor and their transcripts."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from app.admin.deps import AnalystAccess
from app.conversation import queries
from app.conversation.admin_schemas import (
    AdminConversationDetail,
    AdminConversationPage,
    ConversationSort,
    ConversationStatus,
)
from app.core.datetimes import UTCDatetime
from app.core.db import SessionDep
from app.core.errors import (
    Forbidden,
    NotFound,
    RateLimited,
    Unauthorized,
    ValidationFailed,
    responses,
)
from app.core.pagination import DEFAULT_LIMIT, MAX_LIMIT

router = APIRouter(prefix="/conversations", tags=["admin_conversations"])

_COMMON = (Unauthorized, Forbidden, ValidationFailed, RateLimited)


@router.get("", response_model=AdminConversationPage, responses=responses(*_COMMON))
async def list_conversations(
    principal: AnalystAccess,
    session: SessionDep,
    status: Annotated[
        list[ConversationStatus] | None, Query(description="Any of these statuses.")
    ] = None,
    agent: Annotated[str | None, Query(max_length=16, description="`guided` or `llm`.")] = None,
    has_lead: Annotated[
        bool | None, Query(description="Only chats that became (or did not become) a lead.")
    ] = None,
    lead_id: Annotated[uuid.UUID | None, Query(description="Only chats of this lead.")] = None,
    created_from: Annotated[UTCDatetime | None, Query()] = None,
    created_to: Annotated[UTCDatetime | None, Query()] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="The homeowner's first name, city or ZIP (managers and admins also "
            "last name, email, phone), from the lead the chat became.",
        ),
    ] = None,
    sort: Annotated[ConversationSort, Query()] = "-created_at",
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> AdminConversationPage:
    """Conversations, newest first by default, a page at a time (follow `next_cursor`),
    each with the homeowner's name and ZIP once known (last name masked for analysts).
    Analyst role or higher."""
    items, next_cursor = await queries.list_conversations(
        session,
        queries.ConversationFilters(
            status=tuple(status or ()),
            agent=agent,
            has_lead=has_lead,
            lead_id=lead_id,
            created_from=created_from,
            created_to=created_to,
            q=q,
        ),
        sort=sort,
        cursor=cursor,
        limit=limit,
        sees_pii=principal.sees_pii,
    )
    return AdminConversationPage(items=items, next_cursor=next_cursor)


@router.get(
    "/{conversation_id}",
    response_model=AdminConversationDetail,
    responses=responses(*_COMMON, NotFound),
)
async def get_conversation(
    conversation_id: uuid.UUID, principal: AnalystAccess, session: SessionDep
) -> AdminConversationDetail:
    """One conversation with what the advisor learned and the full transcript. Email,
    phone, street address and last name are masked for analysts, in the slots and in
    the messages. Analyst role or higher."""
    return await queries.conversation_detail(session, conversation_id, principal.sees_pii)

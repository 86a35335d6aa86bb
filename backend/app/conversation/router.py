"""The homeowner's chat API: start, send a message (JSON or server-sent events), resume."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import StreamingResponse
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.conversation import queries, service
from app.conversation.models import Conversation, Message
from app.conversation.schemas import (
    ConversationCreate,
    ConversationCreated,
    ConversationOut,
    ConversationState,
    MessageIn,
    MessageOut,
    TurnOut,
)
from app.core.clientip import client_ip
from app.core.db import SessionDep, SessionFactoryDep, is_database_unavailable
from app.core.errors import (
    DATABASE_RETRY_AFTER_SECONDS,
    AppError,
    Conflict,
    NotFound,
    ValidationFailed,
    error_payload,
    responses,
)
from app.core.sse import SSE_HEADERS, sse_event
from app.solar.schemas import Estimate

logger = logging.getLogger("aurum.conversation")

router = APIRouter(prefix="/conversations", tags=["conversations"])

# Streamed turns whose client went away keep running to commit (a reload then shows
# them); holding a reference keeps them from being garbage-collected mid-flight.
_inflight: set[asyncio.Task[None]] = set()

TokenHeader = Annotated[
    str | None,
    Header(alias="X-Conversation-Token", description="The token returned when the chat began."),
]


def _client(request: Request) -> service.Client:
    return service.Client(ip=client_ip(request), user_agent=request.headers.get("user-agent"))


def _messages(rows: list[Message]) -> list[MessageOut]:
    return [
        MessageOut(
            id=row.id,
            seq=row.seq,
            role=row.role,  # type: ignore[arg-type]
            content=row.content,
            kind=(row.meta or {}).get("kind", "text"),
            meta={k: v for k, v in (row.meta or {}).items() if k != "kind"},
            created_at=row.created_at,
        )
        for row in rows
    ]


def _state(conversation: Conversation) -> ConversationState:
    state = service.state_of(conversation)
    state["estimate"] = current_estimate(state["estimate"])
    return ConversationState(**state)


def current_estimate(stored: dict[str, Any] | None) -> Estimate | None:
    """The chat's estimate, if it has the engine's current shape. One made by an older
    engine (a chat from before an upgrade) is left out rather than failing the resume;
    the advisor makes a fresh one at the next answer that changes it."""
    if stored is None:
        return None
    try:
        return Estimate.model_validate(stored)
    except ValidationError:
        return None


@router.post(
    "",
    status_code=201,
    response_model=ConversationCreated,
    responses=responses(ValidationFailed),
)
async def start(
    request: Request, session: SessionDep, body: ConversationCreate | None = None
) -> ConversationCreated:
    """Start a chat: the advisor greets and asks its first question."""
    body = body or ConversationCreate()
    advisor = request.app.state.advisor
    conversation, token, rows = await service.start_conversation(
        session,
        client=_client(request),
        source=body.source,
        utm=body.utm(),
        language=body.language,
        agent_kind=advisor.kind,
    )
    return ConversationCreated(
        id=conversation.id, token=token, messages=_messages(rows), state=_state(conversation)
    )


@router.get("/{conversation_id}", response_model=ConversationOut, responses=responses(NotFound))
async def resume(
    conversation_id: uuid.UUID, session: SessionDep, token: TokenHeader = None
) -> ConversationOut:
    """The whole transcript and state, so a reload resumes the chat."""
    conversation = await service.get_authorized(session, conversation_id, token)
    rows = (await queries.messages_of(session, [conversation.id]))[conversation.id]
    return ConversationOut(
        id=conversation.id,
        created_at=conversation.created_at,
        messages=_messages(rows),
        state=_state(conversation),
    )


@router.post(
    "/{conversation_id}/messages",
    response_model=TurnOut,
    responses={
        **responses(NotFound, ValidationFailed, Conflict),
        200: {
            "description": "The advisor's reply; with `Accept: text/event-stream`, streamed as "
            "server-sent events: `delta` ({index, text}) chunks, then `state` "
            "({messages, state}), then `done`. A failure mid-stream sends `error` "
            '({"error": {code, message, details}, "status": <the HTTP status it stands for>}).',
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
    },
)
async def send_message(
    conversation_id: uuid.UUID,
    body: MessageIn,
    request: Request,
    session: SessionDep,
    session_factory: SessionFactoryDep,
    token: TokenHeader = None,
) -> Any:
    """Send the homeowner's message and get the advisor's reply (JSON or a stream)."""
    advisor = request.app.state.advisor
    client = _client(request)

    async def take_turn(turn_session: AsyncSession, on_delta: Any = None) -> TurnOut:
        conversation = await service.get_authorized(turn_session, conversation_id, token)
        rows = await service.run_turn(
            turn_session,
            conversation,
            body.content,
            agent=advisor.respond_for(conversation),
            tools=advisor.tools,
            client=client,
            on_delta=on_delta,
        )
        return TurnOut(messages=_messages(rows), state=_state(conversation))

    if "text/event-stream" not in request.headers.get("accept", ""):
        return await take_turn(session)

    # Authorise before the stream starts, so a bad id or token is a plain 404.
    await service.get_authorized(session, conversation_id, token)

    async def events() -> AsyncIterator[bytes]:
        queue: asyncio.Queue[tuple[str, Any] | None] = asyncio.Queue()

        async def sink(index: int, text: str) -> None:
            await queue.put(("delta", {"index": index, "text": text}))

        async def work() -> None:
            try:
                async with session_factory() as turn_session:
                    payload = await take_turn(turn_session, sink)
                # Committed: only now tell the client the turn happened.
                await queue.put(("state", payload))
            except AppError as exc:
                payload = error_payload(exc.code, exc.message, exc.details)
                await queue.put(("error", {**payload, "status": exc.status_code}))
            except Exception as exc:
                # What the JSON path would answer: 503 with a retry hint when the database
                # is unreachable, 500 only for a failure of our own.
                if is_database_unavailable(exc):
                    logger.warning("streamed turn: database unavailable")
                    payload = error_payload(
                        "database_unavailable",
                        "The database is temporarily unavailable; try again shortly.",
                        {"retry_after_seconds": DATABASE_RETRY_AFTER_SECONDS},
                    )
                    await queue.put(("error", {**payload, "status": 503}))
                else:
                    logger.exception("streamed turn failed")
                    payload = error_payload(
                        "turn_failed", "The advisor could not reply; please try again."
                    )
                    await queue.put(("error", {**payload, "status": 500}))
            finally:
                await queue.put(None)

        task = asyncio.create_task(work())
        try:
            while (item := await queue.get()) is not None:
                yield sse_event(*item)
            yield sse_event("done", {})
        finally:
            if not task.done():
                _inflight.add(task)
                task.add_done_callback(_inflight.discard)

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers=SSE_HEADERS,
    )

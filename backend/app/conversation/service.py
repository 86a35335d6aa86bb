"""Conversation rules: start, authorise, run a turn, persist it, and create the lead.

A turn is one transaction: the homeowner's message, the advisor's replies, the new
state and (when the homeowner consents) the lead and its consent record commit
together or not at all.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from app.conversation import queries
from app.conversation.agent import guided
from app.conversation.agent.base import (
    AdvisorTools,
    Agent,
    AgentState,
    AgentTurn,
    DeltaSink,
    OutgoingMessage,
    chunk_text,
)
from app.conversation.models import Conversation, Message
from app.conversation.privacy import purge_contact
from app.core.db import utcnow
from app.core.errors import Conflict, NotFound
from app.core.security import hash_token
from app.leads import consent
from app.leads.service import ConsentEvidence, LeadDetails, submit_lead
from app.mail.estimate import request_estimate_mail

logger = logging.getLogger("aurum.conversation")

MAX_MESSAGES_PER_CONVERSATION = 400
HISTORY_MESSAGES = 12  # what an agent reads of the chat so far
ENDED_WITHOUT_LEAD = frozenset({"declined_consent", "stopped", "ended_renter"})


@dataclass(frozen=True)
class Client:
    ip: str | None
    user_agent: str | None


def state_of(conversation: Conversation) -> dict[str, Any]:
    return {
        "status": conversation.status,
        "awaiting": conversation.awaiting,
        "slots": dict(conversation.slots or {}),
        "quick_replies": list(conversation.quick_replies or []),
        "estimate": conversation.estimate,
        "completed": conversation.status != "active",
        "lead_id": conversation.lead_id,
    }


def _message_row(conversation: Conversation, role: str, message: OutgoingMessage) -> Message:
    row = Message(
        id=uuid.uuid4(),
        conversation_id=conversation.id,
        seq=conversation.message_count,
        role=role,
        content=message.content,
        meta={"kind": message.kind, **message.meta},
        created_at=utcnow(),
    )
    conversation.message_count += 1
    return row


async def start_conversation(
    session: AsyncSession,
    *,
    client: Client,
    source: str | None,
    utm: dict[str, str],
    language: str,
    agent_kind: str,
    now: datetime | None = None,
) -> tuple[Conversation, str, list[Message]]:
    token = secrets.token_urlsafe(32)
    turn = guided.opening_turn()
    conversation = Conversation(
        id=uuid.uuid4(),
        token_hash=hash_token(token),
        status="active",
        agent=agent_kind,
        language=language,
        awaiting=turn.state.awaiting,
        slots={},
        quick_replies=turn.quick_replies,
        source=source,
        utm=utm,
        ip=client.ip,
        user_agent=(client.user_agent or "")[:512] or None,
        message_count=0,
    )
    if now is not None:  # backdated (the demo data)
        conversation.created_at = conversation.updated_at = now
    session.add(conversation)
    await session.flush()
    rows = [_message_row(conversation, "assistant", m) for m in turn.messages]
    session.add_all(rows)
    await session.flush()
    return conversation, token, rows


async def get_authorized(
    session: AsyncSession, conversation_id: uuid.UUID, token: str | None
) -> Conversation:
    """The conversation, if ``token`` is its token; 404 otherwise (never 403: an
    unknown id and a wrong token look the same from outside)."""
    conversation = await session.get(Conversation, conversation_id)
    if (
        conversation is None
        or not token
        or conversation.token_hash is None  # expired after a long idle spell
        or not hmac.compare_digest(conversation.token_hash, hash_token(token))
    ):
        raise NotFound("No conversation with this id and token.", code="conversation_not_found")
    return conversation


def _lead_details(conversation: Conversation, state: AgentState) -> LeadDetails:
    slots = state.slots
    location = (state.estimate or {}).get("location") or {}
    return LeadDetails(
        first_name=slots["first_name"],
        last_name=slots["last_name"],
        email=slots["email"],
        phone=slots["phone"],
        zip_code=slots["zip_code"],
        city=location.get("city"),
        state=location.get("state") or slots.get("state", ""),
        homeowner=slots["homeowner"],
        property_type=slots["property_type"],
        monthly_bill_usd=float(slots["monthly_bill"]),
        roof_type=slots["roof_type"],
        shade=slots["shade"],
        credit_band=slots["credit_band"],
        timeline=slots["timeline"],
        battery_interest=slots.get("battery_interest"),
        estimate=state.estimate,
        utm=dict(conversation.utm or {}),
    )


def _consent_evidence(
    conversation: Conversation, state: AgentState, client: Client
) -> ConsentEvidence:
    """The disclosure the homeowner agreed to, naming the number of installers they
    chose (their own words at the consent question narrow the text shown, never widen
    it)."""
    chosen = int(state.slots.get("max_buyers") or state.max_buyers)
    chosen = max(1, min(chosen, state.max_buyers))
    text = consent.disclosure(chosen)
    return ConsentEvidence(
        source="chat",
        ip=client.ip,
        user_agent=client.user_agent,
        conversation_id=conversation.id,
        disclosure_text=text,
        disclosure_version=consent.version_of(text),
        max_buyers=chosen,
    )


async def run_turn(
    session: AsyncSession,
    conversation: Conversation,
    content: str,
    *,
    agent: Agent,
    tools: AdvisorTools,
    client: Client,
    on_delta: DeltaSink | None = None,
) -> list[Message]:
    """Let the agent answer the homeowner's message, then persist the message, the
    replies, the new state and (on consent) the lead in one flush.

    The agent runs outside any transaction (an LLM may take seconds); the write is
    guarded by the conversation's version, so a concurrent turn of the same
    conversation fails with 409 instead of interleaving.
    """
    if conversation.message_count >= MAX_MESSAGES_PER_CONVERSATION:
        raise Conflict(
            "This conversation has reached its length limit; please start a new one.",
            code="conversation_full",
        )
    if conversation.status != "active":
        turn = AgentTurn(
            messages=[OutgoingMessage(guided.policy.ALREADY_DONE, kind="closing")],
            state=AgentState(
                slots=dict(conversation.slots or {}),
                awaiting=None,
                estimate=conversation.estimate,
            ),
            quick_replies=[],
        )
    else:
        recent = await queries.recent_messages(session, conversation, last=HISTORY_MESSAGES)
        history = [(m.role, m.content) for m in recent]
        state = AgentState(
            slots=dict(conversation.slots or {}),
            awaiting=conversation.awaiting,
            estimate=conversation.estimate,
            history=history,
            max_buyers=tools.max_buyers,
            sends_estimate_email=tools.sends_estimate_email,
        )
        # The one early commit of the request (see docs/architecture.md, "Transactions"):
        # an LLM agent may think for seconds, and holding a pooled connection (and on
        # SQLite the write lock) that long would stall every other homeowner. Nothing is
        # written yet, so the commit only ends the read; the version column makes the
        # write below fail with 409 if another turn of this chat committed meanwhile.
        await session.commit()
        turn = await agent(state, content, tools, on_delta)

    if turn.outcome == "submit_lead":
        outcome = await submit_lead(
            session,
            _lead_details(conversation, turn.state),
            _consent_evidence(conversation, turn.state, client),
        )
        conversation.lead_id = outcome.lead.id
        conversation.status = "completed"
        conversation.completed_at = utcnow()
    elif turn.outcome is not None:
        conversation.status = "ended"
        conversation.completed_at = utcnow()

    session.add(_message_row(conversation, "user", OutgoingMessage(content, kind="text")))
    given_email = turn.state.slots.get("email")
    if (
        tools.sends_estimate_email
        and given_email
        and given_email != (conversation.slots or {}).get("email")
        and turn.outcome not in ENDED_WITHOUT_LEAD
    ):
        request_estimate_mail(session, conversation, given_email)
    conversation.slots = turn.state.slots
    conversation.awaiting = turn.state.awaiting
    conversation.estimate = turn.state.estimate
    conversation.quick_replies = turn.quick_replies
    rows = [_message_row(conversation, "assistant", m) for m in turn.messages]
    session.add_all(rows)
    try:
        await session.flush()
    except (StaleDataError, sa.exc.IntegrityError) as exc:
        raise Conflict(
            "Another message in this conversation is being answered; try again.",
            code="conversation_busy",
        ) from exc
    if turn.outcome in ENDED_WITHOUT_LEAD:
        # A chat that will never be a lead keeps no contact details, from this turn on.
        await purge_contact(session, conversation, at=utcnow())
        await session.flush()
    if on_delta and not turn.streamed:
        for index, row in enumerate(rows):
            for chunk in chunk_text(row.content):
                await on_delta(index, chunk)
    return rows

"""A chat that ends without a lead keeps no contact details; an abandoned one loses them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.conversation.models import Conversation, Message
from app.conversation.tasks import purge_abandoned_chats
from app.core.jobs import JobContext
from tests.conversation.chat import HAPPY_PATH, Chat
from tests.test_worker import shared_factory

CONTACT = ("Jane", "Doe", "jane.doe@example.com", "555-0142", "602")


async def stored(db_session: AsyncSession, chat_id: str) -> tuple[Conversation, list[Message]]:
    conversation = await db_session.get(Conversation, uuid.UUID(chat_id))
    await db_session.refresh(conversation)
    messages = list(
        (
            await db_session.execute(
                sa.select(Message)
                .where(Message.conversation_id == conversation.id)
                .execution_options(populate_existing=True)
            )
        ).scalars()
    )
    return conversation, messages


async def test_declining_consent_removes_contact_details_in_the_same_turn(
    client: httpx.AsyncClient, db_session: AsyncSession, as_role
) -> None:
    chat = await Chat.start(client)
    for line in HAPPY_PATH[:-1]:
        await chat.say(line)
    assert chat.state["awaiting"] == "consent"
    assert chat.state["slots"]["email"] == "jane.doe@example.com"
    await chat.say("no thanks, I don't want to be contacted")
    assert chat.state["status"] == "ended"
    assert not {"first_name", "last_name", "email", "phone"} & set(chat.state["slots"])

    conversation, messages = await stored(db_session, chat.id)
    assert conversation.contact_purged_at is not None
    assert (conversation.ip, conversation.user_agent) == (None, None)
    assert conversation.slots["zip_code"] == "85004"  # qualification answers stay
    text = "\n".join(m.content + repr(m.meta) for m in messages)
    for value in ("jane.doe@example.com", "(602) 555-0142", "Doe"):
        assert value not in text
    assert "[removed]" in text

    # What managers see under "What the advisor learned" and in the transcript.
    detail = (
        await client.get(f"/api/v1/admin/conversations/{chat.id}", headers=await as_role("manager"))
    ).json()
    shown = repr(detail["slots"]) + repr(detail["messages"])
    for value in ("jane.doe@example.com", "555-0142", "Doe"):
        assert value not in shown


async def test_a_finished_lead_chat_keeps_its_details(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    chat = await Chat.start(client)
    for line in HAPPY_PATH:
        await chat.say(line)
    conversation, _ = await stored(db_session, chat.id)
    assert conversation.lead_id is not None and conversation.contact_purged_at is None
    assert conversation.ip  # kept with the lead's consent record, as evidence
    assert conversation.slots["email"] == "jane.doe@example.com"


async def test_chats_abandoned_for_30_days_lose_contact_details(
    app: FastAPI, client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    abandoned, recent = await Chat.start(client), await Chat.start(client)
    for chat in (abandoned, recent):
        for line in HAPPY_PATH[:-2]:  # name and email given, then silence
            await chat.say(line)
    now = datetime.now(UTC)
    for chat, age in ((abandoned, 31), (recent, 29)):
        await db_session.execute(
            sa.update(Conversation)
            .where(Conversation.id == uuid.UUID(chat.id))
            .values(updated_at=now - timedelta(days=age))
        )
    result = await purge_abandoned_chats(JobContext(shared_factory(app), app.state.settings, now))
    assert result["purged"] >= 1

    conversation, messages = await stored(db_session, abandoned.id)
    assert conversation.contact_purged_at is not None and conversation.token_hash is None
    assert (conversation.ip, conversation.user_agent) == (None, None)
    assert "email" not in conversation.slots and "last_name" not in conversation.slots
    assert all("jane.doe@example.com" not in m.content for m in messages)
    kept, _ = await stored(db_session, recent.id)
    assert kept.slots["email"] == "jane.doe@example.com" and kept.contact_purged_at is None

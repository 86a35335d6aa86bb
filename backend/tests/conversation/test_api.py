"""The chat API as a homeowner's browser uses it."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.conversation.agent import policy
from app.conversation.models import Conversation, Message
from app.conversation.nlu import understand
from app.leads.consent import CONSENT_DISCLOSURE, CONSENT_VERSION
from app.leads.models import ConsentRecord, Lead
from tests.conversation.chat import HAPPY_PATH, Chat


async def test_start_greets_and_asks_for_the_zip(client: httpx.AsyncClient) -> None:
    chat = await Chat.start(client, source="home", utm_source="google", utm_campaign="fall")
    assert [m["role"] for m in chat.transcript] == ["assistant", "assistant"]
    assert "solar advisor" in chat.transcript[0]["content"]
    assert chat.state["awaiting"] == "zip_code"
    assert chat.state["completed"] is False
    assert chat.state["lead_id"] is None
    assert chat.state["estimate"] is None
    assert len(chat.token) >= 32


async def test_whole_conversation_in_free_text_creates_one_lead(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    chat = await Chat.start(client, utm_source="newsletter")
    first = await chat.say(HAPPY_PATH[0])
    slots = chat.state["slots"]
    assert slots["zip_code"] == "85004"
    assert slots["homeowner"] is True
    assert slots["property_type"] == "single_family"
    assert slots["monthly_bill"] == 210
    # ZIP and bill known: the estimate is shown at once, from the engine.
    estimate = chat.state["estimate"]
    assert estimate["location"]["city"] and estimate["location"]["state"] == "AZ"
    assert any(m["kind"] == "estimate" for m in first)
    assert chat.state["awaiting"] == "roof_type"

    for line in HAPPY_PATH[1:-1]:
        await chat.say(line)
    assert chat.state["awaiting"] == "consent"
    consent_message = chat.transcript[-1]
    assert consent_message["kind"] == "consent"
    assert CONSENT_DISCLOSURE in consent_message["content"]
    assert consent_message["meta"]["disclosure_version"] == CONSENT_VERSION
    assert chat.state["quick_replies"] == policy.consent_quick_replies(3)

    closing = await chat.say_text(HAPPY_PATH[-1])
    assert "Thank you, Jane" in closing
    assert chat.state["completed"] is True
    assert chat.state["status"] == "completed"
    lead_id = uuid.UUID(chat.state["lead_id"])

    lead = await db_session.get(Lead, lead_id)
    assert lead is not None
    assert (lead.first_name, lead.last_name) == ("Jane", "Doe")
    assert lead.email == "jane.doe@example.com"
    assert lead.phone == "+16025550142"
    assert (lead.zip_code, lead.state) == ("85004", "AZ")
    assert lead.source == "chat"
    assert lead.utm == {"utm_source": "newsletter"}
    assert lead.status == "new"
    assert lead.estimate["system_size_kw"] == estimate["system_size_kw"]
    assert lead.tier in {"A", "B", "C"} and 0 <= lead.score <= 100
    assert {f["factor"] for f in lead.score_factors} >= {"ownership", "credit", "shade"}

    consent = (
        await db_session.execute(sa.select(ConsentRecord).where(ConsentRecord.lead_id == lead_id))
    ).scalar_one()
    assert consent.disclosure_text == CONSENT_DISCLOSURE
    assert consent.disclosure_version == CONSENT_VERSION
    assert consent.conversation_id == uuid.UUID(chat.id)
    assert consent.ip == client.ip


async def test_every_number_the_advisor_says_comes_from_the_engine_or_the_homeowner(
    client: httpx.AsyncClient,
) -> None:
    chat = await Chat.start(client)
    said = []
    for line in HAPPY_PATH[:5]:
        said.append(line)
        await chat.say(line)
    estimate = chat.state["estimate"]
    allowed: set[str] = set()

    def collect(value: object) -> None:
        if isinstance(value, bool):
            return
        if isinstance(value, int | float):
            for form in (f"{value:,.0f}", f"{value:g}", f"{value:.0f}", f"{value:,.2f}"):
                allowed.add(form)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, str):
            allowed.update(re.findall(r"\d[\d,.]*\d|\d", value))

    collect(estimate)
    for line in said:
        collect(line)
    for text in (policy.GREETING, *policy.QUESTIONS.values(), *policy.FAQ_ANSWERS.values()):
        collect(text)  # fixed facts in fixed text (the 30% credit, 2025-12-31, 3 installers)
    for message in chat.transcript:
        if message["role"] != "assistant":
            continue
        for number in re.findall(r"\d[\d,.]*\d|\d", message["content"].rstrip(".")):
            assert number.rstrip(".") in allowed, (number, message["content"])


async def test_corrections_update_and_refresh_the_estimate(client: httpx.AsyncClient) -> None:
    chat = await Chat.start(client)
    await chat.say("85004")
    await chat.say("we own it")
    await chat.say("about 150 bucks")
    before = chat.state["estimate"]["system_size_kw"]
    reply = await chat.say_text("actually my bill is 300")
    assert chat.state["slots"]["monthly_bill"] == 300
    assert "updated your monthly bill" in reply
    assert "updated estimate" in reply
    assert chat.state["estimate"]["system_size_kw"] > before


@pytest.mark.parametrize(
    ("answer", "hint"),
    [("00000", "couldn't find"), ("12", "5 digits")],
)
async def test_invalid_zip_is_not_stored_and_reasked(
    client: httpx.AsyncClient, answer: str, hint: str
) -> None:
    chat = await Chat.start(client)
    reply = await chat.say_text(answer)
    assert hint in reply
    assert "zip_code" not in chat.state["slots"]
    assert chat.state["awaiting"] == "zip_code"


async def test_negative_bill_is_not_stored(client: httpx.AsyncClient) -> None:
    chat = await Chat.start(client)
    await chat.say("85004, we own")
    reply = await chat.say_text("-50")
    assert "positive" in reply
    assert "monthly_bill" not in chat.state["slots"]
    assert chat.state["awaiting"] == "monthly_bill"
    assert chat.state["estimate"] is None


async def test_renters_are_told_kindly_and_never_become_leads(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    chat = await Chat.start(client)
    reply = await chat.say_text("we rent an apartment in 10001")
    assert "property owner" in reply
    assert chat.state["completed"] is True
    assert chat.state["status"] == "ended"
    assert chat.state["lead_id"] is None
    after = await chat.say_text("hello?")
    assert "finished" in after
    count = await db_session.scalar(sa.select(sa.func.count()).select_from(Lead))
    assert count == 0


async def test_faq_is_answered_then_the_question_repeats(client: httpx.AsyncClient) -> None:
    chat = await Chat.start(client)
    reply = await chat.say_text("is there still a tax credit?")
    assert "25D" in reply
    assert chat.state["awaiting"] == "zip_code"
    reply = await chat.say_text("what's net metering? we're in 85016")
    assert "Net metering" in reply
    assert chat.state["slots"]["zip_code"] == "85016"


async def test_declining_consent_creates_no_lead(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    chat = await Chat.start(client)
    for line in HAPPY_PATH[:-1]:
        await chat.say(line)
    reply = await chat.say_text("no thanks")
    assert "won't share" in reply
    assert chat.state["status"] == "ended"
    assert chat.state["lead_id"] is None
    assert await db_session.scalar(sa.select(sa.func.count()).select_from(Lead)) == 0


async def test_reload_resumes_the_whole_transcript(client: httpx.AsyncClient) -> None:
    chat = await Chat.start(client)
    await chat.say("85004")
    await chat.say("we own")
    response = await client.get(f"/api/v1/conversations/{chat.id}", headers=chat.headers)
    assert response.status_code == 200
    body = response.json()
    assert [m["content"] for m in body["messages"]] == [m["content"] for m in chat.transcript] or [
        m["role"] for m in body["messages"]
    ].count("user") == 2
    assert [m["seq"] for m in body["messages"]] == list(range(len(body["messages"])))
    assert body["state"] == chat.state


async def test_streamed_turn_sends_deltas_then_state_then_done(
    client: httpx.AsyncClient,
) -> None:
    chat = await Chat.start(client)
    events = await chat.stream("85004 and we own the place")
    names = [name for name, _ in events]
    assert names[-2:] == ["state", "done"]
    assert set(names[:-2]) == {"delta"}
    state_payload = events[-2][1]
    for index, message in enumerate(state_payload["messages"]):
        streamed = "".join(d["text"] for n, d in events if n == "delta" and d["index"] == index)
        assert streamed == message["content"]
    assert chat.state["slots"]["zip_code"] == "85004"


@pytest.mark.parametrize(
    ("headers", "path_id"),
    [({"X-Conversation-Token": "wrong-token"}, None), ({}, None), (None, str(uuid.uuid4()))],
)
async def test_wrong_token_or_unknown_id_is_404(
    client: httpx.AsyncClient, headers: dict | None, path_id: str | None
) -> None:
    chat = await Chat.start(client)
    target = path_id or chat.id
    used = chat.headers if headers is None else headers
    for response in (
        await client.get(f"/api/v1/conversations/{target}", headers=used),
        await client.post(
            f"/api/v1/conversations/{target}/messages", json={"content": "hi"}, headers=used
        ),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "conversation_not_found"


@pytest.mark.parametrize("content", ["", "   ", "x" * 2001])
async def test_empty_or_too_long_messages_are_422(client: httpx.AsyncClient, content: str) -> None:
    chat = await Chat.start(client)
    response = await client.post(
        f"/api/v1/conversations/{chat.id}/messages",
        json={"content": content},
        headers=chat.headers,
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


async def test_markup_is_stored_and_returned_as_plain_text(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    chat = await Chat.start(client)
    payload = "<img src=x onerror=alert(1)> my zip is <b>85004</b>"
    await chat.say(payload)
    stored = (
        await db_session.execute(
            sa.select(Message.content).where(
                Message.conversation_id == uuid.UUID(chat.id), Message.role == "user"
            )
        )
    ).scalar_one()
    assert stored == payload
    response = await client.get(f"/api/v1/conversations/{chat.id}", headers=chat.headers)
    user_messages = [m for m in response.json()["messages"] if m["role"] == "user"]
    assert user_messages[0]["content"] == payload
    assert chat.state["slots"]["zip_code"] == "85004"


async def test_a_failed_lead_write_rolls_back_the_final_turn(
    client: httpx.AsyncClient, db_session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = await Chat.start(client)
    for line in HAPPY_PATH[:-1]:
        await chat.say(line)
    count_before = await db_session.scalar(
        sa.select(Conversation.message_count).where(Conversation.id == uuid.UUID(chat.id))
    )

    async def broken_submit(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("app.conversation.service.submit_lead", broken_submit)
    response = await client.post(
        f"/api/v1/conversations/{chat.id}/messages",
        json={"content": "I agree"},
        headers=chat.headers,
    )
    assert response.status_code == 500
    db_session.expire_all()
    conversation = await db_session.get(Conversation, uuid.UUID(chat.id))
    assert conversation.message_count == count_before
    assert conversation.status == "active"
    assert conversation.awaiting == "consent"
    assert await db_session.scalar(sa.select(sa.func.count()).select_from(Lead)) == 0


@pytest.mark.parametrize(
    ("field", "reply"),
    [(f, reply) for f, replies in policy.QUICK_REPLIES.items() for reply in replies]
    + [("consent", reply) for reply in policy.consent_quick_replies(3)],
)
def test_every_quick_reply_is_understood_for_its_question(field: str, reply: str) -> None:
    extraction = understand(reply, field, zip_is_known=lambda z: True)
    skipped = field in policy.OPTIONAL_FIELDS and "skip" in extraction.intents
    assert field in extraction.values or skipped, (field, reply)


async def test_a_stream_that_fails_sends_an_error_event_with_its_status(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    chat = await Chat.start(client)
    conversation = await db_session.get(Conversation, uuid.UUID(chat.id))
    conversation.message_count = 400  # the length limit
    await db_session.flush()
    events = await chat.stream("85004")
    assert [name for name, _ in events] == ["error", "done"]
    error = events[0][1]
    assert error["status"] == 409
    assert error["error"]["code"] == "conversation_full"


async def test_a_chat_whose_estimate_an_older_engine_made_still_resumes(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    chat = await Chat.start(client)
    await chat.say("85004, we own, about $180 a month")
    conversation = await db_session.get(Conversation, uuid.UUID(chat.id))
    conversation.estimate = {"system_size_kw": 7.2, "gross_cost_usd": 17856.0}  # the old shape
    await db_session.commit()
    resumed = await client.get(f"/api/v1/conversations/{chat.id}", headers=chat.headers)
    assert resumed.status_code == 200, resumed.text
    assert resumed.json()["state"]["estimate"] is None

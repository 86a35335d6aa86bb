"""The LLM advisor through the real `openai` SDK against a local stand-in model."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.conversation.agent.llm import number_allowed, numbers_in
from app.core.config import Settings
from app.leads.models import Lead
from app.main import create_app
from tests.conftest import make_client, rolled_back
from tests.conversation.chat import Chat
from tests.support.openai_standin import Calls, Fail, Stall, StandIn, Text, ToolCall


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    server = await StandIn().start()
    yield server
    await server.stop()


@pytest.fixture
async def llm_app(migrated: Settings, standin: StandIn) -> AsyncIterator[FastAPI]:
    settings = migrated.model_copy(
        update={
            "openai_api_key": "sk-test-standin",
            "openai_base_url": standin.base_url,
            "openai_model": "standin-1",
            "openai_timeout_seconds": 2.0,
        }
    )
    app = create_app(settings, configure_logs=False)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def llm(llm_app: FastAPI) -> AsyncIterator[tuple[httpx.AsyncClient, AsyncSession]]:
    async with rolled_back(llm_app) as session, make_client(llm_app) as http:
        yield http, session


def tool_results(request: dict) -> list[dict]:
    return [json.loads(m["content"]) for m in request["messages"] if m["role"] == "tool"]


async def test_model_records_fields_and_the_server_shows_the_estimate(llm, standin) -> None:  # type: ignore[no-untyped-def]
    http, _ = llm
    chat = await Chat.start(http)
    standin.queue(
        Calls(
            [
                ToolCall(
                    "record_fields", {"zip_code": "85004", "homeowner": True, "monthly_bill": "210"}
                )
            ]
        ),
        Calls([ToolCall("get_estimate")]),
        Text("Great, thanks! Here is what solar could do for your home. What's your roof made of?"),
    )
    messages = await chat.say("we own our place in 85004, bill is about 210")
    slots = chat.state["slots"]
    assert (slots["zip_code"], slots["homeowner"], slots["monthly_bill"]) == ("85004", True, 210)
    assert chat.state["estimate"]["location"]["state"] == "AZ"
    kinds = [m["kind"] for m in messages]
    assert kinds[0] == "text" and "roof" in messages[0]["content"]
    assert "estimate" in kinds
    assert chat.state["awaiting"] == "property_type"

    first_request = standin.requests[0]
    assert first_request["model"] == "standin-1"
    assert first_request["stream"] is True
    assert {t["function"]["name"] for t in first_request["tools"]} == {
        "record_fields",
        "get_estimate",
        "answer_question",
        "submit_lead",
    }
    recorded = tool_results(standin.requests[1])[0]
    assert recorded["recorded"] == {"zip_code": "85004", "homeowner": True, "monthly_bill": 210.0}


async def test_questions_get_the_knowledge_base_answer_with_the_engines_figures(
    llm, standin
) -> None:  # type: ignore[no-untyped-def]
    http, _ = llm
    chat = await Chat.start(http)
    standin.queue(
        Calls([ToolCall("record_fields", {"zip_code": "98101", "homeowner": True})]),
        Text("Thanks! About how much is your electric bill?"),
        Calls([ToolCall("record_fields", {"monthly_bill": "150"}), ToolCall("get_estimate")]),
        Calls([ToolCall("answer_question", {"topic": "payback"})]),
        Text("Payback here is long, mostly because power is cheap. What kind of home is it?"),
        Calls([ToolCall("record_fields", {"credit_band": "I'd rather not say"})]),
        Text("No problem. When would you like solar installed?"),
    )
    await chat.say("we own a place in 98101")
    await chat.say("150 a month, and 17 years payback seems long, is that normal?")
    answer = tool_results(standin.requests[4])[-1]["answer"]
    payback = chat.state["estimate"]["payback_years"]
    assert answer.startswith(f"In your estimate the payback is about {payback:.1f} years.")
    assert "national median" in answer
    await chat.say("I'd rather not say my credit")
    assert "credit_band" in chat.state["slots"] and chat.state["slots"]["credit_band"] is None


async def test_a_year_recorded_as_the_bill_is_held_until_the_homeowner_confirms(
    llm, standin
) -> None:  # type: ignore[no-untyped-def]
    http, _ = llm
    chat = await Chat.start(http)
    standin.queue(
        Calls([ToolCall("record_fields", {"zip_code": "98101", "monthly_bill": "180"})]),
        Text("Thanks! Do you own the home?"),
        Calls([ToolCall("record_fields", {"monthly_bill": "$2021"})]),
        Text("Just to check, is your bill really $2,021 a month?"),
        Calls([ToolCall("record_fields", {"monthly_bill": "$2021"})]),
        Text("Updated. Do you own the home?"),
    )
    await chat.say("98101, about 180 a month")
    await chat.say("we lost power for 3 days in the 2021 freeze")
    assert chat.state["slots"]["monthly_bill"] == 180
    rejected = tool_results(standin.requests[3])[-1]["rejected"]
    assert "looks like a year" in rejected["monthly_bill"]
    await chat.say("yes, 2021 is right")
    assert chat.state["slots"]["monthly_bill"] == 2021


async def test_invalid_values_are_rejected_with_the_guided_hint(llm, standin) -> None:  # type: ignore[no-untyped-def]
    http, _ = llm
    chat = await Chat.start(http)
    standin.queue(
        Calls([ToolCall("record_fields", {"zip_code": "00000", "monthly_bill": "-40"})]),
        Text("Hmm, could you double-check your ZIP code?"),
    )
    await chat.say("my zip is 00000 and I pay -40")
    assert "zip_code" not in chat.state["slots"]
    assert "monthly_bill" not in chat.state["slots"]
    result = tool_results(standin.requests[1])[0]
    assert set(result["rejected"]) == {"zip_code", "monthly_bill"}
    assert "positive" in result["rejected"]["monthly_bill"]


async def test_consent_cannot_be_recorded_before_the_disclosure(llm, standin) -> None:  # type: ignore[no-untyped-def]
    http, _ = llm
    chat = await Chat.start(http)
    standin.queue(Calls([ToolCall("record_fields", {"consent": True})]), Text("Noted."))
    await chat.say("yes you can call me")
    assert "consent" not in chat.state["slots"]
    assert "consent" in tool_results(standin.requests[1])[0]["rejected"]


async def test_invented_numbers_never_reach_the_homeowner(llm, standin, caplog) -> None:  # type: ignore[no-untyped-def]
    http, _ = llm
    chat = await Chat.start(http)
    standin.queue(
        Text("Solar would save you $48,213 every year, guaranteed! What's your ZIP code?")
    )
    with caplog.at_level(logging.WARNING, logger="aurum.conversation.llm"):
        text = await chat.say_text("how much would I save?")
    assert "48,213" not in text
    assert "ZIP code" in text
    assert "unsupported number" in caplog.text


async def test_a_whole_llm_conversation_ends_in_one_lead(llm, standin) -> None:  # type: ignore[no-untyped-def]
    http, session = llm
    chat = await Chat.start(http)
    standin.queue(
        Calls(
            [
                ToolCall(
                    "record_fields",
                    {
                        "zip_code": "85004",
                        "homeowner": "yes",
                        "property_type": "house",
                        "monthly_bill": 210,
                        "roof_type": "composition shingle",
                        "shade": "no trees",
                        "credit_band": "score around 730",
                        "timeline": "asap",
                        "battery_interest": "skip",
                        "first_name": "Jane",
                        "last_name": "Doe",
                        "email": "jane.llm@example.com",
                        "phone": "(602) 555-0142",
                    },
                )
            ]
        ),
        Text("Thanks Jane, that's everything I need."),
    )
    await chat.say("here's everything about me")
    assert chat.state["awaiting"] == "consent"
    assert chat.transcript[-1]["kind"] == "consent"

    standin.queue(
        Calls([ToolCall("record_fields", {"consent": "I agree"})]),
        Calls([ToolCall("submit_lead")]),
    )
    await chat.say("I agree")
    assert chat.state["completed"] is True
    lead = await session.get(Lead, uuid.UUID(chat.state["lead_id"]))
    assert lead.email == "jane.llm@example.com"
    assert lead.source == "chat"


async def test_submit_lead_without_consent_is_refused(llm, standin, llm_app) -> None:  # type: ignore[no-untyped-def]
    http, session = llm
    chat = await Chat.start(http)
    standin.queue(Calls([ToolCall("submit_lead")]), Text("Let's keep going."))
    await chat.say("sign me up")
    assert chat.state["completed"] is False
    assert tool_results(standin.requests[1])[0]["ok"] is False
    assert await session.scalar(sa.select(sa.func.count()).select_from(Lead)) == 0


@pytest.mark.parametrize("failure", [Fail(500), Stall(5.0)], ids=["server-error", "timeout"])
async def test_errors_and_timeouts_fall_back_to_the_guided_agent(
    llm, standin, caplog, failure
) -> None:  # type: ignore[no-untyped-def]
    http, _ = llm
    chat = await Chat.start(http)
    standin.queue(failure)
    with caplog.at_level(logging.WARNING, logger="aurum.conversation.llm"):
        await chat.say("we own a house in 85004 and pay about $210 a month")
    assert "falling back to the guided agent" in caplog.text
    # The guided agent understood the message and showed the engine's estimate.
    assert chat.state["slots"]["zip_code"] == "85004"
    assert chat.state["estimate"] is not None


async def test_streamed_llm_turn_sends_model_text_then_server_messages(llm, standin) -> None:  # type: ignore[no-untyped-def]
    http, _ = llm
    chat = await Chat.start(http)
    standin.queue(
        Calls([ToolCall("record_fields", {"zip_code": "85004", "monthly_bill": 150})]),
        Calls([ToolCall("get_estimate")]),
        Text("Here you go. Do you own the home?"),
    )
    events = await chat.stream("85004, 150 a month")
    assert [n for n, _ in events][-2:] == ["state", "done"]
    final = events[-2][1]["messages"]
    for index, message in enumerate(final):
        streamed = "".join(d["text"] for n, d in events if n == "delta" and d["index"] == index)
        assert streamed.strip() == message["content"].strip()
    assert final[0]["content"].startswith("Here you go.")


@pytest.mark.parametrize(
    ("number", "allowed", "ok"),
    [
        (22300, {22312.5}, True),  # rounded to the hundred
        (22000, {22312.5}, True),  # rounded to the thousand
        (23000, {22312.5}, False),
        (9.5, {9.46}, True),
        (7, set(), True),  # small counts are free ("3 installers")
        (48213, {210.0}, False),
    ],
)
def test_number_guard_accepts_only_roundings_of_known_figures(
    number: float, allowed: set[float], ok: bool
) -> None:
    assert number_allowed(number, allowed) is ok


def test_numbers_are_read_with_thousands_separators() -> None:
    assert numbers_in("a 9.5 kW system for $22,300 saves $1,234.56") == [9.5, 22300, 1234.56]

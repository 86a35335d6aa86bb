"""The LLM advisor: any OpenAI-compatible Chat Completions server, with tools and streaming.

The model talks; the server decides. The model proposes field values through the
`record_fields` tool and the server validates each with the guided agent's NLU (the
same rules), asks the engine for estimates through `get_estimate`, and creates the
lead only through `submit_lead` after the homeowner agreed to the disclosure the
server showed. Slots, estimate and outcome are the server's, never the model's.

Numbers: the model's text is streamed a sentence at a time through a guard that drops
any sentence carrying a number that no tool result or homeowner message contains.
Estimates themselves are written by the server from the engine result.

Any error or timeout falls back to the guided agent for the turn, and is logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, get_args

from app.conversation.agent import guided, knowledge, policy
from app.conversation.agent.base import (
    AdvisorTools,
    AgentState,
    AgentTurn,
    DeltaSink,
    OutgoingMessage,
    chunk_text,
)
from app.conversation.nlu import FIELDS, understand
from app.conversation.nlu.questions import Topic

logger = logging.getLogger("aurum.conversation.llm")

MAX_TOOL_ROUNDS = 4
RECORDABLE = FIELDS  # every field the NLU can validate

TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {
            "name": "record_fields",
            "description": (
                "Record what the homeowner said, as their own words or a normalised value. "
                "The server validates each field and answers which were recorded and which "
                "were rejected (with a hint to pass on). Only record consent after the "
                "homeowner answered the disclosure."
            ),
            "parameters": {
                "type": "object",
                "properties": {
                    name: {"type": ["string", "number", "boolean"]} for name in RECORDABLE
                },
                "additionalProperties": False,
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "get_estimate",
            "description": (
                "Run the solar engine for the recorded ZIP code, bill and shade. The server "
                "shows the estimate to the homeowner itself; you may refer to its figures."
            ),
            "parameters": {"type": "object", "properties": {}, "additionalProperties": False},
        },
    },
    {
        "type": "function",
        "function": {
            "name": "answer_question",
            "description": (
                "The honest answer to a common homeowner question, with this homeowner's "
                "figures from the solar engine: worth_it, payback, winter, business_model "
                "(how Aurum makes money), installers (which and how many), credit_why, "
                "tax_credit (25D, lease/PPA), battery, hoa, condo, net_metering. Relay it."
            ),
            "parameters": {
                "type": "object",
                "properties": {"topic": {"type": "string", "enum": list(get_args(Topic))}},
                "required": ["topic"],
                "additionalProperties": False,
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "submit_lead",
            "description": (
                "Submit the homeowner to matched installers. Only after every required "
                "field is recorded and consent is true."
            ),
            "parameters": {"type": "object", "properties": {}, "additionalProperties": False},
        },
    },
]

SYSTEM_PROMPT = """You are Aurum Solar's friendly solar advisor for US homeowners.
Goal: learn, one question at a time, what an installer needs, show the homeowner an honest
estimate, and, only with their consent, pass them to up to 3 installers.
Rules:
- Record every answer with record_fields as soon as you hear it (several at once is fine).
- Never state a number (cost, savings, size, production, rate, payback) yourself. Call
  get_estimate: the server shows the estimate; you may then discuss it in words.
- The federal 30% residential solar tax credit (25D) ended for systems installed after
  2025-12-31. Do not promise incentives.
- Renters cannot buy solar: if they rent, say so kindly and stop.
- For a question on one of answer_question's topics, call it and relay its answer in
  your words; for any other question, say honestly you can't answer that here, then go on.
- Keep replies short (1-3 sentences), warm, and plain. Ask for the field named in
  NEXT FIELD unless you are answering a question first.
- When NEXT FIELD is consent, the server shows the disclosure text itself; just ask if
  they agree. Only record consent from a clear yes or no to that question.
"""


def _bill_doubt(state: AgentState, text: str, bill: float) -> str | None:
    """Why a bill must be confirmed with the homeowner before it is stored, or None."""
    known = state.slots.get("monthly_bill")
    if guided.year_read_as_bill(text, float(bill)):
        return f"{int(bill)} in the homeowner's message looks like a year: ask before recording it"
    if known and max(bill / known, known / bill) >= guided.WILD_BILL_RATIO:
        return (
            f"far from the ${known:,.0f} recorded before: ask the homeowner to confirm, then "
            "record it again"
        )
    return None


@dataclass
class _Call:
    id: str = ""
    name: str = ""
    arguments: str = ""


_NUMBER = re.compile(r"(?<![\w.])\$?(\d[\d,]*(?:\.\d+)?)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_ALWAYS_ALLOWED = {float(n) for n in range(13)}


def numbers_in(text: str) -> list[float]:
    found = []
    for match in _NUMBER.finditer(text):
        try:
            found.append(float(match.group(1).replace(",", "")))
        except ValueError:
            continue
    return found


def _collect_numbers(value: Any, into: set[float]) -> None:
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        into.add(float(value))
    elif isinstance(value, str):
        into.update(numbers_in(value))
    elif isinstance(value, dict):
        for item in value.values():
            _collect_numbers(item, into)
    elif isinstance(value, list | tuple):
        for item in value:
            _collect_numbers(item, into)


def number_allowed(number: float, allowed: Iterable[float]) -> bool:
    """True when ``number`` is an allowed figure as written, or rounded to a step."""
    if number in _ALWAYS_ALLOWED:
        return True
    for source in allowed:
        for step in (0.01, 0.1, 1, 10, 100, 1000):
            is_multiple = abs(number / step - round(number / step)) < 1e-6
            if is_multiple and abs(number - source) <= step / 2 + 1e-9:
                return True
    return False


@dataclass
class NumberGuard:
    """Streams text a sentence at a time, dropping sentences with unsupported numbers."""

    allowed: set[float]
    sink: DeltaSink | None
    index: int = 0
    buffer: str = ""
    kept: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    async def feed(self, text: str) -> None:
        self.buffer += text
        parts = _SENTENCE_END.split(self.buffer)
        for sentence in parts[:-1]:
            await self._emit(sentence + " ")
        self.buffer = parts[-1]

    async def flush(self) -> None:
        if self.buffer.strip():
            await self._emit(self.buffer)
        self.buffer = ""

    async def _emit(self, sentence: str) -> None:
        if all(number_allowed(n, self.allowed) for n in numbers_in(sentence)):
            self.kept.append(sentence)
            if self.sink:
                await self.sink(self.index, sentence)
        else:
            self.dropped.append(sentence)
            logger.warning("dropped a model sentence with an unsupported number")

    @property
    def text(self) -> str:
        return "".join(self.kept).strip()


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class LLMAgent:
    """One turn with an OpenAI-compatible model; falls back to the guided agent."""

    def __init__(self, client: Any, model: str, *, timeout_seconds: float = 20.0) -> None:
        self.client = client
        self.model = model
        self.timeout_seconds = timeout_seconds

    async def __call__(
        self, state: AgentState, text: str, tools: AdvisorTools, on_delta: DeltaSink | None
    ) -> AgentTurn:
        snapshot = AgentState(
            slots=dict(state.slots),
            awaiting=state.awaiting,
            estimate=state.estimate,
            history=list(state.history),
            max_buyers=state.max_buyers,
            sends_estimate_email=state.sends_estimate_email,
            area_partners=state.area_partners,
        )
        streamed: list[str] = []

        async def tracking_sink(index: int, chunk: str) -> None:
            streamed.append(chunk)
            if on_delta:
                await on_delta(index, chunk)

        try:
            return await asyncio.wait_for(
                self._turn(state, text, tools, tracking_sink), self.timeout_seconds
            )
        except Exception as exc:
            logger.warning(
                "llm agent failed; falling back to the guided agent",
                extra={"error": f"{type(exc).__name__}: {exc}"[:300]},
            )
            turn = guided.respond(snapshot, text, tools)
            if on_delta:
                # Streamed model text (if any) is superseded: the final `state` event
                # carries the authoritative messages. Continue past its index.
                offset = 1 if streamed else 0
                for i, message in enumerate(turn.messages):
                    await on_delta(i + offset, message.content)
                turn.streamed = True
            return turn

    def _context(self, state: AgentState) -> str:
        missing = policy.missing_fields(state.slots)
        return json.dumps(
            {
                "known": state.slots,
                "NEXT FIELD": missing[0] if missing else None,
                "still_missing": missing,
                "estimate_shown": state.estimate is not None,
            },
            default=str,
        )

    async def _turn(
        self, state: AgentState, text: str, tools: AdvisorTools, sink: DeltaSink
    ) -> AgentTurn:
        consent_was_asked = state.awaiting == "consent"
        extras: list[OutgoingMessage] = []
        allowed: set[float] = set(numbers_in(text))
        for _, content in state.history:
            allowed.update(numbers_in(content))
        _collect_numbers(state.slots, allowed)
        if state.estimate:
            _collect_numbers(state.estimate, allowed)
        outcome: Any = None

        messages: list[dict[str, Any]] = [{"role": "system", "content": SYSTEM_PROMPT}]
        for role, content in state.history:
            messages.append({"role": role, "content": content})
        messages.append({"role": "system", "content": "STATE: " + self._context(state)})
        messages.append({"role": "user", "content": text})

        guard = NumberGuard(allowed, sink)
        for _ in range(MAX_TOOL_ROUNDS):
            calls = await self._stream_round(messages, guard)
            if not calls:
                break
            messages.append(
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": c.id,
                            "type": "function",
                            "function": {"name": c.name, "arguments": c.arguments or "{}"},
                        }
                        for c in calls
                    ],
                }
            )
            for call in calls:
                result, new_outcome = self._run_tool(
                    call, state, tools, extras, consent_was_asked, text
                )
                if (
                    call.name == "record_fields"
                    and result.get("recorded", {}).get("consent") is False
                ):
                    new_outcome = "declined_consent"
                outcome = outcome or new_outcome
                _collect_numbers(result, allowed)
                messages.append(
                    {
                        "role": "tool",
                        "tool_call_id": call.id,
                        "content": json.dumps(result, default=str),
                    }
                )
                guard.allowed = allowed
            if outcome:
                break
        await guard.flush()

        out: list[OutgoingMessage] = []
        if guard.text:
            out.append(OutgoingMessage(guard.text))
        out.extend(extras)
        if state.slots.get("homeowner") is False and outcome is None:
            outcome = "ended_renter"
            out.append(OutgoingMessage(policy.RENTER_GOODBYE, kind="closing"))
        if outcome == "submit_lead":
            out.append(
                OutgoingMessage(policy.thank_you(state.slots, state.max_buyers), kind="closing")
            )
        elif outcome == "declined_consent":
            out.append(OutgoingMessage(policy.DECLINED_CONSENT, kind="closing"))
        if outcome:
            state.awaiting = None
            await self._stream_extras(out, guard, sink)
            return AgentTurn(out, state, [], outcome=outcome, streamed=True)

        missing = policy.missing_fields(state.slots)
        next_field = missing[0] if missing else "consent"
        state.awaiting = next_field
        if next_field == "consent":
            out.append(guided.question("consent", state))
        elif not out:
            out.append(guided.question(next_field, state))
        await self._stream_extras(out, guard, sink)
        return AgentTurn(out, state, guided.quick_replies(next_field, state), streamed=True)

    @staticmethod
    async def _stream_extras(
        out: list[OutgoingMessage], guard: NumberGuard, sink: DeltaSink
    ) -> None:
        """The model's text went out sentence by sentence (message 0); stream the
        server's own messages (estimate, consent, closing) after it."""
        first = 1 if guard.text else 0
        for index, message in enumerate(out[first:], start=first):
            for chunk in chunk_text(message.content):
                await sink(index, chunk)

    async def _stream_round(
        self, messages: list[dict[str, Any]], guard: NumberGuard
    ) -> list[_Call]:
        stream = await self.client.chat.completions.create(
            model=self.model, messages=messages, tools=TOOLS, stream=True, temperature=0.3
        )
        calls: dict[int, _Call] = {}
        async for chunk in stream:
            if not chunk.choices:
                continue
            delta = chunk.choices[0].delta
            if delta.content:
                await guard.feed(delta.content)
            for tool_delta in delta.tool_calls or []:
                call = calls.setdefault(tool_delta.index, _Call())
                if tool_delta.id:
                    call.id = tool_delta.id
                if tool_delta.function and tool_delta.function.name:
                    call.name += tool_delta.function.name
                if tool_delta.function and tool_delta.function.arguments:
                    call.arguments += tool_delta.function.arguments
        return [calls[i] for i in sorted(calls)]

    def _run_tool(
        self,
        call: _Call,
        state: AgentState,
        tools: AdvisorTools,
        extras: list[OutgoingMessage],
        consent_was_asked: bool,
        text: str = "",
    ) -> tuple[dict[str, Any], Any]:
        try:
            arguments = json.loads(call.arguments or "{}")
            if not isinstance(arguments, dict):
                raise ValueError("arguments must be an object")
        except ValueError:
            return {"error": "arguments were not a JSON object"}, None

        if call.name == "record_fields":
            return self._record(arguments, state, tools, consent_was_asked, text), None
        if call.name == "get_estimate":
            if not (state.slots.get("zip_code") and state.slots.get("monthly_bill")):
                return {"error": "record zip_code and monthly_bill first"}, None
            estimate = tools.estimate(state.slots)
            extras.append(policy.show_estimate(state, estimate))
            return {"shown_to_homeowner": True, "estimate": estimate}, None
        if call.name == "answer_question":
            topic = arguments.get("topic")
            if topic not in get_args(Topic):
                return {"answer": knowledge.CANNOT_ANSWER}, None

            def reference() -> Any:
                return tools.national_reference(state.slots) if state.estimate else None

            return {"answer": knowledge.answer(str(topic), state, reference)}, None
        if call.name == "submit_lead":
            missing = policy.missing_fields(state.slots)
            if missing or state.slots.get("consent") is not True:
                return {"ok": False, "missing": missing or ["consent"]}, None
            return {"ok": True}, "submit_lead"
        return {"error": f"unknown tool {call.name}"}, None

    def _record(
        self,
        arguments: dict[str, Any],
        state: AgentState,
        tools: AdvisorTools,
        consent_was_asked: bool,
        text: str = "",
    ) -> dict[str, Any]:
        recorded: dict[str, Any] = {}
        rejected: dict[str, str] = {}
        held = state.slots.pop(guided.PENDING, None)
        for name, raw in arguments.items():
            if name not in RECORDABLE:
                rejected[name] = "unknown field"
                continue
            if name == "consent" and not consent_was_asked:
                rejected[name] = "consent can only be recorded as the answer to the disclosure"
                continue
            extraction = understand(_as_text(raw), name, zip_is_known=tools.zip_is_known)
            if name == "monthly_bill" and name in extraction.values:
                doubt = _bill_doubt(state, text, extraction.values[name])
                confirmed = held == {"field": name, "value": extraction.values[name]}
                if doubt and not confirmed:
                    # Never stored on a guess: the model asks, and records it again once
                    # the homeowner confirmed.
                    state.slots[guided.PENDING] = {"field": name, "value": extraction.values[name]}
                    rejected[name] = doubt
                    continue
            if name in extraction.values:
                value = extraction.values[name]
                if name == "consent" and value is False:
                    state.slots.pop("consent", None)
                recorded[name] = value
                state.slots[name] = value
            elif name in policy.OPTIONAL_FIELDS and extraction.intents & {"skip", "unsure"}:
                recorded[name] = None
                state.slots[name] = None
            else:
                hint = extraction.errors.get(name) or f"not a valid {name}"
                area = tools.unserved_area(_as_text(raw)) if name == "zip_code" else None
                if area is not None:
                    hint = f"We don't serve {area} yet: only the 50 states and DC."
                rejected[name] = hint
        return {
            "recorded": recorded,
            "rejected": rejected,
            "still_missing": policy.missing_fields(state.slots),
        }

"""The guided advisor: deterministic, offline, and the fallback for the LLM agent.

It understands free text through the NLU (several fields per message, corrections,
everyday phrasings), re-asks with a hint when an answer is invalid, answers a few
common questions, shows an engine estimate as soon as ZIP and bill are known, and
ends politely for renters. It is a pure function of state, message and tools.
"""

from __future__ import annotations

import logging
from typing import Any

from app.conversation.agent import policy
from app.conversation.agent.base import AdvisorTools, AgentState, AgentTurn, OutgoingMessage
from app.conversation.nlu import Extraction, understand
from app.leads import consent

logger = logging.getLogger("aurum.conversation")


def _estimate_inputs(slots: dict[str, Any]) -> tuple[Any, ...]:
    """What the estimate depends on; a change makes the shown one stale (an unknown
    shade is estimated as none, so learning "none" later changes nothing)."""
    return (slots.get("zip_code"), slots.get("monthly_bill"), slots.get("shade") or "none")


FIELD_LABELS = {
    "zip_code": "ZIP code",
    "homeowner": "home ownership",
    "property_type": "home type",
    "monthly_bill": "monthly bill",
    "roof_type": "roof type",
    "shade": "shade",
    "credit_band": "credit range",
    "timeline": "timeline",
    "first_name": "first name",
    "last_name": "last name",
    "email": "email",
    "phone": "phone number",
    "battery_interest": "battery interest",
}

_MISSING = object()

# Varied (but deterministic) thanks between questions, so the chat reads less robotic.
ACKNOWLEDGEMENTS = ("Thanks!", "Got it.", "Great, thanks.", "Perfect.")


def display_value(field: str, value: Any) -> str:
    if value is None:
        return "skipped"
    if field == "monthly_bill":
        return f"${value:,.0f} a month"
    if field == "phone":
        return policy.format_phone(value)
    if field == "homeowner":
        return "owner" if value else "renter"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("_", " ")


def opening_turn() -> AgentTurn:
    """The greeting and the first question of a new conversation."""
    state = AgentState(awaiting="zip_code")
    return AgentTurn(
        messages=[
            OutgoingMessage(policy.GREETING, kind="text"),
            question("zip_code", state),
        ],
        state=state,
        quick_replies=policy.QUICK_REPLIES["zip_code"],
    )


def question(field: str, state: AgentState) -> OutgoingMessage:
    if field == "consent":
        text = consent.disclosure(state.max_buyers)
        return OutgoingMessage(
            policy.consent_question(state.max_buyers),
            kind="consent",
            meta={
                "disclosure": text,
                "disclosure_version": consent.version_of(text),
                "max_buyers": state.max_buyers,
            },
        )
    if field == "name" and state.slots.get("first_name") and not state.slots.get("last_name"):
        return OutgoingMessage(
            f"Thanks, {state.slots['first_name']}! And your last name?", kind="question"
        )
    if field == "email" and not state.sends_estimate_email:
        return OutgoingMessage(policy.QUESTIONS["email_no_mail"], kind="question")
    return OutgoingMessage(policy.QUESTIONS[field], kind="question")


def _cost_answer(state: AgentState, tools: AdvisorTools) -> str:
    if state.estimate:
        estimate = state.estimate
        return (
            f"For your home, our model puts the installed cost at about "
            f"{policy.money(estimate['gross_cost_usd'])} before incentives and "
            f"{policy.money(estimate['net_cost_usd'])} after, for a "
            f"{estimate['system_size_kw']:g} kW system. An installer's quote after a site "
            "visit will be firmer."
        )
    per_watt = tools.cost_per_watt(state.slots.get("zip_code"))
    return (
        f"It mostly depends on system size: installed solar runs about ${per_watt:.2f} per "
        "watt in our cost data, before any incentives. Tell me your ZIP code and bill and "
        "I'll work out the figure for your home."
    )


def _end(state: AgentState, messages: list[OutgoingMessage], text: str, outcome: Any) -> AgentTurn:
    state.awaiting = None
    messages.append(OutgoingMessage(text, kind="closing"))
    return AgentTurn(messages=messages, state=state, quick_replies=[], outcome=outcome)


def apply_values(state: AgentState, extraction: Extraction) -> list[OutgoingMessage]:
    """Store what the homeowner said; acknowledge corrections; hint at invalid answers."""
    messages: list[OutgoingMessage] = []
    corrections: list[str] = []
    for field, value in extraction.values.items():
        previous = state.slots.get(field, _MISSING)
        state.slots[field] = value
        if previous is not _MISSING and previous is not None and previous != value:
            corrections.append(f"{FIELD_LABELS.get(field, field)} to {display_value(field, value)}")
    if corrections:
        messages.append(
            OutgoingMessage("Got it, I've updated your " + " and ".join(corrections) + ".")
        )
    for field, hint in extraction.errors.items():
        if field not in extraction.values:
            messages.append(OutgoingMessage(hint, kind="hint", meta={"field": field}))
    return messages


def _nlu_awaiting(state: AgentState) -> str | None:
    """Once the first name is known, a lone word answering "name" is the last name."""
    if state.awaiting == "name" and state.slots.get("first_name"):
        return "last_name"
    return state.awaiting


def respond(state: AgentState, text: str, tools: AdvisorTools) -> AgentTurn:
    """One turn of the guided advisor."""
    awaiting = state.awaiting
    extraction = understand(text, _nlu_awaiting(state), zip_is_known=tools.zip_is_known)
    intents = extraction.intents
    previous_inputs = _estimate_inputs(state.slots)

    if "stop" in intents:
        return _end(state, [], policy.STOPPED, "stopped")
    if "restart" in intents:
        state.slots.clear()
        state.estimate = None
        state.awaiting = "zip_code"
        return AgentTurn(
            messages=[OutgoingMessage("Sure, let's start over."), question("zip_code", state)],
            state=state,
            quick_replies=policy.QUICK_REPLIES["zip_code"],
        )

    messages = apply_values(state, extraction)
    skipped_optional = bool(intents & {"skip", "unsure"} or extraction.values)
    if (
        awaiting == "battery_interest"
        and "battery_interest" not in state.slots
        and skipped_optional
    ):
        state.slots["battery_interest"] = None  # optional: skipped or passed over

    if state.slots.get("homeowner") is False:
        return _end(state, messages, policy.RENTER_GOODBYE, "ended_renter")

    for intent in sorted(intents):
        if intent == "faq_cost":
            messages.append(OutgoingMessage(_cost_answer(state, tools), kind="faq"))
        elif intent in policy.FAQ_ANSWERS:
            messages.append(OutgoingMessage(policy.FAQ_ANSWERS[intent], kind="faq"))

    inputs_changed = _estimate_inputs(state.slots) != previous_inputs
    if (
        state.slots.get("zip_code")
        and state.slots.get("monthly_bill")
        and (state.estimate is None or inputs_changed)
    ):
        try:
            estimate = tools.estimate(state.slots)
        except Exception:  # never invent a number: say nothing rather than guess
            logger.exception("solar estimate failed", extra={"zip_code": state.slots["zip_code"]})
        else:
            messages.append(policy.show_estimate(state, estimate))

    if awaiting == "consent" and "consent" in extraction.values:
        if extraction.values["consent"] is True and not policy.missing_fields(state.slots):
            chosen = state.slots.get("max_buyers")
            if chosen is not None and not 1 <= chosen <= state.max_buyers:
                state.slots["max_buyers"] = state.max_buyers
            return _end(
                state, messages, policy.thank_you(state.slots, state.max_buyers), "submit_lead"
            )
        if extraction.values["consent"] is False:
            state.slots.pop("consent", None)
            return _end(state, messages, policy.DECLINED_CONSENT, "declined_consent")

    missing = policy.missing_fields(state.slots)
    next_field = missing[0] if missing else "consent"
    if "greeting" in intents and not (extraction.values or messages):
        messages.append(OutgoingMessage("Hi there!"))
    elif not (extraction.values or messages) and awaiting is not None:
        hint = policy.HINTS.get(awaiting, "")
        messages.append(
            OutgoingMessage(f"Sorry, I didn't quite catch that. I'm looking for {hint}.", "hint")
        )
    elif extraction.values and not messages and next_field != "name":
        messages.append(OutgoingMessage(ACKNOWLEDGEMENTS[len(state.slots) % len(ACKNOWLEDGEMENTS)]))
    state.awaiting = next_field
    messages.append(question(next_field, state))
    return AgentTurn(messages=messages, state=state, quick_replies=quick_replies(next_field, state))


def quick_replies(field: str, state: AgentState) -> list[str]:
    if field == "consent":
        return policy.consent_quick_replies(state.max_buyers)
    return list(policy.QUICK_REPLIES[field])

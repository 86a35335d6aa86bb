"""The guided advisor: deterministic, offline, and the fallback for the LLM agent.

It understands free text through the NLU (several fields per message, corrections,
everyday phrasings), re-asks with a hint when an answer is invalid, answers a few
common questions, shows an engine estimate as soon as ZIP and bill are known, and
ends politely for renters. It is a pure function of state, message and tools.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from app.conversation.agent import knowledge, policy
from app.conversation.agent.base import AdvisorTools, AgentState, AgentTurn, OutgoingMessage
from app.conversation.nlu import AWAITABLE, Extraction, understand
from app.conversation.nlu.extraction import clarifying_question
from app.conversation.nlu.questions import is_question, question_topics
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


def apply_values(
    state: AgentState, extraction: Extraction, values: dict[str, Any] | None = None
) -> list[OutgoingMessage]:
    """Store what the homeowner said (``values``: the extraction's, once screened by
    :func:`screen`); acknowledge corrections; hint at invalid answers."""
    values = extraction.values if values is None else values
    messages: list[OutgoingMessage] = []
    corrections: list[str] = []
    for field, value in values.items():
        previous = state.slots.get(field, _MISSING)
        state.slots[field] = value
        if previous is not _MISSING and previous is not None and previous != value:
            corrections.append(f"{FIELD_LABELS.get(field, field)} to {display_value(field, value)}")
    if corrections:
        messages.append(
            OutgoingMessage("Got it, I've updated your " + " and ".join(corrections) + ".")
        )
    for field, hint in extraction.errors.items():
        if field not in values:
            messages.append(OutgoingMessage(hint, kind="hint", meta={"field": field}))
    return messages


# --- never store a guess ---------------------------------------------------------------------

#: The slot holding a change the advisor asked the homeowner to confirm, and the
#: pseudo-question it then awaits.
PENDING = "pending_change"
CONFIRM = "confirm_change"
#: A bill this many times bigger or smaller than the one given before is confirmed first.
WILD_BILL_RATIO = 3.0
_YEAR = re.compile(
    r"(?<![$\d.,])((?:19|20)\d\d)(?![\d,.]*\s*(?:dollars|bucks|usd|/|a\s+month|per))"
)
# A name is only taken from a message that is not answering the name question when
# the message says it is a name.
_NAME_CUE = re.compile(r"\bname\b|\bthis\s+is\s+\w|\bcall\s+me\b|\bsigned\b", re.IGNORECASE)
_RENT_WORDS = re.compile(
    r"\b(?:rent\w*|tenant|lease\w*|landlord|apartment|don'?t\s+own|do\s+not\s+own)\b",
    re.IGNORECASE,
)
_SOMETHING_WRONG = re.compile(
    r"\b(?:wrong|incorrect|not\s+right|mistake|typo|fix|change|not\s+correct)\b", re.IGNORECASE
)
# A "no" at consent that also carries a number ("no sorry, it's 195") or "I meant" is
# fixing the facts read back, not refusing.
_FIXING = re.compile(r"\d|\b(?:i\s+meant|oops)\b", re.IGNORECASE)
_RIGHT = re.compile(r"^\W*(?:that'?s\s+|that\s+is\s+|yes\s+)?(?:right|correct)\b", re.IGNORECASE)
_SPLIT = re.compile(r"[,;]|\band\b")
# A message that names the field it changes ("my zip is 98103") corrects it openly.
_FIELD_WORDS = {
    "zip_code": r"\bzip\b|\bzipcode\b|\bpostal\b",
    "monthly_bill": r"\bbill\b|\belectric\w*\b|\bpay\b",
    "property_type": r"\bhome\b|\bhouse\b|\bproperty\b",
    "roof_type": r"\broof\w*\b",
    "shade": r"\bshade\w*\b|\btrees?\b",
    "credit_band": r"\bcredit\b|\bscore\b",
    "timeline": r"\btimeline\b|\bwhen\b|\binstall\w*\b",
    "first_name": r"\bname\b",
    "last_name": r"\bname\b",
    "email": r"\be-?mail\b|@",
    "phone": r"\bphone\b|\bnumber\b|\bcell\b",
}


def _awaited_fields(awaiting: str | None) -> set[str]:
    if awaiting == "name":
        return {"first_name", "last_name"}
    return {awaiting} if awaiting else set()


def year_read_as_bill(text: str, bill: float) -> bool:
    """True when the bill is a year written in the message ("the 2021 freeze")."""
    if bill != int(bill) or not 1900 <= bill <= 2099:
        return False
    return any(int(m.group(1)) == int(bill) for m in _YEAR.finditer(text))


def _introduced(text: str, values: dict[str, Any]) -> bool:
    """ "Hi, I'm Maria Gonzalez": a first and last name, both written capitalised."""
    first, last = values.get("first_name"), values.get("last_name")
    return bool(first and last and f"{first} {last}" in text and str(first)[:1].isupper())


_SENTENCES = re.compile(r"[.;!?]|,\s*(?=it'?s\b|i'?m\b)|\bbut\b", re.IGNORECASE)


def _corrected_name(text: str, values: dict[str, Any]) -> None:
    """ "my name is not Whoa. It's Maria Gonzalez": the full name, written capitalised, in
    the last part that gives one (a part saying what the name is not is skipped)."""
    for part in reversed(_SENTENCES.split(text)):
        if re.search(r"\bnot\b", part, re.IGNORECASE):
            continue
        found = understand(part, "name", zip_is_known=lambda _: False).values
        if _introduced(part, found):  # written as a name: "Sure, go ahead" is not one
            values["first_name"], values["last_name"] = found["first_name"], found["last_name"]
            values.pop("consent", None)
            return


def _whole_name(state: AgentState, text: str, values: dict[str, Any]) -> None:
    """Complete a name the extractor read only in part ("my name is jake, jake miller":
    the first name from the first part, the full name from another)."""
    known_first = state.slots.get("first_name")
    if "first_name" in values and "last_name" not in values:
        for part in _SPLIT.split(text):
            found = understand(part, "name", zip_is_known=lambda _: False).values
            if found.get("first_name") and found.get("last_name"):
                values["first_name"], values["last_name"] = found["first_name"], found["last_name"]
                return
    if known_first and "last_name" in values:
        # The last-name question answered with the whole name: "jake miller".
        last = str(values["last_name"])
        prefix = f"{known_first} "
        if last.lower().startswith(prefix.lower()) and len(last) > len(prefix):
            values["last_name"] = last[len(prefix) :]


def screen(
    state: AgentState, awaiting: str | None, text: str, extraction: Extraction, *, asking: bool
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """What of the extraction may be stored now, and a change to confirm first (or None).

    A value that changes a known answer without the homeowner saying so, a bill that is
    a year in the message or wildly off the one given before, and "I rent" read from a
    message without a word about renting are asked about, never stored on a guess. A
    name is taken only when asked for or introduced as a name. When a message changes
    a known answer, the open question's value read from the same words ("no, my zip is
    ..." at the shade question) is dropped: the question is asked again. A question
    (``asking``: "can I get solar on a condo?") changes nothing already known.
    """
    values = dict(extraction.values)
    awaited = _awaited_fields(awaiting)
    if not awaited & {"first_name", "last_name"} and not (
        _NAME_CUE.search(text) or _introduced(text, values)
    ):
        values.pop("first_name", None)
        values.pop("last_name", None)
    if values.get("first_name") or values.get("last_name") or "name" in awaited:
        _whole_name(state, text, values)
    elif _NAME_CUE.search(text) or awaiting == "consent":  # the read-back invites fixes
        _corrected_name(text, values)
    if values and "property_type" not in values and state.slots.get("property_type") is None:
        # "we own a 3 bedroom house": the home type told along with another answer is
        # kept, so it is not asked for again (read as if asked; vocabulary words only).
        home = understand(text, "property_type", zip_is_known=lambda _: False).values
        if "property_type" in home:
            values["property_type"] = home["property_type"]
    explicit = set(extraction.corrected) | awaited
    reviewing = awaiting == "consent"  # the read-back invited corrections in words
    pending: dict[str, Any] | None = None

    def hold(field: str, **why: bool) -> None:
        nonlocal pending
        value = values.pop(field)
        if pending is None:
            pending = {"field": field, "value": value, "resume": awaiting, **why}

    bill = values.get("monthly_bill")
    if bill is not None:
        known = state.slots.get("monthly_bill")
        ratio = max(bill / known, known / bill) if known else 1.0
        if year_read_as_bill(text, float(bill)):
            hold("monthly_bill", year=True)
        elif ratio >= WILD_BILL_RATIO:
            hold("monthly_bill")
    if values.get("homeowner") is False and (asking or not _RENT_WORDS.search(text)):
        hold("homeowner")
    changed = False
    for field in list(values):
        previous = state.slots.get(field)
        if previous is None or previous == values[field] or field in ("consent", "max_buyers"):
            continue
        if asking:
            values.pop(field)
            continue
        names_it = re.search(_FIELD_WORDS.get(field, r"(?!)"), text, re.IGNORECASE)
        if field in explicit or reviewing or names_it:
            changed = True
        else:
            hold(field)
    if changed or pending is not None:
        for field in awaited - set(extraction.corrected):
            if state.slots.get(field) is None:
                values.pop(field, None)
    return values, pending


def _confirm_question(state: AgentState, pending: dict[str, Any]) -> OutgoingMessage:
    field, value = pending["field"], pending["value"]
    previous = state.slots.get(field)
    if field == "homeowner":
        text = "Just to check: do you rent this home rather than own it?"
    elif field == "monthly_bill" and pending.get("year") and pending.get("resume") != field:
        instead = "" if previous is None else f", instead of {display_value(field, previous)}"
        text = (
            f"Just to check: is your electric bill about {display_value(field, value)}"
            f"{instead}? {int(value)} sounds like it could be a year; if so, just say no."
        )
    elif field == "monthly_bill" and previous is None:
        text = f"Just to check: is your electric bill about {display_value(field, value)}?"
    else:
        text = (
            f"Just to check: should I change your {FIELD_LABELS.get(field, field)} from "
            f"{display_value(field, previous)} to {display_value(field, value)}?"
        )
    return OutgoingMessage(text, kind="question", meta={"confirm": field})


def _settle(state: AgentState, pending: dict[str, Any], text: str) -> list[OutgoingMessage] | None:
    """Apply the homeowner's answer to a confirmation question; None when the message
    answers neither yes nor no (it is then read as an ordinary message)."""
    field, value = pending["field"], pending["value"]
    no_zip = {"zip_is_known": lambda _: False}
    restated_in = None if field == "homeowner" else field
    restated = understand(text, restated_in, **no_zip).values.get(field)
    yes_no = understand(text, "battery_interest", **no_zip).values.get("battery_interest")
    if yes_no is None and _RIGHT.search(text):
        yes_no = True
    elif yes_no is None and _SOMETHING_WRONG.search(text):
        yes_no = False
    if restated is not None and not (field == "homeowner" and restated is value):
        chosen = restated
    elif yes_no is True:
        chosen = value
    elif yes_no is False:
        kept = state.slots.get(field)
        if kept is None:
            return [OutgoingMessage("OK, I won't use that.")]
        return [OutgoingMessage(f"OK, I'll keep {display_value(field, kept)}.")]
    else:
        return None
    previous = state.slots.get(field)
    state.slots[field] = chosen
    if previous is None or previous == chosen:
        return [OutgoingMessage(ACKNOWLEDGEMENTS[0])]
    return [
        OutgoingMessage(
            f"Got it, I've updated your {FIELD_LABELS.get(field, field)} to "
            f"{display_value(field, chosen)}."
        )
    ]


#: The facts the read-back shows: giving one at consent corrects it ("yes, and a battery
#: quote too" still agrees).
READ_BACK_FIELDS = frozenset(
    {"first_name", "last_name", "zip_code", "monthly_bill", "homeowner", "property_type",
     "phone", "email"}
)  # fmt: skip
WHAT_TO_CHANGE = (
    'What should I change? Tell me in your own words, like "my bill is about $150" or '
    '"my last name is Gonzalez".'
)
HOME_WORDS = {
    "single_family": "single-family home",
    "townhouse": "townhouse",
    "condo": "condo",
    "mobile_home": "mobile home",
    "multi_family": "multi-family home",
}


def read_back(state: AgentState) -> OutgoingMessage:
    """The key facts, before consent, so the homeowner can fix any of them in words."""
    slots = state.slots
    location = (state.estimate or {}).get("location") or {}
    place = slots["zip_code"]
    if location.get("city"):
        place += f" ({location['city']}, {location['state']})"
    home = HOME_WORDS.get(slots["property_type"], "home")
    facts = [
        f"{slots['first_name']} {slots['last_name']} in {place}",
        f"about {display_value('monthly_bill', slots['monthly_bill'])}",
        f"{'own' if slots.get('homeowner') else 'rent'} a {home}",
        f"reachable at {policy.format_phone(slots['phone'])} and {slots['email']}",
    ]
    return OutgoingMessage(
        "Before you decide, here's what I have: I have you as "
        + ", ".join(facts[:-1])
        # No "is that right?": a "yes" here must only ever answer the consent question.
        + f", {facts[-1]}. If anything is wrong, just tell me what to change.",
        kind="text",
        meta={"read_back": True},
    )


def _nlu_awaiting(state: AgentState) -> str | None:
    """Once the first name is known, a lone word answering "name" is the last name."""
    if state.awaiting == "name" and state.slots.get("first_name"):
        return "last_name"
    return state.awaiting


OPTIONAL_SKIPS = {
    # field -> what a skip ("skip", "I'd rather not say", "not sure") stores
    "battery_interest": None,
    "credit_band": None,
}


def _answers(
    state: AgentState, text: str, extraction: Extraction, tools: AdvisorTools
) -> list[OutgoingMessage]:
    """Answers to the questions the message asks (knowledge base first, then the
    NLU's common-question intents), or an honest "I can't answer that here"."""
    topics = question_topics(text, state.awaiting)
    intents = extraction.intents

    def reference() -> Any:
        try:
            return tools.national_reference(state.slots)
        except Exception:  # no comparison rather than a made-up one
            logger.exception("national reference failed")
            return None

    def from_knowledge(topic: str) -> OutgoingMessage:
        text = knowledge.answer(topic, state, reference)
        return OutgoingMessage(text, kind="faq", meta={"topic": topic})

    # The topics and the NLU's intents name the same questions in two vocabularies.
    same = {
        "faq_tax_credit": "tax_credit",
        "faq_net_metering": "net_metering",
        "faq_cost": "cost",
        "faq_privacy": "privacy",
    }
    asked = list(topics) + [
        same.get(i, i)
        for i in sorted(intents)
        if i.startswith("faq_") and same.get(i, i) not in topics
    ]
    messages = []
    for topic in asked:
        if topic == "cost":
            messages.append(OutgoingMessage(_cost_answer(state, tools), kind="faq"))
        elif topic == "privacy":
            messages.append(OutgoingMessage(policy.FAQ_ANSWERS["faq_privacy"], kind="faq"))
        elif topic in policy.FAQ_ANSWERS:
            messages.append(OutgoingMessage(policy.FAQ_ANSWERS[topic], kind="faq"))
        else:
            messages.append(from_knowledge(topic))
    return messages


def respond(state: AgentState, text: str, tools: AdvisorTools) -> AgentTurn:
    """One turn of the guided advisor."""
    messages: list[OutgoingMessage] = []
    previous_inputs = _estimate_inputs(state.slots)
    if state.awaiting == CONFIRM:
        pending = state.slots.pop(PENDING, None) or {}
        state.awaiting = pending.get("resume")
        settled = _settle(state, pending, text) if pending else None
        if settled is not None:
            return _carry_on(
                state,
                settled,
                tools,
                previous_inputs,
                awaiting=state.awaiting,
                read_again=state.awaiting == "consent",  # the facts read back may have changed
            )
    awaiting = state.awaiting
    unknown_zips: list[str] = []

    def zip_is_known(zip_code: str) -> bool:
        known = tools.zip_is_known(zip_code)
        if not known:
            unknown_zips.append(zip_code)
        return known

    extraction = understand(text, _nlu_awaiting(state), zip_is_known=zip_is_known)
    intents = extraction.intents

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

    topics = question_topics(text, awaiting)
    values, pending = screen(state, awaiting, text, extraction, asking=bool(topics))
    # At consent, a message that gives any fact corrects the read-back (even when it is
    # held for confirmation or repeats what is known): it never agrees or declines.
    corrected_at_consent = awaiting == "consent" and any(
        f in READ_BACK_FIELDS for f in {*extraction.values, *values}
    )
    if corrected_at_consent or (awaiting == "consent" and is_question(text)):
        # "no, my name is Maria" corrects; "do I have to say yes?" asks: neither answers.
        values.pop("consent", None)
    messages = apply_values(state, extraction, values)
    for message in messages:
        if message.meta.get("field") == "zip_code" and unknown_zips:
            area = tools.unserved_area(unknown_zips[0])
            if area is not None:
                message.content = (
                    f"{unknown_zips[0]} is in {area}. We don't serve {area} yet: Aurum's "
                    "estimates and installers cover the 50 states and DC. If the home is in "
                    "one of them, send me its ZIP code."
                )
    skipped = bool(intents & {"skip", "unsure"} or awaiting in extraction.declined)
    if awaiting in OPTIONAL_SKIPS and state.slots.get(awaiting) is None:
        if skipped and awaiting not in state.slots:
            messages.append(OutgoingMessage("No problem, we'll skip that one."))
        if skipped or (awaiting == "battery_interest" and values and pending is None):
            state.slots[awaiting] = OPTIONAL_SKIPS[awaiting]  # skipped or passed over

    if state.slots.get("homeowner") is False:
        return _end(state, messages, policy.RENTER_GOODBYE, "ended_renter")

    answers = _answers(state, text, extraction, tools)
    if not answers and is_question(text) and not (values or extraction.errors or pending):
        answers = [OutgoingMessage(knowledge.CANNOT_ANSWER, kind="faq", meta={"topic": None})]
    messages += answers

    unsure = [f for f in extraction.unsure if f not in values and f in AWAITABLE]
    if unsure and pending is None:
        # "85004 or 85008": a short question settles it; nothing is stored meanwhile.
        field = unsure[0]
        candidates = extraction.unsure[field]
        _refresh_estimate(state, messages, tools, previous_inputs)
        state.awaiting = field
        messages.append(OutgoingMessage(clarifying_question(field, candidates), kind="question"))
        replies = [f"${c:,.0f}" if field == "monthly_bill" else str(c) for c in candidates]
        return AgentTurn(messages=messages, state=state, quick_replies=replies)

    if pending is not None:
        _refresh_estimate(state, messages, tools, previous_inputs)
        state.slots[PENDING] = pending
        state.awaiting = CONFIRM
        messages.append(_confirm_question(state, pending))
        replies = ["Yes", "No"] if pending["field"] != "homeowner" else ["I rent it", "I own it"]
        return AgentTurn(messages=messages, state=state, quick_replies=replies)

    if values.get("consent") is False and (_SOMETHING_WRONG.search(text) or _FIXING.search(text)):
        values.pop("consent")
        messages.append(OutgoingMessage(WHAT_TO_CHANGE))
    if awaiting == "consent" and "consent" in values and not corrected_at_consent:
        _refresh_estimate(state, messages, tools, previous_inputs)
        if values["consent"] is True and not policy.missing_fields(state.slots):
            chosen = state.slots.get("max_buyers")
            if chosen is not None and not 1 <= chosen <= state.max_buyers:
                state.slots["max_buyers"] = state.max_buyers
            return _end(
                state, messages, policy.thank_you(state.slots, state.max_buyers), "submit_lead"
            )
        if values["consent"] is False:
            state.slots.pop("consent", None)
            return _end(state, messages, policy.DECLINED_CONSENT, "declined_consent")
        state.slots.pop("consent", None)
    asked_what = any(m.content == WHAT_TO_CHANGE for m in messages)
    if awaiting == "consent" and not values and _SOMETHING_WRONG.search(text) and not asked_what:
        messages.append(OutgoingMessage(WHAT_TO_CHANGE))
    return _carry_on(
        state,
        messages,
        tools,
        previous_inputs,
        awaiting=awaiting,
        understood=bool(values or extraction.errors),
        greeting="greeting" in intents,
        read_again=corrected_at_consent,
    )


def _refresh_estimate(
    state: AgentState,
    messages: list[OutgoingMessage],
    tools: AdvisorTools,
    previous_inputs: tuple[Any, ...],
) -> None:
    """Show an estimate once ZIP and bill are known, and again when its inputs change."""
    inputs_changed = _estimate_inputs(state.slots) != previous_inputs
    if not (state.slots.get("zip_code") and state.slots.get("monthly_bill")):
        return
    if state.estimate is not None and not inputs_changed:
        return
    try:
        estimate = tools.estimate(state.slots)
    except Exception:  # never invent a number: say nothing rather than guess
        logger.exception("solar estimate failed", extra={"zip_code": state.slots["zip_code"]})
    else:
        messages.append(policy.show_estimate(state, estimate))


def _carry_on(
    state: AgentState,
    messages: list[OutgoingMessage],
    tools: AdvisorTools,
    previous_inputs: tuple[Any, ...],
    *,
    awaiting: str | None,
    understood: bool = True,
    greeting: bool = False,
    read_again: bool = False,
) -> AgentTurn:
    """Refresh the estimate, then ask the open question again if it is still open (after
    a correction or a question the advisor returns to it), else the next one."""
    _refresh_estimate(state, messages, tools, previous_inputs)
    missing = policy.missing_fields(state.slots)
    next_field = awaiting if awaiting in missing else (missing[0] if missing else "consent")
    if greeting and not (understood or messages):
        messages.append(OutgoingMessage("Hi there!"))
    elif not (understood or messages) and awaiting is not None:
        hint = policy.HINTS.get(awaiting, "")
        messages.append(
            OutgoingMessage(f"Sorry, I didn't quite catch that. I'm looking for {hint}.", "hint")
        )
    elif understood and not messages and next_field != "name":
        messages.append(OutgoingMessage(ACKNOWLEDGEMENTS[len(state.slots) % len(ACKNOWLEDGEMENTS)]))
    if next_field == "consent" and (awaiting != "consent" or read_again):
        messages.append(read_back(state))
    state.awaiting = next_field
    messages.append(question(next_field, state))
    return AgentTurn(messages=messages, state=state, quick_replies=quick_replies(next_field, state))


def quick_replies(field: str, state: AgentState) -> list[str]:
    if field == "consent":
        return policy.consent_quick_replies(state.max_buyers)
    return list(policy.QUICK_REPLIES[field])

"""What the advisor asks, in which order, and how it phrases things.

Shared by the guided agent and the LLM agent: the questions, quick replies, the
required fields and the messages built from engine results. Every number in a reply
is formatted from a solar estimate the engine returned, never typed here.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.conversation.agent.base import AgentState, OutgoingMessage
from app.leads import consent

# The order the advisor asks in. ZIP, ownership and bill come first: renters learn
# early that we cannot help, and everyone else sees an estimate after three answers.
QUESTION_ORDER: tuple[str, ...] = (
    "zip_code",
    "homeowner",
    "monthly_bill",
    "property_type",
    "roof_type",
    "shade",
    "credit_band",
    "timeline",
    "battery_interest",
    "name",
    "email",
    "phone",
    "consent",
)
OPTIONAL_FIELDS = frozenset({"battery_interest", "credit_band"})

QUESTIONS: dict[str, str] = {
    "zip_code": "What's the ZIP code of the home you're thinking about solar for?",
    "homeowner": "Do you own the home, or rent it?",
    "monthly_bill": "About how much is your electric bill in a typical month?",
    "property_type": "What kind of home is it?",
    "roof_type": "What is the roof made of?",
    "shade": "How much shade does the roof get during the day (trees, buildings)?",
    "credit_band": (
        "Roughly where is your credit score? It only helps match you with financing; "
        "nobody runs a credit check here, and you can say skip."
    ),
    "timeline": "When would you like to have solar installed?",
    "battery_interest": (
        "Would you want a home battery for backup power? This one's optional: say skip if "
        "you're not sure."
    ),
    "name": "Who should an installer ask for? Your first and last name, please.",
    "email": "What's the best email address to send your estimate to?",
    "email_no_mail": "What's your email address? The installers you choose use it for your quote.",
    "phone": "And a phone number an installer can reach you on?",
}


def consent_question(max_buyers: int) -> str:
    """The consent question: the disclosure for the most installers allowed, and how to
    choose fewer."""
    fewer = ""
    if max_buyers > 1:
        options = '"only 1 installer"' + (f' or "up to {max_buyers - 1}"' if max_buyers > 2 else "")
        fewer = f" Prefer fewer? Say {options}."
    return f"{consent.disclosure(max_buyers)} Do you agree?{fewer}"


def consent_quick_replies(max_buyers: int) -> list[str]:
    if max_buyers == 1:
        return ["I agree", "No thanks"]
    return ["I agree", "I agree, only 1 installer", "No thanks"]


HINTS: dict[str, str] = {
    "zip_code": "a 5-digit US ZIP code, like 85004",
    "homeowner": 'whether you own or rent, like "we own it"',
    "monthly_bill": 'a dollar amount, like "$180" or "150 to 200"',
    "property_type": "house, townhouse, condo, mobile home or multi-family",
    "roof_type": "shingle, metal, tile, flat, wood shake or slate",
    "shade": "none, a little, partial, or lots of shade",
    "credit_band": ('a rough score like "around 700", excellent / good / fair / poor, or "skip"'),
    "timeline": "as soon as possible, 1-3 months, 3-6 months, 6-12 months, or just researching",
    "battery_interest": "yes, no, or skip",
    "name": 'your first and last name, like "Jane Doe"',
    "email": "an email address like jane@example.com",
    "phone": "a US phone number like (602) 555-0142",
    "consent": '"I agree" or "no thanks"',
}

QUICK_REPLIES: dict[str, list[str]] = {
    "zip_code": [],
    "homeowner": ["I own it", "I rent"],
    "monthly_bill": ["$50-$100", "$100-$200", "$200-$300", "$300-$400"],
    "property_type": ["Single-family house", "Townhouse", "Condo", "Mobile home", "Multi-family"],
    "roof_type": ["Asphalt shingle", "Metal", "Tile", "Flat", "Not sure"],
    "shade": ["No shade", "A little shade", "Partial shade", "Lots of shade"],
    "credit_band": ["720+", "680-719", "640-679", "Below 640", "Rather not say"],
    "timeline": [
        "As soon as possible",
        "1-3 months",
        "3-6 months",
        "6-12 months",
        "Just researching",
    ],
    "battery_interest": ["Yes", "No", "Skip"],
    "name": [],
    "email": [],
    "phone": [],
}

GREETING = (
    "Hi! I'm Aurum's solar advisor. In a few questions I'll estimate what solar would "
    "cost and save for your home. Every number I show comes from our solar model "
    "(NREL's PVWatts method with local weather), never from guesswork."
)

FAQ_ANSWERS: dict[str, str] = {
    "faq_net_metering": (
        "Net metering means your utility credits you for extra solar power you send to "
        "the grid, and those credits pay for power you draw at night. Rules differ by "
        "state and utility, and some now credit exported power below the retail price. "
        "Our estimate values your solar power at your state's average retail rate."
    ),
    "faq_tax_credit": (
        "The federal 30% residential clean energy credit (section 25D) ended for systems "
        "installed after December 31, 2025, so a system you buy and install now gets no "
        "federal tax credit, and our estimates don't include one. Some states and "
        "utilities still offer incentives, and leases or power purchase agreements can "
        "work differently: an installer can tell you what applies where you live."
    ),
    "faq_how_estimate": (
        "I use NREL's PVWatts method with typical weather from the nearest weather "
        "station, your state's average electricity rate, and current installed-cost "
        'data. Each assumption is listed under "How we calculated this" on your estimate.'
    ),
    "faq_privacy": (
        "Your details go only to the vetted solar installers you allow at the very end (you "
        "choose how many), and only if you agree. You can ask any of them to stop "
        "contacting you at any time, and ask us to erase your details."
    ),
}


def missing_fields(slots: Mapping[str, Any]) -> list[str]:
    """The questions still to ask, in order (``name`` stands for first + last name).

    An optional field counts as answered once it is in ``slots``, even as None (skipped).
    """
    missing = []
    for name in QUESTION_ORDER:
        if name == "name":
            if not slots.get("first_name") or not slots.get("last_name"):
                missing.append(name)
        elif name in OPTIONAL_FIELDS:
            if name not in slots:
                missing.append(name)
        elif slots.get(name) is None:
            missing.append(name)
    return missing


def format_phone(e164: str) -> str:
    digits = e164.removeprefix("+1")
    if len(digits) != 10:
        return e164
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def money(value: float) -> str:
    return f"${_figure(value)}"


def _figure(value: float, decimals: int = 0) -> str:
    """A figure as the estimate card prints it: en-US, no trailing zeros, rounded half away
    from zero on the shortest decimal that is the float (what the browser's Intl rounds)."""
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{rounded:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def describe_estimate(estimate: Mapping[str, Any], *, updated: bool = False) -> str:
    """One paragraph summarising an engine estimate; every figure comes from it, rounded
    as the estimate card rounds it (money arrives in whole dollars)."""
    location = estimate["location"]
    size = estimate["system_size_kw"]
    panels = estimate["panel_count"]
    production = estimate["annual_production_kwh"]
    offset = estimate.get("offset_pct")
    net = estimate["net_cost_usd"]
    incentives = estimate["incentives_usd"]
    year1 = estimate["year1_savings_usd"]
    lifetime = estimate["lifetime_savings_usd"]
    payback = estimate.get("payback_years")
    years = estimate.get("assumptions", {}).get("analysis_years", 25)

    opening = "Here's your updated estimate" if updated else "Here's your estimate"
    system = f"a {_figure(size, 2)} kW system"
    if estimate.get("sizing") == "minimum_practical_size":
        system = f"the smallest system installers usually fit, {system},"
    share = "" if offset is None else f", around {_figure(offset)}% of the electricity you use"
    cost = f"It would cost about {money(net)}"
    if incentives:
        cost += f" after {money(incentives)} in incentives"
    payback_text = (
        f"paying for itself in about {_figure(payback, 1)} years"
        if payback is not None
        else f"though it would not pay for itself within {years} years"
    )
    return (
        f"{opening} for {location['city']}, {location['state']}: {system} "
        f"({panels} panels) would produce about {_figure(production)} kWh a year{share}. "
        f"{cost}, save about {money(year1)} in the first year and {money(lifetime)} over "
        f"{years} years, {payback_text}."
    )


def show_estimate(state: AgentState, estimate: dict[str, Any]) -> OutgoingMessage:
    """Make ``estimate`` the conversation's current one and the message that shows it."""
    updated = state.estimate is not None
    state.estimate = estimate
    return OutgoingMessage(
        describe_estimate(estimate, updated=updated), kind="estimate", meta={"estimate": estimate}
    )


def thank_you(slots: Mapping[str, Any], max_buyers: int) -> str:
    who = consent.installers(int(slots.get("max_buyers") or max_buyers)).replace(
        "solar installer", "local installer"
    )
    return (
        f"Thank you, {slots['first_name']}! You're all set. {who[0].upper()}{who[1:]} may "
        f"contact you at {format_phone(slots['phone'])} or {slots['email']} to confirm the "
        "details and give you a firm quote. Your estimate stays on this page."
    )


RENTER_GOODBYE = (
    "Thanks for letting me know. Solar panels need the property owner's say-so, so I "
    "can't match renters with installers. If your landlord is interested, they're "
    "welcome to chat with me. Have a great day!"
)
DECLINED_CONSENT = (
    "Understood: I won't share your details with anyone. Your estimate stays on this "
    "page, and you can start a new chat any time if you change your mind."
)
STOPPED = "No problem, I've stopped here. If you change your mind, just start a new chat."
ALREADY_DONE = (
    "This conversation is finished. If you'd like an estimate for another home, start a new chat."
)

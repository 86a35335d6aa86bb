"""The advisor's knowledge base: honest answers to the questions homeowners ask.

Every figure in an answer comes from the solar engine for this homeowner's estimate
(or from the engine's estimates for the same bill elsewhere, for the national
comparison), from the consent's number of installers, from the lead-scoring table or
from the in-area partner list; nothing numeric is typed here. A topic the advisor has
no answer for gets :data:`CANNOT_ANSWER`, and the conversation goes on.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from app.conversation.agent.base import AgentState
from app.leads import consent, scoring

#: A ZIP in the largest city of each state and DC: the national comparison runs the
#: engine for the homeowner's own bill and shade at each of them and takes the median.
REFERENCE_ZIPS: tuple[str, ...] = (
    "35203", "99501", "85004", "72201", "90012", "80202", "06604", "19801", "20001",
    "32202", "30303", "96813", "83702", "60601", "46204", "50309", "67202", "40202",
    "70112", "04101", "21202", "02108", "48226", "55401", "39201", "64106", "59101",
    "68102", "89101", "03101", "07102", "87102", "10001", "28202", "58102", "43215",
    "73102", "97204", "19103", "02903", "29401", "57104", "37203", "77002", "84111",
    "05401", "23451", "98101", "25301", "53202", "82001",
)  # fmt: skip

CANNOT_ANSWER = (
    "I can't answer that here, sorry: I only know about solar estimates, how this "
    "service works and the questions I ask. An installer can help with the rest."
)

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip


def national_reference(
    estimate_at: Callable[[str], Mapping[str, Any] | None],
) -> dict[str, Any] | None:
    """The medians of the engine's estimates at :data:`REFERENCE_ZIPS` (``estimate_at``
    gives the estimate for a ZIP with the homeowner's bill and shade, None on failure)."""
    estimates = [e for e in (estimate_at(zip_code) for zip_code in REFERENCE_ZIPS) if e]
    if len(estimates) < len(REFERENCE_ZIPS) // 2:
        return None
    paybacks = [e["payback_years"] for e in estimates if e.get("payback_years") is not None]
    return {
        "places": len(estimates),
        "payback_years": statistics.median(paybacks) if paybacks else None,
        "specific_yield_kwh_per_kw": statistics.median(
            e["specific_yield_kwh_per_kw"] for e in estimates
        ),
        "electricity_rate_usd_per_kwh": statistics.median(
            e["electricity_rate_usd_per_kwh"] for e in estimates
        ),
    }


# --- formatting ----------------------------------------------------------------------------


def _money(value: float) -> str:
    return f"${value:,.0f}"


def _rate(value: float) -> str:
    return f"${value:.3f}".rstrip("0").rstrip(".") if value < 1 else f"${value:,.2f}"


def _years(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _place(estimate: Mapping[str, Any]) -> str:
    location = estimate.get("location") or {}
    return f"{location.get('city', '')}, {location.get('state', '')}".strip(", ")


def _state(estimate: Mapping[str, Any]) -> str:
    return (estimate.get("location") or {}).get("state", "your state")


def _join(names: Sequence[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _compensation(estimate: Mapping[str, Any]) -> Mapping[str, Any]:
    return (estimate.get("assumptions") or {}).get("compensation") or {}


def _export_share(estimate: Mapping[str, Any]) -> float | None:
    """The share of the output (%) sent to the grid, as the engine reports it."""
    produced = sum(m["production_kwh"] for m in estimate.get("monthly") or [])
    if not produced:
        return None
    return 100 * sum(m["exported_kwh"] for m in estimate["monthly"]) / produced


def _export_credited_share(estimate: Mapping[str, Any]) -> float | None:
    """The share of the output (%) that earns the export credit instead of the retail
    rate under the state's rule: every exported kWh under net billing, a month's net
    surplus under monthly netting, none under retail net metering."""
    rule = _compensation(estimate).get("rule")
    months = estimate.get("monthly") or []
    produced = sum(m["production_kwh"] for m in months)
    if not produced:
        return None
    if rule == "net_billing":
        return _export_share(estimate)
    if rule == "monthly_netting":
        surplus = sum(max(0.0, m["production_kwh"] - m["consumption_kwh"]) for m in months)
        return 100 * surplus / produced
    return None


NEEDS_ESTIMATE = (
    "Tell me the home's ZIP code and your monthly electric bill and I'll work that out "
    "from our solar model for your home."
)
NEEDS_BILL = (
    "Tell me your monthly electric bill and I'll work that out from our solar model for your home."
)


def _needs_estimate(state: AgentState) -> str:
    return NEEDS_BILL if state.slots.get("zip_code") else NEEDS_ESTIMATE


# --- the answers ---------------------------------------------------------------------------


def worth_it(state: AgentState, reference: Mapping[str, Any] | None) -> str:
    estimate = state.estimate
    if not estimate:
        return (
            "It depends on three things: how much sun the roof gets where you live, what "
            "your electricity costs, and how your utility credits power you send to the "
            "grid. " + _needs_estimate(state)
        )
    payback = estimate.get("payback_years")
    years = (estimate.get("assumptions") or {}).get("analysis_years", 25)
    yield_here = estimate["specific_yield_kwh_per_kw"]
    text = f"For your home in {_place(estimate)}, our model says "
    if payback is None:
        text += f"the system would not pay for itself within {years} years"
    else:
        text += f"it pays for itself in about {_years(payback)} years"
    text += (
        f" and saves about {_money(estimate['lifetime_savings_usd'])} over {years} years "
        f"against {_money(estimate['net_cost_usd'])} up front; each kW of panels makes "
        f"about {yield_here:,.0f} kWh a year."
    )
    if reference:
        text += " " + _comparison(state.slots.get("monthly_bill"), reference)
    return text + " Whether that's worth it is your call; an installer's quote will be firmer."


def _comparison(bill: float | None, reference: Mapping[str, Any]) -> str:
    same = "the same bill and shade" if bill is None else f"the same {_money(bill)} bill and shade"
    parts = []
    if reference.get("payback_years") is not None:
        parts.append(f"a payback of about {_years(reference['payback_years'])} years")
    parts.append(f"about {reference['specific_yield_kwh_per_kw']:,.0f} kWh per kW")
    return (
        f"Run for {same} in the largest city of each state and DC ({reference['places']} "
        f"places), our model's median is {' and '.join(parts)}."
    )


def payback(state: AgentState, reference: Mapping[str, Any] | None) -> str:
    estimate = state.estimate
    if not estimate:
        return (
            "Payback is the number of years the bill savings take to add up to the "
            "system's cost. " + _needs_estimate(state)
        )
    years = (estimate.get("assumptions") or {}).get("analysis_years", 25)
    here = estimate.get("payback_years")
    if here is None:
        text = f"In your estimate the system does not pay for itself within {years} years."
    else:
        text = f"In your estimate the payback is about {_years(here)} years."
    if not reference:
        return text + " " + _payback_reasons(estimate, None)
    national = reference.get("payback_years")
    if national is not None and here is not None:
        verdict = "about normal"
        if here > national * 1.15:
            verdict = "longer than typical"
        elif here < national * 0.85:
            verdict = "shorter than typical"
        text += (
            f" That is {verdict}: the national median for your bill is about "
            f"{_years(national)} years."
        )
    return text + " " + _payback_reasons(estimate, reference)


def _payback_reasons(estimate: Mapping[str, Any], reference: Mapping[str, Any] | None) -> str:
    state = _state(estimate)
    rate = estimate["electricity_rate_usd_per_kwh"]
    yield_here = estimate["specific_yield_kwh_per_kw"]
    reasons = []
    if reference:
        median_rate = reference["electricity_rate_usd_per_kwh"]
        median_yield = reference["specific_yield_kwh_per_kw"]
        cheaper = "below" if rate < median_rate else "above"
        reasons.append(
            f"electricity in {state} costs {_rate(rate)} per kWh ({cheaper} the "
            f"{_rate(median_rate)} median), so each kWh saved is worth "
            f"{'less' if rate < median_rate else 'more'}"
        )
        sunnier = "less" if yield_here < median_yield else "more"
        reasons.append(
            f"each kW of panels makes about {yield_here:,.0f} kWh a year here, {sunnier} "
            f"than the {median_yield:,.0f} median"
        )
    else:
        reasons.append(f"electricity in {state} costs {_rate(rate)} per kWh")
        reasons.append(f"each kW of panels makes about {yield_here:,.0f} kWh a year here")
    share = _export_credited_share(estimate)
    credit = (_compensation(estimate).get("export_credit") or {}).get("value")
    if share is not None and credit is not None and share >= 10:
        reasons.append(
            f"about {share:.0f}% of the output is credited at {_rate(credit)} per kWh as "
            f"power sent to the grid, not at the {_rate(rate)} you pay"
        )
    if not estimate.get("incentives_usd"):
        reasons.append("no federal tax credit applies to a system bought now")
    return "What drives it: " + "; ".join(reasons) + "."


def winter(state: AgentState) -> str:
    estimate = state.estimate
    if not estimate or not estimate.get("monthly"):
        return (
            "Panels make less in winter (short days, low sun, snow), so savings are lower "
            "then; how much depends on where you live and your utility's rule for power "
            "you send to the grid. " + _needs_estimate(state)
        )
    months = estimate["monthly"]
    darkest = min(months, key=lambda m: m["production_kwh"])
    brightest = max(months, key=lambda m: m["production_kwh"])
    name = MONTH_NAMES[darkest["month"] - 1]
    text = (
        f"In your estimate {name} is the darkest month: about "
        f"{darkest['production_kwh']:,.0f} kWh, against {brightest['production_kwh']:,.0f} "
        f"kWh in {MONTH_NAMES[brightest['month'] - 1]}. {name}'s bill goes from "
        f"{_money(darkest['bill_without_solar_usd'])} to "
        f"{_money(darkest['bill_with_solar_usd'])}, a saving of "
        f"{_money(darkest['bill_without_solar_usd'] - darkest['bill_with_solar_usd'])}."
    )
    description = _compensation(estimate).get("description")
    if description:
        text += f" How {_state(estimate)} credits your power: {description}"
    return text


def net_metering(state: AgentState) -> str:
    estimate = state.estimate
    if not estimate:
        return (
            "Net metering means your utility credits you for extra solar power you send to "
            "the grid; the rules differ by state, and many states now credit exported power "
            "below the retail price. " + _needs_estimate(state)
        )
    compensation = _compensation(estimate)
    rule = compensation.get("description", "")
    text = f"For {_state(estimate)}, our model uses this rule: {rule}"
    share = _export_share(estimate)
    if share is not None:
        text += f" In your estimate about {share:.0f}% of the output goes to the grid."
    return text


def business_model(state: AgentState) -> str:
    who = consent.installers(state.max_buyers)
    return (
        "Aurum is free for homeowners. Installers pay us for introductions: if you agree "
        f"at the end, your details go to {who} serving your area, and each of them pays "
        "us for the introduction. You can choose just one, and nobody gets your details "
        "unless you agree."
    )


def installers(state: AgentState) -> str:
    who = consent.installers(state.max_buyers)
    text = f"If you agree at the end, your details go to {who} (you can choose just one)."
    names = state.area_partners
    place = _place(state.estimate) if state.estimate else None
    if names:
        where = f" in {place}" if place else " for your ZIP code"
        text += f" The partner installers who serve your area{where}: {_join(names)}."
    elif names is not None:
        where = place or "your area"
        text += (
            f" Right now no partner installer serves {where}, so your details would go to "
            "nobody until one does."
        )
    else:
        text += " Tell me the home's ZIP code and I'll tell you which partners serve it."
    return text


def credit_why(state: AgentState) -> str:
    top = max(points for points, _ in scoring.CREDIT_POINTS.values())
    unknown, _ = scoring.CREDIT_POINTS["unknown"]
    return (
        "Installers use a rough credit range to know which financing fits: solar loans "
        "need fair credit or better, while cash purchases don't. Nobody runs a credit "
        "check here, and you can say skip: your request still goes ahead, it's just rated "
        f"a little lower ({unknown} of {top} points for credit instead of up to {top})."
    )


def tax_credit(state: AgentState) -> str:
    text = (
        "The federal 30% residential clean energy credit (section 25D) ended for systems "
        "installed after December 31, 2025, so a system you buy now gets no federal tax "
        "credit, and our estimate includes none. A lease or power purchase agreement (PPA) "
        "works differently: the installer or a finance company owns the panels, may still "
        "claim a business tax credit, and can pass some of it on as a lower price."
    )
    incentives = (state.estimate or {}).get("incentives") or []
    if incentives:
        listed = [f"{i['name']} ({_money(i['amount_cents'] / 100)})" for i in incentives]
        text += f" Your estimate does include: {_join(listed)}."
    else:
        text += " Some states and utilities still offer rebates: an installer can say what applies."
    return text


def battery(state: AgentState) -> str:
    text = (
        "A home battery stores solar power for the evening and keeps essentials running in "
        "an outage. Our estimate doesn't include one: it's priced separately by the "
        "installer."
    )
    compensation = _compensation(state.estimate) if state.estimate else {}
    credit = (compensation.get("export_credit") or {}).get("value")
    rate = (state.estimate or {}).get("electricity_rate_usd_per_kwh")
    if credit is not None and rate and credit < rate:
        text += (
            f" In {_state(state.estimate or {})} power you send to the grid earns "
            f"{_rate(credit)} per kWh against {_rate(rate)} for power you buy, so storing it "
            "for your own evening use is worth more."
        )
    return text + " Whether you'd like one is optional; you can tell me either way."


def hoa(state: AgentState) -> str:
    return (
        "A homeowners association can have rules about how panels look or where they go, "
        "and many states limit how far an HOA can ban solar outright. Check your HOA's "
        "rules; installers handle the approval paperwork regularly."
    )


def condo(state: AgentState) -> str:
    _, reason = scoring.PROPERTY_POINTS["condo"]
    return (
        f"{reason}, so a condo needs the association's approval, and a shared roof may "
        "not have room for every unit. I can still estimate and match you; community "
        "solar (a share in a nearby solar farm) is another option some condo owners use."
    )


def consent_optional(state: AgentState) -> str:
    return (
        "You don't have to agree: your estimate stays on this page either way. Agreeing "
        f"only lets {consent.installers(state.max_buyers)} contact you about a quote; say "
        '"no thanks" and nobody gets your details.'
    )


def answer(topic: str, state: AgentState, reference: Callable[[], Mapping[str, Any] | None]) -> str:
    """The answer for ``topic`` (see ``nlu.questions.Topic``); ``reference`` gives the
    national comparison, computed only for the topics that need it."""
    if topic == "worth_it":
        return worth_it(state, reference() if state.estimate else None)
    if topic == "payback":
        return payback(state, reference() if state.estimate else None)
    simple: dict[str, Callable[[AgentState], str]] = {
        "winter": winter,
        "net_metering": net_metering,
        "business_model": business_model,
        "installers": installers,
        "credit_why": credit_why,
        "tax_credit": tax_credit,
        "battery": battery,
        "hoa": hoa,
        "condo": condo,
        "consent_optional": consent_optional,
    }
    handler = simple.get(topic)
    return handler(state) if handler else CANNOT_ANSWER

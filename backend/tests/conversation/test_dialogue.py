"""The guided advisor's dialogue, turn by turn: the issue's "Why" cases first.

Pure: the agent with the real solar engine and no database (the API tests for the
same behaviours, with partners and leads, are at the end).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.conversation.advisor import Advisor, SolarTools
from app.conversation.agent import guided, knowledge, policy
from app.conversation.agent.base import AgentTurn
from app.conversation.nlu import understand
from app.conversation.nlu.questions import question_topics
from app.core.config import Settings
from app.leads.models import Lead
from app.solar.engine import SolarConfig
from tests.conversation import blind_corpus
from tests.conversation.chat import Chat
from tests.partners.support import make_partner

TOOLS = SolarTools(SolarConfig())
CORPUS = blind_corpus.load()


class Talk:
    """The homeowner's side of a chat with the guided agent itself."""

    def __init__(self) -> None:
        self.turn: AgentTurn = guided.opening_turn()
        self.state = self.turn.state
        self.asked: list[str] = [m.content for m in self.turn.messages if m.kind == "question"]

    def say(self, text: str) -> str:
        self.turn = guided.respond(self.state, text, TOOLS)
        self.state = self.turn.state
        self.asked += [m.content for m in self.turn.messages if m.kind == "question"]
        return "\n".join(m.content for m in self.turn.messages)

    def say_all(self, *lines: str) -> str:
        reply = ""
        for line in lines:
            reply = self.say(line)
        return reply

    @property
    def slots(self) -> dict[str, Any]:
        return self.state.slots

    @property
    def awaiting(self) -> str | None:
        return self.state.awaiting

    @property
    def last_question(self) -> str:
        return self.turn.messages[-1].content

    def kinds(self) -> list[str]:
        return [m.kind for m in self.turn.messages]


TO_SHADE = ("98101", "we own it", "about $150", "house", "asphalt shingle")
TO_CREDIT = (*TO_SHADE, "no shade")
TO_BATTERY = (*TO_CREDIT, "around 700", "in 3 to 6 months")
TO_NAME = (*TO_BATTERY, "skip")
TO_CONSENT = (*TO_NAME, "Jake Miller", "jake@example.com", "206 555 0142")


# --- after a correction, back to the open question ----------------------------------------


@pytest.mark.parametrize(
    ("correction", "field", "value"),
    [
        ("no wait, my bill is 180", "monthly_bill", 180),
        ("oops my bill is actually 180 not 150", "monthly_bill", 180),
        ("no, my zip is 98103", "zip_code", "98103"),
    ],
)
def test_after_a_correction_the_open_question_is_asked_again(
    correction: str, field: str, value: Any
) -> None:
    """Why: a correction at the shade question stored "no" as no shade and skipped it."""
    talk = Talk()
    talk.say_all(*TO_SHADE)
    assert talk.awaiting == "shade"
    reply = talk.say(correction)
    assert talk.slots[field] == value
    assert "I've updated your" in reply
    assert "shade" not in talk.slots  # the "no" of "no wait" is not an answer to shade
    assert talk.awaiting == "shade"
    assert talk.last_question == policy.QUESTIONS["shade"]
    talk.say("a little shade from one tree")
    assert talk.slots["shade"] == "light"


def test_a_question_in_the_middle_returns_to_the_open_question() -> None:
    talk = Talk()
    talk.say_all(*TO_SHADE)
    talk.say("how do you guys make money")
    assert talk.awaiting == "shade"
    assert talk.last_question == policy.QUESTIONS["shade"]


# --- never asked twice ----------------------------------------------------------------------


def test_a_home_type_told_with_another_answer_is_not_asked_again() -> None:
    """Why: after "3 bedroom house" it asked the home type again."""
    talk = Talk()
    talk.say("98101")
    talk.say("we own a 3 bedroom house")
    assert talk.slots["homeowner"] is True
    assert talk.slots["property_type"] == "single_family"
    talk.say("about $150")
    assert talk.awaiting == "roof_type"
    assert policy.QUESTIONS["property_type"] not in talk.asked


@pytest.mark.parametrize(
    "lines",
    [("my name is jake, jake miller",), ("jake", "jake miller"), ("Jake", "Miller")],
    ids=["name twice in one message", "whole name at the last-name question", "one by one"],
)
def test_a_name_given_in_full_is_not_asked_again(lines: tuple[str, ...]) -> None:
    """Why: after "my name is jake, jake miller" it asked for the last name."""
    talk = Talk()
    talk.say_all(*TO_NAME)
    assert talk.awaiting == "name"
    talk.say_all(*lines)
    assert (talk.slots["first_name"], talk.slots["last_name"]) == ("Jake", "Miller")
    assert talk.awaiting == "email"
    assert sum("And your last name?" in q for q in talk.asked) == len(lines) - 1


def test_a_whole_conversation_asks_each_question_once() -> None:
    talk = Talk()
    talk.say_all(*TO_CONSENT)
    assert talk.awaiting == "consent"
    questions = [q for q in talk.asked]
    assert len(questions) == len(set(questions)), questions


@pytest.mark.parametrize(
    "message", ["helo im lookin into solr for my house", "whoa no, my bill is not 2021 dollars"]
)
def test_no_name_is_taken_from_words_that_are_not_a_name(message: str) -> None:
    """Why: "Thanks, Lookin!" and "Thanks, Whoa!"."""
    talk = Talk()
    talk.say("98101")
    reply = talk.say(message)
    assert "first_name" not in talk.slots
    assert "Thanks, " not in reply.replace("Thanks, I", "")
    assert talk.state.slots.get("homeowner") is not False  # nor ended as a renter


def test_a_homeowner_who_introduces_themselves_in_full_is_not_asked_their_name() -> None:
    talk = Talk()
    talk.say("Hi, I'm Maria Gonzalez, 02139, we own our house and pay $195/mo")
    assert (talk.slots["first_name"], talk.slots["last_name"]) == ("Maria", "Gonzalez")
    talk.say_all("metal", "no shade", "good", "in 8 months", "no")
    assert talk.awaiting == "email"


def test_an_unsure_answer_gets_a_short_clarifying_question() -> None:
    talk = Talk()
    reply = talk.say("85004 or 85008")
    assert "zip_code" not in talk.slots
    assert "Just to check: is the ZIP of the home 85004 or 85008?" in reply
    assert talk.turn.quick_replies == ["85004", "85008"]
    talk.say("85008")
    assert talk.slots["zip_code"] == "85008" and talk.awaiting == "homeowner"


# --- optional fields accept skip ------------------------------------------------------------


@pytest.mark.parametrize("answer", ["I'd rather not say", "skip", "prefer not to say", "not sure"])
def test_the_credit_question_can_be_skipped(answer: str) -> None:
    """Why: "I'd rather not say" and "skip" were refused."""
    talk = Talk()
    talk.say_all(*TO_CREDIT)
    assert talk.awaiting == "credit_band"
    reply = talk.say(answer)
    assert "didn't quite catch" not in reply
    assert "credit_band" in talk.slots and talk.slots["credit_band"] is None
    assert talk.awaiting == "timeline"


@pytest.mark.parametrize("answer", ["skip", "rather not say", "not sure"])
def test_the_battery_question_can_be_skipped(answer: str) -> None:
    talk = Talk()
    talk.say_all(*TO_BATTERY)
    assert talk.awaiting == "battery_interest"
    talk.say(answer)
    assert talk.slots["battery_interest"] is None
    assert talk.awaiting == "name"


# --- never store a guess: a bill from a year, a renter from a "no" -------------------------


def test_a_year_is_never_applied_as_the_bill() -> None:
    """Why: "we lost power for 3 days in the 2021 freeze" became a $2,021 bill and the
    battery answer was lost."""
    talk = Talk()
    talk.say_all(*TO_BATTERY)
    reply = talk.say("we lost power for 3 days in the 2021 freeze")
    assert "updated your monthly bill" not in reply
    assert talk.slots["monthly_bill"] == 150
    # The battery answer is kept (the NLU reads it) or the battery question stays open.
    assert talk.slots.get("battery_interest") is True or talk.awaiting in {
        guided.CONFIRM,
        "battery_interest",
    }


def _read_as(values: dict[str, Any], text: str) -> Any:
    """An extraction as an extractor that misread the message would give it."""
    from app.conversation.nlu import Extraction

    return Extraction(values=values, text=text)


def test_a_year_read_as_the_bill_by_any_extractor_is_asked_about_never_stored() -> None:
    """The dialogue's own guard, whatever the extractor: a bill that is a year in the
    message is confirmed first, and "no" keeps the bill and re-asks the open question."""
    talk = Talk()
    talk.say_all(*TO_BATTERY)
    text = "we lost power for 3 days in the 2021 freeze"
    values, pending = guided.screen(
        talk.state, "battery_interest", text, _read_as({"monthly_bill": 2021.0}, text), asking=False
    )
    assert "monthly_bill" not in values
    assert pending == {
        "field": "monthly_bill",
        "value": 2021.0,
        "resume": "battery_interest",
        "year": True,
    }
    talk.state.slots[guided.PENDING] = pending
    talk.state.awaiting = guided.CONFIRM
    assert (
        "2021 sounds like it could be a year"
        in guided._confirm_question(talk.state, pending).content
    )
    reply = talk.say("no")
    assert talk.slots["monthly_bill"] == 150
    assert "keep $150 a month" in reply
    assert talk.awaiting == "battery_interest"  # the battery question is asked again
    assert talk.state.estimate["system_size_kw"] == TOOLS.estimate(talk.slots)["system_size_kw"]


@pytest.mark.parametrize(
    ("message", "reply_to_confirm", "bill"),
    [
        ("actually my bill is 1800", "no", 150),
        ("actually my bill is 1800", "yes", 1800),
        ("actually my bill is 1800", "no, it's 180", 180),
    ],
)
def test_a_wild_bill_jump_is_confirmed_before_it_is_applied(
    message: str, reply_to_confirm: str, bill: float
) -> None:
    talk = Talk()
    talk.say_all(*TO_SHADE)
    reply = talk.say(message)
    assert talk.slots["monthly_bill"] == 150
    assert "from $150 a month to $1,800 a month?" in reply
    talk.say(reply_to_confirm)
    assert talk.slots["monthly_bill"] == bill
    assert talk.awaiting == "shade"
    assert talk.state.estimate == TOOLS.estimate(talk.slots)


@pytest.mark.parametrize(("answer", "bill"), [("that's right", 2000), ("wrong", 150)])
def test_a_bill_to_confirm_takes_right_or_wrong_for_an_answer(answer: str, bill: float) -> None:
    talk = Talk()
    talk.say_all(*TO_SHADE)
    assert "Just to check" in talk.say("my bill is actually $2000 now")
    talk.say(answer)
    assert talk.slots["monthly_bill"] == bill
    assert talk.awaiting == "shade"


def test_a_plausible_correction_is_applied_at_once() -> None:
    talk = Talk()
    talk.say_all(*TO_SHADE)
    reply = talk.say("actually my bill is 200")
    assert talk.slots["monthly_bill"] == 200
    assert "I've updated your monthly bill to $200 a month" in reply


def test_a_no_that_is_not_about_renting_does_not_end_the_chat() -> None:
    talk = Talk()
    talk.say("98101")
    text = "whoa no, my bill is not 2021 dollars"
    talk.say(text)
    assert talk.turn.outcome is None and talk.slots.get("homeowner") is not False
    # Even an extractor that read the "no" as renting only gets a question asked.
    values, pending = guided.screen(
        talk.state, "homeowner", text, _read_as({"homeowner": False}, text), asking=False
    )
    assert "homeowner" not in values and pending is not None
    talk.state.slots[guided.PENDING] = pending
    talk.state.awaiting = guided.CONFIRM
    assert "do you rent this home" in guided._confirm_question(talk.state, pending).content
    talk.say("no we own it")
    assert talk.slots["homeowner"] is True
    assert talk.awaiting == "monthly_bill"


def test_a_question_about_leasing_is_answered_not_taken_for_renting() -> None:
    talk = Talk()
    talk.say("98101")
    reply = talk.say("can I lease the panels instead of buying?")
    assert talk.turn.outcome is None
    assert "power purchase agreement" in reply
    assert talk.slots.get("homeowner") is not False


def test_a_question_with_a_zip_keeps_the_zip_and_asks_for_the_bill() -> None:
    talk = Talk()
    reply = talk.say("is solar even worth it in 98101?")
    assert talk.slots["zip_code"] == "98101"
    assert knowledge.NEEDS_BILL in reply


def test_a_renter_who_says_so_is_still_told_at_once() -> None:
    talk = Talk()
    talk.say("98101")
    talk.say("we rent")
    assert talk.turn.outcome == "ended_renter"


# --- read back before consent ---------------------------------------------------------------


def test_the_key_facts_are_read_back_before_consent_and_fixed_in_words() -> None:
    talk = Talk()
    reply = talk.say_all(*TO_CONSENT)
    assert talk.awaiting == "consent"
    assert (
        "I have you as Jake Miller in 98101 (Seattle, WA), about $150 a month, own a "
        "single-family home, reachable at (206) 555-0142 and jake@example.com. If anything "
        "is wrong, just tell me what to change."
    ) in reply
    assert talk.kinds()[-1] == "consent"

    reply = talk.say("no, my name is Maria Gonzalez")
    assert talk.turn.outcome is None  # a correction, not a refusal
    assert (talk.slots["first_name"], talk.slots["last_name"]) == ("Maria", "Gonzalez")
    assert "I have you as Maria Gonzalez in 98101" in reply
    assert talk.awaiting == "consent"

    reply = talk.say("the bill is wrong, it's about $195 a month")
    assert talk.slots["monthly_bill"] == 195
    assert "about $195 a month" in reply and talk.awaiting == "consent"
    assert talk.state.estimate == TOOLS.estimate(talk.slots)

    reply = talk.say("my bill is actually $1950")
    assert talk.awaiting == guided.CONFIRM and talk.slots["monthly_bill"] == 195
    reply = talk.say("yes")
    assert talk.slots["monthly_bill"] == 1950
    assert "about $1,950 a month" in reply and talk.kinds()[-1] == "consent"
    reply = talk.say("no sorry, it's 195")  # a no with a number: never a refusal
    assert talk.turn.outcome is None
    if "What should I change?" in reply:  # the number was not read as the bill
        reply = talk.say("no sorry, my bill is 195")
    assert "from $1,950 a month to $195 a month?" in reply
    talk.say("yes")
    assert talk.slots["monthly_bill"] == 195 and talk.awaiting == "consent"

    reply = talk.say("something's wrong")
    assert talk.turn.outcome is None
    assert "What should I change?" in reply

    talk.say("I agree")
    assert talk.turn.outcome == "submit_lead"


@pytest.mark.parametrize(
    "question",
    ["do i have to say yes to see my results?", "can i just get the estimate without calls?"],
)
def test_at_consent_a_question_is_answered_and_never_taken_as_an_answer(question: str) -> None:
    talk = Talk()
    talk.say_all(*TO_CONSENT)
    reply = talk.say(question)
    assert talk.turn.outcome is None and talk.awaiting == "consent"
    assert "You don't have to agree: your estimate stays on this page" in reply
    assert talk.kinds()[-1] == "consent"


@pytest.mark.parametrize("message", ["no, my name is Jake Miller", "no, the zip is 98101"])
def test_at_consent_a_no_with_facts_already_known_is_not_a_refusal(message: str) -> None:
    talk = Talk()
    talk.say_all(*TO_CONSENT)
    reply = talk.say(message)
    assert talk.turn.outcome is None and talk.awaiting == "consent"
    assert "I have you as Jake Miller in 98101" in reply


@pytest.mark.parametrize(
    "message", ["my name is not Jon. It's Maria Gonzalez", "not Jon, it's Maria Gonzalez"]
)
def test_a_wrong_name_is_fixed_in_words_at_consent(message: str) -> None:
    """Why: the lead was saved as "Whoa Haha" though the homeowner wrote "my name is not
    Whoa. It's Maria Gonzalez"."""
    talk = Talk()
    talk.say_all(*TO_NAME, "Jon Doe", "maria@example.com", "206 555 0142")
    assert talk.awaiting == "consent"
    reply = talk.say(message)
    assert talk.turn.outcome is None  # not a refusal
    assert (talk.slots["first_name"], talk.slots["last_name"]) == ("Maria", "Gonzalez")
    assert "I have you as Maria Gonzalez in 98101" in reply
    talk.say("I agree")
    assert talk.turn.outcome == "submit_lead"


def _read_as_consent(case: blind_corpus.Case) -> bool:
    said = understand(case.message, "consent", zip_is_known=lambda _: True).values
    return case.awaiting == "consent" and said.get("consent", "-") == case.expect.get("consent")


@pytest.mark.parametrize(
    ("answer", "outcome"),
    [(c.message, "submit_lead" if c.expect["consent"] else "declined_consent") for c in CORPUS
     if _read_as_consent(c)],
)  # fmt: skip
def test_blind_corpus_consent_answers_still_agree_or_decline(answer: str, outcome: str) -> None:
    """Every consent answer the NLU reads right still agrees or declines: the read-back's
    corrections and the question guard take none of them away."""
    talk = Talk()
    talk.say_all(*TO_CONSENT)
    talk.say(answer)
    assert talk.turn.outcome == outcome


def test_no_thanks_at_consent_still_declines() -> None:
    talk = Talk()
    talk.say_all(*TO_CONSENT)
    talk.say("no thanks")
    assert talk.turn.outcome == "declined_consent"


# --- honest answers -------------------------------------------------------------------------


def _estimate_for(talk: Talk) -> dict[str, Any]:
    assert talk.state.estimate is not None
    return talk.state.estimate


def test_is_it_worth_it_before_an_estimate_asks_for_zip_and_bill_then_the_zip_again() -> None:
    """Why: "is solar even worth it in Seattle?" -> "I'm looking for a 5-digit ZIP"."""
    talk = Talk()
    reply = talk.say("is solar even worth it in Seattle?")
    assert "I'm looking for" not in reply
    assert knowledge.NEEDS_ESTIMATE in reply
    assert talk.awaiting == "zip_code"
    assert talk.last_question == policy.QUESTIONS["zip_code"]


def test_is_it_worth_it_gives_this_homes_payback_and_yield_against_the_national_median() -> None:
    talk = Talk()
    talk.say_all(*TO_SHADE[:3])
    reply = talk.say("is solar even worth it in Seattle?")
    estimate = _estimate_for(talk)
    reference = TOOLS.national_reference(talk.slots)
    assert reference is not None and reference["places"] == 51
    assert f"pays for itself in about {estimate['payback_years']:.1f} years" in reply
    assert f"{estimate['specific_yield_kwh_per_kw']:,.0f} kWh a year" in reply
    assert f"payback of about {reference['payback_years']:.1f} years" in reply
    assert f"{reference['specific_yield_kwh_per_kw']:,.0f} kWh per kW" in reply
    assert talk.last_question == policy.QUESTIONS["property_type"]


def test_a_long_payback_is_explained_from_the_estimate() -> None:
    """Why: "17 years payback seems long, is that normal?" -> "Thanks!"."""
    talk = Talk()
    talk.say_all(*TO_SHADE)
    reply = talk.say("17 years payback seems long, is that normal?")
    estimate = _estimate_for(talk)
    reference = TOOLS.national_reference(talk.slots)
    assert reply.splitlines()[0].startswith(
        f"In your estimate the payback is about {estimate['payback_years']:.1f} years. "
        f"That is longer than typical: the national median for your bill is about "
        f"{reference['payback_years']:.1f} years."
    )
    rate = estimate["electricity_rate_usd_per_kwh"]
    assert f"electricity in WA costs ${rate:.2f} per kWh" in reply
    assert "no federal tax credit" in reply
    assert "shade" not in talk.slots and talk.awaiting == "shade"


def test_winter_savings_come_from_the_months_of_the_estimate_and_the_state_rule() -> None:
    """Why: "December shows 1 kWh, so how would I save money in winter?" -> "Thanks!"."""
    talk = Talk()
    talk.say_all(*TO_SHADE)
    reply = talk.say("December shows 1 kWh, so how would I save money in winter?")
    estimate = _estimate_for(talk)
    december = estimate["monthly"][11]
    assert f"December is the darkest month: about {december['production_kwh']:,.0f} kWh" in reply
    saved = december["bill_without_solar_usd"] - december["bill_with_solar_usd"]
    assert f"a saving of ${saved:,.0f}" in reply
    assert estimate["assumptions"]["compensation"]["description"] in reply
    assert talk.awaiting == "shade"


def test_how_aurum_makes_money_names_the_consents_number_of_installers() -> None:
    """Why: "how do you guys make money" was ignored."""
    talk = Talk()
    talk.say_all(*TO_SHADE)
    reply = talk.say("how do you guys make money")
    assert "Installers pay us for introductions" in reply
    assert f"up to {talk.state.max_buyers} solar installers" in reply


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("why do you need my credit score?", "Nobody runs a credit check here"),
        ("do I get the 30% tax credit?", "section 25D) ended"),
        ("what about a lease or a PPA?", "power purchase agreement (PPA)"),
        ("should I get a battery?", "Our estimate doesn't include one"),
        ("does my HOA have a say?", "homeowners association"),
        ("can I get solar on a condo?", "association's approval"),
        ("how does net metering work here?", "For WA, our model uses this rule"),
    ],
)
def test_common_questions_are_answered_then_the_open_question_repeats(
    question: str, expected: str
) -> None:
    talk = Talk()
    talk.say_all(*TO_SHADE)
    reply = talk.say(question)
    assert expected in reply
    assert talk.awaiting == "shade" and talk.last_question == policy.QUESTIONS["shade"]


def test_credit_why_quotes_the_scoring_table() -> None:
    talk = Talk()
    talk.say_all(*TO_CREDIT)
    reply = talk.say("why do you need my credit score?")
    assert "3 of 15 points" in reply  # scoring.CREDIT_POINTS: unknown 3, excellent 15
    assert talk.awaiting == "credit_band"


def test_an_unknown_question_gets_an_honest_answer_and_the_chat_goes_on() -> None:
    talk = Talk()
    talk.say_all(*TO_SHADE)
    reply = talk.say("what's the weather going to be tomorrow?")
    assert knowledge.CANNOT_ANSWER in reply
    assert "didn't quite catch" not in reply
    assert talk.awaiting == "shade"


# The blind corpus's question cases (written without sight of the code) name the topic
# each asks about; the advisor must answer on that topic (its own or an NLU intent).
CORPUS_TOPICS = {
    "worth_it": "worth_it",
    "battery": "battery",
    "privacy": "privacy",
    "which_installers": "installers",
    "how_make_money": "business_model",
    "payback": "payback",
    "why_credit": "credit_why",
    "tax_credit": "tax_credit",
    "condo": "condo",
    "winter": "winter",
    "net_metering": "net_metering",
    "hoa": "hoa",
    "cost": "cost",
    "how_estimate": "faq_how_estimate",
}
NLU_INTENT_TOPICS = {
    "faq_tax_credit": "tax_credit",
    "faq_net_metering": "net_metering",
    "faq_cost": "cost",
    "faq_privacy": "privacy",
}


@pytest.mark.parametrize(
    "case", [c for c in CORPUS if c.question in CORPUS_TOPICS], ids=lambda c: c.id
)
def test_blind_corpus_questions_are_answered_on_their_topic(case: blind_corpus.Case) -> None:
    intents = understand(case.message, case.awaiting, zip_is_known=lambda _: True).intents
    found = set(question_topics(case.message, case.awaiting))
    found |= {NLU_INTENT_TOPICS.get(i, i) for i in intents if i.startswith("faq_")}
    assert CORPUS_TOPICS[case.question] in found, found


def test_blind_corpus_answers_are_not_taken_for_questions() -> None:
    asked = [c.id for c in CORPUS if c.question is None and question_topics(c.message, c.awaiting)]
    assert asked == []


# --- areas served ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zip_code", "area"),
    [("00901", "Puerto Rico"), ("96910", "Guam"), ("00802", "the U.S. Virgin Islands")],
)
def test_a_territory_zip_is_not_served_yet_rather_than_not_found(zip_code: str, area: str) -> None:
    """Why: Puerto Rico (00901) was refused as "I couldn't find ZIP 00901 in the US"."""
    talk = Talk()
    reply = talk.say(zip_code)
    assert f"We don't serve {area} yet" in reply
    assert "couldn't find" not in reply
    assert "zip_code" not in talk.slots and talk.awaiting == "zip_code"


def test_a_zip_that_does_not_exist_is_still_not_found() -> None:
    talk = Talk()
    assert "couldn't find ZIP 00000" in talk.say("00000")


# --- the API: partners by name, a skipped credit range on the lead, the e-mail promise ---


async def test_which_installers_at_consent_names_the_partners_serving_the_area(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    """Why: at consent "which installers... on Oahu?" -> "I'm looking for 'I agree'"."""
    await make_partner(db_session, name="Aloha Sun Co", states=("HI",))
    await make_partner(
        db_session, name="Kona Roofs & Solar", service_area={"zip_prefixes": ["968"]}
    )
    await make_partner(db_session, name="Desert Power", states=("AZ",))
    paused = await make_partner(db_session, name="Paused Solar", states=("HI",))
    paused.status = "paused"
    await db_session.flush()
    chat = await Chat.start(client)
    for line in ("96813", "we own it", "$150", "house", "metal", "no shade", "skip",
                 "as soon as possible", "skip", "Leilani Kahale", "leilani@example.com",
                 "(808) 555-0142"):  # fmt: skip
        await chat.say(line)
    assert chat.state["awaiting"] == "consent"
    reply = await chat.say_text("which installers would get my details on Oahu?")
    assert "I'm looking for" not in reply
    assert "up to 3 solar installers" in reply
    assert "Aloha Sun Co and Kona Roofs & Solar" in reply
    assert "Desert Power" not in reply and "Paused Solar" not in reply
    assert chat.state["awaiting"] == "consent" and chat.state["completed"] is False
    assert chat.transcript[-1]["kind"] == "consent"
    assert await db_session.scalar(sa.select(sa.func.count()).select_from(Lead)) == 0


async def test_which_installers_with_no_partner_in_the_area_says_so(
    client: httpx.AsyncClient,
) -> None:
    chat = await Chat.start(client)
    for line in ("59101", "we own it", "$150"):
        await chat.say(line)
    reply = await chat.say_text("which installers would you send my details to?")
    assert "no partner installer serves Billings, MT" in reply


async def test_a_lead_whose_credit_was_skipped_is_stored_as_unknown_and_scores_lower(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    chat = await Chat.start(client)
    for line in (*TO_CREDIT, "I'd rather not say", "asap", "skip", "Jake Miller",
                 "jake@example.com", "206 555 0142", "I agree"):  # fmt: skip
        await chat.say(line)
    assert chat.state["completed"] is True
    lead = await db_session.get(Lead, uuid.UUID(chat.state["lead_id"]))
    assert lead is not None and lead.credit_band == "unknown"
    credit = next(f for f in lead.score_factors if f["factor"] == "credit")
    assert (credit["points"], credit["max_points"]) == (3, 15)
    assert "not shared" in credit["reason"]


@pytest.mark.parametrize("mail_enabled", [True, False])
def test_the_estimate_email_is_promised_only_when_mail_is_sent(
    settings: Settings, mail_enabled: bool
) -> None:
    advisor = Advisor(settings.model_copy(update={"mail_enabled": mail_enabled}), SolarConfig())
    assert advisor.tools.sends_estimate_email is mail_enabled
    talk = Talk()
    talk.state.sends_estimate_email = advisor.tools.sends_estimate_email
    talk.say_all(*TO_NAME, "Jake Miller")
    assert talk.awaiting == "email"
    promises = bool(re.search(r"send your estimate", talk.last_question))
    assert promises is mail_enabled

"""The behaviours issue 13 lists under "Why", one test each, plus where values come from
(``Extraction.spans``) and the unsure result the dialogue turns into a clarifying question."""

from __future__ import annotations

from typing import Any

import pytest

from app.conversation.nlu import Extraction, clarifying_question, understand

_KNOWN = {"02139", "02140", "85004", "85008", "85016", "10001", "07302", "94110", "94610"}


def run(text: str, awaiting: str | None = None) -> Extraction:
    return understand(text, awaiting, zip_is_known=_KNOWN.__contains__)


@pytest.mark.parametrize(
    ("text", "awaiting"),
    [
        ("helo im lookin into solr for my house in 85016", None),
        ("helo im lookin into solr", "name"),
        ("whoa no, my bill is not 2021 dollars", "name"),
        ("whoa", "name"),
        ("haha ok", "name"),
        ("lol idk", "name"),
        ("Cheers", "name"),
        ("asdfgh", "name"),
        ("Hi! Wow, this is neat", None),
        ("Sunday afternoon works", "name"),
    ],
)
def test_names_never_come_from_words_not_offered_as_a_name(text: str, awaiting: str | None) -> None:
    values = run(text, awaiting).values
    assert "first_name" not in values
    assert "last_name" not in values


@pytest.mark.parametrize(
    ("text", "awaiting", "first", "last"),
    [
        ("my name is not Whoa. It's Maria Gonzalez", "battery_interest", "Maria", "Gonzalez"),
        ("my name is jake, jake miller", "name", "Jake", "Miller"),
        ("Its Hannah. Hannah Schmidt", "name", "Hannah", "Schmidt"),
        ("Robert (Bob) Smith", "name", "Robert", "Smith"),
        ("James Earl Carter III", "name", "James", "Carter"),
        ("J. Robert Oppenheimer", "name", "J.", "Oppenheimer"),
        ("last name Nguyen, first name Linh", "name", "Linh", "Nguyen"),
        ("Nguyen, Linh", "name", "Linh", "Nguyen"),
        ("Mary-Kate O'Brien", "name", "Mary-Kate", "O'Brien"),
        ("Mr. Smith", "name", None, "Smith"),
        ("Hey! Maria Gonzalez here. We own a ranch in 85004", None, "Maria", "Gonzalez"),
        ("hey there, Grace Lee, grace.lee@gmail.com, 85004", None, "Grace", "Lee"),
    ],
)
def test_names_in_the_ways_people_write_them(
    text: str, awaiting: str, first: str | None, last: str
) -> None:
    values = run(text, awaiting).values
    assert values.get("first_name") == first
    assert values["last_name"] == last


def test_a_year_is_never_the_bill_and_the_battery_answer_survives() -> None:
    extraction = run("we lost power for 3 days in the 2021 freeze", "battery_interest")
    assert "monthly_bill" not in extraction.values
    assert extraction.values["battery_interest"] is True
    assert "monthly_bill" not in run("the house was built in 1987", "monthly_bill").values
    assert "monthly_bill" not in run("2021", "monthly_bill").values


@pytest.mark.parametrize(
    ("text", "awaiting", "expected"),
    [
        ("just researching for now", "timeline", {"timeline": "researching"}),
        ("just lookin for now", "timeline", {"timeline": "researching"}),
        ("in like 6 monts", "timeline", {"timeline": "3_6_months"}),
        ("3 bedroom house in 85004, we own it", None, {"property_type": "single_family"}),
        ("own", "homeowner", {"homeowner": True}),
        ("Own", "homeowner", {"homeowner": True}),
        ("owned", "homeowner", {"homeowner": True}),
        ("yo. 85004. own. ~300/mo", None, {"homeowner": True, "monthly_bill": 300.0}),
        ("we lease", "homeowner", {"homeowner": False}),
        ("my landlord owns it", "homeowner", {"homeowner": False}),
        ("singel famly hous", "property_type", {"property_type": "single_family"}),
        ("asfalt shingels", "roof_type", {"roof_type": "asphalt_shingle"}),
        ("split-level", "property_type", {"property_type": "single_family"}),
        ("cape cod", "property_type", {"property_type": "single_family"}),
        ("brownstone", "property_type", {"property_type": "townhouse"}),
        ("triplex", "property_type", {"property_type": "multi_family"}),
        ("manufactured", "property_type", {"property_type": "mobile_home"}),
        ("zero two one three nine", "zip_code", {"zip_code": "02139"}),
        ("nine oh two one oh", "zip_code", {}),  # 90210 is not in this test's ZIP table
        ("electric is 160, gas is 80", "monthly_bill", {"monthly_bill": 160.0}),
        ("1,200 a year", "monthly_bill", {"monthly_bill": 100.0}),
        ("between 100 and 200", "monthly_bill", {"monthly_bill": 150.0}),
        ("our bills went from 120 to 210", None, {"monthly_bill": 210.0}),
        ("we moved from 10001, now at 07302", None, {"zip_code": "07302"}),
        ("area code 617, 555-0143", "phone", {"phone": "+16175550143"}),
        ("six one seven five five five zero one four three", "phone", {"phone": "+16175550143"}),
        (
            "cell 206-555-0111, work 206-555-0199, cell is best",
            "phone",
            {"phone": "+12065550111"},
        ),
        ("617-555-0143 ext 22", "phone", {"phone": "+16175550143"}),
    ],
)
def test_what_people_write(text: str, awaiting: str | None, expected: dict[str, Any]) -> None:
    values = run(text, awaiting).values
    assert {name: values.get(name) for name in expected} == expected
    if not expected:
        assert "zip_code" not in values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'd rather not", False),
        ("hard pass", False),
        ("don't share my info", False),
        ("no, i'll reach out myself if i'm interested", False),
        ("decline", False),
        ("maybe", None),
        ("not yet", None),
        ("let me think about it", None),
        ("only if they dont call", None),
        ("ok but no phone calls", None),
        ("which installers would get this on Oahu?", None),
        ("I agree", True),
    ],
)
def test_consent_refusals_and_hedges(text: str, expected: bool | None) -> None:
    assert run(text, "consent").values.get("consent") == expected


@pytest.mark.parametrize("text", ["skip", "I'd rather not say", "n/a", "nope not sharing"])
def test_credit_can_be_declined(text: str) -> None:
    extraction = run(text, "credit_band")
    assert "credit_band" not in extraction.values
    assert "skip" in extraction.intents


@pytest.mark.parametrize(
    "text",
    [
        "is solar even worth it in Seattle?",
        "17 years payback seems long, is that normal?",
        "how do you guys make money",
        "December shows 1 kWh, so how would I save money in winter?",
    ],
)
def test_questions_are_recognised(text: str) -> None:
    assert "question" in run(text, "zip_code").intents


def test_a_yes_no_word_for_another_field_is_not_the_awaited_answer() -> None:
    extraction = run("actually my zip is 02140 not 02139", "shade")
    assert extraction.values == {"zip_code": "02140"}
    assert "zip_code" in extraction.corrected


def test_every_value_knows_the_words_it_came_from() -> None:
    extraction = run("singel famly hous in 85016, bill about $150", None)
    assert extraction.source("property_type") == "singel famly hous"
    assert extraction.source("zip_code") == "85016"
    assert extraction.source("monthly_bill") == "$150"
    assert set(extraction.spans) == set(extraction.values)
    bare = run("yes", "battery_interest")
    assert bare.source("battery_interest") == "yes"


def test_two_zips_without_a_hint_are_unsure_not_guessed() -> None:
    extraction = run("85004 or 85008, not sure which you need", None)
    assert "zip_code" not in extraction.values
    assert extraction.unsure == {"zip_code": ["85004", "85008"]}
    question = clarifying_question("zip_code", extraction.unsure["zip_code"])
    assert question == "Just to check: is the ZIP of the home 85004 or 85008?"


def test_two_phones_without_a_preference_are_unsure() -> None:
    extraction = run("617-555-0143 and 617-555-0134", "phone")
    assert "phone" not in extraction.values
    assert "phone" not in extraction.errors
    assert extraction.unsure["phone"] == ["+16175550134", "+16175550143"]


@pytest.mark.parametrize(
    ("text", "awaiting", "field"),
    [
        ("I had a bad experience with a solar company", "credit_band", "credit_band"),
        ("twenty twenty one", "monthly_bill", "monthly_bill"),
        ("Paid 2020 for the roof repair", "monthly_bill", "monthly_bill"),
        ("Sure thing", "name", "first_name"),
        ("the previous owner put in a new roof", None, "homeowner"),
        ("we want to own our power", None, "homeowner"),
    ],
)
def test_a_part_of_the_message_about_something_else_is_not_stored(
    text: str, awaiting: str | None, field: str
) -> None:
    assert field not in run(text, awaiting).values


def test_a_zip_said_to_be_somewhere_else_is_asked_about_not_stored() -> None:
    extraction = run("85004 is my work zip", "zip_code")
    assert "zip_code" not in extraction.values
    assert extraction.unsure == {"zip_code": ["85004"]}
    assert (
        clarifying_question("zip_code", ["85004"]) == "Just to check: is the ZIP of the home 85004?"
    )


def test_a_landlord_renting_out_is_an_owner_and_the_own_phone_wins() -> None:
    assert run("we are renting it out to tenants", "homeowner").values["homeowner"] is True
    extraction = run("my phone is 6025550142 and my wifes is 6025550143", "phone")
    assert extraction.values["phone"] == "+16025550142"


@pytest.mark.parametrize(
    ("text", "awaiting"),
    [
        ("whoa no, my bill is not 2021 dollars", "homeowner"),
        ("no, my name is Maria", "battery_interest"),
        ("nope, the roof is metal", "shade"),
    ],
)
def test_a_no_about_another_field_does_not_answer_the_question(text: str, awaiting: str) -> None:
    assert awaiting not in run(text, awaiting).values


def test_a_declined_question_is_reported_as_declined() -> None:
    assert run("I'd rather not say", "credit_band").declined == {"credit_band"}
    assert run("skip", "battery_interest").declined == set()  # answered: None, "no preference"
    assert run("around 700", "credit_band").declined == set()

"""The guided advisor's language understanding: phrasing -> slot value, as tables."""

from __future__ import annotations

import re
from typing import Any

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.conversation.agent.policy import QUICK_REPLIES
from app.conversation.nlu import AWAITABLE, FIELDS, INTENTS, Extraction, understand, vocabulary
from app.leads.fields import (
    CREDIT_BANDS,
    MAX_MONTHLY_BILL_USD,
    MIN_MONTHLY_BILL_USD,
    PROPERTY_TYPES,
    ROOF_TYPES,
    SHADE_LEVELS,
    TIMELINES,
    credit_band_from_score,
    normalize_email,
    normalize_phone,
)

KNOWN_ZIPS = frozenset(
    {"85004", "85016", "10001", "94103", "60601", "33101", "02139", "98101", "20001"}
)


def zip_is_known(code: str) -> bool:
    return code in KNOWN_ZIPS


def run(text: str, awaiting: str | None = None) -> Extraction:
    return understand(text, awaiting, zip_is_known=zip_is_known)


def _ids(cases: list[tuple[Any, ...]]) -> list[str]:
    return [f"{case[1] or '-'}|{case[0][:60]}" for case in cases]


# --- phrasing -> values -------------------------------------------------------------------------

VALUE_CASES: list[tuple[str, str | None, dict[str, Any]]] = [
    # several fields in one message
    (
        "we own a house in 85004 and pay about $210 a month",
        None,
        {
            "homeowner": True,
            "property_type": "single_family",
            "zip_code": "85004",
            "monthly_bill": 210.0,
        },
    ),
    (
        "I'm Jane Doe, jane@example.com, (602) 555-0142",
        None,
        {
            "first_name": "Jane",
            "last_name": "Doe",
            "email": "jane@example.com",
            "phone": "+16025550142",
        },
    ),
    ("what's net metering? we pay 200 a month", None, {"monthly_bill": 200.0}),
    (
        "my bill is 300 and my credit score is 700",
        None,
        {"monthly_bill": 300.0, "credit_band": "good"},
    ),
    ("we rent an apartment in 10001", None, {"homeowner": False, "zip_code": "10001"}),
    (
        "85004, we own a townhouse with a tile roof",
        "zip_code",
        {"zip_code": "85004", "homeowner": True, "property_type": "townhouse", "roof_type": "tile"},
    ),
    ("we pay about $210 a month and have 3 kids", None, {"monthly_bill": 210.0}),
    (
        "Jane Doe, 602-555-0142",
        "name",
        {"first_name": "Jane", "last_name": "Doe", "phone": "+16025550142"},
    ),
    (
        "shingle roof, no trees, excellent credit, asap",
        None,
        {
            "roof_type": "asphalt_shingle",
            "shade": "none",
            "credit_band": "excellent",
            "timeline": "asap",
        },
    ),
    # zip_code
    ("85004", "zip_code", {"zip_code": "85004"}),
    ("my zip is 10001", None, {"zip_code": "10001"}),
    ("85004-1234", "zip_code", {"zip_code": "85004"}),
    ("I'm in 94103", None, {"zip_code": "94103"}),
    ("02139", "zip_code", {"zip_code": "02139"}),
    ("zip code: 60601", None, {"zip_code": "60601"}),
    ("It's 33101.", "zip_code", {"zip_code": "33101"}),
    ("we live in 98101 near the lake", None, {"zip_code": "98101"}),
    ("20001 dc", "zip_code", {"zip_code": "20001"}),
    ("sorry, the zip is 85016", None, {"zip_code": "85016"}),
    ("85004", "monthly_bill", {"zip_code": "85004"}),
    # homeowner
    ("we own", None, {"homeowner": True}),
    ("I own the house", None, {"homeowner": True}),
    ("homeowner", "homeowner", {"homeowner": True}),
    ("yes", "homeowner", {"homeowner": True}),
    ("yep we do", "homeowner", {"homeowner": True}),
    ("we're homeowners", None, {"homeowner": True}),
    ("I'm the owner", None, {"homeowner": True}),
    ("we have a mortgage", None, {"homeowner": True}),
    ("I own it", "homeowner", {"homeowner": True}),
    ("we used to rent but now we own", None, {"homeowner": True}),
    ("we own the mobile home but rent the lot", None, {"homeowner": True}),
    ("we rent, is that a problem?", None, {"homeowner": False}),
    ("no, we own it outright", "homeowner", {"homeowner": True}),
    ("we rent", None, {"homeowner": False}),
    ("renting", "homeowner", {"homeowner": False}),
    ("I'm a tenant", None, {"homeowner": False}),
    ("my landlord owns it", None, {"homeowner": False}),
    ("no", "homeowner", {"homeowner": False}),
    ("nope", "homeowner", {"homeowner": False}),
    ("we don't own it", None, {"homeowner": False}),
    ("I'm not the homeowner", None, {"homeowner": False}),
    ("I rent", "homeowner", {"homeowner": False}),
    # property_type
    ("we own a house", None, {"homeowner": True, "property_type": "single_family"}),
    ("house", "property_type", {"property_type": "single_family"}),
    ("single family", "property_type", {"property_type": "single_family"}),
    ("Single-family house", "property_type", {"property_type": "single_family"}),
    ("a detached home", None, {"property_type": "single_family"}),
    ("a ranch", "property_type", {"property_type": "single_family"}),
    ("it's a ranch style home", None, {"property_type": "single_family"}),
    ("2 story house", None, {"property_type": "single_family"}),
    ("townhouse", None, {"property_type": "townhouse"}),
    ("a townhome", None, {"property_type": "townhouse"}),
    ("row house", "property_type", {"property_type": "townhouse"}),
    ("condo", None, {"property_type": "condo"}),
    ("condominium", "property_type", {"property_type": "condo"}),
    ("an apartment I own", None, {"property_type": "condo"}),
    ("mobile home", None, {"property_type": "mobile_home"}),
    ("manufactured home", None, {"property_type": "mobile_home"}),
    ("trailer", "property_type", {"property_type": "mobile_home"}),
    ("double wide", None, {"property_type": "mobile_home"}),
    ("duplex", None, {"property_type": "multi_family"}),
    ("triplex", "property_type", {"property_type": "multi_family"}),
    ("a fourplex", None, {"property_type": "multi_family"}),
    ("multi-family", None, {"property_type": "multi_family"}),
    ("multifamily", "property_type", {"property_type": "multi_family"}),
    ("it's not a condo, it's a townhouse", None, {"property_type": "townhouse"}),
    # monthly_bill
    ("$210", None, {"monthly_bill": 210.0}),
    ("about 210 a month", None, {"monthly_bill": 210.0}),
    ("210 bucks", None, {"monthly_bill": 210.0}),
    ("210 bucks", "monthly_bill", {"monthly_bill": 210.0}),
    ("210", "monthly_bill", {"monthly_bill": 210.0}),
    ("two hundred", "monthly_bill", {"monthly_bill": 200.0}),
    ("two hundred and fifty dollars", None, {"monthly_bill": 250.0}),
    ("a hundred fifty", "monthly_bill", {"monthly_bill": 150.0}),
    ("fifteen hundred a month", None, {"monthly_bill": 1500.0}),
    ("like one fifty", "monthly_bill", {"monthly_bill": 150.0}),
    ("ninety-five", "monthly_bill", {"monthly_bill": 95.0}),
    ("two thousand four hundred a year", None, {"monthly_bill": 200.0}),
    ("150-200", "monthly_bill", {"monthly_bill": 175.0}),
    ("between 150 and 200", "monthly_bill", {"monthly_bill": 175.0}),
    ("between 150 and 200 a month", None, {"monthly_bill": 175.0}),
    ("150 to 200", "monthly_bill", {"monthly_bill": 175.0}),
    ("150 or 200", "monthly_bill", {"monthly_bill": 175.0}),
    ("roughly 3 or 400", "monthly_bill", {"monthly_bill": 350.0}),
    ("$1,200", None, {"monthly_bill": 1200.0}),
    ("210/mo", None, {"monthly_bill": 210.0}),
    ("around $180 in summer", None, {"monthly_bill": 180.0}),
    ("300ish", "monthly_bill", {"monthly_bill": 300.0}),
    ("$2400 a year", None, {"monthly_bill": 200.0}),
    ("2,400 per year", None, {"monthly_bill": 200.0}),
    ("our annual bill is about 1800", None, {"monthly_bill": 150.0}),
    ("we pay 180", None, {"monthly_bill": 180.0}),
    ("my electric bill is usually 95", None, {"monthly_bill": 95.0}),
    ("it runs about 140", "monthly_bill", {"monthly_bill": 140.0}),
    ("$85.50", None, {"monthly_bill": 85.5}),
    ("1.2k a month", None, {"monthly_bill": 1200.0}),
    ("$150 in winter and $300 in summer", None, {"monthly_bill": 225.0}),
    ("$200 a month, so about $2400 a year", None, {"monthly_bill": 200.0}),
    ("the bill is like 250 bucks", None, {"monthly_bill": 250.0}),
    ("$3000", None, {"monthly_bill": 3000.0}),
    ("actually my bill is 300", None, {"monthly_bill": 300.0}),
    ("no wait, we pay 180", None, {"monthly_bill": 180.0}),
    ("I meant 250", None, {"monthly_bill": 250.0}),
    ("I meant 250", "monthly_bill", {"monthly_bill": 250.0}),
    ("not 300, it's 250", "monthly_bill", {"monthly_bill": 250.0}),
    ("our bill is like 150 in the winter but 350 in summer", None, {"monthly_bill": 250.0}),
    ("we spend about 3000 a year on electricity", None, {"monthly_bill": 250.0}),
    ("$210.00", "monthly_bill", {"monthly_bill": 210.0}),
    ("APS charges us about 230", "monthly_bill", {"monthly_bill": 230.0}),
    # monthly_bill quick replies
    *[
        (reply, "monthly_bill", {"monthly_bill": mid})
        for reply, mid in zip(
            QUICK_REPLIES["monthly_bill"], (75.0, 150.0, 250.0, 350.0), strict=True
        )
    ],
    # roof_type
    ("composition shingle", "roof_type", {"roof_type": "asphalt_shingle"}),
    ("composition shingle", None, {"roof_type": "asphalt_shingle"}),
    ("comp", "roof_type", {"roof_type": "asphalt_shingle"}),
    ("shingles", None, {"roof_type": "asphalt_shingle"}),
    ("asphalt", "roof_type", {"roof_type": "asphalt_shingle"}),
    ("architectural shingles", None, {"roof_type": "asphalt_shingle"}),
    ("standing seam", None, {"roof_type": "metal"}),
    ("metal", "roof_type", {"roof_type": "metal"}),
    ("tin", "roof_type", {"roof_type": "metal"}),
    ("steel", "roof_type", {"roof_type": "metal"}),
    ("it's a metal roof", None, {"roof_type": "metal"}),
    ("the roof is metal", None, {"roof_type": "metal"}),
    ("clay", "roof_type", {"roof_type": "tile"}),
    ("spanish tile", None, {"roof_type": "tile"}),
    ("concrete tile", None, {"roof_type": "tile"}),
    ("flat", "roof_type", {"roof_type": "flat"}),
    ("tar and gravel", None, {"roof_type": "flat"}),
    ("TPO", None, {"roof_type": "flat"}),
    ("membrane", "roof_type", {"roof_type": "flat"}),
    ("rubber roof", None, {"roof_type": "flat"}),
    ("our roof is flat", None, {"roof_type": "flat"}),
    ("cedar shake", None, {"roof_type": "wood_shake"}),
    ("wood shingles", None, {"roof_type": "wood_shake"}),
    ("slate", "roof_type", {"roof_type": "slate"}),
    ("slate roof", None, {"roof_type": "slate"}),
    ("something else", "roof_type", {"roof_type": "other"}),
    ("other", "roof_type", {"roof_type": "other"}),
    ("not sure", "roof_type", {"roof_type": "other"}),
    ("I don't know", "roof_type", {"roof_type": "other"}),
    # shade
    ("no trees", None, {"shade": "none"}),
    ("full sun", None, {"shade": "none"}),
    ("no shade", "shade", {"shade": "none"}),
    ("sunny all day", None, {"shade": "none"}),
    ("nothing blocks it", None, {"shade": "none"}),
    ("none", "shade", {"shade": "none"}),
    ("no", "shade", {"shade": "none"}),
    ("a little shade", None, {"shade": "light"}),
    ("a few trees", None, {"shade": "light"}),
    ("some shade in the morning", None, {"shade": "light"}),
    ("mostly sunny", None, {"shade": "light"}),
    ("a little", "shade", {"shade": "light"}),
    ("partial shade", None, {"shade": "moderate"}),
    ("half shaded", None, {"shade": "moderate"}),
    ("some trees", None, {"shade": "moderate"}),
    ("some", "shade", {"shade": "moderate"}),
    ("lots of trees", None, {"shade": "heavy"}),
    ("heavily shaded", None, {"shade": "heavy"}),
    ("mostly shade", None, {"shade": "heavy"}),
    ("under big oaks", None, {"shade": "heavy"}),
    ("very shady", None, {"shade": "heavy"}),
    ("it's pretty sunny", "shade", {"shade": "light"}),
    ("south facing, no shade", "shade", {"shade": "none"}),
    # credit_band
    ("score around 650", None, {"credit_band": "fair"}),
    ("720", "credit_band", {"credit_band": "excellent"}),
    ("about 700", "credit_band", {"credit_band": "good"}),
    ("around seven hundred", "credit_band", {"credit_band": "good"}),
    ("excellent", "credit_band", {"credit_band": "excellent"}),
    ("great credit", None, {"credit_band": "excellent"}),
    ("good", "credit_band", {"credit_band": "good"}),
    ("ok", "credit_band", {"credit_band": "fair"}),
    ("average", "credit_band", {"credit_band": "fair"}),
    ("fair", "credit_band", {"credit_band": "fair"}),
    ("bad", "credit_band", {"credit_band": "poor"}),
    ("poor", "credit_band", {"credit_band": "poor"}),
    ("not great", "credit_band", {"credit_band": "poor"}),
    ("800+", "credit_band", {"credit_band": "excellent"}),
    ("680-719", "credit_band", {"credit_band": "good"}),
    ("over 700", "credit_band", {"credit_band": "good"}),
    ("my credit score is 690", None, {"credit_band": "good"}),
    ("credit is pretty good", None, {"credit_band": "good"}),
    ("FICO 780", None, {"credit_band": "excellent"}),
    ("700 credit score", None, {"credit_band": "good"}),
    ("my credit's not great", None, {"credit_band": "poor"}),
    ("in the high 600s", "credit_band", {"credit_band": "good"}),
    ("mid 600s", "credit_band", {"credit_band": "fair"}),
    ("I meant 680", "credit_band", {"credit_band": "good"}),
    ("my score is 650", "monthly_bill", {"credit_band": "fair"}),
    ("I have good credit", "credit_band", {"credit_band": "good"}),
    ("not sure, maybe 700", "credit_band", {"credit_band": "good"}),
    # timeline
    ("asap", None, {"timeline": "asap"}),
    ("right away", None, {"timeline": "asap"}),
    ("immediately", None, {"timeline": "asap"}),
    ("as soon as possible", None, {"timeline": "asap"}),
    ("now", "timeline", {"timeline": "asap"}),
    ("in two weeks", None, {"timeline": "asap"}),
    ("in a month or two", None, {"timeline": "1_3_months"}),
    ("next couple months", None, {"timeline": "1_3_months"}),
    ("within 3 months", None, {"timeline": "1_3_months"}),
    ("in a few weeks", None, {"timeline": "1_3_months"}),
    ("in a few months", None, {"timeline": "3_6_months"}),
    ("in 6 months", None, {"timeline": "3_6_months"}),
    ("next year", None, {"timeline": "6_12_months"}),
    ("within a year", None, {"timeline": "6_12_months"}),
    ("later this year", None, {"timeline": "6_12_months"}),
    ("no rush, maybe next year", None, {"timeline": "6_12_months"}),
    ("just researching", None, {"timeline": "researching"}),
    ("just looking", None, {"timeline": "researching"}),
    ("curious", "timeline", {"timeline": "researching"}),
    ("not sure yet", "timeline", {"timeline": "researching"}),
    ("no rush", None, {"timeline": "researching"}),
    ("in 2 years", None, {"timeline": "researching"}),
    ("whenever", "timeline", {"timeline": "researching"}),
    ("maybe in 3-4 months", None, {"timeline": "3_6_months"}),
    ("hopefully by the end of the year", None, {"timeline": "6_12_months"}),
    # first_name / last_name
    ("my name is Jane Doe", None, {"first_name": "Jane", "last_name": "Doe"}),
    ("I'm Jane Doe", None, {"first_name": "Jane", "last_name": "Doe"}),
    ("this is Jane Doe", None, {"first_name": "Jane", "last_name": "Doe"}),
    ("call me Jane", None, {"first_name": "Jane"}),
    ("hi, I'm Jane", None, {"first_name": "Jane"}),
    ("Jane", "name", {"first_name": "Jane"}),
    ("jane o'neil", "name", {"first_name": "Jane", "last_name": "O'Neil"}),
    ("mary-kate smith", "name", {"first_name": "Mary-Kate", "last_name": "Smith"}),
    ("Ronald McDonald", "name", {"first_name": "Ronald", "last_name": "McDonald"}),
    ("ronald mcdonald", "name", {"first_name": "Ronald", "last_name": "McDonald"}),
    ("anna van der berg", "name", {"first_name": "Anna", "last_name": "van der Berg"}),
    ("JANE DOE", "name", {"first_name": "Jane", "last_name": "Doe"}),
    ("<b>Jane</b> Doe", "name", {"first_name": "Jane", "last_name": "Doe"}),
    ("sure, it's Jane Doe", "name", {"first_name": "Jane", "last_name": "Doe"}),
    ("José García", "name", {"first_name": "José", "last_name": "García"}),
    # The suffix is not part of the family name (nameparser keeps it apart).
    ("John Smith Jr", "name", {"first_name": "John", "last_name": "Smith"}),
    ("Doe", "last_name", {"last_name": "Doe"}),
    ("It's Dr. Smith", "name", {"last_name": "Smith"}),
    ("I'm Dr. Jane Smith", None, {"first_name": "Jane", "last_name": "Smith"}),
    ("Hi, this is Mike", None, {"first_name": "Mike"}),
    ("My name's Sarah O'Connor", None, {"first_name": "Sarah", "last_name": "O'Connor"}),
    ("de la cruz", "last_name", {"last_name": "de la Cruz"}),
    (
        "my first name is Jane and my last name is Doe",
        None,
        {"first_name": "Jane", "last_name": "Doe"},
    ),
    # email
    ("jane@example.com", "email", {"email": "jane@example.com"}),
    ("my email is JANE@Example.COM", None, {"email": "jane@example.com"}),
    ("email: jane.doe+solar@gmail.com.", None, {"email": "jane.doe+solar@gmail.com"}),
    ("jane at gmail dot com", "email", {"email": "jane@gmail.com"}),
    ("JANE.DOE@GMAIL.COM", "email", {"email": "jane.doe@gmail.com"}),
    ("<jane@example.com>", "email", {"email": "jane@example.com"}),
    # phone
    ("(602) 555-0142", "phone", {"phone": "+16025550142"}),
    ("602.555.0142", "phone", {"phone": "+16025550142"}),
    ("+1 602 555 0142", "phone", {"phone": "+16025550142"}),
    ("16025550142", "phone", {"phone": "+16025550142"}),
    ("6025550142", "phone", {"phone": "+16025550142"}),
    ("602-555-0142", None, {"phone": "+16025550142"}),
    ("my cell is 602 555 0142", None, {"phone": "+16025550142"}),
    ("call me at (602) 555-0142 after 5pm", None, {"phone": "+16025550142"}),
    # consent (only when asked)
    ("yes", "consent", {"consent": True}),
    ("I agree", "consent", {"consent": True}),
    ("sure", "consent", {"consent": True}),
    ("ok", "consent", {"consent": True}),
    ("yes please contact me", "consent", {"consent": True}),
    ("sure, why not", "consent", {"consent": True}),
    ("no", "consent", {"consent": False}),
    ("no thanks", "consent", {"consent": False}),
    ("don't contact me", "consent", {"consent": False}),
    ("I do not agree", "consent", {"consent": False}),
    ("absolutely not", "consent", {"consent": False}),
    ("no but thanks", "consent", {"consent": False}),
    # battery_interest (optional; None means skipped)
    ("yes", "battery_interest", {"battery_interest": True}),
    ("interested in a battery", None, {"battery_interest": True}),
    ("we'd like backup power", None, {"battery_interest": True}),
    ("yes, backup power would be great", "battery_interest", {"battery_interest": True}),
    ("no", "battery_interest", {"battery_interest": False}),
    ("no battery", None, {"battery_interest": False}),
    ("not interested in a battery", None, {"battery_interest": False}),
    ("we'd love a battery", None, {"battery_interest": True}),
    ("I don't want a battery", None, {"battery_interest": False}),
    ("maybe later", "battery_interest", {"battery_interest": None}),
    ("skip", "battery_interest", {"battery_interest": None}),
    ("not sure", "battery_interest", {"battery_interest": None}),
    ("maybe", "battery_interest", {"battery_interest": None}),
    ("tesla powerwall would be sick", "battery_interest", {"battery_interest": True}),
    ("i wood love one", "battery_interest", {"battery_interest": True}),
    ("i live w my parents", "homeowner", {"homeowner": False}),
    ("electric is 140 gas is another 80", "monthly_bill", {"monthly_bill": 140.0}),
    ("its like 3 hundo", "monthly_bill", {"monthly_bill": 300.0}),
    ("bob@ aol.com", "email", {"email": "bob@aol.com"}),
    ("j dot thompson 88 at hotmail dot com", "email", {"email": "j.thompson88@hotmail.com"}),
    ("my number is 415-9o2-7713", "phone", {"phone": "+14159027713"}),
    ("Want to move fast", "timeline", {"timeline": "asap"}),
    (
        "shade from the neighbors 3 story house most of the afternoon",
        "shade",
        {"shade": "moderate"},
    ),
    ("do it", "consent", {"consent": True}),
    ("Dave, sorry for the delay", "first_name", {"first_name": "Dave"}),
    ("John, sorry, last name is Smith", "name", {"first_name": "John", "last_name": "Smith"}),
    (
        "it's Smith-Jones with a hyphen, sorry. Mary Smith-Jones",
        "name",
        {"first_name": "Mary", "last_name": "Smith-Jones"},
    ),
    ("tile we think", "roof_type", {"roof_type": "tile"}),
    ("names bob smith", "name", {"first_name": "Bob", "last_name": "Smith"}),
    ("sunny most of the afternoon", "shade", {"shade": "none"}),
    ("we own a ranch next to my brothers townhouse", None, {"property_type": "single_family"}),
    ("we lived here 6 years and want it in 2 months", "timeline", {"timeline": "1_3_months"}),
    ("been wanting to do it in 3 months", "timeline", {"timeline": "1_3_months"}),
    ("we bought in 2012", "zip_code", {"homeowner": True}),
    ("im a landlord, own a fourplex, tenants pay the electric", None, {"homeowner": True}),
    ("no way, that's awesome! sure", "consent", {"consent": True}),
    ("no way", "consent", {"consent": False}),
    ("none. oh and the zip i gave before was wrong, its 30312", "shade", {"shade": "none"}),
]

_MISSING = object()


@pytest.mark.parametrize(("text", "awaiting", "expected"), VALUE_CASES, ids=_ids(VALUE_CASES))
def test_phrasing_gives_slot_values(
    text: str, awaiting: str | None, expected: dict[str, Any]
) -> None:
    values = run(text, awaiting).values
    assert {name: values.get(name, _MISSING) for name in expected} == expected


def test_headline_example_extracts_exactly_four_fields() -> None:
    result = run("we own a house in 85004 and pay about $210 a month")
    assert result.values == {
        "homeowner": True,
        "property_type": "single_family",
        "zip_code": "85004",
        "monthly_bill": 210.0,
    }
    assert result.errors == {}
    assert result.corrected == frozenset()


QUICK_REPLY_CASES = [
    (reply, field) for field, replies in QUICK_REPLIES.items() for reply in replies
]


@pytest.mark.parametrize(
    ("reply", "awaiting"), QUICK_REPLY_CASES, ids=[f"{f}|{r}" for r, f in QUICK_REPLY_CASES]
)
def test_every_quick_reply_answers_its_question(reply: str, awaiting: str) -> None:
    result = run(reply, awaiting)
    assert awaiting in result.values or result.intents & {"skip", "unsure"}


# --- invalid attempts: a hint and no value ------------------------------------------------------

INVALID_CASES: list[tuple[str, str | None, str]] = [
    ("00000", "zip_code", "zip_code"),
    ("my zip is 12345", None, "zip_code"),
    ("I live in 99999", None, "zip_code"),
    ("8500", "zip_code", "zip_code"),
    ("850041", "zip_code", "zip_code"),
    ("-50", "monthly_bill", "monthly_bill"),
    ("negative", "monthly_bill", "monthly_bill"),
    ("we pay -$50 a month", None, "monthly_bill"),
    ("0", "monthly_bill", "monthly_bill"),
    ("zero", "monthly_bill", "monthly_bill"),
    ("$0", None, "monthly_bill"),
    ("$10,000 a month", None, "monthly_bill"),
    ("9000", "monthly_bill", "monthly_bill"),
    ("my bill is 25000", None, "monthly_bill"),
    ("my bill is 4000", None, "monthly_bill"),
    ("jane@", "email", "email"),
    ("jane at gmail", "email", "email"),
    ("jane@gmail", "email", "email"),
    ("my email is jane@@example.com", None, "email"),
    ("jane@example.test", "email", "email"),
    ("555-12", "phone", "phone"),
    ("602-555-014", "phone", "phone"),
    ("(123) 555-0142", "phone", "phone"),
    ("my phone is 555-12", None, "phone"),
    ("900", "credit_band", "credit_band"),
    ("credit score 900", None, "credit_band"),
    ("250", "credit_band", "credit_band"),
    ("x" * 60, "name", "first_name"),
]


@pytest.mark.parametrize(("text", "awaiting", "field_name"), INVALID_CASES, ids=_ids(INVALID_CASES))
def test_invalid_attempt_gives_hint_and_no_value(
    text: str, awaiting: str | None, field_name: str
) -> None:
    result = run(text, awaiting)
    assert field_name in result.errors
    assert result.errors[field_name]
    assert field_name not in result.values


def test_unknown_zip_hint_names_the_zip() -> None:
    assert run("00000", "zip_code").errors["zip_code"] == (
        "I couldn't find ZIP 00000 in the US. Could you double-check it? "
        "It should be the 5-digit ZIP of the home."
    )


def test_bill_hints_say_what_is_wrong() -> None:
    assert "positive" in run("-50", "monthly_bill").errors["monthly_bill"]
    assert "high" in run("9000", "monthly_bill").errors["monthly_bill"]


# --- false positives: prefer no value over a wrong one ------------------------------------------

FALSE_POSITIVE_CASES: list[tuple[str, str | None, set[str]]] = [
    ("(602) 555-0142", None, {"zip_code", "monthly_bill", "credit_band"}),
    ("602-555-0142", "monthly_bill", {"monthly_bill", "zip_code"}),
    ("16025550142", "zip_code", {"zip_code"}),
    ("85004", "monthly_bill", {"monthly_bill"}),
    ("85004", None, {"monthly_bill", "credit_band"}),
    ("85004", "credit_band", {"credit_band", "monthly_bill"}),
    ("3 kids", "monthly_bill", {"monthly_bill"}),
    ("3 bedrooms", "monthly_bill", {"monthly_bill"}),
    ("we have 3 kids and 2 dogs", None, {"monthly_bill"}),
    ("the house is 2000 sq ft", "monthly_bill", {"monthly_bill"}),
    ("built in 1998", "monthly_bill", {"monthly_bill"}),
    ("123 Main St", "monthly_bill", {"monthly_bill"}),
    ("in 3 months", "monthly_bill", {"monthly_bill"}),
    ("30% tax credit?", None, {"monthly_bill", "credit_band"}),
    ("I'm 45", None, {"first_name", "monthly_bill"}),
    ("I'm 45", "monthly_bill", {"monthly_bill"}),
    ("650", None, {"credit_band", "monthly_bill"}),
    ("720", "monthly_bill", {"credit_band"}),
    ("210", None, {"monthly_bill"}),
    ("two hundred", None, {"monthly_bill"}),
    ("in 2 years", None, {"monthly_bill"}),
    ("yes", None, {"homeowner", "consent", "battery_interest"}),
    ("no", None, {"homeowner", "consent", "battery_interest", "shade"}),
    ("yes", "homeowner", {"consent"}),
    ("sure", "email", {"consent"}),
    ("what do you do with my data?", "consent", {"consent"}),
    ("not sure", "shade", {"shade"}),
    ("not sure", "credit_band", {"credit_band"}),
    ("I have no idea", "homeowner", {"homeowner"}),
    ("I'm interested", None, {"first_name"}),
    ("I'm not sure", None, {"first_name"}),
    ("I'm in 85004", None, {"first_name"}),
    ("I'm looking for solar", None, {"first_name"}),
    ("this is great", None, {"first_name"}),
    ("call me tomorrow", None, {"first_name"}),
    ("hello there", "name", {"first_name"}),
    ("I'm Jane", None, {"last_name"}),
    ("Jane", "name", {"last_name"}),
    ("<script>alert('Jane')</script>", "name", {"first_name", "last_name"}),
    ("jane@example.com", None, {"first_name", "last_name"}),
    ("Jane Doe", None, {"first_name", "last_name"}),
    ("we have a flat rate plan", None, {"roof_type"}),
    ("metal", None, {"roof_type"}),
    ("the roof has some wood rot", None, {"roof_type"}),
    ("good", None, {"credit_band"}),
    ("sounds good, my credit score is 720", None, {"monthly_bill"}),
    ("now", None, {"timeline"}),
    ("we pay $200 right now", None, {"timeline"}),
    ("our bill is higher in the summer", None, {"timeline"}),
    # How far away a season is depends on today's date, which the NLU never reads.
    ("this spring", "timeline", {"timeline"}),
    ("this summer", None, {"timeline"}),
    ("next spring", None, {"timeline"}),
    ("we'd like to get it done before summer", None, {"timeline"}),
    ("we've lived here 6 years", "timeline", {"timeline"}),
    ("apartment", "property_type", {"property_type"}),  # rented or a condo: asked again
    ("rent to own actually", "homeowner", {"homeowner"}),
    ("over 300", "monthly_bill", {"monthly_bill"}),  # a bound, not the bill
    ("12345 Elm Rd", "zip_code", {"zip_code"}),  # a house number
    ("emily r", "first_name", {"last_name"}),  # an initial
    ("tile i get home, ill check", "roof_type", {"roof_type"}),
    ("not sure, its grey?", "roof_type", {"roof_type"}),
    ("kim.lee@icloud.com or kimlee@gmail.com whichever", "email", {"email"}),
    ("wife wants batteries i want panels lol", None, {"battery_interest"}),
    ("602-555-0142 sorry im driving", "phone", {"first_name"}),
    ("i'll do it later", "consent", {"consent"}),
    ("shade from the neighbors 3 story house most of the afternoon", "shade", {"property_type"}),
    ("we moved in 2 years ago", None, {"timeline"}),
    ("house", None, {"property_type"}),
    ("our house gets lots of sun", None, {"property_type"}),
    ("I own a Tesla", None, {"homeowner"}),
    ("what about batteries?", None, {"battery_interest"}),
    ("not 85004", None, {"zip_code"}),
    ("I moved from 10001 to 85004", None, {"zip_code"}),
    ("can renters get solar?", None, {"homeowner"}),
    ("what if I rent?", "homeowner", {"homeowner"}),
    ("this is Jane's husband", None, {"first_name", "last_name"}),
    ("I'm retired", None, {"first_name"}),
    ("tell me more about batteries", "battery_interest", {"battery_interest"}),
    ("how much does a battery cost?", "battery_interest", {"battery_interest"}),
    ("ok but only by email", "consent", {"consent"}),
    ("yes, but no spam please", "consent", {"consent"}),
    ("around 1500 kwh a month", "monthly_bill", {"monthly_bill"}),
    ("new roof last year, asphalt", None, {"roof_type"}),
    ("I'm 45", "credit_band", {"credit_band"}),
    ("🌞🌞🌞 ☀️", None, set(FIELDS)),
]


@pytest.mark.parametrize(
    ("text", "awaiting", "forbidden"), FALSE_POSITIVE_CASES, ids=_ids(FALSE_POSITIVE_CASES)
)
def test_no_false_positives(text: str, awaiting: str | None, forbidden: set[str]) -> None:
    values = run(text, awaiting).values
    assert forbidden.isdisjoint(values), {name: values[name] for name in forbidden & set(values)}


def test_specific_values_survive_false_positive_guards() -> None:
    assert run("sounds good, my credit score is 720").values["credit_band"] == "excellent"
    assert run("85004", "monthly_bill").values == {"zip_code": "85004"}


# --- intents -------------------------------------------------------------------------------------

INTENT_CASES: list[tuple[str, str | None, set[str], set[str]]] = [
    ("what's net metering?", None, {"faq_net_metering"}, set()),
    ("can I sell power back to the grid?", None, {"faq_net_metering"}, set()),
    ("do I get credits for extra power", None, {"faq_net_metering"}, set()),
    ("what's net metering? we pay 200 a month", None, {"faq_net_metering"}, set()),
    ("how much does solar cost?", None, {"faq_cost"}, set()),
    ("what's the price of a system", None, {"faq_cost"}, set()),
    ("is it expensive", None, {"faq_cost"}, set()),
    ("is there a tax credit?", None, {"faq_tax_credit"}, set()),
    ("what about the ITC", None, {"faq_tax_credit"}, set()),
    ("do I get the 30% federal incentive", None, {"faq_tax_credit"}, set()),
    ("any rebates?", None, {"faq_tax_credit"}, set()),
    ("how did you calculate that?", None, {"faq_how_estimate"}, set()),
    ("where do these numbers come from", None, {"faq_how_estimate"}, set()),
    ("how accurate is this", None, {"faq_how_estimate"}, set()),
    ("what do you do with my data?", None, {"faq_privacy"}, set()),
    ("what happens with my data?", "consent", {"faq_privacy"}, set()),
    ("who will contact me?", "consent", {"faq_privacy"}, set()),
    ("will I get spam calls", None, {"faq_privacy"}, set()),
    ("why do you need my phone", "phone", {"faq_privacy"}, set()),
    ("skip", None, {"skip"}, set()),
    ("pass", "credit_band", {"skip"}, set()),
    ("prefer not to say", "credit_band", {"skip"}, set()),
    ("I'd rather not say", None, {"skip"}, set()),
    ("not sure", None, {"unsure"}, set()),
    ("I don't know", None, {"unsure"}, set()),
    ("no idea", "roof_type", {"unsure"}, set()),
    ("hi", None, {"greeting"}, set()),
    ("Hello!", None, {"greeting"}, set()),
    ("hey there, we pay 200 a month", None, {"greeting"}, set()),
    ("start over", None, {"restart"}, set()),
    ("can we restart", None, {"restart"}, set()),
    ("help", None, {"help"}, set()),
    ("what do you need from me?", None, {"help"}, set()),
    ("stop", None, {"stop"}, set()),
    ("unsubscribe", None, {"stop"}, set()),
    ("leave me alone", None, {"stop"}, set()),
    ("I said stop", None, {"stop"}, set()),
    ("no more questions", None, {"stop"}, set()),
    ("i want to know the price", None, {"faq_cost"}, set()),
    ("can you explain the estimate", None, {"faq_how_estimate"}, set()),
    ("is this a scam", None, {"faq_privacy"}, set()),
    ("please don't contact me again", None, {"stop"}, set()),
    ("I'm not interested", None, {"stop"}, set()),
    # must not fire
    ("the shade stops at noon", "shade", set(), {"stop"}),
    ("I'm not interested in a battery", None, set(), {"stop"}),
    ("please don't call me before 5pm", None, set(), {"stop"}),
    ("don't contact me", "consent", set(), {"stop"}),
    ("we have a new roof", None, set(), {"restart"}),
    ("can solar help me save?", None, set(), {"help"}),
    ("this is Hiro", None, set(), {"greeting"}),
    ("how much shade is too much?", None, set(), {"faq_cost"}),
    ("my electricity costs $200", None, set(), {"faq_cost"}),
    ("yes", "consent", set(), set(INTENTS)),
    ("85004", "zip_code", set(), set(INTENTS)),
]


@pytest.mark.parametrize(
    ("text", "awaiting", "present", "absent"), INTENT_CASES, ids=_ids(INTENT_CASES)
)
def test_intents(text: str, awaiting: str | None, present: set[str], absent: set[str]) -> None:
    intents = run(text, awaiting).intents
    assert present <= intents
    assert not absent & intents


def test_battery_skip_is_answered_with_none() -> None:
    result = run("skip", "battery_interest")
    assert "battery_interest" in result.values
    assert result.values["battery_interest"] is None
    assert "skip" in result.intents


def test_roof_not_sure_is_other_and_unsure() -> None:
    result = run("not sure", "roof_type")
    assert result.values == {"roof_type": "other"}
    assert "unsure" in result.intents


# --- corrections ----------------------------------------------------------------------------------

CORRECTION_CASES: list[tuple[str, str | None, set[str]]] = [
    ("actually my bill is 300", None, {"monthly_bill"}),
    ("sorry, the zip is 85016", None, {"zip_code"}),
    ("I meant 250", None, {"monthly_bill"}),
    ("no wait, we pay 180", None, {"monthly_bill"}),
    ("no wait, it's 85004", "homeowner", {"zip_code"}),
    ("actually we rent", None, {"homeowner"}),
    ("I meant 680", "credit_band", {"credit_band"}),
    ("my zip is 85004, actually my bill is 300", None, {"monthly_bill"}),
    ("oops, my email is jane@example.com", None, {"email"}),
    ("we pay 300", None, set()),
    ("85004", "zip_code", set()),
    ("sorry, not sure", "shade", set()),
]


@pytest.mark.parametrize(
    ("text", "awaiting", "corrected"), CORRECTION_CASES, ids=_ids(CORRECTION_CASES)
)
def test_corrections(text: str, awaiting: str | None, corrected: set[str]) -> None:
    result = run(text, awaiting)
    assert result.corrected == corrected
    assert result.corrected <= set(result.values)


REVISION_CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("Jon, sorry John with an h", "first_name", {"first_name": "John"}),
    ("Smith. Sorry, Smyth", "last_name", {"last_name": "Smyth"}),
    ("mike@gmial.com oops gmail.com", "email", {"email": "mike@gmail.com"}),
    ("404-872-1163 no wait 1136", "phone", {"phone": "+14048721136"}),
    ("like 2400 a month. oops, a year lol", "monthly_bill", {"monthly_bill": 200.0}),
    ("200 a year, sorry a month", "monthly_bill", {"monthly_bill": 200.0}),
    ("700, hmm maybe more like 660 after the car loan", "credit_band", {"credit_band": "fair"}),
    ("asap? lol no, just browsing", "timeline", {"timeline": "researching"}),
]


@pytest.mark.parametrize(("text", "awaiting", "expected"), REVISION_CASES, ids=_ids(REVISION_CASES))
def test_a_correction_revises_the_value_just_given(
    text: str, awaiting: str, expected: dict[str, Any]
) -> None:
    result = run(text, awaiting)
    assert {name: result.values.get(name, _MISSING) for name in expected} == expected
    assert set(expected) <= result.corrected


def test_a_bound_on_the_bill_is_asked_about() -> None:
    result = run("over 300", "monthly_bill")
    assert "monthly_bill" not in result.values
    assert result.unsure == {"monthly_bill": [300.0]}


# --- messy input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "<b></b>", "<script>x</script>", "\u200b"])
@pytest.mark.parametrize("awaiting", [None, "zip_code", "name"])
def test_empty_input_gives_empty_extraction(text: str, awaiting: str | None) -> None:
    assert run(text, awaiting) == Extraction()


def test_markup_is_not_content() -> None:
    result = run("<script>alert('x')</script><b>hi</b>, I'm <i>Jane</i>", None)
    assert result.values == {"first_name": "Jane"}
    assert "greeting" in result.intents


def test_unknown_awaited_field_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown awaited field"):
        run("yes", "favourite_colour")


def test_long_input_is_handled() -> None:
    text = "we pay $210 a month " + "blah " * 390
    assert run(text).values["monthly_bill"] == 210.0


# --- reusable validators -------------------------------------------------------------------------

PHONE_CASES = [
    ("(602) 555-0142", "+16025550142"),
    ("602.555.0142", "+16025550142"),
    ("+1 602 555 0142", "+16025550142"),
    ("16025550142", "+16025550142"),
    ("602-555-0142", "+16025550142"),
    (" 602 555 0142 ", "+16025550142"),
    ("555-0142", None),
    ("(102) 555-0142", None),
    ("(602) 155-0142", None),
    ("(911) 555-0142", None),
    ("+44 20 7946 0958", None),
    ("602-555-0142 ext 3", None),
    ("call 602-555-0142", None),
    ("26025550142", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), PHONE_CASES)
def test_normalize_phone(text: str, expected: str | None) -> None:
    assert normalize_phone(text) == expected


EMAIL_CASES = [
    ("jane@example.com", "jane@example.com"),
    ("JANE@Example.COM", "jane@example.com"),
    ("  jane.doe+solar@gmail.com ", "jane.doe+solar@gmail.com"),
    ("jane@", None),
    ("jane@gmail", None),
    ("jane at gmail.com", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), EMAIL_CASES)
def test_normalize_email(text: str, expected: str | None) -> None:
    assert normalize_email(text) == expected


@pytest.mark.parametrize(
    ("score", "band"),
    [(850, "excellent"), (720, "excellent"), (719, "good"), (680, "good"), (679, "fair"),
     (640, "fair"), (639, "poor"), (300, "poor")],
)  # fmt: skip
def test_credit_band_from_score(score: int, band: str) -> None:
    assert credit_band_from_score(score) == band


@pytest.mark.parametrize("score", [299, 851, 0, -1, 900])
def test_credit_band_from_score_rejects_impossible_scores(score: int) -> None:
    with pytest.raises(ValueError, match="300"):
        credit_band_from_score(score)


def test_vocabulary_values_are_allowed_values() -> None:
    tables = [
        (vocabulary.PROPERTY_PHRASES, PROPERTY_TYPES),
        (vocabulary.ROOF_PHRASES, ROOF_TYPES),
        (vocabulary.SHADE_PHRASES, SHADE_LEVELS),
        (vocabulary.TIMELINE_PHRASES, TIMELINES),
        (vocabulary.CREDIT_PHRASES, CREDIT_BANDS),
        (vocabulary.HOMEOWNER_PHRASES, ("true", "false", "neutral")),
    ]
    for table, allowed in tables:
        for value, _strength, phrases in table:
            assert value in allowed
            for phrase in phrases:
                re.compile(phrase)


# --- properties ----------------------------------------------------------------------------------

_E164 = re.compile(r"\+1[2-9][0-9]{2}[2-9][0-9]{6}")
_VALUE_CHECKS = {
    "zip_code": lambda v: isinstance(v, str) and v in KNOWN_ZIPS,
    "homeowner": lambda v: isinstance(v, bool),
    "property_type": lambda v: v in PROPERTY_TYPES,
    "monthly_bill": lambda v: (
        isinstance(v, float) and MIN_MONTHLY_BILL_USD <= v <= MAX_MONTHLY_BILL_USD
    ),
    "roof_type": lambda v: v in ROOF_TYPES,
    "shade": lambda v: v in SHADE_LEVELS,
    "credit_band": lambda v: v in CREDIT_BANDS,
    "timeline": lambda v: v in TIMELINES,
    "first_name": lambda v: isinstance(v, str) and 0 < len(v) <= 50 and v.strip() == v,
    "last_name": lambda v: isinstance(v, str) and 0 < len(v) <= 50 and v.strip() == v,
    "email": lambda v: isinstance(v, str) and normalize_email(v) == v,
    "phone": lambda v: isinstance(v, str) and _E164.fullmatch(v) is not None,
    "consent": lambda v: isinstance(v, bool),
    "battery_interest": lambda v: v is None or isinstance(v, bool),
}


def assert_well_formed(result: Extraction, awaiting: str | None) -> None:
    assert set(result.values) <= set(FIELDS)
    assert set(result.errors) <= set(FIELDS)
    assert set(result.values).isdisjoint(result.errors)
    assert result.intents <= set(INTENTS)
    assert result.corrected <= set(result.values)
    for name, value in result.values.items():
        assert _VALUE_CHECKS[name](value), (name, value)
    if awaiting != "consent":
        assert "consent" not in result.values
    assert all(isinstance(hint, str) and hint for hint in result.errors.values())


_SNIPPETS = [
    "we",
    "own",
    "rent",
    "a",
    "house",
    "condo",
    "in",
    "85004",
    "00000",
    "12345",
    "pay",
    "about",
    "$",
    "$210",
    "210",
    "-50",
    "a month",
    "per year",
    "bucks",
    "two hundred",
    "and",
    "fifty",
    "150-200",
    "between",
    "to",
    "score",
    "credit",
    "650",
    "900",
    "excellent",
    "not",
    "great",
    "I'm",
    "my name is",
    "Jane",
    "o'neil",
    "van",
    "der",
    "Berg",
    "jane@example.com",
    "jane@",
    "(602) 555-0142",
    "555-12",
    "yes",
    "no",
    "sure",
    "skip",
    "not sure",
    "actually",
    "I meant",
    "sorry",
    "tile",
    "roof",
    "metal",
    "flat",
    "shade",
    "lots of trees",
    "no trees",
    "asap",
    "next year",
    "in 2 years",
    "3 kids",
    "battery",
    "backup power",
    "stop",
    "help",
    "hi",
    "?",
    ",",
    ".",
    "<b>",
    "</b>",
    "<script>",
    "é",
    "🌞",
    "\u0130",
    "ﬀ",
    "½",
    "٣",
    "\uff11\uff12\uff13",
]
_messages = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(_SNIPPETS), max_size=14).map(" ".join),
    st.lists(st.sampled_from(_SNIPPETS), max_size=14).map("".join),
)
_awaiting = st.sampled_from((None, *AWAITABLE))


@settings(max_examples=400, deadline=None)
@given(text=_messages, awaiting=_awaiting)
def test_understand_never_raises_and_returns_allowed_values(
    text: str, awaiting: str | None
) -> None:
    assert_well_formed(run(text, awaiting), awaiting)


def _nanp_part() -> st.SearchStrategy[str]:
    return st.integers(200, 999).map(str).filter(lambda part: part[1:] != "11")


_PHONE_FORMATS = (
    "({a}) {e}-{l}",
    "{a}.{e}.{l}",
    "{a}-{e}-{l}",
    "+1 {a} {e} {l}",
    "+1 ({a}) {e}-{l}",
    "1{a}{e}{l}",
    "{a}{e}{l}",
    "1-{a}-{e}-{l}",
)


@given(
    area=_nanp_part(),
    exchange=_nanp_part(),
    line=st.integers(0, 9999).map("{:04d}".format),
    template=st.sampled_from(_PHONE_FORMATS),
)
def test_phone_formats_normalise_to_one_e164(
    area: str, exchange: str, line: str, template: str
) -> None:
    text = template.format(a=area, e=exchange, l=line)
    expected = f"+1{area}{exchange}{line}"
    assert normalize_phone(text) == expected
    # The advisor reads numbers with libphonenumber, which also knows which area codes are in
    # service: a well-formed number in an unassigned area code is a typo, never stored.
    in_service = phonenumbers.is_valid_number(phonenumbers.parse(expected))
    want = expected if in_service else None
    assert run(text, "phone").values.get("phone") == want
    assert run(f"you can reach me at {text} anytime").values.get("phone") == want


@given(
    amount=st.integers(MIN_MONTHLY_BILL_USD, int(MAX_MONTHLY_BILL_USD)),
    awaiting=st.sampled_from((None, "monthly_bill")),
)
def test_dollar_amounts_parse_to_the_bill(amount: int, awaiting: str | None) -> None:
    assert run(f"${amount}", awaiting).values["monthly_bill"] == amount
    assert run(f"${amount:,} a month", awaiting).values["monthly_bill"] == amount


@given(score=st.integers(300, 850))
def test_credit_scores_map_to_the_same_band_as_the_helper(score: int) -> None:
    assert run(str(score), "credit_band").values["credit_band"] == credit_band_from_score(score)
    assert run(f"my credit score is {score}").values["credit_band"] == credit_band_from_score(score)


@given(
    code=st.sampled_from(sorted(KNOWN_ZIPS)),
    template=st.sampled_from(("{z}", "my zip is {z}", "we're in {z}", "{z}-1234")),
)
def test_known_zips_are_found(code: str, template: str) -> None:
    assert run(template.format(z=code), "zip_code").values["zip_code"] == code

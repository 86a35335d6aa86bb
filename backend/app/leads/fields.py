"""The vocabulary of a homeowner's answers: one definition for the chat, the form, the
lead, its score and the solar engine.

Every other module imports these: the lead form's schema and the lead table store
exactly these values, the advisor's language understanding normalises free text into
them, scoring gives points per value, and the engine reads the shade and the bill cap.
This module depends on nothing else in the app, so anything may import it.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import Final, Literal, get_args

from app.core import emails

__all__ = [
    "CREDIT_BANDS",
    "MAX_CREDIT_SCORE",
    "MAX_MONTHLY_BILL_USD",
    "MAX_NAME_LENGTH",
    "MIN_CREDIT_SCORE",
    "MIN_MONTHLY_BILL_USD",
    "NAME_PATTERN",
    "PROPERTY_TYPES",
    "ROOF_TYPES",
    "SHADE_LEVELS",
    "TIMELINES",
    "CreditBand",
    "PropertyType",
    "RoofType",
    "Shade",
    "Timeline",
    "credit_band_from_score",
    "mixed_script",
    "normalize_email",
    "normalize_phone",
]

PropertyType = Literal["single_family", "townhouse", "condo", "mobile_home", "multi_family"]
RoofType = Literal["asphalt_shingle", "metal", "tile", "flat", "wood_shake", "slate", "other"]
#: "unknown": the homeowner chose not to say (the chat's "skip"); it scores lower.
CreditBand = Literal["excellent", "good", "fair", "poor", "unknown"]
Timeline = Literal["asap", "1_3_months", "3_6_months", "6_12_months", "researching"]


# An enum rather than a literal like the others: the solar engine branches on it.
class Shade(StrEnum):
    """How much trees or buildings shade the roof during the day."""

    NONE = "none"
    LIGHT = "light"
    MODERATE = "moderate"
    HEAVY = "heavy"


PROPERTY_TYPES: Final[tuple[PropertyType, ...]] = get_args(PropertyType)
ROOF_TYPES: Final[tuple[RoofType, ...]] = get_args(RoofType)
SHADE_LEVELS: Final[tuple[str, ...]] = tuple(level.value for level in Shade)
CREDIT_BANDS: Final[tuple[CreditBand, ...]] = get_args(CreditBand)
TIMELINES: Final[tuple[Timeline, ...]] = get_args(Timeline)

# --- money ------------------------------------------------------------------------------
MIN_MONTHLY_BILL_USD: Final = 1
#: One cap for chat, form and engine. Above it a bill is not a home's (about 20x the US
#: average residential use): a typo, or a yearly total.
MAX_MONTHLY_BILL_USD: Final = 3000.0

# --- credit -----------------------------------------------------------------------------
MIN_CREDIT_SCORE: Final = 300
MAX_CREDIT_SCORE: Final = 850


def credit_band_from_score(score: float) -> CreditBand:
    """excellent 720+, good 680-719, fair 640-679, poor below 640.

    Raises ValueError outside 300-850, which is not a credit score.
    """
    if isinstance(score, bool) or not MIN_CREDIT_SCORE <= score <= MAX_CREDIT_SCORE:
        raise ValueError(f"credit scores run from {MIN_CREDIT_SCORE} to {MAX_CREDIT_SCORE}")
    if score >= 720:
        return "excellent"
    if score >= 680:
        return "good"
    if score >= 640:
        return "fair"
    return "poor"


# --- email ------------------------------------------------------------------------------


def normalize_email(text: str) -> str | None:
    """A homeowner's address in its stored form (``app.core.emails``), or None. Plain
    ASCII only: an address with a Cyrillic "a" (U+0430) among Latin letters looks like someone
    else's, and the mail providers US homeowners use allow nothing else."""
    normalized = emails.normalize_email(text)
    return normalized if normalized is not None and normalized.isascii() else None


# --- names ------------------------------------------------------------------------------
MAX_NAME_LENGTH: Final = 50
#: Letters, then letters, apostrophes, hyphens, dots and spaces ("Mary-Jane", "O'Neil").
NAME_PATTERN: Final = r"^[^\W\d_](?:[^\W\d_]|['\u2019\-. ])*$"


def scripts_of(text: str) -> set[str]:
    """The writing systems of ``text``'s letters ("LATIN", "CYRILLIC", "GREEK"...)."""
    found = set()
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            found.add(name.split(" ", 1)[0] if name else "UNKNOWN")
    return found


def mixed_script(text: str) -> bool:
    """True for a name mixing alphabets ("Jane" typed with a Cyrillic "a", U+0430): a
    look-alike, not a name. One alphabet (Cyrillic, Greek, Latin with accents) is fine."""
    return len(scripts_of(text)) > 1


# --- phone ------------------------------------------------------------------------------
_PHONE_CHARS = re.compile(r"\+?[0-9\s().\-]+")


def nanp_ok(area: str, exchange: str) -> bool:
    """North American Numbering Plan: area code and exchange start 2-9 and are not N11
    service codes (211, 911...). 555-01XX numbers are fictional but well-formed."""
    return (
        area[0] in "23456789"
        and exchange[0] in "23456789"
        and area[1:] != "11"
        and exchange[1:] != "11"
    )


def normalize_phone(text: str) -> str | None:
    """A US phone number as E.164 ``+1XXXXXXXXXX``, or None when it isn't one.

    Accepts the usual spellings: "(602) 555-0142", "602.555.0142", "+1 602 555 0142",
    "16025550142". Letters, extensions and other country codes are rejected.
    """
    candidate = unicodedata.normalize("NFKC", text).strip()
    if not candidate or len(candidate) > 32 or not _PHONE_CHARS.fullmatch(candidate):
        return None
    digits = re.sub(r"[^0-9]", "", candidate)
    if candidate.startswith("+") and not digits.startswith("1"):
        return None
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    if len(digits) != 10 or not nanp_ok(digits[:3], digits[3:6]):
        return None
    return "+1" + digits

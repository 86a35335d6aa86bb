"""What the language understanding returns, and the names it uses for fields and intents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, Literal, get_args

FieldName = Literal[
    "zip_code",
    "homeowner",
    "property_type",
    "monthly_bill",
    "roof_type",
    "shade",
    "credit_band",
    "timeline",
    "first_name",
    "last_name",
    "email",
    "phone",
    "consent",
    "battery_interest",
]
FIELDS: Final[tuple[FieldName, ...]] = get_args(FieldName)
# What the advisor may be waiting for: a field, or "name" for first and last name together.
AWAITABLE: Final[tuple[str, ...]] = (*FIELDS, "name")

Intent = Literal[
    "faq_net_metering",
    "faq_cost",
    "faq_tax_credit",
    "faq_how_estimate",
    "faq_privacy",
    "question",
    "skip",
    "unsure",
    "greeting",
    "restart",
    "help",
    "stop",
]

INTENTS: Final[tuple[Intent, ...]] = get_args(Intent)

HINT_ZIP_LENGTH: Final = "A ZIP code has 5 digits. Could you send the 5-digit ZIP of the home?"
HINT_BILL_POSITIVE: Final = "A monthly bill should be a positive amount, like $150."
HINT_BILL_HIGH: Final = (
    "That seems high for a home; could you double-check the monthly amount? "
    'If it\'s a yearly total, add "a year".'
)
HINT_CREDIT_RANGE: Final = (
    "Credit scores run from 300 to 850. A rough number is fine, "
    "or just say excellent, good, fair or poor."
)
HINT_EMAIL: Final = (
    "That email address doesn't look quite right. Could you check it? "
    "It should look like name@example.com."
)
HINT_PHONE: Final = (
    "That doesn't look like a full US phone number. "
    "Could you send the 10-digit number, like (602) 555-0142?"
)
HINT_NAME: Final = (
    "Names can be up to 50 characters, letters only. What's your first and last name?"
)


def hint_unknown_zip(zip_code: str) -> str:
    return (
        f"I couldn't find ZIP {zip_code} in the US. Could you double-check it? "
        "It should be the 5-digit ZIP of the home."
    )


Span = tuple[int, int]


@dataclass(frozen=True)
class Extraction:
    """What one message says.

    ``values`` maps a field to its normalised, valid value; ``errors`` maps a field to a hint when
    the message clearly tried to give that field but the value is invalid (nothing is stored for
    it). ``corrected`` holds the fields the user explicitly corrected ("actually my bill is 300").

    ``spans`` says where each value came from: ``text[start:end]`` of the cleaned message
    ``text`` (the words the homeowner typed, before any spelling repair). ``unsure`` maps a field
    to the candidates the message offered when it did not settle on one ("85004 or 85008"): none
    of them is in ``values``; :func:`clarifying_question` words the short question to ask.
    ``declined`` holds the awaited field when the homeowner would rather not answer it ("skip",
    "I'd rather not say", "n/a"): which fields may be skipped is the dialogue's decision.
    """

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    intents: frozenset[str] = frozenset()
    corrected: frozenset[str] = frozenset()
    spans: dict[str, Span] = field(default_factory=dict)
    unsure: dict[str, list[Any]] = field(default_factory=dict)
    text: str = ""
    declined: frozenset[str] = frozenset()

    def source(self, name: str) -> str | None:
        """The words a value was read from, as typed."""
        span = self.spans.get(name)
        return self.text[span[0] : span[1]] if span is not None else None


_UNSURE_LABELS: Final = {
    "zip_code": "the ZIP of the home",
    "phone": "the best number to reach you",
    "email": "the email to use",
    "monthly_bill": "your monthly electric bill",
}


def clarifying_question(name: str, candidates: list[Any]) -> str:
    """A short question to settle an unsure field: "Just to check: is the ZIP of the home
    85004 or 85008?"."""
    shown = [f"${c:,.0f}" if name == "monthly_bill" else str(c) for c in candidates]
    options = ", ".join(shown[:-1]) + f" or {shown[-1]}" if len(shown) > 1 else shown[0]
    return f"Just to check: is {_UNSURE_LABELS.get(name, name.replace('_', ' '))} {options}?"

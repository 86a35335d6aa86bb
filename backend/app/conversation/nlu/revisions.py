"""Corrections inside one message that revise a value given just before them: "Jon, sorry John
with an h", "Smith. Sorry, Smyth", "mike@gmial.com oops gmail.com" (the domain), "404-872-1163
no wait 1136" (the last digits), "like 2400 a month. oops, a year" (the unit).

The extractors read the first value; :func:`revise` then reads what follows the correction word
and, when it revises that value, replaces it. Whatever follows that is not a revision of it
("Dave, sorry for the delay") leaves the value as read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import phonenumbers
from rapidfuzz import fuzz

from app.leads.fields import MAX_MONTHLY_BILL_USD, MIN_MONTHLY_BILL_USD, nanp_ok, normalize_email

_NAME_FIELDS = ("first_name", "last_name")
# A revised name is a spelling fix of the one just given ("Jon" -> "John", "Smith" -> "Smyth");
# "John, sorry, Smith" adds a last name, it does not rename John. A whole name restated after the
# correction ("it's Smith-Jones, sorry. Mary Smith-Jones") replaces what was read before it.
_SAME_NAME_RATIO = 60
_DOMAIN = re.compile(r"^@?([a-z0-9](?:[a-z0-9\-]*[a-z0-9])?(?:\.[a-z0-9\-]+)*\.[a-z]{2,})\b")
_DIGITS = re.compile(
    r"^(?:(?:it'?s|make\s+(?:it|that)|the\s+last\s+(?:digits|part)\s+(?:is|are))\s+)?"
    r"([0-9](?:[0-9\s.\-]{0,6}[0-9])?)(?![0-9])"
)
_YEARLY = re.compile(
    r"(?:\b(?:a|per|each|every|for\s+the)\s*|/)(?:year|yr)\b|\byearly\b|\bannual(?:ly)?\b"
)
_MONTHLY = re.compile(r"(?:\b(?:a|per|each|every)\s*|/)(?:month|mo)\b|\bmonthly\b")


def revise(
    text: str,
    at: tuple[int, int],
    awaiting: str | None,
    values: dict[str, Any],
    where: dict[str, tuple[int, int]],
    read: Callable[[str, str | None], dict[str, Any]],
) -> None:
    """Apply a correction at ``text[at[0]:at[1]]`` (the correction words) to the values read
    before it. ``read`` reads a piece of text on its own (the NLU itself)."""
    start, end = at
    tail = text[end:]
    stripped = tail.lstrip(" ,.;:!-")
    offset = len(text) - len(stripped)
    if not stripped:
        return

    def before(name: str) -> bool:
        return name in values and name in where and where[name][1] <= start

    if awaiting in ("name", *_NAME_FIELDS) and any(before(name) for name in _NAME_FIELDS):
        again = read(stripped, awaiting)
        restated = all(again.get(name) for name in _NAME_FIELDS)  # "sorry. Mary Smith-Jones"
        for name in _NAME_FIELDS:
            revised = again.get(name)
            if revised and (
                restated
                or (
                    before(name)
                    and fuzz.ratio(revised.lower(), values[name].lower()) >= _SAME_NAME_RATIO
                )
            ):
                values[name] = revised
                where[name] = (offset, len(text))
    low = stripped.lower()
    if before("email"):
        domain = _DOMAIN.match(low)
        if domain is not None and "@" not in low[domain.end() :]:
            email = normalize_email(f"{values['email'].split('@')[0]}@{domain.group(1)}")
            if email is not None:
                values["email"] = email
                where["email"] = (offset, offset + domain.end())
    if before("phone") and (digits := _DIGITS.match(low)) is not None:
        new = re.sub(r"\D", "", digits.group(1))
        national = re.sub(r"\D", "", values["phone"])[-10:]
        if len(new) < len(national):
            revised = national[: len(national) - len(new)] + new
            number = phonenumbers.parse(revised, "US")
            if phonenumbers.is_valid_number(number) and nanp_ok(revised[:3], revised[3:6]):
                values["phone"] = phonenumbers.format_number(
                    number, phonenumbers.PhoneNumberFormat.E164
                )
                where["phone"] = (offset, offset + digits.end())
    if before("monthly_bill") and not re.search(r"[0-9]", stripped):
        head = text[:start].lower()
        bill = float(values["monthly_bill"])
        if _YEARLY.search(low) and not _YEARLY.search(head):
            bill = round(bill / 12, 2)  # "2400 a month. oops, a year": 200 a month
        elif _MONTHLY.search(low) and _YEARLY.search(head):
            bill = float(round(bill * 12))  # "200 a year, sorry a month"
        if bill != values["monthly_bill"] and MIN_MONTHLY_BILL_USD <= bill <= MAX_MONTHLY_BILL_USD:
            values["monthly_bill"] = bill
            where["monthly_bill"] = (offset, len(text))

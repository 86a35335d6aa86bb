"""Language understanding for the guided (no-LLM) solar advisor.

:func:`understand` turns one homeowner message into an :class:`Extraction`: the slot values it
states (normalised and validated), friendly hints for values that were recognisably attempted but
invalid, conversational intents, and the fields the user explicitly corrected. It runs the
extractors of the sibling modules in a fixed order (contact details first, so an email's digits
are never read as a ZIP), each blanking the text it used.

The package is a pure core: regular expressions compiled at import, small vocabularies
(:mod:`app.conversation.nlu.vocabulary`) and maintained libraries for what they do best:
``phonenumbers`` (phone numbers), ``nameparser`` (names), ``text2num`` (cardinals in words),
``rapidfuzz`` with the ``english-words`` word list (spelling repair, loaded once on first use).
No network, no clock, no models, so the same message always yields the same answer; a turn
costs well under a few milliseconds.

Every stored value knows the words it came from (``Extraction.spans``, in the text as typed),
and a message that offers two candidates without saying which ("85004 or 85008", two phone
numbers) stores neither: the field is in ``Extraction.unsure`` for a clarifying question.

Guiding rule: a wrong stored value is worse than asking again. Bare answers ("yes", "650",
"tile") are read in the light of the field the advisor just asked for (``awaiting``); anything
else needs wording specific enough to stand on its own.

Documented choices
------------------
* A named season ("this summer", "by spring", "next spring") is not read: how far away it is
  depends on today's date, and the module never reads the clock.
* Durations beyond a year ("in 2 years", "a few years") are ``researching``; under a month
  ("in 2 weeks") is ``asap``.
* Two different bill amounts in one message ("150 in winter, 300 in summer") give their mean;
  in a correction ("not 300, 250" / "200, actually 250") the last one wins.
* A bound on the bill ("over 300", "at least 200", "under 100") is not the bill: it is offered in
  ``Extraction.unsure`` and nothing is stored. (A bound on a credit score still settles its band.)
* A bill below ``MIN_MONTHLY_BILL_USD`` (including a yearly amount under $12) is invalid.
* Telephone numbers follow the NANP plan: area code and exchange start with 2-9 and are not
  N11 service codes (211, 911, ...). 555-01XX numbers are fictional but well-formed: accepted.
* A roof answer of "not sure" is ``other`` (the installer checks on site) and also carries the
  ``unsure`` intent, unless it still guesses with a question ("not sure, its grey?"): then
  nothing is stored. For shade and credit "not sure" stores nothing.
* A correction that revises part of the value just given replaces it (``revisions``): "Jon,
  sorry John", "mike@gmial.com oops gmail.com", "404-872-1163 no wait 1136", "2400 a month.
  oops, a year" (200 a month).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.conversation.nlu.amounts import extract_numbers, extract_zip
from app.conversation.nlu.choices import (
    extract_battery,
    extract_consent,
    extract_credit_words,
    extract_homeowner,
    extract_property,
    extract_roof,
    extract_shade,
    extract_timeline,
)
from app.conversation.nlu.contact import extract_email, extract_phone
from app.conversation.nlu.extraction import AWAITABLE, Extraction
from app.conversation.nlu.intents import CORRECTION, intents_of
from app.conversation.nlu.names import extract_name
from app.conversation.nlu.revisions import revise
from app.conversation.nlu.spelling import repair
from app.conversation.nlu.text import Scan, lower_same_length, prepare


def understand(
    text: str,
    awaiting: str | None,
    *,
    zip_is_known: Callable[[str], bool],
) -> Extraction:
    """Read one homeowner message.

    ``awaiting`` is the field the advisor just asked for (one of :data:`FIELDS`, or ``"name"`` for
    first and last name together) or None; it decides how bare answers ("yes", "650", "tile") are
    read. ``zip_is_known`` says whether a 5-digit ZIP exists in the 50 states or DC.
    """
    if awaiting is not None and awaiting not in AWAITABLE:
        raise ValueError(f"unknown awaited field {awaiting!r}")
    orig, low = prepare(text)
    if not low:
        return Extraction()
    typed = orig
    repaired, origin = repair(orig)
    if repaired is not orig:
        orig, low = repaired, lower_same_length(repaired)
    scan = Scan(orig, low)
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    where: dict[str, tuple[int, int]] = {}
    unsure: dict[str, Any] = {}

    intents = intents_of(scan.work, awaiting)
    said_unsure = "unsure" in intents
    correction_match = CORRECTION.search(scan.work)
    correction = correction_match is not None
    # "I meant 250" with nothing awaited corrects the bill when 250 is a plausible bill.
    numbers_awaiting = awaiting
    if correction and awaiting not in ("zip_code", "credit_band", "phone"):
        numbers_awaiting = "monthly_bill"

    extract_email(scan, awaiting, values, errors, where, unsure)
    extract_phone(scan, awaiting, values, errors, where, unsure)
    extract_name(scan, awaiting, values, errors, where)
    extract_zip(
        scan,
        awaiting,
        zip_is_known,
        correction=correction,
        values=values,
        errors=errors,
        where=where,
        unsure=unsure,
    )
    extract_numbers(
        scan,
        numbers_awaiting,
        correction=correction,
        values=values,
        errors=errors,
        where=where,
        unsure=unsure,
    )
    extract_homeowner(scan, awaiting, said_unsure, values, where)
    extract_property(scan, awaiting, values, where)
    correction_at = correction_match.start() if correction_match is not None else None
    extract_roof(scan, awaiting, said_unsure, values, where, correction_at)
    extract_shade(scan, awaiting, said_unsure, values, where, correction_at)
    extract_timeline(scan, awaiting, said_unsure, values, where, correction_at)
    extract_credit_words(scan, awaiting, values, where)
    extract_battery(scan, awaiting, intents, values, where)
    if awaiting == "consent":
        extract_consent(scan, intents, values)

    corrected: frozenset[str] = frozenset()
    if correction_match is not None:
        revise(
            orig,
            correction_match.span(),
            awaiting,
            values,
            where,
            lambda piece, field: understand(piece, field, zip_is_known=zip_is_known).values,
        )
        corrected = frozenset(
            name
            for name, (start, end) in where.items()
            if name in values and end > correction_match.start()
        )
    for name in values:
        errors.pop(name, None)
    range_of_bills = unsure.pop("monthly_bill_range", None)
    del range_of_bills  # a range or two seasons average out: that is an answer, not a doubt
    spans = {
        # A value read from no particular words ("yes" to a yes/no question) is the whole answer.
        name: (origin[start], origin[end - 1] + 1 if end > start else origin[start])
        for name, (start, end) in where.items()
        if name in values
    }
    for name in values:
        spans.setdefault(name, (0, len(typed)))
    for name in unsure:
        values.pop(name, None)
    return Extraction(
        values=values,
        errors=errors,
        intents=frozenset(intents),
        corrected=corrected,
        spans=spans,
        unsure={name: list(candidates) for name, candidates in unsure.items()},
        text=typed,
        declined=frozenset(
            {awaiting} if awaiting and "skip" in intents and awaiting not in values else ()
        ),
    )

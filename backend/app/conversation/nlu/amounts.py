"""The numeric fields: ZIP code, monthly bill (monthly or yearly, ranges, averages) and
credit score. Each number in a message is classified by the words around it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from app.conversation.nlu.extraction import (
    HINT_BILL_HIGH,
    HINT_BILL_POSITIVE,
    HINT_CREDIT_RANGE,
    HINT_ZIP_LENGTH,
    hint_unknown_zip,
)
from app.conversation.nlu.numbers import Mention, mentions
from app.conversation.nlu.text import Scan, last_match, window_before
from app.leads.fields import (
    MAX_CREDIT_SCORE,
    MAX_MONTHLY_BILL_USD,
    MIN_CREDIT_SCORE,
    MIN_MONTHLY_BILL_USD,
    credit_band_from_score,
)

_ZIP = re.compile(
    r"(?<![0-9$.,])(?P<zip>[0-9]{5})(?P<plus4>-[0-9]{4})?"
    r"(?![0-9]|[.,][0-9]|\s*-\s*[0-9])"
)
_LONG_DIGITS = re.compile(r"(?<![0-9.,])[0-9]{3,4}(?![0-9])|(?<![0-9.,])[0-9]{6,9}(?![0-9])")

_UNIT_MONEY = r"(?:(?:dollars?|bucks?|usd|\$)\s*)?"
_FILLER_TOPIC = (
    r"(?:(?:on|in|for)\s+(?:the\s+)?(?:electricity|electric|power|energy|bills?|utilities"
    r"|light\s+bill)\s+)?"
)
_MONEY_AFTER = re.compile(r"^\s*(?:\$|dollars?\b|bucks?\b|usd\b|cents?\b)")
_MONTHLY_AFTER = re.compile(
    rf"^\s*{_UNIT_MONEY}{_FILLER_TOPIC}(?:(?:a|an|per|each|every|/)\s*(?:month|mo)\b|monthly\b|/\s*m\b|mo\b|a\s+billing\s+cycle)"
)
_YEARLY_AFTER = re.compile(
    rf"^\s*{_UNIT_MONEY}{_FILLER_TOPIC}(?:(?:a|per|each|every|/)\s*(?:year|yr)\b|yearly\b|annually\b|/\s*y\b"
    r"|for\s+the\s+(?:whole\s+|entire\s+)?year\b|in\s+a\s+year\b)"
)
_YEARLY_BEFORE = re.compile(r"\b(?:annual(?:ly)?|yearly|per\s+year|each\s+year|every\s+year)\b")
_CREDIT_AFTER = re.compile(r"^\s*(?:credit|fico|score|on\s+(?:my\s+)?credit)\b")
_NON_MONEY_AFTER = re.compile(
    r"^\s*(?:%|percent\b|per\s*cent\b|(?:kids?|children|child|sons?|daughters?|people|persons?|adults?"
    r"|members?|bed(?:room)?s?|br|bd|ba|baths?|bathrooms?|stor(?:y|ies|eys?)|floors?|levels?|years?"
    r"|yrs?|y/?o|months?|mos|weeks?|wks?|days?|hours?|hrs?|minutes?|mins?|seconds?|sq|square|ft|feet"
    r"|foot|sqft|acres?|kw|kwh|kilowatts?|kilowatt-hours?|watts?|w|mw|mwh|panels?|modules?|cars?"
    r"|vehicles?|evs?|trucks?|dogs?|cats?|pets?|miles?|mi|degrees?|am|pm|a\.m|p\.m|o'?clock|times?|x"
    r"|st|nd|rd|th|units?|apartments?|homes?|houses?|properties|rooms?|amps?|volts?|gallons?|points?"
    r"|pts?|trees?|windows?|main|street|avenue|ave|road|drive|dr|lane|ln|blvd|boulevard|way|court"
    r"|ct|place|pl|circle|cir|parkway|pkwy|highway|hwy|north|south|east|west|n|s|e|w)\b(?!/)|°)"
)
_AGE_BEFORE = re.compile(
    r"(?:\bi'?m|\bi\s+am|\bage|\baged|\bturned|\bturning)\s+(?:about\s+|almost\s+|nearly\s+|over\s+)?$"
)
_YEAR_BEFORE = re.compile(
    r"\b(?:in|since|by|until|till|til|before|after|from|of|year|built|back\s+in|around)\s+$"
)
_NUMBER_SIGN_BEFORE = re.compile(r"(?:#|\bno\.|\bnumber|\bapt|\bunit|\bsuite|\bste)\s*$")
_NEGATIVE_BEFORE = re.compile(r"(?:(?:^|[\s(:=,])\$?-\s*\$?|\b(?:negative|minus)\s+\$?)$")
_BOUND_BEFORE = re.compile(
    r"\b(?:(?P<below>below|under|less\s+than|lower\s+than|sub)|above|over|more\s+than|higher\s+than)\s+$"
)
# "over 300", "at least 200", "no more than 130": one side of the bill, not its amount.
_BILL_BOUND_BEFORE = re.compile(
    r"\b(?:over|above|under|below|more\s+than|less\s+than|higher\s+than|lower\s+than|at\s+least"
    r"|at\s+most|no\s+more\s+than|no\s+less\s+than|upwards\s+of|north\s+of|south\s+of)\s+\$?\s*$"
)
_NOT_BEFORE = re.compile(r"\bnot\s+(?:\$\s*)?$")
_CONTEXT_BEFORE = re.compile(
    r"\b(?:(?P<credit>credit|fico|score|rating)|(?P<bill>bills?|pay(?:s|ing)?|paid|spend(?:s|ing)?|spent"
    r"|electric(?:ity|al)?|utility|utilities|power|energy|monthly|averages?|averaging|runs?|running"
    r"|comes?\s+(?:to|out\s+to))|(?P<zip>zip(?:\s*code)?|zipcode|postal|post\s*code)"
    r"|(?P<phone>phone|cell|mobile|telephone))\b"
)
# Which bill a number is: the electric one, or another utility's (gas, water, internet...).
_UTILITY = re.compile(
    r"\b(?:(?P<electric>electric(?:ity|al)?|power|energy|pg&e|pge|sce|duke|coned|con\s+ed|heco|luma"
    r"|xcel|dominion|ameren|entergy|ppl|fpl|aps|srp|oncor|light\s+bill)"
    r"|(?P<other>gas|water|sewer|trash|garbage|internet|wifi|cable|phone|cell|hoa|mortgage|rent"
    r"|insurance|car|propane|oil|heating\s+oil|total|utilities|altogether|combined|kwh|kw|kilowatts?))\b"
)
_CLAUSE_BREAK = re.compile(r"[,;.!?(]|\s(?:and|but|while|plus|with)\s")
_PAST_BEFORE = re.compile(
    r"\b(?:was|were|used\s+to\s+be|used\s+to|before|previously|last\s+year|from|old|went\s+from"
    r"|i\s+said|i\s+typed|i\s+wrote|i\s+put|typed|said)\b"
)
_PAST_AFTER = re.compile(
    r"^[^,;.!?]{0,20}\b(?:before|by\s+(?:accident|mistake)|earlier|last\s+year)\b"
)
_NOW_BEFORE = re.compile(
    r"\b(?:now|currently|these\s+days|nowadays|lately|today|actually|instead)\b"
)
_FROM_TO = re.compile(r"\bfrom\s*$")
_OTHER_PLACE = re.compile(
    r"\b(?:from|used\s+to|old|previous|former|work|office|job|parents?|mom'?s?|dad'?s?|sister|brother"
    r"|friend'?s?|moved\s+from|was\s+in|were\s+in)\b"
)
_NOT_HOME = re.compile(
    r"\b(?:from|used\s+to|old|previous|former|work|office|job|moved\s+from|was\s+in|were\s+in)\b"
)
_HERE_PLACE = re.compile(
    r"\b(?:now|new|house|home|live|living|moved\s+to|actually|instead|correct|right\s+one)\b"
)
_ZIP_PLACE_BEFORE = re.compile(r"\b(?:in|at|zip(?:\s*code)?(?:\s+is)?|zipcode(?:\s+is)?)\s+$")
_STREET_AFTER = re.compile(
    r"^\s+(?:[nsew]\.?\s+)?[a-z][\w'.-]*(?:\s+[a-z][\w'.-]*)?\s+(?:st|street|rd|road|ave|avenue|dr"
    r"|drive|ln|lane|blvd|boulevard|way|ct|court|pl|place|cir|circle|pkwy|parkway|hwy|highway|ter"
    r"|terrace|trl|trail|loop|pike|row)\b\.?"
)
_YEAR = re.compile(r"^(?:19[5-9][0-9]|20[0-9][0-9])$")


def clause_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The words of the clause before and after a span (to the nearest comma, "and", "but")."""
    before = text[:start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    before = before[breaks[-1].end() :] if breaks else before
    after = text[end:]
    cut = _CLAUSE_BREAK.search(after)
    after = after[: cut.start()] if cut else after
    return before, after


def _utility(text: str, mention: Mention) -> str | None:
    """ "electric", "other" or None: the utility named in the clause of a bill amount."""
    before, after = clause_around(text, mention.start, mention.end)
    found = [
        (mention.start - len(before) + m.start(), m.lastgroup) for m in _UTILITY.finditer(before)
    ]
    found += [
        (mention.end + m.start(), m.lastgroup)
        for m in _UTILITY.finditer(after[:24])
        # "electric is 140 gas is another 80": "gas" names the next amount, not this one.
        if not _NAMES_NEXT_AMOUNT.match(after[m.end() :])
        and not re.search(r"[0-9]", after[: m.start()])
    ]
    if not found:
        return None
    nearest = min(found, key=lambda item: abs(item[0] - mention.start))
    return nearest[1]


_NAMES_NEXT_AMOUNT = re.compile(
    r"^\s*(?:bills?\s+)?(?:is|was|runs?|:|=|-)?\s*(?:another|about|around|like|roughly|maybe|~)?"
    r"\s*\$?\s*[0-9]"
)
_BILL_RIGHT_BEFORE = re.compile(
    r"\b(?:bills?|electric(?:ity)?)\s*(?:is\s+|of\s+|:\s*)?(?:about\s+|around\s+|~\s*)?\$?\s*$"
)
_DURATION_AFTER = re.compile(
    r"^\s*(?:mo|mos|months?|wks?|weeks?|yrs?|years?)\b(?!\s*(?:bill|electric))"
)
_ZIP_WORD = re.compile(r"\b(?:zip|zipcode|postal|post\s*code|postcode)\b")
_NO_BILL = re.compile(r"\b(?:negative|minus|nothing|free)\b")


def _context(before: str) -> str | None:
    nearest = last_match(_CONTEXT_BEFORE, before)
    return nearest.lastgroup if nearest is not None else None


def _classify(scan: Scan, mention: Mention, awaiting: str | None) -> tuple[str | None, bool]:
    """("bill" | "credit" | "zip" | None, yearly?) for one number in the message."""
    text = scan.work
    after = text[mention.end : mention.end + 48]
    before = window_before(text, mention.start)
    if _BILL_RIGHT_BEFORE.search(before):
        yearly = _YEARLY_AFTER.match(after) is not None or _YEARLY_BEFORE.search(before) is not None
        return "bill", yearly  # "bill 160 credit 690"
    if _CREDIT_AFTER.match(after):
        return "credit", False
    if not mention.dollar and mention.high <= 36 and _DURATION_AFTER.match(after):
        return None, False  # "6-12 mo", "3 months": a time, not money
    monthly = _MONTHLY_AFTER.match(after) is not None
    yearly = not monthly and (
        _YEARLY_AFTER.match(after) is not None or _YEARLY_BEFORE.search(before) is not None
    )
    money = mention.dollar or monthly or yearly or _MONEY_AFTER.match(after) is not None
    if money:
        return "bill", yearly
    if (
        _NON_MONEY_AFTER.match(after)
        or _AGE_BEFORE.search(before)
        or _NUMBER_SIGN_BEFORE.search(before)
        or (1950 <= mention.low <= 2100 and _YEAR_BEFORE.search(before))
    ):
        return None, False
    context = _context(before)
    if context == "phone":
        return None, False
    if context is not None:
        return context, False
    if awaiting == "credit_band":
        return "credit", False
    if awaiting == "monthly_bill":
        return "bill", False
    if awaiting == "zip_code":
        return "zip", False
    return None, False


def extract_zip(
    scan: Scan,
    awaiting: str | None,
    zip_is_known: Callable[[str], bool],
    *,
    correction: bool,
    values: dict[str, Any],
    errors: dict[str, str],
    where: dict[str, tuple[int, int]],
    unsure: dict[str, Any],
) -> None:
    known: list[tuple[int, str]] = []
    elsewhere: list[tuple[int, str]] = []  # "moved from 10001", "85004 is my office"
    unknown: list[str] = []
    zip_word = _ZIP_WORD.search(scan.work) is not None
    for match in list(_ZIP.finditer(scan.work)):
        after = scan.work[match.end() : match.end() + 48]
        before = window_before(scan.work, match.start())
        if (
            _MONEY_AFTER.match(after)
            or _MONTHLY_AFTER.match(after)
            or _YEARLY_AFTER.match(after)
            or _NON_MONEY_AFTER.match(after)
            or re.search(r"\$\s*$", before)
        ):
            continue
        context = _context(clause_around(scan.work, match.start(), match.end())[0])
        if context in ("bill", "credit", "phone") and not _ZIP_PLACE_BEFORE.search(before):
            continue
        code = match.group("zip")
        if _STREET_AFTER.match(after):
            scan.mask(match.start(), match.end())  # "12345 Elm Rd": a house number
            continue
        if _NOT_BEFORE.search(before):
            scan.mask(match.start(), match.end())
            continue
        if zip_is_known(code):
            clause_before, clause_after = clause_around(scan.work, match.start(), match.end())
            if _OTHER_PLACE.search(clause_before) or re.match(
                r"^\s*(?:is|was)\s+(?:my|our|the)\s+(?:work|office|old|parents|job)", clause_after
            ):
                elsewhere.append((match.start(), code))
            else:
                known.append((match.start(), code))
            scan.mask(match.start(), match.end())
        elif (
            awaiting == "zip_code"
            or context == "zip"
            or zip_word
            or re.search(r"\b(?:in|at)\s+$", before)
        ):
            unknown.append(code)
            scan.mask(match.start(), match.end())
    if not known and elsewhere and not correction:
        codes = sorted({code for _, code in elsewhere})
        somewhere_else = any(
            _NOT_HOME.search(" ".join(clause_around(scan.work, position, position + 5)))
            for position, _ in elsewhere
        )
        if len(codes) > 1 or somewhere_else:
            # "85004 is my work zip", "we moved from 30301": a ZIP, maybe not the home's. Ask.
            unsure["zip_code"] = codes
            return
        known = elsewhere  # "inherited my mom's house in 48226" still says where
    distinct = {code for _, code in known}
    if len(distinct) > 1 and not correction:
        # "85004 or 85008?": never guess; the advisor asks which one.
        here = [
            (position, code)
            for position, code in known
            if _HERE_PLACE.search(clause_around(scan.work, position, position + 5)[0])
        ]
        if len({code for _, code in here}) == 1:
            known = here
        else:
            unsure["zip_code"] = sorted(distinct)
            return
    distinct = {code for _, code in known}
    if len(distinct) == 1 or (distinct and correction):
        position, code = known[-1]
        values["zip_code"] = code
        where["zip_code"] = (position, position + 5)
    elif not distinct and unknown:
        errors["zip_code"] = hint_unknown_zip(unknown[0])


def extract_numbers(
    scan: Scan,
    awaiting: str | None,
    *,
    correction: bool,
    values: dict[str, Any],
    errors: dict[str, str],
    where: dict[str, tuple[int, int]],
    unsure: dict[str, Any],
) -> None:
    bills: list[tuple[int, float]] = []
    bounds: list[float] = []
    electric: list[tuple[int, float]] = []
    earlier: list[tuple[int, float]] = []  # "was 300 before", "from 120 (to 210)"
    ends: dict[int, int] = {}  # where each amount's mention ends
    bill_problem: str | None = None
    scores: list[tuple[int, float]] = []
    score_problem = False
    zip_attempt = False
    for mention in mentions(scan):
        ends[mention.start] = mention.end
        kind, yearly = _classify(scan, mention, awaiting)
        if kind is None:
            continue
        before = scan.work[max(0, mention.start - 12) : mention.start]
        if _NOT_BEFORE.search(before):
            continue
        negative = _NEGATIVE_BEFORE.search(before) is not None
        text = scan.work
        if (
            kind == "bill"
            and not mention.dollar
            and _YEAR.match(text[mention.start : mention.end])
            and not _MONTHLY_AFTER.match(text[mention.end :])
            and not _YEARLY_AFTER.match(text[mention.end :])
        ):
            continue  # "the 2021 freeze", "since 2022": a year, never a bill
        if kind == "bill":
            utility = _utility(text, mention)
            if utility == "other":
                continue  # "gas is 80", "HOA fee is $300": not the electric bill
            amount = round(mention.value / 12 if yearly else mention.value, 2)
            clause_before, clause_after = clause_around(text, mention.start, mention.end)
            if (
                mention.low != mention.high
                and _FROM_TO.search(text[: mention.start])
                and re.search(r"\bto\b", text[mention.start : mention.end])
            ):
                amount = round(mention.high / 12 if yearly else mention.high, 2)  # from 120 to 210
                clause_before = ""
            past = bool(
                _PAST_BEFORE.search(clause_before) or _PAST_AFTER.match(clause_after)
            ) and not (_NOW_BEFORE.search(clause_before))
            if negative or amount < MIN_MONTHLY_BILL_USD:
                bill_problem = bill_problem or HINT_BILL_POSITIVE
            elif amount > MAX_MONTHLY_BILL_USD:
                bill_problem = bill_problem or HINT_BILL_HIGH
            elif past:
                earlier.append((mention.start, amount))
            elif _BILL_BOUND_BEFORE.search(before):
                bounds.append(amount)  # "over 300": a bound, not the bill
            else:
                bills.append((mention.start, amount))
                if utility == "electric":
                    electric.append((mention.start, amount))
        elif kind == "credit":
            score = mention.value
            if (bound := _BOUND_BEFORE.search(before)) is not None:
                score += -1 if bound.group("below") else 1  # "below 640" is poor, not fair
            if not negative and MIN_CREDIT_SCORE <= score <= MAX_CREDIT_SCORE:
                scores.append((mention.start, score))
            else:
                score_problem = True
        elif kind == "zip" and "zip_code" not in values:
            zip_attempt = True

    if (
        not bills
        and bill_problem is None
        and awaiting == "monthly_bill"
        and _NO_BILL.search(scan.work)
    ):
        bill_problem = HINT_BILL_POSITIVE
    if not bills and earlier and len(earlier) == 1 and not correction:
        bills = earlier  # "it was 280 last month" alone is still the bill
    if bills:
        amounts = [amount for _, amount in bills]
        # In a correction the last amount wins; otherwise several amounts ("150 in winter,
        # 300 in summer") average out.
        chosen = amounts[-1] if correction else round(sum(amounts) / len(amounts), 2)
        values["monthly_bill"] = float(chosen)
        first, last = bills[0][0], bills[-1][0]
        where["monthly_bill"] = (last, ends[last]) if correction else (first, ends[last])
        if len(set(amounts)) > 1 and not correction:
            unsure["monthly_bill_range"] = sorted(set(amounts))
    elif bounds:
        unsure["monthly_bill"] = sorted(set(bounds))
    elif bill_problem is not None:
        errors["monthly_bill"] = bill_problem

    if scores:
        position, score = scores[-1] if correction else scores[0]
        values["credit_band"] = credit_band_from_score(score)
        where["credit_band"] = (position, ends[position])
    elif score_problem:
        errors["credit_band"] = HINT_CREDIT_RANGE

    wrong_length = zip_attempt or (
        awaiting == "zip_code"
        and "monthly_bill" not in values
        and any(
            # "we bought in 2012": a year, not a short ZIP
            not (_YEAR.match(digits.group(0)) and _YEAR_BEFORE.search(scan.work[: digits.start()]))
            for digits in _LONG_DIGITS.finditer(scan.work)
        )
    )
    if wrong_length and "zip_code" not in values and "zip_code" not in errors:
        errors["zip_code"] = HINT_ZIP_LENGTH

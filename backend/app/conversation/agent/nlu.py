"""Language understanding for the guided (no-LLM) solar advisor.

:func:`understand` turns one homeowner message into an :class:`Extraction`: the slot values it
states (normalised and validated), friendly hints for values that were recognisably attempted but
invalid, conversational intents, and the fields the user explicitly corrected.

The module is a pure core: regular expressions compiled at import, small vocabularies
(:mod:`app.conversation.agent.vocabulary`) and a tiny number-words parser. No I/O, no clock, no
models, so the same message always yields the same answer and a turn costs well under a
millisecond.

Guiding rule: a wrong stored value is worse than asking again. Bare answers ("yes", "650",
"tile") are read in the light of the field the advisor just asked for (``awaiting``); anything
else needs wording specific enough to stand on its own.

Documented choices
------------------
* A named season ("this summer", "by spring") is ``3_6_months``; "next spring" is
  ``6_12_months``. The module never reads the clock, and a season is usually a quarter or two out.
* Durations beyond a year ("in 2 years", "a few years") are ``researching``; under a month
  ("in 2 weeks") is ``asap``.
* Two different bill amounts in one message ("150 in winter, 300 in summer") give their mean;
  in a correction ("not 300, 250" / "200, actually 250") the last one wins.
* A bill below ``MIN_MONTHLY_BILL_USD`` (including a yearly amount under $12) is invalid.
* Telephone numbers follow the NANP plan: area code and exchange start with 2-9 and are not
  N11 service codes (211, 911, ...). 555-01XX numbers are fictional but well-formed: accepted.
* A roof answer of "not sure" is ``other`` (the installer checks on site) and also carries the
  ``unsure`` intent; for shade and credit "not sure" stores nothing.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final, Literal, get_args

from email_validator import EmailNotValidError, validate_email

from app.conversation.agent import vocabulary as vocab
from app.solar.schemas import MAX_MONTHLY_BILL_USD as SOLAR_MAX_MONTHLY_BILL_USD

# --- public vocabulary ---------------------------------------------------------------------------

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

PropertyType = Literal["single_family", "townhouse", "condo", "mobile_home", "multi_family"]
RoofType = Literal["asphalt_shingle", "metal", "tile", "flat", "wood_shake", "slate", "other"]
ShadeLevel = Literal["none", "light", "moderate", "heavy"]
CreditBand = Literal["excellent", "good", "fair", "poor"]
Timeline = Literal["asap", "1_3_months", "3_6_months", "6_12_months", "researching"]
Intent = Literal[
    "faq_net_metering",
    "faq_cost",
    "faq_tax_credit",
    "faq_how_estimate",
    "faq_privacy",
    "skip",
    "unsure",
    "greeting",
    "restart",
    "help",
    "stop",
]

PROPERTY_TYPES: Final[tuple[PropertyType, ...]] = get_args(PropertyType)
ROOF_TYPES: Final[tuple[RoofType, ...]] = get_args(RoofType)
SHADE_LEVELS: Final[tuple[ShadeLevel, ...]] = get_args(ShadeLevel)
CREDIT_BANDS: Final[tuple[CreditBand, ...]] = get_args(CreditBand)
TIMELINES: Final[tuple[Timeline, ...]] = get_args(Timeline)
INTENTS: Final[tuple[Intent, ...]] = get_args(Intent)

MIN_MONTHLY_BILL_USD: Final = 1
# One cap for chat, form and engine: the solar engine's (a home bill beyond it is a typo).
MAX_MONTHLY_BILL_USD: Final = SOLAR_MAX_MONTHLY_BILL_USD
MIN_CREDIT_SCORE: Final = 300
MAX_CREDIT_SCORE: Final = 850
MAX_NAME_LENGTH: Final = 50

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


@dataclass(frozen=True)
class Extraction:
    """What one message says.

    ``values`` maps a field to its normalised, valid value; ``errors`` maps a field to a hint when
    the message clearly tried to give that field but the value is invalid (nothing is stored for
    it). ``corrected`` holds the fields the user explicitly corrected ("actually my bill is 300").
    """

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    intents: frozenset[str] = frozenset()
    corrected: frozenset[str] = frozenset()


# --- reusable validators -------------------------------------------------------------------------

_PHONE_CHARS = re.compile(r"\+?[0-9\s().\-]+")


def _nanp_ok(area: str, exchange: str) -> bool:
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
    if len(digits) != 10 or not _nanp_ok(digits[:3], digits[3:6]):
        return None
    return "+1" + digits


def normalize_email(text: str) -> str | None:
    """The normalised address (domain lower-cased), or None when it is not a valid address.

    Syntax only: no DNS lookups (``check_deliverability=False``).
    """
    candidate = text.strip()
    if not candidate or len(candidate) > 254:
        return None
    try:
        return validate_email(candidate, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def _band_for_score(score: float) -> CreditBand:
    if score >= 720:
        return "excellent"
    if score >= 680:
        return "good"
    if score >= 640:
        return "fair"
    return "poor"


def credit_band_from_score(score: int) -> CreditBand:
    """excellent 720+, good 680-719, fair 640-679, poor below 640.

    Raises ValueError outside 300-850, which is not a credit score.
    """
    if isinstance(score, bool) or not MIN_CREDIT_SCORE <= score <= MAX_CREDIT_SCORE:
        raise ValueError(f"credit scores run from {MIN_CREDIT_SCORE} to {MAX_CREDIT_SCORE}")
    return _band_for_score(score)


# --- text preparation ----------------------------------------------------------------------------

_BLOCK_OPEN = re.compile(r"<\s*(script|style)\b", re.IGNORECASE)
_BLOCK_CLOSE = re.compile(r"<\s*/\s*(script|style)\s*>", re.IGNORECASE)
_TAG = re.compile(r"<!--.*?(?:-->|$)|<\s*/?\s*[a-zA-Z][a-zA-Z0-9-]*(?:[\s/][^<>]*)?>", re.DOTALL)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_PUNCTUATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")


def _strip_markup(text: str) -> str:
    """Drop <script>/<style> blocks with their content, then any other tag."""
    if "<" not in text:
        return text
    pieces: list[str] = []
    position = 0
    while (opening := _BLOCK_OPEN.search(text, position)) is not None:
        pieces.append(text[position : opening.start()])
        closing = _BLOCK_CLOSE.search(text, opening.end())
        if closing is None:
            position = len(text)
            break
        pieces.append(" ")
        position = closing.end()
    pieces.append(text[position:])
    return _TAG.sub(" ", "".join(pieces))


def _prepare(text: str) -> tuple[str, str]:
    """Clean text (original case) and its lower-case twin of exactly the same length."""
    cleaned = _strip_markup(text)
    if "&" in cleaned:
        cleaned = _strip_markup(html.unescape(cleaned))
    cleaned = unicodedata.normalize("NFKC", cleaned).translate(_INVISIBLE).translate(_PUNCTUATION)
    cleaned = _SPACES.sub(" ", _CONTROL.sub(" ", cleaned)).strip()
    lowered = cleaned.lower()
    if len(lowered) != len(cleaned):  # e.g. "İ" lower-cases to two code points
        lowered = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in cleaned)
    return cleaned, lowered


# --- number words --------------------------------------------------------------------------------

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9,
}  # fmt: skip
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_NUMBER_WORD = "|".join(
    sorted([*_UNITS, *_TEENS, *_TENS, "hundred", "thousand"], key=len, reverse=True)
)
_NUMBER_RUN = re.compile(
    rf"\b(?:an?\s+(?=hundred|thousand)|a\s+couple(?:\s+of)?\s+(?=hundred))?"
    rf"(?:{_NUMBER_WORD})(?:(?:\s*-\s*|\s+|(?<=hundred)\s+and\s+|(?<=thousand)\s+and\s+)"
    rf"(?:{_NUMBER_WORD}))*\b"
)
_RUN_TOKEN = re.compile(r"[a-z]+")


def _small(words: list[str], i: int) -> tuple[int, int] | None:
    """1-99 (or zero) starting at words[i]: "seven", "fifteen", "forty two"."""
    word = words[i]
    if word in _TEENS:
        return _TEENS[word], i + 1
    if word in _TENS:
        if i + 1 < len(words) and words[i + 1] in _UNITS and words[i + 1] != "zero":
            return _TENS[word] + _UNITS[words[i + 1]], i + 2
        return _TENS[word], i + 1
    if word in _UNITS:
        return _UNITS[word], i + 1
    return None


def _below_thousand(words: list[str], i: int) -> tuple[int, int] | None:
    if words[i] == "hundred":
        value, i = 100, i + 1
    else:
        parsed = _small(words, i)
        if parsed is None:
            return None
        value, i = parsed
        if i < len(words) and words[i] == "hundred" and value:
            value, i = value * 100, i + 1
        elif 0 < value < 10 and i < len(words) and words[i] in _TENS:
            # Spoken prices: "one fifty" is 150, "two twenty five" is 225.
            rest = _small(words, i)
            if rest is not None:
                return value * 100 + rest[0], rest[1]
            return value, i
        else:
            return value, i
    if i < len(words) and words[i] == "and":
        i += 1
    if i < len(words):
        rest = _small(words, i)
        if rest is not None:
            value, i = value + rest[0], rest[1]
    return value, i


def _parse_number_words(words: list[str]) -> list[tuple[int, int, int]]:
    """Split a run of number words into (first word, last word + 1, value) groups."""
    groups: list[tuple[int, int, int]] = []
    i = 0
    while i < len(words):
        start = i
        if words[i] == "and":
            i += 1
            continue
        if words[i] == "thousand":
            value, i = 1000, i + 1
        else:
            parsed = _below_thousand(words, i)
            if parsed is None:
                i += 1
                continue
            value, i = parsed
            if i < len(words) and words[i] == "thousand" and value:
                value, i = value * 1000, i + 1
                if i < len(words) and words[i] == "and":
                    i += 1
                if i < len(words):
                    rest = _below_thousand(words, i)
                    if rest is not None:
                        value, i = value + rest[0], rest[1]
        groups.append((start, i, value))
    return groups


def _number_run_to_digits(match: re.Match[str]) -> str:
    run = match.group(0)
    if run == "one":  # "no one", "the one on the left": a pronoun far more often than a number
        return run
    tokens = list(_RUN_TOKEN.finditer(run))
    words = [token.group(0) for token in tokens]
    for index, word in enumerate(words):
        if word in ("a", "an"):
            words[index] = "one"
        elif word == "couple":
            words[index] = "two"
    words = [word for word in words if word != "of"]
    tokens = [token for token in tokens if token.group(0) != "of"]
    out = list(run)
    for first, last, value in _parse_number_words(words):
        begin, end = tokens[first].start(), tokens[last - 1].end()
        digits = str(value)
        if len(digits) > end - begin:
            continue
        out[begin:end] = digits + " " * (end - begin - len(digits))
    return "".join(out)


def _words_to_digits(text: str) -> str:
    """Rewrite number words as digits, padded with spaces so every offset stays put."""
    return _NUMBER_RUN.sub(_number_run_to_digits, text)


# --- scanning state ------------------------------------------------------------------------------


class _Scan:
    """The message three ways, all the same length: as typed, lower-cased, and lower-cased with
    number words as digits. Spans an extractor has used are blanked in all three."""

    __slots__ = ("low", "orig", "work")

    def __init__(self, orig: str, low: str) -> None:
        self.orig = orig
        self.low = low
        self.work = _words_to_digits(low)

    def mask(self, start: int, end: int) -> None:
        blank = " " * (end - start)
        self.orig = self.orig[:start] + blank + self.orig[end:]
        self.low = self.low[:start] + blank + self.low[end:]
        self.work = self.work[:start] + blank + self.work[end:]


def _phrases(pattern: str) -> str:
    """Vocabulary spelling to regex: "a b" allows any run of spaces, "a ?b" an optional one."""
    return pattern.replace(" ?", r"\s*").replace(" ", r"\s+")


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    value: str
    strong: bool


class _PhraseTable:
    """A vocabulary table compiled to one alternation, longest phrase first, one group each."""

    def __init__(self, table: vocab.PhraseTable) -> None:
        rows = [(phrase, value, strong) for value, strong, phrases in table for phrase in phrases]
        rows.sort(key=lambda row: len(row[0]), reverse=True)
        self._rows = rows
        alternatives = "|".join(f"({_phrases(phrase)})" for phrase, _, _ in rows)
        self._regex = re.compile(rf"(?<![\w'])(?=[a-z0-9])(?:{alternatives})(?![\w'])")

    def hits(self, text: str) -> Iterable[_Hit]:
        for match in self._regex.finditer(text):
            _, value, strong = self._rows[(match.lastindex or 1) - 1]
            yield _Hit(match.start(), match.end(), value, strong)


_PROPERTY_TABLE = _PhraseTable(vocab.PROPERTY_PHRASES)
_HOMEOWNER_TABLE = _PhraseTable(vocab.HOMEOWNER_PHRASES)
_ROOF_TABLE = _PhraseTable(vocab.ROOF_PHRASES)
_SHADE_TABLE = _PhraseTable(vocab.SHADE_PHRASES)
_TIMELINE_TABLE = _PhraseTable(vocab.TIMELINE_PHRASES)
_CREDIT_TABLE = _PhraseTable(vocab.CREDIT_PHRASES)

_NEGATED_BEFORE = re.compile(
    r"(?:\bnot|\bisn't|\bisnt|\baren't|\bnever|\bwithout|n't)\s+"
    r"(?:(?:a|an|the|really|very|exactly|actually|quite|in|on)\s+)?$"
)
_SENTENCE_END = re.compile(r"[.!?;](?:\s|$)")


def _last_match(regex: re.Pattern[str], text: str) -> re.Match[str] | None:
    matches = list(regex.finditer(text))
    return matches[-1] if matches else None


def _window_before(text: str, start: int, size: int = 40) -> str:
    """Up to ``size`` characters before ``start``, cut at the last sentence boundary."""
    window = text[max(0, start - size) : start]
    last = _last_match(_SENTENCE_END, window)
    return window[last.end() :] if last is not None else window


_QUESTION_OPENING = re.compile(
    r"^\W*(?:and\s+|but\s+|so\s+)?(?:can|could|do|does|did|is|are|will|would|should|what|how|why"
    r"|who|when|where|which|if|what's|whats)\b"
)


def _in_question(text: str, position: int) -> bool:
    """Whether ``position`` sits in a question ("can renters get solar?"), not a statement."""
    start = max((text.rfind(mark, 0, position) for mark in ".!?;"), default=-1) + 1
    ends = [end for mark in ".!?;" if (end := text.find(mark, position)) != -1]
    return bool(ends) and text[min(ends)] == "?" and bool(_QUESTION_OPENING.match(text[start:]))


def _negated(text: str, start: int) -> bool:
    return _NEGATED_BEFORE.search(text[max(0, start - 24) : start]) is not None


# --- intents -------------------------------------------------------------------------------------

_INTENT_PATTERNS: dict[Intent, str] = {
    "faq_net_metering": (
        r"\bnet[\s-]*meter(?:ing|ed|s)?\b|\bsell(?:ing)?\s+(?:(?:it|power|energy|electricity"
        r"|the\s+(?:extra|excess|surplus)(?:\s+\w+)?)\s+)?back\b|\bsell\s+(?:the\s+)?(?:extra|excess|surplus)\b"
        r"|\bbuy[\s-]*back\b|\bcredits?\s+for\s+(?:the\s+|any\s+)?(?:extra|excess|surplus)"
        r"|\b(?:extra|excess|surplus)\s+(?:power|energy|electricity|production|kwh)\b"
        r"|\bback\s+(?:in)?to\s+the\s+grid\b|\bfeed[\s-]*in\b|\bnem\b"
        r"|\bexport(?:ed|ing)?\s+(?:power|energy|electricity|credits?)\b"
    ),
    "faq_cost": (
        r"\bhow\s+much\s+(?:does|do|would|will|is|are|'s|should|could)\b[^?.!]{0,40}?"
        r"\b(?:cost|costs|run|charge|price|install|installed|pay\s+for)\b"
        r"|\bhow\s+much\s+(?:is|are|for|would\s+be)\s+(?:solar|panels?|a\s+system|the\s+system|it|installation)\b"
        r"|\b(?:cost|costs|price|prices|pricing)\s+(?:of|for|to\s+(?:install|go|get))\s+"
        r"(?:solar|panels?|a\s+system|the\s+system|installation|installing|going\s+solar|it|this)\b"
        r"|\bexpensive\b|\bafford(?:able)?\b|\bwhat(?:'s|\s+is|\s+does|\s+would)\s+(?:the\s+|it\s+)?(?:cost|price)"
        r"|\bup[\s-]*front\s+(?:cost|price)|\bprice\s+tag\b"
        r"|\b(?:know|tell\s+me|give\s+me|see|get)\s+(?:the\s+|a\s+)?(?:price|cost|pricing)\b"
    ),
    "faq_tax_credit": (
        r"\btax\s+(?:credits?|incentives?|breaks?|benefits?|rebates?|deductions?|write[\s-]*offs?)\b"
        r"|\bitc\b|\b30\s*(?:%|percent|per\s*cent)(?=\W|$)|\bfederal\s+(?:credits?|incentives?|rebates?|programs?|tax)"
        r"|\bincentives?\b|\brebates?\b|\bgovernment\s+(?:programs?|money|help|credits?|incentives?)"
        r"|\bsubsid(?:y|ies|ized)\b|\bwrite[\s-]*offs?\b"
    ),
    "faq_how_estimate": (
        r"\bhow\s+(?:did|do|does|would|will|can|could)\s+(?:you|u|it|this|that)\s+"
        r"(?:calculate|compute|figure|get|come\s+up|estimate|know|arrive|work\s+(?:that|this|it)\s+out)"
        r"|\bwhere\s+(?:do|did|does)\s+(?:these|those|the|your|this|that)\s+"
        r"(?:numbers?|figures?|estimates?|savings|results?|data)\s+come\s+from"
        r"|\bwhere\s+did\s+you\s+get\s+(?:these|those|that|this|the)\b"
        r"|\bhow\s+(?:is|was|are|were)\s+(?:this|that|it|these|those|the\s+(?:estimate|numbers?|savings))\s+"
        r"(?:calculated|computed|estimated|figured|determined|worked\s+out)"
        r"|\bhow\s+accurate\b|\bwhat\s+(?:assumptions|data)\b|\bbased\s+on\s+what\b"
        r"|\bexplain\s+(?:the|this|that|your|how)\b[^?.!]{0,24}?\b(?:estimate|numbers?|calculation|savings|math)"
        r"|\bwhat\s+is\s+(?:this|that|it)\s+based\s+on\b|\bshow\s+(?:your|the|me\s+the)\s+(?:math|work|calculation)"
    ),
    "faq_privacy": (
        r"\b(?:what|how)\s+(?:do|will|are|would)\s+(?:you|u)\s+(?:do|doing|going\s+to\s+do|use|using)\s+"
        r"(?:\w+\s+)?with\s+(?:my|this|the|our)\b"
        r"|\bwho\s+(?:will|would|is\s+going\s+to|gets?|can|else)\s+(?:\w+\s+)?"
        r"(?:contact|call|email|text|reach|see|have|get)\b"
        r"|\bspam(?:med|ming|my)?\b|\b(?:sell|share|give|pass)\s+(?:on\s+)?(?:my|our)\s+"
        r"(?:data|info|information|details|number|email|phone|contact)"
        r"|\bprivacy\b|\bprivate\b|\brobo[\s-]*calls?\b|\btelemarket"
        r"|\bwhy\s+do\s+you\s+need\s+(?:my|this|that|the|it)\b|\bpersonal\s+(?:data|information|info)\b"
        r"|\bscam\b|\bdata\s+(?:protection|security)\b|\bis\s+my\s+(?:data|info|information)\s+(?:safe|secure)"
        r"|\bwhat\s+(?:happens|will\s+happen)\s+(?:to|with)\s+(?:my|our)\s+"
        r"(?:data|info|information|details|number|email|phone)"
    ),
    "skip": (
        r"\bskip\b|\bpass\b|\b(?:i'?d\s+)?prefer\s+not\b|\b(?:i'?d\s+)?rather\s+not\b"
        r"|\bnext\s+question\b|\bno\s+comment\b|\bnone\s+of\s+your\s+business\b"
        r"|\bdecline\s+to\s+(?:say|answer|state)\b|\bnot\s+comfortable\s+(?:sharing|saying|answering|giving)\b"
        r"|\bmove\s+on\b"
    ),
    "unsure": (
        r"\bnot\s+(?:\w+\s+)?(?:sure|certain|positive)\b|\bunsure\b|\buncertain\b"
        r"|\b(?:don'?t|do\s+not|didn'?t|dont)\s+(?:really\s+)?know\b|\bno\s+(?:idea|clue)\b"
        r"|\bidk\b|\bdunno\b|\bhard\s+to\s+say\b|\bbeats\s+me\b|\bcan'?t\s+(?:say|remember|recall)\b"
        r"|\bnot\s+a\s+clue\b|\bi\s+forget\b|\bforgot\b"
    ),
    "greeting": (
        r"^\W*(?:hi|hello|hey|hiya|howdy|heya|greetings|hola|yo|good\s+(?:morning|afternoon|evening|day))\b"
    ),
    "restart": (
        r"\bstart\s+(?:over|again|afresh|from\s+(?:scratch|the\s+(?:beginning|top)))\b|\brestart\b"
        r"|\bbegin\s+again\b|\breset\b|\bfrom\s+scratch\b"
    ),
    "help": (
        r"^\W*(?:help|help\s+me|help\s+please|please\s+help|need\s+help|\?+)\W*$"
        r"|\b(?:i\s+)?need\s+(?:some\s+)?help\b|\bcan\s+(?:you|u)\s+help\b"
        r"|\bwhat\s+(?:do|else\s+do)\s+(?:you|u)\s+need\b|\bwhat\s+(?:info|information|details)\s+do\s+(?:you|u)\s+need\b"
        r"|\bhow\s+does\s+(?:this|it|that)\s+work\b|\b(?:i'?m|i\s+am)\s+(?:so\s+|a\s+bit\s+)?(?:confused|lost)\b"
        r"|\bwhat\s+(?:should|do)\s+i\s+(?:say|type|put|answer|do)\b|\bwhat\s+can\s+(?:you|u)\s+do\b"
        r"|\bwhat\s+are\s+(?:my|the)\s+options\b"
    ),
    "stop": (
        r"^\W*(?:please\s+)?(?:stop|quit|cancel|exit|end|bye|goodbye|bye\s+bye)\W*$"
        r"|\bstop\s+(?:messaging|texting|emailing|calling|contacting|bothering|it|this|now|please)\b"
        r"|\bplease\s+stop\b|(?:\bjust|\bsaid|\bplease)\s+stop\W*$|^\W*(?:i'?m|we'?re)\s+done\W*$"
        r"|\bno\s+more\s+questions\b|\bquit\s+asking\b|\bunsubscribe\b|\bopt[\s-]*out\b|\bleave\s+me\s+alone\b|\bgo\s+away\b"
        r"|\bremove\s+me\b|\bend\s+(?:this|the)\s+(?:chat|conversation)\b"
        r"|\b(?:i'?m|i\s+am|we'?re|we\s+are)\s+not\s+interested\b(?!\s+in\b)|^\W*not\s+interested\W*$"
    ),
}
_INTENT_RES = {intent: re.compile(pattern) for intent, pattern in _INTENT_PATTERNS.items()}
# Refusing contact ends the conversation, unless it is the answer to the consent question.
_CONTACT_REFUSAL = re.compile(
    r"\b(?:do\s+not|don'?t|dont|never)\s+(?:contact|call|email|text)\s+(?:me|us)"
    r"(?:\s+(?:again|anymore|ever))?\W*$"
)


def _intents(work: str, awaiting: str | None) -> set[str]:
    found = {intent for intent, regex in _INTENT_RES.items() if regex.search(work)}
    if awaiting != "consent" and _CONTACT_REFUSAL.search(work):
        found.add("stop")
    return found


_CORRECTION = re.compile(
    r"\b(?:actually|i\s+meant|i\s+mean|no\s+wait|wait|sorry|oops|whoops|correction|scratch\s+that"
    r"|my\s+(?:mistake|bad)|let\s+me\s+correct|i\s+misspoke|typo|i\s+said|make\s+(?:that|it)"
    r"|change\s+(?:it|that|my\s+\w+|the\s+\w+)\s+to|update\s+(?:my|the)\s+\w+|(?:that'?s|that\s+is)\s+wrong"
    r"|incorrect|not\s+\$?[0-9][0-9,.]*)\b|^\W*no\s*,?\s+(?:it'?s|it\s+is|its|that'?s|it\s+was)\b"
)

# --- yes / no ------------------------------------------------------------------------------------

_YES = re.compile(rf"(?<![\w'])(?:{_phrases(vocab.YES_PHRASES)})(?![\w'])")
_NO = re.compile(rf"(?<![\w'])(?:{_phrases(vocab.NO_PHRASES)})(?![\w'])")


_MAX_POLARITY_WORDS = 12


def _polarity(work: str) -> bool | None:
    """True for a yes, False for a no, None when unclear or mixed ("yes, but don't call")."""
    bare = work.strip(" .!?,;:-'\"")
    if bare in vocab.YES_LETTERS:
        return True
    if bare in vocab.NO_LETTERS:
        return False
    yeses = list(_YES.finditer(work))
    nos = list(_NO.finditer(work))
    if len(yeses) + len(nos) > _MAX_POLARITY_WORDS:
        return None  # not an answer to a yes/no question
    # A "no" inside a positive idiom ("no problem", "why not") is part of the yes.
    nos = [
        no
        for no in nos
        if not any(yes.start() <= no.start() and no.end() <= yes.end() for yes in yeses)
    ]
    positive = False
    for yes in yeses:
        # "absolutely not", "I do not agree", "not interested": the negation wins.
        flipped = any(
            (no.start() < yes.end() + 2 and no.end() > yes.start())
            or (0 <= yes.start() - no.end() <= 12 and "," not in work[no.end() : yes.start()])
            for no in nos
        )
        positive = positive or not flipped
    negative = bool(nos)
    if positive == negative:
        return None
    return positive


# --- email ---------------------------------------------------------------------------------------

# Bounded local part: an unbounded one makes a long run without "@" quadratic to scan.
_EMAIL_TOKEN = re.compile(r"[^\s<>,;()\[\]\"@]{0,64}@[^\s<>,;()\[\]\"]*")
_EMAIL_SPOKEN = re.compile(
    r"(?<![\w.%+\-])([a-z0-9._%+\-]{1,64})\s+(?:at|\[at\]|\(at\))\s+"
    r"([a-z0-9\-]+(?:\s*(?:dot|\.)\s*[a-z0-9\-]+)+)\b"
)
_EMAIL_SPOKEN_PARTIAL = re.compile(
    r"(?<![\w.%+\-])[a-z0-9._%+\-]{1,64}\s+at\s+(?:gmail|yahoo|hotmail|outlook|icloud|aol|me|mail)\b"
)
_EMAIL_WORD = re.compile(r"\be-?mail\b")


def _extract_email(
    scan: _Scan,
    awaiting: str | None,
    values: dict[str, Any],
    errors: dict[str, str],
    where: dict[str, int],
) -> None:
    attempted = False
    for token in _EMAIL_TOKEN.finditer(scan.orig):
        raw = token.group(0).strip(".!?:'")
        if raw.lower().startswith("mailto:"):
            raw = raw[7:]
        local, _, domain = raw.partition("@")
        email = normalize_email(raw) if local and domain else None
        if email is not None and "email" not in values:
            values["email"] = email
            where["email"] = token.start()
        elif email is None and (
            (local and domain) or awaiting == "email" or _EMAIL_WORD.search(scan.low)
        ):
            attempted = True
        scan.mask(token.start(), token.end())
    if "email" not in values and (awaiting == "email" or _EMAIL_WORD.search(scan.low)):
        spoken = _EMAIL_SPOKEN.search(scan.low)
        if spoken is not None:
            domain = re.sub(r"\s*(?:dot|\.)\s*", ".", spoken.group(2))
            local = scan.orig[spoken.start(1) : spoken.end(1)]
            email = normalize_email(f"{local}@{domain}")
            if email is not None:
                values["email"] = email
                where["email"] = spoken.start()
                scan.mask(spoken.start(), spoken.end())
                return
        if awaiting == "email" and _EMAIL_SPOKEN_PARTIAL.search(scan.low):
            attempted = True
    if attempted and "email" not in values:
        errors["email"] = HINT_EMAIL


# --- phone ---------------------------------------------------------------------------------------

_PHONE = re.compile(
    r"(?<![0-9+])(?:\+\s*)?(?:1[\s.\-]?)?(?:\(\s*([0-9]{3})\s*\)|([0-9]{3}))\s?[\s.\-]?\s?"
    r"([0-9]{3})\s?[\s.\-]?\s?([0-9]{4})(?![0-9])"
)
_PHONE_ATTEMPT = re.compile(
    r"\b(?:phone|cell|mobile|telephone|tel|number)\s*(?:number\s*)?(?:is|:|=|'s)?\s*\+?\(?[0-9][0-9()\s.\-]*"
)
_DIGIT_RUNS = re.compile(r"[0-9]")


def _extract_phone(
    scan: _Scan,
    awaiting: str | None,
    values: dict[str, Any],
    errors: dict[str, str],
    where: dict[str, int],
) -> None:
    for match in _PHONE.finditer(scan.low):
        area = match.group(1) or match.group(2)
        if _nanp_ok(area, match.group(3)):
            if "phone" not in values:
                values["phone"] = f"+1{area}{match.group(3)}{match.group(4)}"
                where["phone"] = match.start()
            scan.mask(match.start(), match.end())
    if "phone" in values:
        return
    if awaiting == "phone":
        digits = len(_DIGIT_RUNS.findall(scan.low))
        if digits >= 3 and "$" not in scan.low:
            errors["phone"] = HINT_PHONE
    elif (attempt := _PHONE_ATTEMPT.search(scan.low)) is not None and len(
        _DIGIT_RUNS.findall(attempt.group(0))
    ) >= 3:
        errors["phone"] = HINT_PHONE


# --- names ---------------------------------------------------------------------------------------

_STRONG_INTRO = re.compile(
    r"(?<![\w'])(?:my\s+(?:full\s+)?name(?:'s|\s+is)|(?:the\s+)?name(?:'s|\s+is|\s*:)"
    r"|(?:you\s+can\s+)?call\s+me|i\s+go\s+by)\s*:?\s*"
)
_WEAK_INTRO = re.compile(r"(?<![\w'])(?:i'?m|i\s+am|this\s+is)\s+")
_FIRST_INTRO = re.compile(r"(?<![\w'])(?:my\s+)?first\s+name(?:'s|\s+is|\s*:)?\s*")
_LAST_INTRO = re.compile(
    r"(?<![\w'])(?:my\s+)?(?:last\s+name|surname|family\s+name)(?:'s|\s+is|\s*:)?\s*"
)
_NAME_FILLER = re.compile(
    r"(?:\s*(?:sure|ok|okay|yes|yeah|yep|hi|hello|hey|well|oh|so|um|uh|of\s+course|absolutely"
    r"|it'?s|it\s+is|i'?m|i\s+am|this\s+is|my\s+(?:full\s+)?name(?:'s|\s+is)?|(?:the\s+)?name(?:'s|\s+is)?"
    r"|(?:you\s+can\s+)?call\s+me|i\s+go\s+by|(?:my\s+)?(?:first\s+and\s+last|full)\s+name(?:'s|\s+is)?"
    r"|(?:my\s+)?(?:first|last)\s+name(?:'s|\s+is)?|(?:my\s+)?surname(?:'s|\s+is)?)(?![\w'])\s*[,:!.\-]*)*\s*"
)
_NAME_TOKEN = re.compile(r" ?([^\W\d_]+(?:['\-][^\W\d_]+)*)(\.)?")
_NOT_NAME_SUFFIX = re.compile(r"(?:ing|ed|ly|ful|ous|ive|able|ible)$")


def _name_tokens(scan: _Scan, position: int, *, soft: bool) -> list[str]:
    """Name-like words from ``position``: letters, apostrophes and hyphens, stopping at the first
    common word, digit or punctuation mark. A leading title ("Dr. Smith") is dropped; when only a
    surname follows it, the first token returned is empty."""
    tokens: list[str] = []
    titled = False
    text = scan.orig
    while len(tokens) < 6:
        match = _NAME_TOKEN.match(text, position)
        if match is None:
            break
        word = match.group(1)
        after = text[match.end() : match.end() + 1]
        if after and (after.isalnum() or after == "_"):
            break
        lowered = word.lower()
        if lowered.endswith("'s"):
            return []  # "this is Jane's husband": a possessive, not a name
        if not tokens and not titled and lowered in vocab.NAME_TITLES:
            titled = True
            position = match.end()
            continue
        if lowered in vocab.NAME_HARD_STOPWORDS or (soft and lowered in vocab.NAME_SOFT_STOPWORDS):
            break
        tokens.append(word + (match.group(2) or "") if lowered in vocab.NAME_SUFFIXES else word)
        position = match.end()
        if match.group(2) or (after and after != " "):
            break
    while tokens and tokens[-1].lower() in vocab.SURNAME_PARTICLES:
        tokens.pop()
    if titled and len(tokens) == 1:
        return ["", tokens[0]]
    return tokens


def _capitalise(word: str, *, particle_ok: bool) -> str:
    lowered = word.lower().rstrip(".")
    if lowered in vocab.NAME_SUFFIXES:
        return vocab.NAME_SUFFIXES[lowered]
    typed_as_is = word != word.lower() and word != word.upper()
    if typed_as_is:  # "McDonald", "DeShawn", "van Dyke": the user chose this spelling
        return word
    if particle_ok and lowered in vocab.SURNAME_PARTICLES:
        return lowered
    if lowered.startswith("mc") and len(lowered) > 3 and lowered[2].isalpha():
        return "Mc" + lowered[2:].capitalize()
    pieces = re.split(r"(['\-])", lowered)
    out: list[str] = []
    for index, piece in enumerate(pieces):
        after_apostrophe = index >= 2 and pieces[index - 1] == "'"
        if piece in ("'", "-") or (after_apostrophe and len(pieces[index - 2]) > 1):
            out.append(piece)
        else:
            out.append(piece.capitalize())
    return "".join(out)


def _format_names(
    tokens: list[str], *, surname_only: bool = False
) -> tuple[str | None, str | None]:
    if not tokens:
        return None, None
    if surname_only or not tokens[0]:
        first, rest = None, [token for token in tokens if token]
    else:
        first, rest = _capitalise(tokens[0], particle_ok=False), tokens[1:]
    last = (
        " ".join(
            _capitalise(word, particle_ok=index < len(rest) - 1) for index, word in enumerate(rest)
        )
        or None
    )
    return first, last


def _looks_like_word(token: str) -> bool:
    """After "I'm" / "this is", a lower-case "-ing/-ed/-ly..." word is an adjective or verb."""
    return token == token.lower() and len(token) > 5 and bool(_NOT_NAME_SUFFIX.search(token))


def _introduced_name(scan: _Scan) -> tuple[int, list[str]] | None:
    """The earliest name after "my name is", "call me", "I'm", "this is"."""
    candidates: list[tuple[int, list[str]]] = []
    for match in _STRONG_INTRO.finditer(scan.low):
        tokens = _name_tokens(scan, match.end(), soft=False)
        if tokens:
            candidates.append((match.start(), tokens))
            break
    for match in _WEAK_INTRO.finditer(scan.low):
        tokens = _name_tokens(scan, match.end(), soft=True)
        if tokens and not _looks_like_word(tokens[0]):
            candidates.append((match.start(), tokens))
            break
    return min(candidates, key=lambda candidate: candidate[0]) if candidates else None


def _extract_name(
    scan: _Scan,
    awaiting: str | None,
    values: dict[str, Any],
    errors: dict[str, str],
    where: dict[str, int],
) -> None:
    names: dict[str, str] = {}
    position = len(scan.low)
    for match in _LAST_INTRO.finditer(scan.low):
        if tokens := _name_tokens(scan, match.end(), soft=False):
            names["last_name"] = _format_names(tokens, surname_only=True)[1] or ""
            position = min(position, match.start())
            break
    for match in _FIRST_INTRO.finditer(scan.low):
        if tokens := _name_tokens(scan, match.end(), soft=False):
            names["first_name"] = _capitalise(tokens[0], particle_ok=False)
            position = min(position, match.start())
            break
    if "first_name" not in names:
        surname_only = False
        found = _introduced_name(scan)
        if found is None and awaiting in ("name", "first_name", "last_name"):
            filler = _NAME_FILLER.match(scan.low)
            start = filler.end() if filler is not None else 0
            tokens = _name_tokens(scan, start, soft=True)
            found = (start, tokens) if tokens else None
            surname_only = awaiting == "last_name"
        if found is not None and (surname_only or len(found[1][0]) != 1):
            first, last = _format_names(found[1], surname_only=surname_only)
            for name, value in (("first_name", first), ("last_name", last)):
                if value and name not in names:
                    names[name] = value
            position = min(position, found[0])
    if any(len(value) > MAX_NAME_LENGTH for value in names.values()):
        if awaiting in ("name", "first_name", "last_name"):
            errors["last_name" if awaiting == "last_name" else "first_name"] = HINT_NAME
        return
    for name, value in names.items():
        if value:
            values[name] = value
            where[name] = position


# --- numbers: ZIP, bill, credit score ------------------------------------------------------------

_NUM = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?|\.[0-9]+"
_MULT = r"\s*(?:k|grand)\b"
_MENTION = re.compile(
    rf"(?<![0-9.,:])(?P<d1>\$\s*)?(?P<n1>{_NUM})(?P<m1>{_MULT})?"
    rf"(?:(?P<sep>\s*-\s*|\s+to\s+|\s+and\s+|\s+or\s+)(?P<d2>\$\s*)?(?P<n2>{_NUM})(?P<m2>{_MULT})?)?"
    rf"(?P<ish>\s*-?\s*ish\b)?(?P<decade>'?s\b)?(?P<plus>\s*\+)?(?![0-9])"
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
    r"|ct|place|pl|circle|cir|parkway|pkwy|highway|hwy|north|south|east|west|n|s|e|w)\b|°)"
)
_AGE_BEFORE = re.compile(
    r"(?:\bi'?m|\bi\s+am|\bage|\baged|\bturned|\bturning)\s+(?:about\s+|almost\s+|nearly\s+|over\s+)?$"
)
_YEAR_BEFORE = re.compile(
    r"\b(?:in|since|by|until|till|til|before|after|from|of|year|built|back\s+in|around)\s+$"
)
_NUMBER_SIGN_BEFORE = re.compile(r"(?:#|\bno\.|\bnumber|\bapt|\bunit|\bsuite|\bste)\s*$")
_NEGATIVE_BEFORE = re.compile(r"(?:(?:^|[\s(:=,])\$?-\s*\$?|\b(?:negative|minus)\s+\$?)$")
_DECADE_BEFORE = re.compile(
    r"\b(?P<mod>low|lower|mid|middle|high|upper)(?:\s*-\s*|\s+)(?:the\s+)?$"
)
_BOUND_BEFORE = re.compile(
    r"\b(?:(?P<below>below|under|less\s+than|lower\s+than|sub)|above|over|more\s+than|higher\s+than)\s+$"
)
_NOT_BEFORE = re.compile(r"\bnot\s+(?:\$\s*)?$")
_CONTEXT_BEFORE = re.compile(
    r"\b(?:(?P<credit>credit|fico|score|rating)|(?P<bill>bills?|pay(?:s|ing)?|paid|spend(?:s|ing)?|spent"
    r"|electric(?:ity|al)?|utility|utilities|power|energy|monthly|averages?|averaging|runs?|running"
    r"|comes?\s+(?:to|out\s+to))|(?P<zip>zip(?:\s*code)?|zipcode|postal|post\s*code)"
    r"|(?P<phone>phone|cell|mobile|telephone))\b"
)
_ZIP_WORD = re.compile(r"\b(?:zip|zipcode|postal|post\s*code|postcode)\b")
_NO_BILL = re.compile(r"\b(?:negative|minus|nothing|free)\b")


# Real messages hold a handful of numbers; a cap keeps a wall of digits cheap.
_MAX_MENTIONS = 24


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    low: float
    high: float
    dollar: bool

    @property
    def value(self) -> float:
        return (self.low + self.high) / 2


def _to_number(digits: str, multiplier: str | None) -> float | None:
    digits = digits.replace(",", "")
    if len(digits.split(".")[0]) > 9:
        return None
    number = float(digits)
    return number * 1000 if multiplier else number


def _mentions(scan: _Scan) -> list[_Mention]:
    found: list[_Mention] = []
    text = scan.work
    for match in _MENTION.finditer(text):
        if len(found) >= _MAX_MENTIONS:
            break
        start = match.start()
        if start and text[start - 1].isalpha() and not match.group("d1"):
            continue  # part of a word: "mp3", "h2o", "covid19"
        first = _to_number(match.group("n1"), match.group("m1"))
        dollar = bool(match.group("d1")) or text[max(0, start - 2) : start].strip() == "$"
        if first is None:
            continue
        if match.group("n2") is None:
            low = high = first
            if match.group("decade") and first >= 10 and first % 10 == 0:
                span = 100.0 if first % 100 == 0 and first >= 100 else 10.0
                low, high = first, first + span - 1
                if (
                    modifier := _DECADE_BEFORE.search(text[max(0, start - 12) : start])
                ) is not None:
                    third = span / 3
                    offset = {"low": 0, "lower": 0, "mid": 1, "middle": 1}.get(modifier["mod"], 2)
                    low, high = first + offset * third, first + (offset + 1) * third - 1
            found.append(_Mention(start, match.end(), low, high, dollar))
            continue
        second = _to_number(match.group("n2"), match.group("m2"))
        if second is None:
            continue
        separator = match.group("sep").strip()
        between = re.search(r"\bbetween\s+$", text[max(0, start - 10) : start]) is not None
        if separator == "and" and not between:
            found.append(_Mention(start, match.end("n1"), first, first, dollar))
            found.append(
                _Mention(
                    match.start("n2") - len(match.group("d2") or ""),
                    match.end(),
                    second,
                    second,
                    bool(match.group("d2")),
                )
            )
            continue
        if match.group("m2") and not match.group("m1") and first * 1000 <= second:
            first *= 1000  # "1-2k"
        elif first < 10 <= second and second % 100 == 0:
            first *= 100  # "3 or 400"
        if separator == "or" and first > second:
            first, second = second, first
        if first > second:
            continue  # "555-12": not a range of anything
        found.append(_Mention(start, match.end(), first, second, dollar or bool(match.group("d2"))))
    return found


def _context(before: str) -> str | None:
    nearest = _last_match(_CONTEXT_BEFORE, before)
    return nearest.lastgroup if nearest is not None else None


def _classify(scan: _Scan, mention: _Mention, awaiting: str | None) -> tuple[str | None, bool]:
    """("bill" | "credit" | "zip" | None, yearly?) for one number in the message."""
    text = scan.work
    after = text[mention.end : mention.end + 48]
    before = _window_before(text, mention.start)
    if _CREDIT_AFTER.match(after):
        return "credit", False
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


def _extract_zip(
    scan: _Scan,
    awaiting: str | None,
    zip_is_known: Callable[[str], bool],
    *,
    correction: bool,
    values: dict[str, Any],
    errors: dict[str, str],
    where: dict[str, int],
) -> None:
    known: list[tuple[int, str]] = []
    unknown: list[str] = []
    zip_word = _ZIP_WORD.search(scan.work) is not None
    for match in list(_ZIP.finditer(scan.work)):
        after = scan.work[match.end() : match.end() + 48]
        before = _window_before(scan.work, match.start())
        if (
            _MONEY_AFTER.match(after)
            or _MONTHLY_AFTER.match(after)
            or _YEARLY_AFTER.match(after)
            or _NON_MONEY_AFTER.match(after)
            or re.search(r"\$\s*$", before)
        ):
            continue
        context = _context(before)
        if context in ("bill", "credit", "phone"):
            continue
        code = match.group("zip")
        if _NOT_BEFORE.search(before):
            scan.mask(match.start(), match.end())
            continue
        if zip_is_known(code):
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
    distinct = {code for _, code in known}
    if len(distinct) == 1 or (distinct and correction):
        position, code = known[-1]
        values["zip_code"] = code
        where["zip_code"] = position
    elif not distinct and unknown:
        errors["zip_code"] = hint_unknown_zip(unknown[0])


def _extract_numbers(
    scan: _Scan,
    awaiting: str | None,
    *,
    correction: bool,
    values: dict[str, Any],
    errors: dict[str, str],
    where: dict[str, int],
) -> None:
    bills: list[tuple[int, float]] = []
    bill_problem: str | None = None
    scores: list[tuple[int, float]] = []
    score_problem = False
    zip_attempt = False
    for mention in _mentions(scan):
        kind, yearly = _classify(scan, mention, awaiting)
        if kind is None:
            continue
        before = scan.work[max(0, mention.start - 12) : mention.start]
        if _NOT_BEFORE.search(before):
            continue
        negative = _NEGATIVE_BEFORE.search(before) is not None
        if kind == "bill":
            amount = round(mention.value / 12 if yearly else mention.value, 2)
            if negative or amount < MIN_MONTHLY_BILL_USD:
                bill_problem = bill_problem or HINT_BILL_POSITIVE
            elif amount > MAX_MONTHLY_BILL_USD:
                bill_problem = bill_problem or HINT_BILL_HIGH
            else:
                bills.append((mention.start, amount))
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
    if bills:
        amounts = [amount for _, amount in bills]
        # In a correction the last amount wins; otherwise several amounts ("150 in winter,
        # 300 in summer") average out.
        chosen = amounts[-1] if correction else round(sum(amounts) / len(amounts), 2)
        values["monthly_bill"] = float(chosen)
        where["monthly_bill"] = bills[-1][0] if correction else bills[0][0]
    elif bill_problem is not None:
        errors["monthly_bill"] = bill_problem

    if scores:
        values["credit_band"] = _band_for_score(scores[0][1])
        where["credit_band"] = scores[0][0]
    elif score_problem:
        errors["credit_band"] = HINT_CREDIT_RANGE

    wrong_length = zip_attempt or (
        awaiting == "zip_code" and "monthly_bill" not in values and _LONG_DIGITS.search(scan.work)
    )
    if wrong_length and "zip_code" not in values and "zip_code" not in errors:
        errors["zip_code"] = HINT_ZIP_LENGTH


# --- phrase-table fields -------------------------------------------------------------------------

_ROOF_WORD_BEFORE = re.compile(
    r"\broof(?:ing|top)?(?:'s|\s+is|\s+are|\s+was)?(?:\s+(?:made\s+of|made\s+from|a|an|all|mostly"
    r"|just|basically|probably|i\s+think|covered\s+(?:in|with)|has|with))*\s*:?\s*$"
)
_ROOF_WORD_AFTER = re.compile(r"^\s*-?\s*roof")
_CREDIT_KEYWORD = re.compile(r"\b(?:credit|fico)(?:\s+score)?\b|\bscore\b")
_QUESTION = re.compile(r"\?")


def _choose(hits: Iterable[_Hit], text: str, weak_ok: Callable[[_Hit], bool]) -> _Hit | None:
    """The first strong phrase that isn't negated, else the first allowed weak one."""
    weak: _Hit | None = None
    for hit in hits:
        if _negated(text, hit.start):
            continue
        if hit.strong:
            return hit
        if weak is None and weak_ok(hit):
            weak = hit
    return weak


def _extract_homeowner(
    scan: _Scan, awaiting: str | None, unsure: bool, values: dict[str, Any], where: dict[str, int]
) -> None:
    # The last statement wins: "we used to rent, now we own" is an owner. A false "renter"
    # ends the conversation, so past tenancy ("used to rent") is neutral in the table.
    hits = [
        hit
        for hit in _HOMEOWNER_TABLE.hits(scan.work)
        if hit.value != "neutral" and not _in_question(scan.work, hit.start)
    ]
    hit = hits[-1] if hits else None
    if hit is not None:
        values["homeowner"] = hit.value == "true"
        where["homeowner"] = hit.start
    elif awaiting == "homeowner" and not unsure:
        answer = _polarity(scan.work)
        if answer is not None:
            values["homeowner"] = answer


def _extract_property(
    scan: _Scan, awaiting: str | None, values: dict[str, Any], where: dict[str, int]
) -> None:
    hits = list(_PROPERTY_TABLE.hits(scan.work))

    def weak_ok(hit: _Hit) -> bool:
        return awaiting == "property_type" and not (
            hit.value == "condo" and values.get("homeowner") is False
        )

    chosen = None
    for hit in reversed(hits):  # "not a condo, it's a townhouse": the last non-negated mention
        if _negated(scan.work, hit.start):
            continue
        if hit.strong or weak_ok(hit):
            chosen = hit
            break
    if chosen is not None:
        values["property_type"] = chosen.value
        where["property_type"] = chosen.start


def _extract_roof(
    scan: _Scan, awaiting: str | None, unsure: bool, values: dict[str, Any], where: dict[str, int]
) -> None:
    text = scan.work

    def weak_ok(hit: _Hit) -> bool:
        if awaiting == "roof_type":
            return True
        before = text[max(0, hit.start - 40) : hit.start]
        return bool(_ROOF_WORD_BEFORE.search(before) or _ROOF_WORD_AFTER.match(text[hit.end :]))

    hit = _choose(_ROOF_TABLE.hits(text), text, weak_ok)
    if hit is not None:
        values["roof_type"] = hit.value
        where["roof_type"] = hit.start
    elif awaiting == "roof_type" and unsure:
        values["roof_type"] = "other"


def _extract_shade(
    scan: _Scan, awaiting: str | None, unsure: bool, values: dict[str, Any], where: dict[str, int]
) -> None:
    if unsure and awaiting == "shade":
        return
    hit = _choose(_SHADE_TABLE.hits(scan.work), scan.work, lambda _: awaiting == "shade")
    if hit is not None:
        values["shade"] = hit.value
        where["shade"] = hit.start
    elif awaiting == "shade" and _polarity(scan.work) is False:
        values["shade"] = "none"  # "Does anything shade the roof?" - "no"


_DURATION = re.compile(
    r"(?P<prefix>\b(?:in|within|next|over\s+the\s+next|in\s+the\s+next|within\s+the\s+next|the\s+next"
    r"|in\s+about|in\s+around|in\s+like|less\s+than|under|after|by|about|around|maybe|probably)\s+)?"
    r"(?<![0-9.])\b(?P<q1>[0-9]+(?:\.[0-9]+)?|an?|one|(?:a\s+)?couple(?:\s+of)?|(?:a\s+)?few|several|half\s+a)\s*"
    r"(?:(?:-|to|or)\s*(?P<q2>[0-9]+(?:\.[0-9]+)?)\s*)?"
    r"(?P<unit>days?|weeks?|wks?|months?|mos?|years?|yrs?)\b(?!\s+ago)"
    r"(?:\s+or\s+(?P<q3>[0-9]+|so))?"
)
_STRONG_DURATION_PREFIX = frozenset(
    {"in", "within", "next", "over the next", "in the next", "within the next", "the next",
     "in about", "in around", "in like", "less than", "under", "after", "by"}
)  # fmt: skip
_MONTHS_PER_UNIT = {"d": 1 / 30, "w": 12 / 52, "m": 1.0, "y": 12.0}


def _quantity(word: str) -> float:
    word = re.sub(r"\s+", " ", word).strip()
    if word in ("a", "an", "one"):
        return 1.0
    if "couple" in word:
        return 2.0
    if "few" in word or word == "several":
        return 4.0
    if word == "half a":
        return 0.5
    return float(word)


def _timeline_for_months(months: float) -> Timeline:
    if months < 1:
        return "asap"
    if months <= 3:
        return "1_3_months"
    if months <= 6:
        return "3_6_months"
    if months <= 12:
        return "6_12_months"
    return "researching"


def _extract_timeline(
    scan: _Scan, awaiting: str | None, unsure: bool, values: dict[str, Any], where: dict[str, int]
) -> None:
    text = scan.work
    candidates: list[tuple[int, str]] = []
    for hit in _TIMELINE_TABLE.hits(text):
        if not _negated(text, hit.start) and (hit.strong or awaiting == "timeline"):
            candidates.append((hit.start, hit.value))
    for match in _DURATION.finditer(text):
        prefix = re.sub(r"\s+", " ", (match.group("prefix") or "").strip())
        if not (prefix in _STRONG_DURATION_PREFIX or match.group("q2") or awaiting == "timeline"):
            continue
        upper = match.group("q2") or match.group("q1")
        quantity = _quantity(upper)
        if match.group("q3") and match.group("q3") != "so":
            quantity = max(quantity, float(match.group("q3")))
        months = quantity * _MONTHS_PER_UNIT[match.group("unit")[0]]
        if "few" in match.group("q1") and match.group("unit").startswith("w"):
            months = max(months, 1.0)  # "a few weeks" is not "right away"
        candidates.append((match.start(), _timeline_for_months(months)))
    if not candidates and awaiting == "timeline" and unsure:
        candidates.append((0, "researching"))
    if not candidates:
        return
    candidates.sort(key=lambda candidate: candidate[0])
    concrete = [candidate for candidate in candidates if candidate[1] != "researching"]
    position, timeline = (concrete or candidates)[0]
    values["timeline"] = timeline
    where["timeline"] = position


def _extract_credit_words(
    scan: _Scan, awaiting: str | None, values: dict[str, Any], where: dict[str, int]
) -> None:
    if "credit_band" in values:
        return
    text = scan.work
    best: tuple[int, int, str] | None = None  # (distance, position, band)
    for keyword in _CREDIT_KEYWORD.finditer(text):
        after = text[keyword.end() : keyword.end() + 40]
        if (cut := re.search(r"[,.;!?]", after)) is not None:
            after = after[: cut.start()]
        for hit in _CREDIT_TABLE.hits(after):
            if not _negated(after, hit.start):
                candidate = (hit.start, keyword.end() + hit.start, hit.value)
                best = candidate if best is None or candidate < best else best
                break
        before = _window_before(text, keyword.start(), 24)
        if (cut := re.search(r"[,;]", before)) is not None:
            before = before[before.rfind(cut.group(0)) + 1 :]
        hits = [hit for hit in _CREDIT_TABLE.hits(before) if not _negated(before, hit.start)]
        if hits:
            hit = hits[-1]
            offset = keyword.start() - len(before)
            candidate = (len(before) - hit.end, offset + hit.start, hit.value)
            best = candidate if best is None or candidate < best else best
    if best is None and awaiting == "credit_band":
        for hit in _CREDIT_TABLE.hits(text):
            if not _negated(text, hit.start):
                best = (0, hit.start, hit.value)
                break
    if best is not None:
        values["credit_band"] = best[2]
        where["credit_band"] = best[1]


_BATTERY = re.compile(rf"(?<![\w'])(?:{_phrases(vocab.BATTERY_WORD)})(?![\w'])")
_BATTERY_WANT = re.compile(
    r"\b(?:want|wants|wanted|interested|add|adding|like|love|need|needs|get|getting|include|including"
    r"|yes|sure|definitely|please|with|plus|consider|considering)\b"
)
_BATTERY_REFUSE = re.compile(
    r"\b(?:no|not|don'?t|dont|do\s+not|without|skip|never|pass\s+on|n't|no\s+need\s+for)\b|n't\b"
)
_MAYBE = re.compile(
    r"\b(?:maybe|perhaps|possibly|might|not\s+sure|unsure|don'?t\s+know|idk|later|undecided)\b"
)


def _extract_battery(
    scan: _Scan,
    awaiting: str | None,
    intents: set[str],
    values: dict[str, Any],
    where: dict[str, int],
) -> None:
    text = scan.work
    asked = awaiting == "battery_interest"
    if asked and (intents & {"skip", "unsure"} or _MAYBE.search(text)):
        values["battery_interest"] = None  # optional: "skip" / "not sure" / "maybe" answer it
        intents.add("skip")
        return
    if _QUESTION.search(text):
        return  # "do I need a battery?" asks; it doesn't answer
    for match in _BATTERY.finditer(text):
        before = _window_before(text, match.start(), 30)
        if _BATTERY_REFUSE.search(before):
            values["battery_interest"] = False
        elif _BATTERY_WANT.search(before):
            values["battery_interest"] = True
        else:
            continue
        where["battery_interest"] = match.start()
        return
    if asked and (answer := _polarity(text)) is not None:
        values["battery_interest"] = answer


_CONDITIONAL = re.compile(r"\b(?:but|only|except|unless|as\s+long\s+as|if)\b")


def _extract_consent(scan: _Scan, intents: set[str], values: dict[str, Any]) -> None:
    text = scan.work
    if _QUESTION.search(text) or intents & {"skip", "unsure"}:
        return
    answer = _polarity(text)
    if answer is True and _CONDITIONAL.search(text):
        return  # "ok but only by email" is not consent to the disclosure: ask again
    if answer is not None:
        values["consent"] = answer


# --- entry point ---------------------------------------------------------------------------------


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
    orig, low = _prepare(text)
    if not low:
        return Extraction()
    scan = _Scan(orig, low)
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    where: dict[str, int] = {}

    intents = _intents(scan.work, awaiting)
    unsure = "unsure" in intents
    correction_match = _CORRECTION.search(scan.work)
    correction = correction_match is not None
    # "I meant 250" with nothing awaited corrects the bill when 250 is a plausible bill.
    numbers_awaiting = awaiting if awaiting is not None or not correction else "monthly_bill"

    _extract_email(scan, awaiting, values, errors, where)
    _extract_phone(scan, awaiting, values, errors, where)
    _extract_name(scan, awaiting, values, errors, where)
    _extract_zip(
        scan,
        awaiting,
        zip_is_known,
        correction=correction,
        values=values,
        errors=errors,
        where=where,
    )
    _extract_numbers(
        scan, numbers_awaiting, correction=correction, values=values, errors=errors, where=where
    )
    _extract_homeowner(scan, awaiting, unsure, values, where)
    _extract_property(scan, awaiting, values, where)
    _extract_roof(scan, awaiting, unsure, values, where)
    _extract_shade(scan, awaiting, unsure, values, where)
    _extract_timeline(scan, awaiting, unsure, values, where)
    _extract_credit_words(scan, awaiting, values, where)
    _extract_battery(scan, awaiting, intents, values, where)
    if awaiting == "consent":
        _extract_consent(scan, intents, values)

    corrected: frozenset[str] = frozenset()
    if correction_match is not None:
        corrected = frozenset(
            name
            for name, position in where.items()
            if name in values and position >= correction_match.start()
        )
    for name in values:
        errors.pop(name, None)
    return Extraction(values=values, errors=errors, intents=frozenset(intents), corrected=corrected)

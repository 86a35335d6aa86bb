"""Fields answered from a vocabulary: ownership, home type, roof, shade, timeline, credit
in words, battery interest, consent; and yes/no answers to the awaited question."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from app.conversation.nlu import vocabulary as vocab
from app.conversation.nlu.text import (
    Hit,
    PhraseTable,
    Scan,
    in_question,
    negated,
    phrases,
    window_before,
)
from app.leads.fields import Timeline

_PROPERTY_TABLE = PhraseTable(vocab.PROPERTY_PHRASES)
_HOMEOWNER_TABLE = PhraseTable(vocab.HOMEOWNER_PHRASES)
_ROOF_TABLE = PhraseTable(vocab.ROOF_PHRASES)
_SHADE_TABLE = PhraseTable(vocab.SHADE_PHRASES)
_TIMELINE_TABLE = PhraseTable(vocab.TIMELINE_PHRASES)
_CREDIT_TABLE = PhraseTable(vocab.CREDIT_PHRASES)

_YES = re.compile(rf"(?<![\w'])(?:{phrases(vocab.YES_PHRASES)})(?![\w'])")
_NO = re.compile(rf"(?<![\w'])(?:{phrases(vocab.NO_PHRASES)})(?![\w'])")


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


_TOPICS = {
    "bill": r"bills?|dollars?|bucks|\$|electric(?:ity)?|kwh",
    "zip": r"zip|zipcode|postal",
    "roof": r"roof|shingles?",
    "shade": r"shade|shady|trees?",
    "credit": r"credit|score|fico",
    "name": r"name",
    "contact": r"e-?mail|phone|number|cell",
    "battery": r"batter(?:y|ies)|backup|powerwall",
}
_TOPIC_RES = {topic: re.compile(rf"(?:{words})(?!\w)") for topic, words in _TOPICS.items()}
_OWN_TOPIC = {"homeowner": None, "shade": "shade", "battery_interest": "battery"}


def bare_polarity(work: str, awaiting: str) -> bool | None:
    """A yes or no that answers the awaited question, not one about something else: in "whoa no,
    my bill is not 2021 dollars" the "no" is about the bill, not the home."""
    return None if about_something_else(work, awaiting) else _polarity(work)


def about_something_else(work: str, awaiting: str) -> bool:
    own = _OWN_TOPIC.get(awaiting)
    return any(regex.search(work) for topic, regex in _TOPIC_RES.items() if topic != own)


_ROOF_WORD_BEFORE = re.compile(
    r"\broof(?:ing|top)?(?:'s|\s+is|\s+are|\s+was)?(?:\s+(?:made\s+of|made\s+from|a|an|all|mostly"
    r"|just|basically|probably|i\s+think|covered\s+(?:in|with)|has|with))*\s*:?\s*$"
)
_ROOF_WORD_AFTER = re.compile(r"^\s*-?\s*roof")
_CREDIT_KEYWORD = re.compile(r"\b(?:credit|fico)(?:\s+score)?\b|\bscore\b")
_QUESTION = re.compile(r"\?")


def _choose(hits: Iterable[Hit], text: str, weak_ok: Callable[[Hit], bool]) -> Hit | None:
    """The first strong phrase that isn't negated, else the first allowed weak one."""
    weak: Hit | None = None
    for hit in hits:
        if negated(text, hit.start):
            continue
        if hit.strong:
            return hit
        if weak is None and weak_ok(hit):
            weak = hit
    return weak


def extract_homeowner(
    scan: Scan,
    awaiting: str | None,
    unsure: bool,
    values: dict[str, Any],
    where: dict[str, tuple[int, int]],
) -> None:
    # The last statement wins: "we used to rent, now we own" is an owner. A false "renter"
    # ends the conversation, so past tenancy ("used to rent") is neutral in the table.
    hits = [
        hit
        for hit in _HOMEOWNER_TABLE.hits(scan.work)
        if hit.value != "neutral"
        and (hit.strong or awaiting == "homeowner")
        and not negated(scan.work, hit.start)
        and not in_question(scan.work, hit.start)
    ]
    if any(hit.value == "true" for hit in hits):
        # "im a landlord, own a fourplex, tenants pay the electric": their tenants, not them.
        hits = [
            hit
            for hit in hits
            if not (
                hit.value == "false"
                and _THIRD_PERSON_TENANTS.match(scan.work, hit.start)
                and not _WE_ARE.search(scan.work[: hit.start])
            )
        ]
    hit = hits[-1] if hits else None
    if hit is not None:
        values["homeowner"] = hit.value == "true"
        where["homeowner"] = (hit.start, hit.end)
    elif awaiting == "homeowner" and not unsure and not values:
        answer = bare_polarity(scan.work, "homeowner")
        if answer is not None:
            values["homeowner"] = answer


_WE_ARE = re.compile(r"\b(?:i'?m|i\s+am|we'?re|we\s+are|are|am)\s+(?:just\s+)?(?:a\s+|the\s+)?$")
_THIRD_PERSON_TENANTS = re.compile(r"(?:the\s+)?(?:tenants?|renters?)\b(?!\s+(?:here|now))")


def extract_property(
    scan: Scan, awaiting: str | None, values: dict[str, Any], where: dict[str, tuple[int, int]]
) -> None:
    hits = list(_PROPERTY_TABLE.hits(scan.work))

    def weak_ok(hit: Hit) -> bool:
        return awaiting == "property_type" and not (
            hit.value == "condo" and values.get("homeowner") is False
        )

    chosen = None
    # "not a condo, it's a townhouse": the last non-negated mention; a specific phrase ("town
    # home, end unit") before a vague one.
    for strong_only in (True, False):
        for hit in reversed(hits):
            before = window_before(scan.work, hit.start, 40)
            if (
                negated(scan.work, hit.start)
                or _SOMEONE_ELSES.search(before)
                or _SOMEONE_ELSES_HOME.search(before)
            ):
                continue
            if hit.strong or (not strong_only and weak_ok(hit)):
                chosen = hit
                break
        if chosen is not None:
            break
    if chosen is not None:
        values["property_type"] = chosen.value
        where["property_type"] = (chosen.start, chosen.end)


_SOMEONE_ELSES = re.compile(
    r"\b(?:sister|brother|friend|neighbou?r|mom|dad|mother|father|parents|cousin|uncle|aunt|coworker"
    r"|boss)(?:'s)?\s+(?:has|have|had|owns?|lives?\s+in|got|bought)\b[^,.;]*$"
)


# "shade from the neighbors 3 story house": the neighbours' home, not theirs.
_SOMEONE_ELSES_HOME = re.compile(
    r"\b(?:neighbou?rs?|sister|brother|friend|mom|dad|mother|father|parents|cousin|uncle|aunt)"
    r"(?:'s|s'|'|s)?\s+(?:[\w-]+\s+){0,3}$"
)


def after_correction(hits: list[Hit], correction_at: int | None) -> list[Hit]:
    """In "tile... actually no, it's slate" the words after the correction are the answer."""
    if correction_at is None:
        return hits
    later = [hit for hit in hits if hit.start >= correction_at]
    return later or hits


def extract_roof(
    scan: Scan,
    awaiting: str | None,
    unsure: bool,
    values: dict[str, Any],
    where: dict[str, tuple[int, int]],
    correction_at: int | None = None,
) -> None:
    text = scan.work

    def weak_ok(hit: Hit) -> bool:
        if awaiting == "roof_type":
            return True
        before = text[max(0, hit.start - 40) : hit.start]
        return bool(_ROOF_WORD_BEFORE.search(before) or _ROOF_WORD_AFTER.match(text[hit.end :]))

    hits = after_correction(list(_ROOF_TABLE.hits(text)), correction_at)
    hit = _choose(hits, text, weak_ok)
    if hit is not None:
        values["roof_type"] = hit.value
        where["roof_type"] = (hit.start, hit.end)
    elif awaiting == "roof_type" and unsure and not _QUESTION.search(text):
        # "not sure" is other (checked on site); "not sure, its grey?" is still guessing: ask.
        values["roof_type"] = "other"


def extract_shade(
    scan: Scan,
    awaiting: str | None,
    unsure: bool,
    values: dict[str, Any],
    where: dict[str, tuple[int, int]],
    correction_at: int | None = None,
) -> None:
    if unsure and awaiting == "shade":
        return
    hits = after_correction(list(_SHADE_TABLE.hits(scan.work)), correction_at)
    other_topic = about_something_else(scan.work, "shade")

    first_sentence = re.match(r"[^.;!?]*", scan.work).group(0)

    def weak_ok(hit: Hit) -> bool:  # "nope, the roof is metal" is about the roof
        if awaiting != "shade":
            return False
        # "none. oh and the zip i gave before was wrong": the first sentence answers alone.
        alone = hit.end <= len(first_sentence) and not about_something_else(first_sentence, "shade")
        return not (hit.value == "none" and other_topic and not alone)

    hit = _choose(hits, scan.work, weak_ok)
    if hit is not None:
        values["shade"] = hit.value
        where["shade"] = (hit.start, hit.end)
    elif awaiting == "shade" and not values and bare_polarity(scan.work, "shade") is False:
        values["shade"] = "none"  # "Does anything shade the roof?" - "no"


_DURATION = re.compile(
    r"(?P<prefix>\b(?:in|within|next|over\s+the\s+next|in\s+the\s+next|within\s+the\s+next|the\s+next"
    r"|in\s+about|in\s+around|in\s+like|less\s+than|under|after|by|about|around|maybe|probably"
    r"|more\s+than|longer\s+than|over|going\s+with|go\s+with|more\s+like|realistically)\s+)?"
    r"(?<![0-9.])\b(?P<q1>[0-9]+(?:\.[0-9]+)?|an?|one|(?:a\s+)?couple(?:\s+of)?|(?:a\s+)?few|several|half\s+a)\s*"
    r"(?:(?:-|to|or)\s*(?P<q2>[0-9]+(?:\.[0-9]+)?)\s*)?"
    r"(?P<unit>days?|weeks?|wks?|months?|mos?|years?|yrs?)\b(?!\s+ago)"
    r"(?:\s+or\s+(?P<q3>[0-9]+|so))?"
)
_TENURE_BEFORE = re.compile(
    r"\b(?:lived|living|live|resided|stayed|owned|had|been)(?:\s+(?!and\b|but\b|want)\w+){0,3}\s+"
    r"(?:for\s+)?(?:about\s+|almost\s+|over\s+|like\s+|nearly\s+)?$"
)


def clause_before(text: str, start: int) -> str:
    """The words before ``start`` back to the nearest punctuation."""
    before = text[max(0, start - 40) : start]
    cut = max(before.rfind(mark) for mark in ",.;!?")
    return before[cut + 1 :]


_STRONG_DURATION_PREFIX = frozenset(
    {"in", "within", "next", "over the next", "in the next", "within the next", "the next",
     "in about", "in around", "in like", "less than", "under", "after", "by", "more than",
     "longer than", "over", "going with", "go with", "more like", "realistically"}
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


def extract_timeline(
    scan: Scan,
    awaiting: str | None,
    unsure: bool,
    values: dict[str, Any],
    where: dict[str, tuple[int, int]],
    correction_at: int | None = None,
) -> None:
    text = scan.work
    candidates: list[tuple[int, str]] = []
    weak: set[int] = set()
    ends: dict[int, int] = {}
    for hit in _TIMELINE_TABLE.hits(text):
        if not negated(text, hit.start) and (hit.strong or awaiting == "timeline"):
            candidates.append((hit.start, hit.value))
            ends[hit.start] = hit.end
            if not hit.strong:
                weak.add(hit.start)
    for match in _DURATION.finditer(text):
        if _TENURE_BEFORE.search(clause_before(text, match.start())):
            continue  # "we've lived here 6 years": how long, not when
        prefix = re.sub(r"\s+", " ", (match.group("prefix") or "").strip())
        if not (prefix in _STRONG_DURATION_PREFIX or match.group("q2") or awaiting == "timeline"):
            continue
        upper = match.group("q2") or match.group("q1")
        quantity = _quantity(upper)
        if match.group("q3") and match.group("q3") != "so":
            quantity = max(quantity, float(match.group("q3")))
        months = quantity * _MONTHS_PER_UNIT[match.group("unit")[0]]
        if prefix in ("more than", "longer than", "over"):
            months += 0.5  # "more than a year" is past a year
        if "few" in match.group("q1") and match.group("unit").startswith("w"):
            months = max(months, 1.0)  # "a few weeks" is not "right away"
        candidates.append((match.start(), _timeline_for_months(months)))
        ends[match.start()] = match.end()
    if not candidates and awaiting == "timeline" and unsure:
        candidates.append((0, "researching"))
    if not candidates:
        return
    candidates.sort(key=lambda candidate: candidate[0])
    if correction_at is not None and any(c[0] >= correction_at for c in candidates):
        candidates = [c for c in candidates if c[0] >= correction_at]
    concrete = [candidate for candidate in candidates if candidate[1] != "researching"]
    # "just researching for now": a clear "researching" beats a vague "now".
    researching = [c for c in candidates if c[1] == "researching" and c[0] not in weak]
    if researching and all(c[0] in weak for c in concrete):
        concrete = []
    position, timeline = (concrete or candidates)[0]
    values["timeline"] = timeline
    where["timeline"] = (position, ends.get(position, len(text)))


def extract_credit_words(
    scan: Scan, awaiting: str | None, values: dict[str, Any], where: dict[str, tuple[int, int]]
) -> None:
    if "credit_band" in values:
        return
    text = scan.work
    best: tuple[int, int, str, int] | None = None  # (distance, position, band, end)
    for keyword in _CREDIT_KEYWORD.finditer(text):
        after = text[keyword.end() : keyword.end() + 40]
        if (cut := re.search(r"[,.;!?]", after)) is not None:
            after = after[: cut.start()]
        for hit in _CREDIT_TABLE.hits(after):
            if not negated(after, hit.start):
                candidate = (
                    hit.start,
                    keyword.end() + hit.start,
                    hit.value,
                    keyword.end() + hit.end,
                )
                best = candidate if best is None or candidate < best else best
                break
        before = window_before(text, keyword.start(), 24)
        if (cut := re.search(r"[,;]", before)) is not None:
            before = before[before.rfind(cut.group(0)) + 1 :]
        hits = [hit for hit in _CREDIT_TABLE.hits(before) if not negated(before, hit.start)]
        if hits:
            hit = hits[-1]
            offset = keyword.start() - len(before)
            candidate = (len(before) - hit.end, offset + hit.start, hit.value, offset + hit.end)
            best = candidate if best is None or candidate < best else best
    if best is None and awaiting == "credit_band":
        for hit in _CREDIT_TABLE.hits(text):
            # A bare answer ("pretty good", "not great, 540"), not a story that happens to say
            # "bad" ("I had a bad experience with a solar company").
            if not negated(text, hit.start) and (
                len(text[: hit.start].split()) <= 2
                or len(text.split()) <= 5
                or _CREDIT_KEYWORD.search(text)
            ):
                best = (0, hit.start, hit.value, hit.end)
                break
    if best is not None:
        values["credit_band"] = best[2]
        where["credit_band"] = (best[1], best[3])


_BATTERY = re.compile(rf"(?<![\w'])(?:{phrases(vocab.BATTERY_WORD)})(?![\w'])")
_BATTERY_WANT = re.compile(
    r"\b(?:want|wants|wanted|interested|add|adding|like|love|need|needs|get|getting|include|including"
    r"|yes|sure|definitely|please|with|plus|consider|considering)\b"
)
_BATTERY_REFUSE = re.compile(
    r"\b(?:no|not|don'?t|dont|do\s+not|without|skip|never|pass\s+on|n't|no\s+need\s+for)\b|n't\b"
)
_NO_BATTERY = re.compile(
    r"\b(?:just|only)\s+(?:the\s+)?(?:solar\s+)?panels\b|\bwithout\s+(?:one|it|a\s+battery)\b"
    r"|\bpanels\s+only\b"
)
_OUTAGES = re.compile(
    r"\b(?:lost|lose|losing|loses)\s+(?:our\s+|the\s+)?power\b|\b(?:power\s+)?outages?\b"
    r"|\bblackouts?\b|\bpower\s+(?:goes|went)\s+out\b"
)
_BATTERY_NICE = re.compile(
    r"\b(?:batter(?:y|ies)|powerwall|backup)\b[^.?!]{0,20}\b(?:would\s+be\s+)?"
    r"(?:nice|great|good|awesome|ideal|perfect|helpful|useful|sick|dope|rad|sweet|cool|clutch)\b"
)
# "i'd love one", "i wood love one" (a typo'd "would"): wanting the thing just asked about.
_WOULD_LIKE = re.compile(
    r"^\W*(?:i|we)\s*(?:would|wood|'d|d)\s+(?:really\s+|totally\s+)?(?:love|like|want)\s+"
    r"(?:one|it|that|them|to\s+(?:have|get|add)\s+(?:one|it|that))\b"
)
_SOMEONE_ELSE_WANTS = re.compile(
    r"\b(?:wife|husband|partner|spouse|son|daughter|kids?|mom|dad|mother|father|roommate)\s+"
    r"(?:wants|would\s+like|likes|is\s+pushing\s+for)\b[^.;!?]*$"
)
_MAYBE = re.compile(
    r"\b(?:maybe|perhaps|possibly|might|not\s+sure|unsure|don'?t\s+know|idk|later|undecided)\b"
)


def extract_battery(
    scan: Scan,
    awaiting: str | None,
    intents: set[str],
    values: dict[str, Any],
    where: dict[str, tuple[int, int]],
) -> None:
    text = scan.work
    asked = awaiting == "battery_interest"
    clear_yes = re.match(r"^\W*(?:yes|yeah|yep|yup|sure|definitely)\b", text) is not None
    if asked and not clear_yes and (intents & {"skip", "unsure"} or _MAYBE.search(text)):
        values["battery_interest"] = None  # optional: "skip" / "not sure" / "maybe" answer it
        intents.add("skip")
        return
    if _QUESTION.search(text) or ("question" in intents and not asked):
        return  # "do I need a battery?" asks; it doesn't answer
    for match in _BATTERY.finditer(text):
        before = window_before(text, match.start(), 30)
        if _SOMEONE_ELSE_WANTS.search(before):
            return  # "wife wants batteries i want panels": someone else's wish, not an answer
        if _BATTERY_REFUSE.search(before):
            values["battery_interest"] = False
        elif _BATTERY_WANT.search(before):
            values["battery_interest"] = True
        else:
            continue
        where["battery_interest"] = (match.start(), match.end())
        return
    if asked and _NO_BATTERY.search(text):
        values["battery_interest"] = False
        return
    if asked and (_OUTAGES.search(text) or _BATTERY_NICE.search(text) or _WOULD_LIKE.search(text)):
        values["battery_interest"] = True  # "we lost power for 3 days": that is why they want one
        return
    if asked and not values and (answer := bare_polarity(text, "battery_interest")) is not None:
        values["battery_interest"] = answer


_PLAIN_NO = re.compile(
    rf"^\W*(?:no|nope|nah)\b(?!\s+(?:problem|worries|prob))(?!\W+{vocab.EXCITED_NO_WAY[3:]})"
)
_HEDGE = re.compile(r"^\W*(?:not\s+yet|maybe|perhaps|i\s+guess|let\s+me\s+think|hmm+)\b")
_CONDITION_FIRST = re.compile(r"^\W*(?:only\s+if|if|as\s+long\s+as|unless|provided)\b")
_CONDITIONAL = re.compile(r"\b(?:but|only|except|unless|as\s+long\s+as|if)\b")


_BUYER_COUNT = re.compile(
    r"(?:\b(?:only|just|up\s+to|at\s+most|no\s+more\s+than|max(?:imum)?(?:\s+of)?)\s+)?"
    r"\b(?P<n>[0-9]{1,2}|one|a\s+single|single)\s+"
    r"(?:solar\s+)?(?:installers?|compan(?:y|ies)|contractors?|businesses|people|of\s+them)\b"
)


def extract_consent(scan: Scan, intents: set[str], values: dict[str, Any]) -> None:
    """Yes or no to the disclosure, and how many installers may call ("only 1 installer",
    "up to two companies"): naming a number is agreeing, to that many."""
    text = scan.work
    if _QUESTION.search(text) or "unsure" in intents or _HEDGE.search(text):
        return
    if intents & {"skip", "stop"} or _PLAIN_NO.match(text):
        values["consent"] = False  # "I'd rather not", "hard pass", "stop": not an agreement
        return
    count = _BUYER_COUNT.search(text)
    if count is not None:
        word = count.group("n")
        number = int(word) if word.isdigit() else 1
        text = text[: count.start()] + " " * (count.end() - count.start()) + text[count.end() :]
        if number >= 1:
            values["max_buyers"] = number
    answer = _polarity(text)
    if answer is None and count is not None and values.get("max_buyers"):
        answer = True
    if answer is True and _CONDITIONAL.search(text):
        values.pop("max_buyers", None)
        return  # "ok but only by email" is not consent to the disclosure: ask again
    if answer is False and _CONDITION_FIRST.match(text):
        return  # "only if they don't call": a condition, not a refusal; ask again
    if answer is not None:
        values["consent"] = answer
    if answer is not True:
        values.pop("max_buyers", None)

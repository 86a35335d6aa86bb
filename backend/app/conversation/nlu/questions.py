"""Whether a message asks the advisor something, and about which topic.

The advisor answers a few common questions from its knowledge base
(``app.conversation.agent.knowledge``) at any step, then asks its open question again.
``question_topics`` names the topics a message asks about (most specific first);
``is_question`` says whether it asks anything at all, so a question on no known topic
gets an honest "I can't answer that here" instead of "I didn't catch that".

Patterns only fire on question wording (a question mark, or a question's opening words):
"we have an HOA" is an answer, "does the HOA have a say?" a question.
"""

from __future__ import annotations

import re
from typing import Final, Literal

Topic = Literal[
    "worth_it",
    "cost",
    "privacy",
    "payback",
    "winter",
    "business_model",
    "installers",
    "credit_why",
    "tax_credit",
    "battery",
    "hoa",
    "condo",
    "net_metering",
    "consent_optional",
]

_QUESTION_OPENING = re.compile(
    r"^\W*(?:so\s+|and\s+|but\s+|ok(?:ay)?\s*,?\s+|hey\s*,?\s+|also\s*,?\s+|wait\s*,?\s+"
    r"|roughly\s+|just\s+|quick\s+(?:q|question)\W+)*"
    r"(?:(?:how|what|what's|whats|wats|wat|why|who|whom|whose|which|when|where|tell\s+me|explain"
    r"|any\s+idea|i\s+wonder|wondering)\b"
    # A modal or auxiliary opens a question only before its subject ("would love backup
    # power" is an answer, "would it pay off" a question).
    r"|(?:is|are|am|was|were|do|does|did|can|could|would|will|should|shall|may|might|has"
    r"|have|isn'?t|aren'?t|don'?t|doesn'?t|won'?t|wouldn'?t)\s+(?:i|you|u|it|we|they|this"
    r"|that|there|solar|panels?|my|our|the|a|an|he|she)\b)"
)
_INNER_QUESTION = re.compile(
    r"[,;.]\s*(?:so\s+)?(?:how|what|why|who|which|is|are|do|does|can|could|would|will|should)\s+"
    r"(?:\w+\s+){0,6}?\w+\s*\??\s*$"
)

_TOPIC_PATTERNS: Final[dict[Topic, str]] = {
    "payback": (
        r"\bpay\s*-?\s*back\b|\bpays?\s+(?:itself\s+|for\s+itself\s+)?(?:off|back)\b"
        r"|\bbreak[\s-]*even\b|\bpay\s+for\s+(?:itself|themselves|it)\b"
        r"|\b\d+\s+years?\b[^?]{0,40}\b(?:long|normal)\b"
    ),
    "winter": (
        r"\bwinters?\b|\bdecember\b|\bjanuary\b|\bfebruary\b|\bcloudy\b|\bovercast\b|\bsnow\w*\b"
        r"|\bdark\s+(?:months|season|days)\b|\bshort\s+days\b|\brain(?:y|s)?\b"
    ),
    "business_model": (
        r"\b(?:you|u|aurum|y'?all)\s+(?:guys\s+)?(?:make|earn|get)\s+(?:any\s+|your\s+)?money\b"
        r"|\bhow\s+(?:is|are)\s+(?:this|it|you|aurum)\s+free\b|\bwhat'?s\s+the\s+catch\b"
        r"|\bwho\s+pays\s+(?:you|for\s+this|aurum)\b|\bbusiness\s+model\b|\bis\s+(?:this|it)\s+free\b"
        r"|\bdo\s+(?:you|u)\s+(?:get|take)\s+(?:a\s+)?(?:cut|commission)\b"
        r"|\bhow\s+do\s+(?:you|u)\s+get\s+paid\b|\b(?:this|the|your)\s+service\s+free\b"
        r"|\bwhat\s+do\s+(?:you|u|y'?all)\s+get\s+out\s+of\b|\bwhat'?s\s+in\s+it\s+for\s+(?:you|u)\b"
    ),
    "installers": (
        r"\bwhich\s+(?:installers?|companies|company|contractors?|partners?)\b"
        r"|\bwho\s+(?:are|is)\s+(?:the|your)\s+(?:installers?|partners?|companies|contractors?)\b"
        r"|\bhow\s+many\s+(?:installers?|companies|contractors?|partners?|people|calls)\b"
        r"|\bwho\s+(?:\w+\s+)?(?:will|would|is\s+going\s+to|gets\s+to)\s+"
        r"(?:install|do\s+the\s+install|contact|call|reach\s+out)\b"
        r"|\binstallers?\b[^?]{0,40}\b(?:near|around|in\s+my\s+area|on|in)\b[^?]{0,30}\?"
        r"|\bwhat\s+(?:installers?|companies)\b"
    ),
    "credit_why": (
        r"\bwhy\b[^?]{0,40}\bcredit\b|\bcredit\s+(?:check|pull|inquiry)\b"
        r"|\b(?:hurt|affect|impact|ding|lower)\s+my\s+credit\b|\bwhat\b[^?]{0,20}\bcredit\s+(?:score\s+)?for\b"
        r"|\bhard\s+(?:pull|inquiry|check)\b|\bdisqualif\w*\b"
        r"|\b(?:run|pull|check)\s+my\s+credit\b"
    ),
    "tax_credit": (
        r"\btax\s+(?:credits?|incentives?|breaks?|rebates?|deductions?)\b|\b25d\b|\bitc\b"
        r"|\bfederal\s+(?:credits?|incentives?|rebates?)\b|\bincentives?\b|\brebates?\b"
        r"|\b30\s*(?:%|percent)(?=\W|$)|\bppa\b|\bpower\s+purchase\b|\blease\b|\bleasing\b"
        r"|\bmoney\s+back\s+from\s+the\s+government\b|\bgovernment\s+(?:money|help|programs?)\b"
    ),
    "battery": (r"\bbatter(?:y|ies)\b|\bpowerwall\b|\bbackup\s+power\b|\bpower\s+outages?\b"),
    "hoa": r"\bhoa\b|\bhomeowners?'?\s+association\b|\bassociation\s+rules?\b|\bcovenants?\b",
    "condo": r"\bcondos?\b|\bcondominiums?\b",
    "net_metering": (
        r"\bnet[\s-]*meter(?:ing)?\b|\bsell\w*\b[^?]{0,30}\bback\b|\bback\s+to\s+the\s+grid\b"
        r"|\bexport\w*\b|\bbuy[\s-]*back\b|\bextra\s+(?:power|energy|electricity)\b"
    ),
    "worth_it": (
        r"\bworth\s+it\b|\bworth\s+(?:the\s+)?(?:money|cost|investment)\b|\bworthwhile\b"
        r"|\b(?:good|bad)\s+(?:idea|investment|deal)\b|\bmake\s+(?:financial\s+)?sense\b"
        r"|\bis\s+solar\s+(?:good|viable|even\s+\w+|worth)\b|\bpay\s+off\b|\bworth\b"
        r"|\bsunny\s+enough\b|\benough\s+sun\b|\b(?:do|does|will|would)\s+(?:solar|panels?|it)\s+"
        r"(?:\w+\s+)?work\s+(?:in|here|for|up|down|where)\b|\bgood\s+for\s+solar\b"
        r"|\bhow\s+much\s+(?:can|could|would|will)\s+(?:i|we)\s+save\b"
    ),
}
_TOPIC_PATTERNS["cost"] = (
    r"\b(?:average|typical|rough(?:ly)?)\s+(?:\w+\s+){0,2}?(?:cost|price)\b"
    r"|\bwhat\s+would\s+(?:\w+\s+){0,2}?cost\b|\bhow\s+much\s+(?:\w+\s+){0,3}?(?:cost|run)\b"
)
_TOPIC_PATTERNS["privacy"] = (
    r"\b(?:need|want)\s+my\s+(?:real\s+)?(?:name|phone|number|email|address)\b"
    r"|\bsell\s+my\s+(?:data|info|information|details)\b"
    r"|\b(?:my\s+)?(?:data|info|information|details)\s+(?:be\s+|get\s+|is\s+)?(?:sold|shared)\b"
)
_TOPIC_PATTERNS["consent_optional"] = (
    r"\b(?:have|need)\s+to\s+(?:say\s+yes|agree|consent|give)\b|\bwithout\s+(?:the\s+)?"
    r"(?:calls?|being\s+(?:called|contacted)|agreeing|consent\w*|sharing)\b"
    r"|\b(?:just|only)\s+(?:get|see|keep)\s+(?:the|my)\s+(?:estimate|results?|numbers)\b"
)
_TOPIC_RES: Final = {topic: re.compile(pattern) for topic, pattern in _TOPIC_PATTERNS.items()}
# The order topics are answered in when a message asks several things at once.
TOPIC_ORDER: Final[tuple[Topic, ...]] = tuple(_TOPIC_PATTERNS)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().replace("\u2019", "'")).strip()


def is_question(text: str) -> bool:
    """True when the message asks something (a question mark or a question's wording)."""
    low = _clean(text)
    return "?" in low or bool(_QUESTION_OPENING.search(low) or _INNER_QUESTION.search(low))


# A question with no topic of its own, asked right after the advisor's question about
# one of these, is about it ("do i need one?" after the battery question).
_TOPIC_OF_AWAITED: Final[dict[str, Topic]] = {
    "battery_interest": "battery",
    "credit_band": "credit_why",
}
_ABOUT_THE_QUESTION = re.compile(
    r"\bwhy\b|\bmatter\w*\b|\bneed\s+(?:one|it|that|this)\b|\bwhat\s+for\b|\bworth\s+it\b"
    r"|\b(?:have|need)\s+to\s+answer\b|\brequired\b|\bmandatory\b"
)


def question_topics(text: str, awaiting: str | None = None) -> list[Topic]:
    """The knowledge-base topics a question asks about; empty for an answer.

    ``awaiting`` is the field the advisor just asked about: "why does it matter?" at
    the credit question is about credit.
    """
    if not is_question(text):
        return []
    low = _clean(text)
    found = [topic for topic in TOPIC_ORDER if _TOPIC_RES[topic].search(low)]
    if not found and awaiting in _TOPIC_OF_AWAITED and _ABOUT_THE_QUESTION.search(low):
        found = [_TOPIC_OF_AWAITED[awaiting]]
    if "payback" in found and "worth_it" in found:
        found.remove("worth_it")  # "is a 17-year payback worth it": the payback answer says it
    return found

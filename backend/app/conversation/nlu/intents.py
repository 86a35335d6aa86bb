"""Conversational intents (questions, skip, unsure, greeting, restart, help, stop) and
explicit corrections ("actually", "I meant")."""

from __future__ import annotations

import re

from app.conversation.nlu.extraction import Intent

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
        r"|\bmove\s+on\b|\b(?:don'?t|do\s+not|dont)\s+(?:want\s+to\s+|wanna\s+)?(?:share|give|say|tell|disclose)\b"
        r"|\bnot\s+(?:sharing|saying|telling|answering|disclosing|giving)\b|\bnot\s+gonna\s+(?:say|share|tell)\b"
        r"|\bkeep\s+(?:that|it|this)\s+(?:private|to\s+myself)\b|^\W*n/?a\W*$|^\W*decline\W*$"
        r"|\bprivate\s+(?:info|information|matter)\b|^\W*next\W*$"
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


_QUESTION_WORD = (
    r"(?:how|what|why|who|whom|which|where|when|whats|what's|wats|hows|how's|whys|is|are|isn'?t"
    r"|aren'?t|can|could|do|does|did|don'?t|doesn'?t|will|would|should|shall|may|might|am|was|were"
    r"|any|anything|wanna|gonna)"
)
_ASKING = re.compile(
    rf"(?<![\w'])(?:{_QUESTION_WORD}|worth|right|normal|possible|okay|ok|enough|true|safe|legit"
    r"|problem)(?![\w'])"
)
_ASKING_ANYWHERE = re.compile(
    r"\bwhat\s+(?:do\s+)?(?:you|u)\s+mean\b|\b(?:don'?t|do\s+not)\s+understand\b"
)
_ASKING_OPENING = re.compile(
    r"^\W*(?:(?:and|but|so|ok|okay|also|hey|hi|quick\s+q(?:uestion)?|frank\s+question|question)\W+)?"
    r"(?:(?:roughly|basically|honestly|so|um|umm|and)\s+)?"
    r"(?:how|what|whats|what's|wats|why|who|which|where|when|is|are|does|do|can|could|will|would"
    r"|should)\s+\S+\s+\S+"
)
_SEGMENT = re.compile(r"[^.!?;]+[.!?;]*")


def asks_question(work: str) -> bool:
    """Whether the message asks something ("is solar worth it here?", "how do you make money"):
    a sentence that ends in "?" and has a question word, or one that opens like a question."""
    if _ASKING_ANYWHERE.search(work):
        return True
    for segment in _SEGMENT.finditer(work):
        sentence = segment.group(0).strip()
        # "Frank question, how do you make money?": a lead-in before a comma is not the question.
        clauses = [clause.strip() for clause in re.split(r"[,:\-]\s", sentence)]
        if sentence.endswith("?") and _ASKING.search(sentence):
            return True
        if any(_ASKING_OPENING.match(clause) for clause in clauses):
            return True
    return False


def intents_of(work: str, awaiting: str | None) -> set[str]:
    found = {intent for intent, regex in _INTENT_RES.items() if regex.search(work)}
    if asks_question(work):
        found.add("question")
    if awaiting != "consent" and _CONTACT_REFUSAL.search(work):
        found.add("stop")
    return found


CORRECTION = re.compile(
    r"\b(?:actually|i\s+meant|i\s+mean|no\s+wait|wait|sorry|oops|whoops|correction|scratch\s+that"
    r"|my\s+(?:mistake|bad)|let\s+me\s+correct|i\s+misspoke|typo|i\s+said|make\s+(?:that|it)"
    r"|change\s+(?:it|that|my\s+\w+|the\s+\w+)\s+to|update\s+(?:my|the)\s+\w+|(?:that'?s|that\s+is)\s+wrong"
    r"|incorrect|not\s+\$?[0-9][0-9,.]*|hold\s+on|realistically|instead|misread|by\s+mistake"
    r"|(?:maybe\s+|probably\s+)?more\s+like)\b"
    r"|^\W*no\s*,?\s+(?:it'?s|it\s+is|its|that'?s|it\s+was)\b|\b(?:no|nope),?\s+(?=\$?[0-9])"
    # "asap? lol no, just browsing": answering its own question with a no takes it back.
    r"|\?\s*(?:(?:lol|haha|hmm+|well|um+)\W*\s*)?(?:no|nah|nope)\b"
)

"""Contact details in free text: email (typed or spoken) and US phone numbers (names are in
:mod:`app.conversation.nlu.names`)."""

from __future__ import annotations

import re
from typing import Any

import phonenumbers

from app.conversation.nlu.extraction import HINT_EMAIL, HINT_PHONE
from app.conversation.nlu.text import Scan
from app.leads.fields import nanp_ok, normalize_email

# Bounded local part: an unbounded one makes a long run without "@" quadratic to scan.
_EMAIL_TOKEN = re.compile(r"[^\s<>,;()\[\]\"@]{0,64}@[^\s<>,;()\[\]\"]*")
_EMAIL_SPOKEN = re.compile(
    r"(?<![\w.%+\-])([a-z0-9._%+\-]{1,64}(?:\s+dot\s+[a-z0-9_%+\-]{1,32}){0,3}(?:\s+[0-9]{1,6})?)\s+"
    r"(?:at|\[at\]|\(at\))\s+"
    r"([a-z0-9\-]+(?:\s*(?:dot|\(dot\)|\[dot\]|\.)\s*[a-z0-9\-]+)+)\b"
)
_EMAIL_SPOKEN_PARTIAL = re.compile(
    r"(?<![\w.%+\-])[a-z0-9._%+\-]{1,64}\s+at\s+(?:gmail|yahoo|hotmail|outlook|icloud|aol|me|mail)\b"
)
_AFTER_AT_GAP = re.compile(r"\s([a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,})\b", re.IGNORECASE)
_NOT_THIS = re.compile(r"\bnot\s+$")
_USE_THE = re.compile(r"\b(?:use|prefer|try|go\s+with)\s+(?:the\s+|my\s+)?([a-z]{3,})\b")


def _label_after(text: str, end: int) -> str:
    """The words right after an address, up to a comma or "or": "(personal)", "for work"."""
    return re.split(r"[,;]|\bor\b", text[end : end + 16])[0]


_EMAIL_WORD = re.compile(r"\be-?mail\b")


def extract_email(
    scan: Scan,
    awaiting: str | None,
    values: dict[str, Any],
    errors: dict[str, str],
    where: dict[str, tuple[int, int]],
    unsure: dict[str, Any],
) -> None:
    """An e-mail address typed or spoken; with two different ones, the corrected one ("no wait,
    ...") or none (unsure: "a@x.com or b@y.com whichever")."""
    attempted = False
    found: list[tuple[str, tuple[int, int]]] = []
    for token in _EMAIL_TOKEN.finditer(scan.orig):
        raw = token.group(0).strip(".!?:'")
        span = token.span()
        if raw.endswith("@") and (gap := _AFTER_AT_GAP.match(scan.orig, token.end())):
            raw += gap.group(1)  # "bob@ aol.com": a stray space from a phone keyboard
            span = (token.start(), gap.end())
        if raw.lower().startswith("mailto:"):
            raw = raw[7:]
        local, _, domain = raw.partition("@")
        email = normalize_email(raw) if local and domain else None
        if email is not None and not _NOT_THIS.search(scan.low[max(0, span[0] - 8) : span[0]]):
            found.append((email, span))
        elif email is None and (
            (local and domain) or awaiting == "email" or _EMAIL_WORD.search(scan.low)
        ):
            attempted = True
        scan.mask(*span)
    if len({email for email, _ in found}) > 1:
        wanted = _USE_THE.search(scan.low)
        word = wanted.group(1) if wanted else None
        chosen = [
            (email, span)
            for email, span in found
            if word and (word in email or word in _label_after(scan.low, span[1]))
        ]
        if len(chosen) == 1:
            found = chosen  # "a@gmail.com or b@work.com, use the gmail"
        elif not _INSTEAD.search(scan.low):
            unsure["email"] = sorted({email for email, _ in found})
            return
    if found:
        values["email"], where["email"] = found[-1] if len(found) > 1 else found[0]
    if "email" not in values and (awaiting == "email" or _EMAIL_WORD.search(scan.low)):
        spoken = _EMAIL_SPOKEN.search(scan.low)
        if spoken is not None:
            domain = re.sub(r"\s*(?:dot|\(dot\)|\[dot\]|\.)\s*", ".", spoken.group(2))
            local = re.sub(r"\s+dot\s+", ".", scan.orig[spoken.start(1) : spoken.end(1)])
            local = re.sub(r"\s+(?=[0-9]+$)", "", local)  # "thompson 88": digits spoken apart
            email = normalize_email(f"{local}@{domain}")
            if email is not None:
                values["email"] = email
                where["email"] = spoken.span()
                scan.mask(spoken.start(), spoken.end())
                return
        if awaiting == "email" and _EMAIL_SPOKEN_PARTIAL.search(scan.low):
            attempted = True
    if attempted and "email" not in values:
        errors["email"] = HINT_EMAIL


_PHONE_ATTEMPT = re.compile(
    r"\b(?:phone|cell|mobile|telephone|tel|number)\s*(?:number\s*)?(?:is|:|=|'s)?\s*\+?\(?[0-9][0-9()\s.\-]*"
)
_LETTER_O = re.compile(r"(?<=[0-9])o(?=[0-9])|(?<=[0-9])o(?=-?[0-9])|(?<=[0-9]-)o(?=[0-9])")
_DIGIT_RUNS = re.compile(r"[0-9]")
_PHONE_LABEL = re.compile(r"\b(cell|mobile|home|work|office|landline|house|business|personal)\b")
_PREFERRED = re.compile(
    r"\b(?:text|call|use|try|prefer|reach\s+me\s+on|best\s+is)\s+(?:my\s+|the\s+)?"
    r"(cell|mobile|home|work|office|landline|house|business|personal)\b"
    r"|\b(cell|mobile|home|work|office|landline|house|business|personal)(?:\s+(?:number|one|#))?\s+"
    r"(?:is\s+(?:best|better|preferred|easiest)|preferred|please|first)\b"
)
_MINE = re.compile(r"\b(?:use|call|text)\s+mine\b|\bmine\s+is\s+(?:best|better)\b")
_SOMEONE_ELSE = re.compile(
    r"\b(?:husband|wife|partner|spouse|son|daughter|mom|dad|mother|father)'?s?\b"
)
_INSTEAD = re.compile(
    r"\b(?:instead|rather|no\s+(?:wait|sorry)|actually|i\s+meant|that'?s\s+(?:fake|wrong|old))\b"
)


def _phone_candidates(text: str) -> list[tuple[int, int, str, str | None]]:
    """Every valid US number in ``text`` (libphonenumber's matcher) and the word labelling it."""
    found = []
    for match in phonenumbers.PhoneNumberMatcher(text, "US", leniency=phonenumbers.Leniency.VALID):
        number = match.number
        national = str(number.national_number)
        if (
            number.country_code != 1
            or len(national) != 10
            or not nanp_ok(national[:3], national[3:6])
        ):
            continue
        labels = list(_PHONE_LABEL.finditer(text[max(0, match.start - 24) : match.start]))
        label = labels[-1].group(1) if labels else None
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        found.append((match.start, match.end, e164, label))
    return found


def extract_phone(
    scan: Scan,
    awaiting: str | None,
    values: dict[str, Any],
    errors: dict[str, str],
    where: dict[str, tuple[int, int]],
    unsure: dict[str, Any],
) -> None:
    """A US phone number however it is written; with two, the one the homeowner prefers ("cell
    is best", "text the mobile"), the corrected one ("no wait, 303-..."), or none (unsure)."""
    # "415-9o2-7713": a letter o typed for a zero between digits (same length, same positions).
    candidates = _phone_candidates(_LETTER_O.sub("0", scan.work))
    for start, end, _, _ in candidates:
        scan.mask(start, end)
    distinct = {e164 for _, _, e164, _ in candidates}
    chosen = None
    if len(distinct) == 1:
        chosen = candidates[0]
    elif distinct:
        preferred = _PREFERRED.search(scan.low)
        wanted = (preferred.group(1) or preferred.group(2)) if preferred else None
        labelled = [candidate for candidate in candidates if wanted and candidate[3] == wanted]
        own = [
            c for c in candidates if not _SOMEONE_ELSE.search(scan.low[max(0, c[0] - 24) : c[0]])
        ]
        if _MINE.search(scan.low) or (len(own) == 1 and not labelled):
            labelled = own  # "mine is 602..., my wife's is 602...": the homeowner's own
        if len(labelled) == 1 or (labelled and not _MINE.search(scan.low)):
            chosen = labelled[0]
        elif _INSTEAD.search(scan.low):
            chosen = candidates[-1]
        else:
            unsure["phone"] = sorted(distinct)
    if chosen is not None:
        values["phone"] = chosen[2]
        where["phone"] = (chosen[0], chosen[1])
    if "phone" in values or "phone" in unsure:
        return
    if awaiting == "phone":
        digits = len(_DIGIT_RUNS.findall(scan.low))
        if digits >= 3 and "$" not in scan.low:
            errors["phone"] = HINT_PHONE
    elif (attempt := _PHONE_ATTEMPT.search(scan.low)) is not None and len(
        _DIGIT_RUNS.findall(attempt.group(0))
    ) >= 3:
        errors["phone"] = HINT_PHONE

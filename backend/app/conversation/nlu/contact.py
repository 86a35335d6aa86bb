"""Contact details in free text: email (typed or spoken), US phone numbers, names."""

from __future__ import annotations

import re
from typing import Any

from app.conversation.nlu import vocabulary as vocab
from app.conversation.nlu.extraction import HINT_EMAIL, HINT_NAME, HINT_PHONE
from app.conversation.nlu.text import Scan
from app.leads.fields import MAX_NAME_LENGTH, nanp_ok, normalize_email

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


def extract_email(
    scan: Scan,
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


_PHONE = re.compile(
    r"(?<![0-9+])(?:\+\s*)?(?:1[\s.\-]?)?(?:\(\s*([0-9]{3})\s*\)|([0-9]{3}))\s?[\s.\-]?\s?"
    r"([0-9]{3})\s?[\s.\-]?\s?([0-9]{4})(?![0-9])"
)
_PHONE_ATTEMPT = re.compile(
    r"\b(?:phone|cell|mobile|telephone|tel|number)\s*(?:number\s*)?(?:is|:|=|'s)?\s*\+?\(?[0-9][0-9()\s.\-]*"
)
_DIGIT_RUNS = re.compile(r"[0-9]")


def extract_phone(
    scan: Scan,
    awaiting: str | None,
    values: dict[str, Any],
    errors: dict[str, str],
    where: dict[str, int],
) -> None:
    for match in _PHONE.finditer(scan.low):
        area = match.group(1) or match.group(2)
        if nanp_ok(area, match.group(3)):
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


def _name_tokens(scan: Scan, position: int, *, soft: bool) -> list[str]:
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


def _introduced_name(scan: Scan) -> tuple[int, list[str]] | None:
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


def extract_name(
    scan: Scan,
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

"""First and last name, only from words the homeowner offers as a name.

Where a name may come from, strongest first: labelled parts ("last name Nguyen, first name
Linh"), an introduction ("my name is", "call me", "I'm", "this is", "X here"), the whole
answer when the advisor just asked for the name, and, in an opening message, a comma-separated
"Grace Lee" written with capitals. A negated introduction ("my name is not Whoa") is skipped
and the next one ("It's Maria Gonzalez") is read instead. The words found are split by
``nameparser`` (initials, middle names, nicknames in parentheses or quotes, suffixes,
"Last, First") and every part must look like a name: letters (with ' and -), a vowel, not an
exclamation ("whoa", "haha"), a typo'd verb ("lookin"), a keyboard mash or a common word.
"""

from __future__ import annotations

import re
from typing import Any

from nameparser import HumanName

from app.conversation.nlu import vocabulary as vocab
from app.conversation.nlu.extraction import HINT_NAME
from app.conversation.nlu.spelling import is_known_word
from app.conversation.nlu.text import Scan
from app.leads.fields import MAX_NAME_LENGTH

_STRONG_INTRO = re.compile(
    r"(?<![\w'])(?:my\s+(?:full\s+)?name(?:'s|\s+is)"
    r"|(?<!last\s)(?<!first\s)(?<!family\s)(?:the\s+)?name(?:'s|\s+is|\s*:)"
    r"|(?:you\s+can\s+)?call\s+me|i\s+go\s+by|ask\s+for"
    r"|^\W*(?:my\s+)?names(?=\s+[^\W\d_]))\s*:?\s*"  # "names bob smith": name's, typed fast
)
_WEAK_INTRO = re.compile(r"(?<![\w'])(?:i'?m|i\s+am|this\s+is|it'?s|its|it\s+is)\s+")
# "hey its carlos, ...": a greeting, then "it's" and one word that is no dictionary word.
_GREETING_ITS = re.compile(
    r"^\W*(?:hi|hello|hey|hiya|yo|howdy)\W+(?:it'?s|its|it\s+is)\s+([^\W\d_]+)\s*(?:[,.!]|$)"
)
_HERE = re.compile(r"\s+here\b")
_FIRST_INTRO = re.compile(
    r"(?<![\w'])(?:my\s+)?first(?:\s+name)?(?:'s|\s+is|\s*:)\s*|first\s+name\s+"
)
_LAST_INTRO = re.compile(
    r"(?<![\w'])(?:my\s+)?(?:last(?:\s+name)?|surname|family\s+name)(?:'s|\s+is|\s*:)\s*"
    r"(?:actually\s+|really\s+)?(?:spelled\s+|spelt\s+|written\s+)?"
    r"|(?:last\s+name|surname)\s+"
)
_LAST_AFTER = re.compile(
    r"([^\W\d_][\w'\-]*)\s+is\s+(?:my\s+)?(?:last\s+name|surname|family\s+name)"
)
_FIRST_AFTER = re.compile(r"([^\W\d_][\w'\-]*)\s+(?:is\s+(?:my\s+)?)?first(?:\s+name)?\b")
_NEGATED = re.compile(r"^\s*(?:not|isn'?t|never)\b")
_FILLER = re.compile(
    r"^(?:\s*(?:sure|ok|okay|yes|yeah|yep|hi|hello|hey|well|oh|so|um|uh|of\s+course|absolutely"
    r"|it'?s|its|it\s+is|i'?m|i\s+am|this\s+is|my\s+(?:full\s+)?name(?:'s|\s+is)?|(?:the\s+)?name(?:'s|\s+is)?"
    r"|(?:you\s+can\s+)?call\s+me|i\s+go\s+by|(?:my\s+)?(?:first\s+and\s+last|full)\s+name(?:'s|\s+is)?"
    r")(?![\w'])\s*[,:!.\-]*)*\s*"
)
# A name phrase: words of letters, apostrophes, hyphens and initials, with an optional
# nickname in parentheses or quotes, and "Last, First" when it is the whole answer.
_PHRASE_WORD = r"(?:[^\W\d_]+(?:['\-][^\W\d_]+)*\.?|\([^\W\d_]+\)|'[^\W\d_]+'|\"[^\W\d_]+\")"
_PHRASE = re.compile(rf"{_PHRASE_WORD}(?:[ ]+{_PHRASE_WORD}){{0,5}}")
_REVERSED = re.compile(r"^\s*([^\W\d_][\w'\-]*)\s*,\s*([^\W\d_][\w'\-]*)\s*[.!]?\s*$")
_VOWEL = re.compile(r"[aeiouyàáâäãåèéêëìíîïòóôöõùúûüý]", re.IGNORECASE)
_CONSONANT_RUN = re.compile(r"[^aeiouy\W\d_'\-]{5,}", re.IGNORECASE)
_CAPITALISED_PAIR = re.compile(
    r"(?:^|[,.!:;-]\s*|\b(?:hi|hello|hey|morning|evening|afternoon)\s*[,!]?\s+)"
    r"([A-Z][a-z'\-]+(?:\s+[A-Z]\.?)?\s+[A-Z][A-Za-z'\-]+)\s*(?=[,.;!]|$|\s+here\b)"
)


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
    return "".join(out) + ("." if word.endswith(".") and len(lowered) == 1 else "")


def _surname(text: str) -> str:
    words = text.split()
    return " ".join(
        _capitalise(word, particle_ok=index < len(words) - 1) for index, word in enumerate(words)
    )


def plausible(word: str, *, soft: bool) -> bool:
    """Whether one word could be a name: never a common word, exclamation or typo'd verb."""
    bare = word.strip(".").lower()
    if not bare or (not _VOWEL.search(bare) and len(bare) > 1):
        return False
    if bare in vocab.NAME_HARD_STOPWORDS or bare in vocab.NOT_NAMES:
        return False
    if soft and bare in vocab.NAME_SOFT_STOPWORDS:
        return False
    if _CONSONANT_RUN.search(bare):
        return False  # "asdfgh"
    # "lookin", "thinkin": a verb with its g dropped; "im driving": a verb, lower-case
    if soft and word == word.lower() and bare.endswith("ing") and is_known_word(bare):
        return False
    return not (word == word.lower() and bare.endswith("in") and is_known_word(bare + "g"))


def _phrase_at(text: str, position: int, *, soft: bool) -> tuple[str, int] | None:
    """The name-like words starting at ``position``, up to the first word that isn't one."""
    match = _PHRASE.match(text, position)
    if match is None:
        return None
    words = []
    end = position
    for token in re.finditer(r"\S+", match.group(0)):
        word = token.group(0)
        core = word.strip("()'\"")
        title = not words and core.lower().rstrip(".") in vocab.NAME_TITLES
        if not (title or word.startswith(("(", "'", '"')) or plausible(core, soft=soft)):
            break
        if core.lower().endswith("'s"):
            return None  # "this is Jane's husband": a possessive, not a name
        end = position + token.end()
        if (
            word.endswith(".")
            and len(core.rstrip(".")) > 1
            and core.lower().rstrip(".") not in (vocab.NAME_TITLES | set(vocab.NAME_SUFFIXES))
        ):
            words.append(word.rstrip("."))
            end -= len(word) - len(word.rstrip("."))
            break  # a full stop after a word ends the sentence
        words.append(word)
    while words and words[-1].lower().strip(".") in vocab.SURNAME_PARTICLES:
        words.pop()
    if not words:
        return None
    return " ".join(words), end


def _parse(phrase: str) -> tuple[str | None, str | None]:
    name = HumanName(phrase)
    first = name.first or None
    last = name.last or None
    if name.title and first and not last:
        first, last = None, first  # "Mr. Smith"
    if first and not last and name.middle:
        last = name.middle
    return (_capitalise(first, particle_ok=False) if first else None), (
        _surname(last) if last else None
    )


def _introduced(scan: Scan) -> tuple[int, int, str] | None:
    """The first name phrase after an introduction, skipping negated ones."""
    text = scan.orig
    found: list[tuple[int, int, str]] = []
    negated_at = None
    for regex, soft in ((_STRONG_INTRO, False), (_WEAK_INTRO, True)):
        for match in regex.finditer(scan.low):
            if (
                regex is _WEAK_INTRO
                and match.group(0).strip().startswith("it")
                and (negated_at is None or match.start() < negated_at)
                and not (
                    (greeting := _GREETING_ITS.match(scan.low)) is not None
                    and not is_known_word(greeting.group(1))
                )
            ):
                # "it's Maria" introduces a name after "my name is not X", or "hey its carlos,"
                continue
            if _NEGATED.match(scan.low[match.end() :]):
                negated_at = match.start() if negated_at is None else min(negated_at, match.start())
                continue
            phrase = _phrase_at(text, match.end(), soft=soft)
            if phrase is not None:
                found.append((match.start(), phrase[1], phrase[0]))
                break
    for match in _HERE.finditer(scan.low):
        words = scan.orig[: match.start()].split()
        if len(words) <= 3 and words and words[0].lower() not in vocab.NAME_HARD_STOPWORDS:
            candidate = words  # "david cohen here"
        else:
            candidate = words[-2:] if len(words) >= 2 and words[-2][:1].isupper() else words[-1:]
        while candidate and not all(plausible(w.strip(",.!"), soft=True) for w in candidate):
            candidate = candidate[1:]
        # "hurricanes here" is weather; a lower-case name must not be a dictionary word.
        lowercase_words = [w for w in candidate if w.islower()]
        if any(is_known_word(w.strip(",.!").lower()) for w in lowercase_words):
            continue
        if candidate and (candidate[0][:1].isupper() or len(words) <= 3):
            phrase = " ".join(w.strip(",.!") for w in candidate)
            start = match.start() - len(" ".join(candidate))
            found.append((start, match.start(), phrase))
    if not found:
        return None
    return min(found)


def _fuller(scan: Scan, first: str, after: int) -> tuple[int, int, str] | None:
    """ "jake, jake miller" / "Its Hannah. Hannah Schmidt": a fuller form of the same name."""
    for match in re.finditer(r"[,.;:!]\s*", scan.orig[after:]):
        position = after + match.end()
        phrase = _phrase_at(scan.orig, position, soft=True)
        if phrase is None:
            continue
        parsed = _parse(phrase[0])
        if parsed[0] and parsed[1] and (parsed[0].lower() == first.lower() or len(first) < 4):
            return position, phrase[1], phrase[0]
    return None


_SEGMENT_NAME = re.compile(
    r"(?:^|(?<=[,;:]))\s*([^\W\d_][\w'\-]*\s+[^\W\d_][\w'\-]*)\s*(?:btw|here)?\s*(?=[,;.!]|$)"
)


def _named_by_email(text: str, email: str) -> tuple[int, int, str] | None:
    """ "hannah schmidt, hschmidt@gmx.com": two words set apart by commas whose surname (or
    first name) is in the e-mail address are the homeowner's name."""
    local = re.sub(r"[^a-z]", "", email.split("@")[0].lower())
    for match in _SEGMENT_NAME.finditer(text):
        words = match.group(1).split()
        if not all(plausible(word, soft=True) for word in words):
            continue
        if any(len(word) >= 3 and word.lower() in local for word in words):
            return match.start(1), match.end(1), match.group(1)
    return None


def extract_name(
    scan: Scan,
    awaiting: str | None,
    values: dict[str, Any],
    errors: dict[str, str],
    where: dict[str, tuple[int, int]],
) -> None:
    names: dict[str, str] = {}
    spans: dict[str, tuple[int, int]] = {}
    low, text = scan.low, scan.orig
    for regex, field in ((_LAST_INTRO, "last_name"), (_FIRST_INTRO, "first_name")):
        for match in regex.finditer(low):
            phrase = _phrase_at(text, match.end(), soft=False)
            if phrase is not None:
                value = phrase[0].split()[0] if field == "first_name" else phrase[0]
                names[field] = (
                    _capitalise(value, particle_ok=False)
                    if field == "first_name"
                    else _surname(value)
                )
                spans[field] = (match.start(), phrase[1])
                break
    for regex, field in ((_LAST_AFTER, "last_name"), (_FIRST_AFTER, "first_name")):
        if (
            field not in names
            and (match := regex.search(text))
            and plausible(match.group(1), soft=True)
        ):
            names[field] = _capitalise(match.group(1), particle_ok=False)
            spans[field] = match.span()
    if "first_name" not in names:
        found = _introduced(scan)
        asked = awaiting in ("name", "first_name", "last_name")
        if found is None and asked:
            reversed_form = _REVERSED.match(text)
            if reversed_form and all(plausible(w, soft=True) for w in reversed_form.groups()):
                found = (0, len(text), f"{reversed_form.group(1)}, {reversed_form.group(2)}")
            else:
                filler = _FILLER.match(low)
                start = filler.end() if filler is not None else 0
                phrase = _phrase_at(text, start, soft=True)
                found = (start, phrase[1], phrase[0]) if phrase else None
        if found is None and awaiting in (None, "name", "email", "phone"):
            pair = _CAPITALISED_PAIR.search(text)
            # "Jane Doe" as a whole opening message is not offered as a name.
            alone = (
                pair is not None and pair.start(1) == 0 and not text[pair.end(1) :].strip(" .!,")
            )
            if pair and not alone and all(plausible(w, soft=True) for w in pair.group(1).split()):
                found = (pair.start(1), pair.end(1), pair.group(1))
        if (
            found is None
            and asked
            and re.fullmatch(rf"\s*[^\W\d_]{{{MAX_NAME_LENGTH + 1},}}\s*", text)
        ):
            errors["last_name" if awaiting == "last_name" else "first_name"] = HINT_NAME
        if found is None and values.get("email"):
            found = _named_by_email(text, values["email"])
        if found is not None:
            start, end, phrase = found
            if awaiting == "last_name" and len(phrase.split()) == 1:
                first, last = None, _surname(phrase)
            else:
                first, last = _parse(phrase)
                if first and not last and (fuller := _fuller(scan, first, end)) is not None:
                    start, end, phrase = fuller[0], fuller[1], fuller[2]
                    first, last = _parse(phrase)
            if first and len(first.rstrip(".")) == 1 and not last:
                first = None  # a lone initial is not a name
            if last and len(last.rstrip(".")) == 1:
                last = None  # "emily r": an initial, not the last name
            for field, value in (("first_name", first), ("last_name", last)):
                if value and field not in names:
                    names[field] = value
                    spans[field] = (start, end)
    if any(len(value) > MAX_NAME_LENGTH for value in names.values()):
        if awaiting in ("name", "first_name", "last_name"):
            errors["last_name" if awaiting == "last_name" else "first_name"] = HINT_NAME
        return
    for field, value in names.items():
        values[field] = value
        where[field] = spans[field]

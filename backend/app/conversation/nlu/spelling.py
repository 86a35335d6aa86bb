"""Conservative spelling repair for the advisor's own vocabulary ("singel famly hous",
"asfalt shingels", "in like 6 monts", "lookin"), with rapidfuzz's edit distances.

Only a word that is not already a known word is repaired, and only into one of the words the
phrase tables answer with (:data:`vocabulary.SPELLING_TARGETS`), when it is one typo away
(a letter missing, extra, wrong or two letters swapped), or two away in a long word with the
same first and last letter. Four-letter words are only repaired by a missing letter ("hous",
"ownr"), so "rest" never becomes "rent". Capitalised words after the first are left alone:
they are usually names. E-mail addresses and web addresses are never touched.

The repaired text can be longer or shorter than the original, so :func:`repair` also returns,
for every character of the repaired text, the position it came from: spans found in the
repaired text are reported in the homeowner's own text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from english_words import get_english_words_set
from rapidfuzz import process
from rapidfuzz.distance import OSA

from app.conversation.nlu import vocabulary as vocab

_WORD = re.compile(r"(?<![\w@.'/+-])[A-Za-z]+(?![\w@'/+]|\.[A-Za-z0-9])")
_ADDRESS = re.compile(r"\S+@\S+|\bhttps?://\S+|\bwww\.\S+")
_TARGETS = tuple(sorted(vocab.SPELLING_TARGETS))
_INFLECTIONS = (
    ("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("d", ""),
    ("ing", ""), ("ing", "e"), ("er", ""), ("ers", ""), ("ly", ""), ("est", ""),
)  # fmt: skip


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    """English headwords (GCIDE, through the english-words package), loaded on first use."""
    return frozenset(get_english_words_set(["gcide"], lower=True, alpha=True))


def is_known_word(word: str) -> bool:
    """An English word, or an inflection of one ("shared", "owed"), or one of our own."""
    if word in vocab.SPELLING_TARGETS or word in vocab.KNOWN_WORDS:
        return True
    if word.endswith("s") and word[:-1] in vocab.SPELLING_TARGETS:
        return True  # "townhomes", "homeowners"
    dictionary = _dictionary()
    if word in dictionary:
        return True
    return any(
        word.endswith(suffix)
        and len(word) - len(suffix) >= 3
        and word[: len(word) - len(suffix)] + replacement in dictionary
        for suffix, replacement in _INFLECTIONS
    )


@lru_cache(maxsize=4096)
def _repair_word(word: str) -> str | None:
    if word in vocab.SPELLING_FIXES:
        return vocab.SPELLING_FIXES[word]
    if len(word) < 4 or is_known_word(word):
        return None
    limit = 2 if len(word) >= 6 else 1
    best = process.extractOne(word, _TARGETS, scorer=OSA.distance, score_cutoff=limit)
    if best is None:
        return None
    target, distance = best[0], best[1]
    if target[0] != word[0]:
        return None
    if len(word) == 4 and not (len(target) == 5 and _is_subsequence(word, target)):
        return None
    if distance == 2 and target[-1] != word[-1]:
        return None
    return target


def _is_subsequence(short: str, long: str) -> bool:
    letters = iter(long)
    return all(letter in letters for letter in short)


def repair(text: str) -> tuple[str, list[int]]:
    """``text`` with misspelled vocabulary words repaired, and for each of its characters the
    index in ``text`` it comes from (one past the end maps to ``len(text)``)."""
    protected = [(match.start(), match.end()) for match in _ADDRESS.finditer(text)]
    pieces: list[str] = []
    origin: list[int] = []
    position = 0
    for index, match in enumerate(_WORD.finditer(text)):
        start, end = match.span()
        word = match.group(0)
        if any(low <= start < high for low, high in protected):
            continue
        if index and word[0].isupper():
            continue  # a capitalised word mid-message is most likely a name
        fixed = _repair_word(word.lower())
        if fixed is None:
            continue
        if word[0].isupper():
            fixed = fixed[0].upper() + fixed[1:]
        pieces.append(text[position:start])
        origin.extend(range(position, start))
        pieces.append(fixed)
        origin.extend(min(start + offset, end - 1) for offset in range(len(fixed)))
        position = end
    if not pieces:
        return text, list(range(len(text) + 1))
    pieces.append(text[position:])
    origin.extend(range(position, len(text)))
    origin.append(len(text))
    return "".join(pieces), origin

"""Text clean-up and the scanning state every extractor works on.

A message is cleaned once (markup, invisible characters, typographic punctuation,
control characters) and kept three ways of one length, so a position found in one is
valid in the others; extractors blank the spans they use.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from app.conversation.nlu import vocabulary as vocab
from app.conversation.nlu.numbers import words_to_digits

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


def prepare(text: str) -> tuple[str, str]:
    """Clean text (original case) and its lower-case twin of exactly the same length."""
    cleaned = _strip_markup(text)
    if "&" in cleaned:
        cleaned = _strip_markup(html.unescape(cleaned))
    cleaned = unicodedata.normalize("NFKC", cleaned).translate(_INVISIBLE).translate(_PUNCTUATION)
    cleaned = _SPACES.sub(" ", _CONTROL.sub(" ", cleaned)).strip()
    return cleaned, lower_same_length(cleaned)


def lower_same_length(text: str) -> str:
    """``text`` lower-cased, character for character (so offsets stay valid)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # e.g. "İ" lower-cases to two code points
        lowered = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    return lowered


class Scan:
    """The message three ways, all the same length: as typed, lower-cased, and lower-cased with
    number words as digits. Spans an extractor has used are blanked in all three."""

    __slots__ = ("low", "orig", "work")

    def __init__(self, orig: str, low: str) -> None:
        self.orig = orig
        self.low = low
        self.work = words_to_digits(low)

    def mask(self, start: int, end: int) -> None:
        blank = " " * (end - start)
        self.orig = self.orig[:start] + blank + self.orig[end:]
        self.low = self.low[:start] + blank + self.low[end:]
        self.work = self.work[:start] + blank + self.work[end:]


def phrases(pattern: str) -> str:
    """Vocabulary spelling to regex: "a b" allows any run of spaces, "a ?b" an optional one."""
    return pattern.replace(" ?", r"\s*").replace(" ", r"\s+")


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    value: str
    strong: bool


class PhraseTable:
    """A vocabulary table compiled to one alternation, longest phrase first, one group each."""

    def __init__(self, table: vocab.PhraseTable) -> None:
        rows = [(phrase, value, strong) for value, strong, phrases in table for phrase in phrases]
        rows.sort(key=lambda row: len(row[0]), reverse=True)
        self._rows = rows
        alternatives = "|".join(f"({phrases(phrase)})" for phrase, _, _ in rows)
        self._regex = re.compile(rf"(?<![\w'])(?=[a-z0-9])(?:{alternatives})(?![\w'])")

    def hits(self, text: str) -> Iterable[Hit]:
        for match in self._regex.finditer(text):
            _, value, strong = self._rows[(match.lastindex or 1) - 1]
            yield Hit(match.start(), match.end(), value, strong)


_NEGATED_BEFORE = re.compile(
    r"(?:\bnot|\bisn't|\bisnt|\baren't|\bnever|\bwithout|n't|\binstead\s+of|\brather\s+than"
    r"|\bi\s+(?:said|typed|put|wrote)|\bno\s+longer)\s+"
    r"(?:(?:a|an|the|really|very|exactly|actually|quite|in|on)\s+)?$"
)
_SENTENCE_END = re.compile(r"[.!?;](?:\s|$)")


def last_match(regex: re.Pattern[str], text: str) -> re.Match[str] | None:
    matches = list(regex.finditer(text))
    return matches[-1] if matches else None


def window_before(text: str, start: int, size: int = 40) -> str:
    """Up to ``size`` characters before ``start``, cut at the last sentence boundary."""
    window = text[max(0, start - size) : start]
    last = last_match(_SENTENCE_END, window)
    return window[last.end() :] if last is not None else window


_QUESTION_OPENING = re.compile(
    r"^\W*(?:and\s+|but\s+|so\s+)?(?:can|could|do|does|did|is|are|will|would|should|what|how|why"
    r"|who|when|where|which|if|what's|whats)\b"
)


def in_question(text: str, position: int) -> bool:
    """Whether ``position`` sits in a question ("can renters get solar?"), not a statement."""
    start = max((text.rfind(mark, 0, position) for mark in ".!?;"), default=-1) + 1
    ends = [end for mark in ".!?;" if (end := text.find(mark, position)) != -1]
    return bool(ends) and text[min(ends)] == "?" and bool(_QUESTION_OPENING.match(text[start:]))


def negated(text: str, start: int) -> bool:
    return _NEGATED_BEFORE.search(text[max(0, start - 24) : start]) is not None

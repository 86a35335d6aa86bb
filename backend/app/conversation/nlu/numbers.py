"""Numbers in free text: number words as digits, and the numeric mentions of a message
(amounts, ranges, "1-2k", "the 150s") with their positions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from text_to_num import text2num

if TYPE_CHECKING:
    from app.conversation.nlu.text import Scan

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


_SPOKEN_YEAR = re.compile(
    r"^(?P<century>nineteen|twenty)[\s-]+(?P<rest>(?:twenty|thirty|forty|fifty|sixty|seventy|eighty"
    r"|ninety)(?:[\s-]+(?:one|two|three|four|five|six|seven|eight|nine))?|ten|eleven|twelve"
    r"|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)$"
)


def _number_run_to_digits(match: re.Match[str]) -> str:
    run = match.group(0)
    if (year := _SPOKEN_YEAR.match(run)) is not None:  # "twenty twenty one" is 2021
        century = 19 if year["century"] == "nineteen" else 20
        rest = year["rest"].replace("-", " ").split()
        tail = _TEENS.get(rest[0]) or _TENS[rest[0]] + (_UNITS[rest[1]] if len(rest) > 1 else 0)
        digits = str(century * 100 + tail)
        return digits + " " * (len(run) - len(digits))
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
    # A plain cardinal ("three hundred and forty two", "two thousand four hundred") is the
    # library's; spoken prices ("one fifty") and digit strings ("zero two one") are ours.
    if len(words) > 1 and "zero" not in words:
        try:
            value = text2num(" ".join(words), "en")
        except ValueError:
            pass
        else:
            digits = str(value)
            begin, end = tokens[0].start(), tokens[-1].end()
            if len(digits) <= end - begin and not _looks_like_digit_string(words):
                out[begin:end] = digits + " " * (end - begin - len(digits))
                return "".join(out)
    for first, last, value in _parse_number_words(words):
        begin, end = tokens[first].start(), tokens[last - 1].end()
        digits = str(value)
        if len(digits) > end - begin:
            continue
        out[begin:end] = digits + " " * (end - begin - len(digits))
    return "".join(out)


def _looks_like_digit_string(words: list[str]) -> bool:
    """ "six one seven", "two two six": digits read out one by one, not one number."""
    singles = sum(word in _UNITS for word in words)
    return singles >= 3 and singles >= len(words) - 1


_DIGIT_WORD = {**{word: str(value) for word, value in _UNITS.items()}, "oh": "0", "o": "0"}
_TENS_WORD = "|".join(_TENS)
_UNIT_WORD = "one|two|three|four|five|six|seven|eight|nine"
_SPOKEN_DIGIT = rf"(?:(?:{_TENS_WORD})(?:[\s-]+(?:{_UNIT_WORD}))?|{'|'.join(_DIGIT_WORD)}|[0-9]+)"
_DIGIT_SEPARATOR = r"(?:\s*[,.\-/]{1,3}\s*|\s+)"
_DIGIT_RUN = re.compile(
    rf"(?<![\w$.,])(?:\+\s*)?{_SPOKEN_DIGIT}(?:{_DIGIT_SEPARATOR}(?:(?:and\s+)?then\s+)?{_SPOKEN_DIGIT})+(?![\w])"
)
_RUN_PIECE = re.compile(rf"{_SPOKEN_DIGIT}")
# How people group a phone number they type with spaces: 617 555 0143, 503 555 01 66.
_PHONE_GROUPS = {(3, 3, 4), (1, 3, 3, 4), (3, 3, 2, 2), (3, 7), (1, 10), (3, 3, 1, 3)}


def _piece_digits(piece: str) -> str:
    if piece.isdigit():
        return piece
    if piece in _DIGIT_WORD:
        return _DIGIT_WORD[piece]
    words = re.split(r"[\s-]+", piece)
    return str(_TENS[words[0]] + (_UNITS[words[1]] if len(words) > 1 else 0))


def _collapse(match: re.Match[str]) -> str:
    run = match.group(0)
    pieces = [piece.group(0) for piece in _RUN_PIECE.finditer(run)]
    if "then" in run and [len(p) for p in pieces] not in ([3, 7], [3, 3, 4]):
        return run
    digits = "".join(_piece_digits(piece) for piece in pieces)
    spoken = any(not piece.isdigit() for piece in pieces)
    lengths = tuple(len(piece) for piece in pieces)
    one_by_one = all(length == 1 for length in lengths)
    wanted = len(digits) in (5, 10) or (len(digits) == 11 and digits[0] == "1")
    if not wanted or not (spoken or one_by_one or lengths in _PHONE_GROUPS):
        return run
    if spoken and sum(piece in ("oh", "o") for piece in pieces) and len(pieces) < 4:
        return run  # "oh 85004": an exclamation, not a zero
    plus = "+" if run.startswith("+") else ""
    collapsed = plus + digits
    return collapsed + " " * (len(run) - len(collapsed))


_DIGITS_HUNDRED = re.compile(r"\b([1-9])\s+hundred(?:\s+(?:and\s+)?([1-9][0-9]?))?\b")


def _digits_hundred(match: re.Match[str]) -> str:
    value = int(match.group(1)) * 100 + int(match.group(2) or 0)
    return str(value) + " " * (len(match.group(0)) - len(str(value)))


def words_to_digits(text: str) -> str:
    """Rewrite number words as digits, padded with spaces so every offset stays put; digits
    read out one by one ("oh two one three nine", "617 555 01 66") become one digit string."""
    text = _DIGIT_RUN.sub(_collapse, text)
    text = _DIGITS_HUNDRED.sub(_digits_hundred, text)
    return _NUMBER_RUN.sub(_number_run_to_digits, text)


_NUM = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?|\.[0-9]+"
_MULT = r"\s*(?:k|grand)\b"
_MENTION = re.compile(
    rf"(?<![0-9.,:])(?P<d1>\$\s*)?(?P<n1>{_NUM})(?P<m1>{_MULT})?"
    rf"(?:(?P<sep>\s*-\s*|\s+to\s+|\s+and\s+|\s+or\s+)(?P<d2>\$\s*)?(?P<n2>{_NUM})(?P<m2>{_MULT})?)?"
    rf"(?P<ish>\s*-?\s*ish\b)?(?P<decade>'?s\b)?(?P<plus>\s*\+)?(?![0-9])"
)

_DECADE_BEFORE = re.compile(
    r"\b(?P<mod>low|lower|mid|middle|high|upper)(?:\s*-\s*|\s+)(?:the\s+)?$"
)

# Real messages hold a handful of numbers; a cap keeps a wall of digits cheap.
_MAX_MENTIONS = 24


@dataclass(frozen=True, slots=True)
class Mention:
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


def mentions(scan: Scan) -> list[Mention]:
    found: list[Mention] = []
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
            found.append(Mention(start, match.end(), low, high, dollar))
            continue
        second = _to_number(match.group("n2"), match.group("m2"))
        if second is None:
            continue
        separator = match.group("sep").strip()
        between = re.search(r"\bbetween\s+$", text[max(0, start - 10) : start]) is not None
        if separator == "and" and not between:
            found.append(Mention(start, match.end("n1"), first, first, dollar))
            found.append(
                Mention(
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
        found.append(Mention(start, match.end(), first, second, dollar or bool(match.group("d2"))))
    return found

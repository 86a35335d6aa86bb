"""The blind corpus: 911 phrasings written by someone who never saw the NLU, given only
the field list (tests/conversation/data/advisor_blind_corpus.jsonl; how it was written:
data/README.md). ``score`` says whether ``understand`` reads one case right; run this
module to print accuracy per category:

    python -m tests.conversation.blind_corpus

A case passes when every expected value is extracted (names compared case-insensitively,
a bill within $1), no field listed as ``absent`` is extracted, each ``skipped`` field is
recorded as declined (a None value or the skip intent), and a case tagged as a question
is recognised as one (a question intent).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).parent / "data" / "advisor_blind_corpus.jsonl"


@dataclass(frozen=True)
class Case:
    id: str
    awaiting: str | None
    message: str
    expect: dict[str, Any]
    absent: list[str]
    skipped: list[str]
    question: str | None
    note: str

    @property
    def category(self) -> str:
        return self.id.split("-")[0]


def load(path: Path = CORPUS) -> list[Case]:
    return [Case(**json.loads(line)) for line in path.read_text().splitlines() if line.strip()]


def table(cases: list[Case], known_gaps: dict[str, str]) -> list[Any]:
    """``cases`` as pytest parameters; those in ``known_gaps`` are strict expected failures
    with their reason (one that starts passing fails until its entry is removed)."""
    import pytest

    return [
        pytest.param(
            case,
            id=case.id,
            marks=[pytest.mark.xfail(strict=True, reason=known_gaps[case.id])]
            if case.id in known_gaps
            else [],
        )
        for case in cases
    ]


def _same(field: str, want: Any, got: Any) -> bool:
    if field in ("first_name", "last_name", "email") and isinstance(want, str):
        return isinstance(got, str) and got.lower() == want.lower()
    if field == "monthly_bill":
        return isinstance(got, int | float) and abs(float(got) - float(want)) <= 1.0
    return got == want


def problems(case: Case, extraction: Any) -> list[str]:
    """What ``understand`` got wrong on ``case`` (empty: it passes)."""
    values, intents = extraction.values, extraction.intents
    found = []
    for field, want in case.expect.items():
        if field not in values:
            found.append(f"missed {field}={want!r}")
        elif not _same(field, want, values[field]):
            found.append(f"{field}={values[field]!r}, expected {want!r}")
    for field in case.absent:
        if field in values and values[field] is not None and field not in case.expect:
            found.append(f"wrongly took {field}={values[field]!r}")
    for field in case.skipped:
        declined = (field in values and values[field] is None) or "skip" in intents
        if not declined:
            found.append(f"did not record {field} as declined")
    if case.question and not any(i.startswith("faq_") or i == "question" for i in intents):
        found.append(f"missed the question ({case.question})")
    return found


def evaluate(understand: Callable[..., Any], zip_is_known: Callable[[str], bool]) -> dict[str, Any]:
    cases = load()
    passed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    failures: dict[str, list[str]] = {}
    for case in cases:
        total[case.category] += 1
        extraction = understand(case.message, case.awaiting, zip_is_known=zip_is_known)
        found = problems(case, extraction)
        if found:
            failures[case.id] = found
        else:
            passed[case.category] += 1
    return {"passed": passed, "total": total, "failures": failures, "cases": len(cases)}


def report(result: dict[str, Any]) -> str:
    lines = []
    passed, total = result["passed"], result["total"]
    for category in sorted(total):
        lines.append(
            f"  {category:8} {passed[category]:4}/{total[category]:<4}"
            f" {100 * passed[category] / total[category]:5.1f} %"
        )
    overall = sum(passed.values())
    lines.append(
        f"  {'all':8} {overall:4}/{result['cases']:<4} {100 * overall / result['cases']:5.1f} %"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    from app.conversation.nlu import understand
    from app.solar.tables import reference_data

    zips = reference_data().zips
    print(report(evaluate(understand, lambda code: code in zips)))

"""PEEL grade scales as data, and reading a grade from a bare line or a sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class GradeScale:
    name: str
    grades: tuple[str, ...]  # best first
    used: str  # which reports use it


FOUR_TIER = GradeScale(
    "four-tier", ("Outstanding", "Good", "Requires improvement", "Inadequate"), "2014 to 2019"
)
FIVE_TIER = GradeScale(
    "five-tier",
    ("Outstanding", "Good", "Adequate", "Requires improvement", "Inadequate"),
    "2021/22 onwards",
)
SCALES = {s.name: s for s in (FOUR_TIER, FIVE_TIER)}
# Not grades on a scale: a unit that is not graded, or not graded yet.
NOT_GRADED = ("Ungraded", "Not yet graded", "To be graded")
GRADES = (*FIVE_TIER.grades, *NOT_GRADED)
_BY_LOWER = {g.lower(): g for g in GRADES}
_BY_LOWER["not graded"] = "Ungraded"


def scale_for(year: str) -> GradeScale:
    """The scale a report of this cycle uses: five tiers from 2021/22."""
    match = re.match(r"\d{4}", year or "")
    return FIVE_TIER if match and int(match.group()) >= 2021 else FOUR_TIER


def grade_line(text: str) -> str | None:
    """The grade a bare line states ("Good", "Requires improvement."), else None."""
    if len(text) > 30:
        return None
    return _BY_LOWER.get(text.strip().lower().rstrip(".:"))


# "<subject> is|remains good at ...", "... requires improvement in ...", "we judged X as good at",
# "... is: outstanding.", "... reducing crime: not yet graded."; bounded words, no nesting.
_GRADE_WORDS = r"(outstanding|good|adequate|requires improvement|inadequate|not yet graded)"
_IN_SENTENCE = re.compile(
    r"\b(?:is|remains|was|as|be|being|to be)\s*:?\s+(?:now\s+|still\s+|also\s+)?"
    + _GRADE_WORDS
    + r"\b"
    + r"|\b(requires improvement|require improvement)\b"
    + r"|:\s+(not yet graded|outstanding|good|requires improvement|inadequate)\.\s*$",
    re.IGNORECASE,
)
_NOT_A_JUDGMENT = re.compile(r"\b(?:good practice|good work|good relationship|good example)", re.I)
MAX_SENTENCE_CHARS = 600


def grade_in_sentence(sentence: str) -> str | None:
    """The grade a judgment sentence states ("Kent Police is outstanding at planning ...")."""
    if len(sentence) > MAX_SENTENCE_CHARS:
        return None
    match = _IN_SENTENCE.search(sentence)
    if not match:
        return None
    word = next(g for g in match.groups() if g)
    after = sentence[match.end() : match.end() + 20].lower()
    if word.lower() == "good" and _NOT_A_JUDGMENT.search(sentence[match.start() :]):
        return None
    if word.lower() in ("outstanding", "good", "adequate", "inadequate") and not re.match(
        r"\s*(?:at|in|overall|\.|,|;|$|and)", after
    ):
        return None
    return _BY_LOWER.get(word.lower().replace("require ", "requires "))

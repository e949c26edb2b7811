"""Which passages state a judgement or what must improve.

PEEL reports state judgements ("is good at", "requires improvement") and what must
change ("should", "must", areas for improvement) in a small, stable vocabulary, so a
question that asks for a grade or for improvements (see `qa.query`) can prefer passages
that use it.
"""

from __future__ import annotations

import re

from corpus.records import IMPROVEMENT_SECTIONS, Passage

_JUDGEMENT = re.compile(
    r"\b(?:is|are|was|were) (?:good|outstanding|inadequate|adequate|innovative|effective)\b|"
    r"\brequires? improvement\b|\bwe (?:judged|concluded|found that)\b",
    re.IGNORECASE,
)
_IMPROVEMENT = re.compile(
    r"\b(?:should|must|needs? to|requires? improvement|not always|insufficient|"
    r"limited|inconsistent|backlogs?|delays?)\b",
    re.IGNORECASE,
)


def states_judgement(passage: Passage) -> bool:
    return bool(_JUDGEMENT.search(passage.text))


def states_improvement(passage: Passage) -> bool:
    return passage.section in IMPROVEMENT_SECTIONS or bool(_IMPROVEMENT.search(passage.text))

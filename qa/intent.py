"""What kind of answer a question asks for, and which passages speak that way.

PEEL reports state judgements ("is good at", "requires improvement") and what must
change ("should", "must", areas for improvement) in a small, stable vocabulary, so a
question that asks for a grade or for improvements can prefer passages that use it.
"""

from __future__ import annotations

import re

from corpus.records import Passage

GRADE_QUESTION = re.compile(
    r"\b(grades?|graded|grading|rat(?:e|ed|ing|ings)|judge(?:d|ment|ments)?|judgements?|"
    r"scored?|verdict|how good|any good|how well|how did .* do|assess(?:ed|ment)?)\b",
    re.IGNORECASE,
)
IMPROVE_QUESTION = re.compile(
    r"\b(improve(?:ment|ments)?|must|should|needs? to|need to|sort out|fix|weak(?:ness|nesses)?|"
    r"concerns?|shortcomings?|failings?|problems? with|get better|recommend(?:ation|ations)?|"
    r"must change|has to change|what.{0,20}change)\b",
    re.IGNORECASE,
)
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
AIF_SECTIONS = {
    "Areas for improvement",
    "Area for improvement",
    "Causes of concern",
    "Cause of concern",
    "Recommendations",
}


def asks_for_grade(question: str) -> bool:
    return bool(GRADE_QUESTION.search(question))


def asks_for_improvement(question: str) -> bool:
    return bool(IMPROVE_QUESTION.search(question))


def states_judgement(passage: Passage) -> bool:
    return bool(_JUDGEMENT.search(passage.text))


def states_improvement(passage: Passage) -> bool:
    return passage.section in AIF_SECTIONS or bool(_IMPROVEMENT.search(passage.text))

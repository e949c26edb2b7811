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


# Words that say what kind of answer is wanted rather than what it is about.
_NOT_TOPIC = re.compile(
    r"\b(?:how|what|what's|whats|which|did|does|do|is|are|was|were|be|been|being|the|a|an|"
    r"inspectors?|inspectorate|hmicfrs|hmic|rate|rated|rates|rating|ratings|grade|grades|"
    r"graded|grading|judge|judged|judgement|judgment|score|scored|verdict|assess|assessed|"
    r"assessment|make|think|thought|say|said|give|given|get|got|on|for|at|in|about|of|to|"
    r"with|by|they|it|its|their|them|there|force|constabulary|police|good|well|any|overall|"
    r"general|generally|need|needs|must|should|improve|improvement|improvements|sort|out|"
    r"fix|better|change|changes|area|areas|anything|do|doing|perform|performance|"
    r"weakness|weaknesses|concerns?|recommendations?|that|this|those|these|and|so|also)\b",
    re.IGNORECASE,
)


def topic(question: str) -> str:
    """The subject words of a grade or improvement question ("preventing crime")."""
    words = _NOT_TOPIC.sub(" ", question)
    return re.sub(r"[^\w’'-]+", " ", words).strip()

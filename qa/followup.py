"""Follow-up questions: "and what about fraud?", "what grade did they get for that?".

A question that does not stand on its own (it opens with a connective, or is short and
points back with "that", "it", "they" ...) prefers passages from the report question
that the previous answer came from, and a grade or improvement follow-up takes its
topic from the previous question. Searching with the previous question's words as well
was measured and dropped: it pulled back the previous answer instead of the new one.
A question that stands on its own ignores the history.
"""

from __future__ import annotations

import re

from corpus.records import Passage
from qa.request import Turn

_CONNECTIVE = re.compile(
    r"^\s*(?:and|but|so|also|plus|then|ok(?:ay)?|what about|how about|what else|"
    r"anything else|any more|more on|same for|why|how come)\b",
    re.IGNORECASE,
)
_POINTS_BACK = re.compile(
    r"\b(?:that|this|those|these|it|its|they|them|their|there|such|same|he|she|him|her)\b",
    re.IGNORECASE,
)
MAX_FOLLOWUP_WORDS = 8
SECTION_BOOST = 0.3  # on the fused score scale, where the top passage scores about 1
PREVIOUS_PASSAGES = 3  # how many of the previous answer's passages set the section


def is_followup(question: str) -> bool:
    if _CONNECTIVE.match(question):
        return True
    return len(question.split()) <= MAX_FOLLOWUP_WORDS and bool(_POINTS_BACK.search(question))


def resolve(
    question: str,
    history: tuple[Turn, ...],
    passages: list[Passage],
    row_of: dict[str, int],
    rows_by_unit: dict[tuple[str, str], list[int]],
) -> tuple[str | None, dict[int, float]]:
    """(the previous question, boost by passage row) for a follow-up; (None, {}) for a
    question that stands on its own. ``rows_by_unit`` maps (report id, unit key) to the
    rows of its passages."""
    if not history or not is_followup(question):
        return None, {}
    previous = history[-1]
    rows = [row_of[i] for i in previous.passage_ids[:PREVIOUS_PASSAGES] if i in row_of]
    # The section of the previous best passage counts most: its boost is full, the next
    # passages' sections get a half and a third of it.
    weight: dict[tuple[str, str], float] = {}
    for rank, row in enumerate(rows, start=1):
        key = (passages[row].report, passages[row].unit)
        weight[key] = max(weight.get(key, 0.0), SECTION_BOOST / rank)
    prior = {row: boost for key, boost in weight.items() for row in rows_by_unit[key]}
    return previous.question, prior

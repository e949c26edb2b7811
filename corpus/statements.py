"""What a passage's text states: a judgement, what must improve, and the words it uses.

PEEL reports state judgements ("is good at", "requires improvement") and what must
change ("should", "must", areas for improvement) in a small, stable vocabulary. These are
facts about report text, so they live here, below the index: a build computes them once
per passage and stores them (index/facts.py), and the question pipeline reads them
instead of scanning every passage at start-up. How a question uses them is qa's business
(qa/intent.py, qa/retrieve.py).

Change ``VERSION`` with any rule here: a build made under other rules has its facts
worked out again when it is loaded (slower to start) until it is rebuilt.
"""

from __future__ import annotations

import re

from corpus.records import IMPROVEMENT_SECTIONS

VERSION = 1

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
_WORD = re.compile(r"[a-z]+")


def states_judgement(text: str) -> bool:
    """The text states a judgement ("is good", "requires improvement", "we found that")."""
    return bool(_JUDGEMENT.search(text))


def states_improvement(text: str, section: str | None) -> bool:
    """The text, in its section, says what must improve."""
    return section in IMPROVEMENT_SECTIONS or bool(_IMPROVEMENT.search(text))


def words(text: str) -> set[str]:
    """The lower-case words of a text (letters only), as spelling correction knows them."""
    return set(_WORD.findall(text.lower()))

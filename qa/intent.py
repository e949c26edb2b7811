"""Which passages state a judgement or what must improve.

A question that asks for a grade or for improvements (see `qa.query`) prefers passages
that state one. The rules are about report text and live in corpus/statements.py, so that
a build can work them out once per passage (index/facts.py); these take a passage.
"""

from __future__ import annotations

from corpus import statements
from corpus.records import Passage


def states_judgement(passage: Passage) -> bool:
    return statements.states_judgement(passage.text)


def states_improvement(passage: Passage) -> bool:
    return statements.states_improvement(passage.text, passage.section)

"""Facts about each passage's text, worked out when a build is made and stored in it, so
that a start-up reads them instead of scanning every passage (issue 14: 100,000
passages took about 10 s to scan).

    statements.npy   (passages, 2) bool: column 0 states a judgement, column 1 says what
                     must improve (corpus/statements.py's rules)
    words.json       every lower-case word the passages use, sorted (spelling correction)

The manifest's ``facts`` field names the version of the rules they were made with
(``corpus.statements.VERSION``); a build without them, or made under other rules, has
them worked out again at load (index/load.py), so older builds stay readable.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus import statements
from corpus.records import Passage

STATEMENTS_FILE = "statements.npy"
WORDS_FILE = "words.json"
FILES = (STATEMENTS_FILE, WORDS_FILE)
VERSION = statements.VERSION


@dataclass(frozen=True)
class PassageFacts:
    judgement: np.ndarray  # (passages,) bool: the passage states a judgement
    improvement: np.ndarray  # (passages,) bool: the passage says what must improve
    words: frozenset[str]  # every lower-case word of every passage

    def __post_init__(self) -> None:
        if self.judgement.shape != self.improvement.shape or self.judgement.ndim != 1:
            raise ValueError("one judgement and one improvement flag per passage")


def compute(passages: Sequence[Passage]) -> PassageFacts:
    """The facts of these passages, by the rules in corpus/statements.py."""
    judgement = np.fromiter(
        (statements.states_judgement(p.text) for p in passages), dtype=bool, count=len(passages)
    )
    improvement = np.fromiter(
        (statements.states_improvement(p.text, p.section) for p in passages),
        dtype=bool,
        count=len(passages),
    )
    vocabulary: set[str] = set()
    for p in passages:
        vocabulary |= statements.words(p.text)
    return PassageFacts(judgement, improvement, frozenset(vocabulary))


def save(folder: Path, facts: PassageFacts) -> None:
    np.save(folder / STATEMENTS_FILE, np.stack([facts.judgement, facts.improvement], axis=1))
    (folder / WORDS_FILE).write_text(json.dumps(sorted(facts.words)), "utf-8")


def from_stored(flags: np.ndarray, words: bytes) -> PassageFacts:
    """The facts from a build's files (ValueError when they are not what is written)."""
    if flags.dtype != bool or flags.ndim != 2 or flags.shape[1] != 2:
        raise ValueError(f"{STATEMENTS_FILE} is not a (passages, 2) array of flags")
    listed = json.loads(words)
    if not isinstance(listed, list) or not all(isinstance(w, str) for w in listed):
        raise ValueError(f"{WORDS_FILE} is not a list of words")
    return PassageFacts(flags[:, 0].copy(), flags[:, 1].copy(), frozenset(listed))

"""Force names misspelt in a question: "durhum", "Northumbira", "west midlnds".

A word is read as a slip of a force's name when it is no word of its own (neither in the
reports' vocabulary nor an English word, so "durum" and "kennel" stay themselves), starts
with the same letter, is within a typing slip or two of the name's word (one letter left
out, put in, changed, or two swapped, for a word of five to seven letters; two for a longer
one; a word of four letters or fewer must be spelt right), and is not as near a common
English word ("surey" may be "survey" or "surely" as well as "Surrey": it is left alone).
Only a force's own names are read so, not its short forms ("Herts", "Notts"), which are
too near too many words. A name of several words ("West Midlands", "Avon and Somerset") is
read when each word is the name's or a slip of it and at least one is a slip (the exact
name is found by ``qa.forces`` already); beside a long word of it spelt right, a slip may
be a word of its own ("grater manchester").
"""

from __future__ import annotations

import gzip
import json
import pkgutil
import re
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

_WORD = re.compile(r"[A-Za-z]+")
MIN_CHARS = 5  # shorter words are too easily another word
COMMON_WORDS = 30_000  # the most frequent English words, which a slip must not be as near to


def slips_allowed(word: str) -> int:
    """How many typing slips a name's word of this length may have in a question."""
    if len(word) < MIN_CHARS:
        return 0
    return 1 if len(word) <= 7 else 2


def typing_distance(a: str, b: str, limit: int) -> int:
    """Letters left out, put in, changed or swapped with the next between ``a`` and ``b``
    (optimal string alignment), or ``limit + 1`` once it is known to be over ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if before is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], before[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        before, previous = previous, row
    return previous[-1]


@dataclass(frozen=True)
class Slip:
    """A force named with a slip: where in the text, and which force."""

    start: int
    end: int
    force: str


class ForceSpelling:
    """Reads slips of the names of known forces (each name as its lower-case words)."""

    def __init__(self, names: Iterable[tuple[str, tuple[str, ...]]]) -> None:
        # first letter -> (force, words of one of its names): every word of a slip starts
        # with the letter of the name's word it stands for
        self._by_initial: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for force, words in sorted({(f, w) for f, w in names if w}):
            self._by_initial.setdefault(words[0][0], []).append((force, words))

    def find(self, text: str, is_word: Callable[[str], bool]) -> list[Slip]:
        """The forces the text names with a slip, in order; ``is_word`` says whether a
        lower-case word is a word of its own (then it is no slip of a name)."""
        tokens = [(m.start(), m.end(), m.group(0).lower()) for m in _WORD.finditer(text)]
        read: list[tuple[int, int, str]] = []  # (first token, token count, force)
        for at, (_, _, first) in enumerate(tokens):
            for force, words in self._by_initial.get(first[0], ()):
                typed = [t for _, _, t in tokens[at : at + len(words)]]
                if len(typed) == len(words) and _reads_as(typed, words, is_word):
                    read.append((at, len(words), force))
        taken: set[int] = set()
        found: list[Slip] = []
        for at, count, force in sorted(read, key=lambda r: (-r[1], r[0])):  # longest first
            span = range(at, at + count)
            if not taken.intersection(span):
                taken.update(span)
                found.append(Slip(tokens[at][0], tokens[at + count - 1][1], force))
        return sorted(found, key=lambda s: s.start)


def _reads_as(typed: list[str], words: tuple[str, ...], is_word: Callable[[str], bool]) -> bool:
    """Whether the typed words are the name's words, at least one of them with a slip."""
    # Beside a long word of the name spelt right, a slip may be a word of its own:
    # "grater manchester".
    anchored = len(words) > 1 and any(
        w == n and len(n) >= MIN_CHARS for w, n in zip(typed, words, strict=True)
    )
    slipped = False
    for at, (word, name) in enumerate(zip(typed, words, strict=True)):
        last = at == len(words) - 1
        if word == name:
            continue
        if last and word == name + "s":  # "durhams grade": no slip, but no name's form either
            slipped = True
            continue
        if not _slip_of(word, name, is_word, anchored) and not (
            last and word.endswith("s") and _slip_of(word[:-1], name, is_word, anchored)
        ):
            return False
        slipped = True
    return slipped


def _slip_of(word: str, name: str, is_word: Callable[[str], bool], anchored: bool) -> bool:
    allowed = slips_allowed(name)
    if not allowed or len(word) < MIN_CHARS or word[0] != name[0]:
        return False
    if typing_distance(word, name, allowed) > allowed:
        return False
    # a name that is itself a common word ("Cleveland", "Metropolitan") is no rival
    return anchored or not (is_word(word) or set(common_words_near(word)) - {name})


@lru_cache(maxsize=4096)
def common_words_near(word: str) -> tuple[str, ...]:
    """The most common English words one typing slip away from ``word``."""
    letters = string.ascii_lowercase
    near = {word[:i] + word[i + 1 :] for i in range(len(word))}
    near |= {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    near |= {word[:i] + c + word[i + 1 :] for i in range(len(word)) for c in letters}
    near |= {word[:i] + c + word[i:] for i in range(len(word) + 1) for c in letters}
    near.discard(word)
    words = sorted(near)
    hashes = np.fromiter((hash(w) for w in words), dtype=np.int64, count=len(words))
    common = _common()
    at = np.minimum(np.searchsorted(common, hashes), len(common) - 1)
    return tuple(w for w, hit in zip(words, common[at] == hashes, strict=True) if hit)


@lru_cache(maxsize=1)
def _common() -> np.ndarray:
    """The hashes of the COMMON_WORDS most frequent words of pyspellchecker's English list
    (read once, and only when a question holds a possible slip of a name)."""
    data = gzip.decompress(pkgutil.get_data("spellchecker", "resources/en.json.gz") or b"")
    counts: dict[str, int] = json.loads(data)
    top = sorted(counts.items(), key=lambda kv: -kv[1])[:COMMON_WORDS]
    return np.unique(np.fromiter((hash(w.lower()) for w, _ in top), dtype=np.int64))

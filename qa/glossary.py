"""Everyday words for police terms ("coppers", "the nick"), read from qa/data/glossary.csv.

Each row of the data file names the everyday words, the terms the reports use for the
same thing, and where the pairing comes from. A question that uses an everyday word is
searched with the report's terms as well.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

GLOSSARY_FILE = Path(__file__).resolve().parent / "data" / "glossary.csv"


@dataclass(frozen=True)
class Entry:
    everyday: tuple[str, ...]
    report_terms: str
    source: str


@lru_cache(maxsize=1)
def entries() -> tuple[tuple[Entry, re.Pattern], ...]:
    out = []
    with GLOSSARY_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            words = tuple(w.strip() for w in row["everyday"].split("|") if w.strip())
            alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
            pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?:s|es)?(?![\w-])", re.IGNORECASE)
            out.append((Entry(words, row["report_terms"].strip(), row["source"].strip()), pattern))
    return tuple(out)


def report_terms(question: str) -> list[str]:
    """The report's terms for the everyday words in a question, not already in it."""
    lowered = question.lower()
    found = []
    for entry, pattern in entries():
        if pattern.search(question) and entry.report_terms.lower() not in lowered:
            found.append(entry.report_terms)
    return found


def everyday_words(text: str) -> list[str]:
    """The everyday words and phrases of the glossary found in a text ("body cameras")."""
    return [m.group(0) for _, pattern in entries() for m in pattern.finditer(text)]

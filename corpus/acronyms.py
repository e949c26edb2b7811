"""Acronyms a report defines, as in "investigations management unit (IMU)"."""

from __future__ import annotations

import re

# "long form words (ACRONYM)" or "(ACRONYMs)"; the acronym is 2-8 capitals/digits,
# possibly with a lower-case letter inside (e.g. "UCLan", "PEEL").
_DEFINITION = re.compile(r"\(([A-Z][A-Za-z0-9&]{1,7}?)(s)?\)")
_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*")
_SMALL_WORDS = {"and", "of", "the", "for", "in", "on", "to", "a", "an", "with", "&"}


def _initials_match(words: list[str], acronym: str) -> bool:
    letters = [c for c in acronym.lower() if c.isalpha()]
    initials = [w[0].lower() for w in words if w.lower() not in _SMALL_WORDS]
    # allow hyphenated parts to contribute ("anti-social behaviour" -> ASB)
    parts = [
        p[0].lower() for w in words if w.lower() not in _SMALL_WORDS for p in w.split("-") if p
    ]
    return letters in (initials, parts)


def find_acronyms(text: str) -> dict[str, str]:
    """Acronym -> long form for every definition in ``text`` whose initials match."""
    found: dict[str, str] = {}
    for match in _DEFINITION.finditer(text):
        acronym = match.group(1)
        if sum(c.isupper() for c in acronym) < 2:
            continue
        before = _WORD.findall(text[max(0, match.start() - 120) : match.start()])
        for size in range(1, min(len(before), len(acronym) + 4) + 1):
            words = before[-size:]
            if _initials_match(words, acronym):
                found.setdefault(acronym, " ".join(words))
                break
    return found

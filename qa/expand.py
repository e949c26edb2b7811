"""Query expansion: spell out acronyms the reports define, and the reverse."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Query:
    dense: str  # text to embed
    keywords: str  # text for the keyword index


def expand(question: str, acronyms: dict[str, str]) -> Query:
    """Add the long form of every acronym in the question, and the acronym of every long form."""
    extra: list[str] = []
    lowered = question.lower()
    words = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9&]+", question)}
    for acronym, long_form in acronyms.items():
        short = acronym.lower()
        if short in words or f"{short}s" in words:
            if long_form.lower() not in lowered:
                extra.append(long_form)
        elif long_form.lower() in lowered or _singular(long_form.lower()) in lowered:
            extra.append(acronym)
    if not extra:
        return Query(question, question)
    addition = " ".join(extra)
    return Query(f"{question} ({addition})", f"{question} {addition}")


def _singular(phrase: str) -> str:
    return phrase[:-1] if phrase.endswith("s") else phrase

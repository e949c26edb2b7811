"""Split a passage into sentences, as character spans of its verbatim text."""

from __future__ import annotations

import re

# A sentence runs to . ! ? (optionally closed by a quote or bracket) followed by white
# space, or to the end of a line: bullets and list items end at their line break.
_SENTENCE = re.compile(r"\S.*?(?:[.!?][”’\"')]*(?=\s)|$)", re.MULTILINE)
# Abbreviations after which a full stop does not end the sentence.
ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "no.", "approx.", "cf.", "vs.", "dr.", "mr.", "mrs.")
_LONGEST = max(map(len, ABBREVIATIONS))
MIN_CHARS = 4


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) character spans of the sentences of ``text``, in order."""
    spans: list[tuple[int, int]] = []
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        if spans and _continues(text, spans[-1]):
            spans[-1] = (spans[-1][0], end)
            continue
        spans.append((start, end))
    return [(s, e) for s, e in spans if len(text[s:e].strip()) >= MIN_CHARS]


def _continues(text: str, span: tuple[int, int]) -> bool:
    """True when the previous span ended on an abbreviation rather than a sentence end."""
    if "\n" in text[span[1] : span[1] + 2]:
        return False
    # Only the tail: copying the whole span made a run of abbreviations quadratic.
    before = text[max(span[0], span[1] - _LONGEST) : span[1]].lower()
    return before.endswith(ABBREVIATIONS)


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]

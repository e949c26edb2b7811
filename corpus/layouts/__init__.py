"""Report layouts as plug-ins: each module says whether it recognises a text (``recognise``)
and reads it into an outline (``read``); ``corpus.assemble`` makes the passages.

The first layout that recognises a text reads it, so the specific ones come first and the
generic one, which reads any report with headings and paragraphs, comes last.
"""

from __future__ import annotations

from types import ModuleType

from corpus.document import Document
from corpus.layouts import generic, landing, overview, peel2021, pillar
from corpus.layouts.base import Outline, clean_lines

LAYOUTS: tuple[ModuleType, ...] = (landing, pillar, overview, peel2021, generic)


def read_outline(doc: Document) -> Outline:
    """The outline of a document, read by the first layout that recognises it."""
    lines = clean_lines(doc)
    if not lines:
        raise doc.error(
            doc.lines[0].number if doc.lines else 1, "no content besides page navigation"
        )
    for layout in LAYOUTS:
        if layout.recognise(doc, lines):
            return layout.read(doc, lines)
    raise AssertionError("the generic layout recognises every text")  # pragma: no cover

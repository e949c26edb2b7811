"""A publication landing page: links to a report ("Read the report online", "Download the
report") and none of its text. Recognised only to be refused with a message saying so."""

from __future__ import annotations

import re

from corpus.document import Document, Line
from corpus.layouts.base import Outline

NAME = "landing-page"
DESCRIPTION = "a publication landing page (links only): refused"

_LINK = re.compile(
    r"^(?:Get the report|Read the report online|Download the report|Get the press release"
    r"|Find out more about PEEL|.{0,120}\((?:HTML|PDF document|PDF)\)(?:Download the report)?)$",
    re.IGNORECASE,
)
MAX_PROSE_LINES = 4  # a report has many more sentences of findings than this


def recognise(doc: Document, lines: list[Line]) -> bool:
    links = sum(1 for ln in lines if len(ln.text) <= 160 and _LINK.match(ln.text))
    prose = sum(1 for ln in lines if len(ln.text.split()) >= 12)
    return links >= 2 and prose <= MAX_PROSE_LINES


def read(doc: Document, lines: list[Line]) -> Outline:
    link = next(ln for ln in lines if _LINK.match(ln.text))
    raise doc.error(
        link.number,
        "a publication landing page, not a report: it only links to the report "
        f"({link.text!r}) and holds none of its findings; add the report itself "
        "(its web page saved as HTML or text, or its PDF)",
    )

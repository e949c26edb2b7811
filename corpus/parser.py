"""Read one report file (text, a saved web page or a PDF) into its Report and Passages.

The bytes say what they are (``corpus.formats``); the text is read by the first layout in
``corpus.layouts`` that recognises it, and ``corpus.assemble`` makes the passages, which are
verbatim slices of that text.

Every file is read within a budget (``parse_report``): in a child process that may take
``QA_PARSE_SECONDS`` of CPU time between steps (opening a PDF, each of its pages, taking the
text out, reading the text), ``QA_PARSE_TOTAL_SECONDS`` in all and ``QA_PARSE_MEMORY_MB`` of
memory (``common.budget``). A file that goes over is refused like any unreadable file, and
the process that asked (a server worker, ``reports add``, a rebuild) is never held by it.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from common import budget
from common.errors import ReportNotText, ReportParseError
from corpus.assemble import assemble
from corpus.document import Document, decode_text
from corpus.filetypes import what_file_is
from corpus.html import html_document, looks_like_html
from corpus.layouts import read_outline
from corpus.pdf import looks_like_pdf, pdf_document
from corpus.records import Passage, Report

log = logging.getLogger(__name__)
decode_report = decode_text  # the name older code and tests use
# Budget field -> (environment variable, type): read at every parse, in every process that
# parses (the server's workers, its rebuild process, the command line).
BUDGET_SETTINGS = {
    "step_seconds": ("QA_PARSE_SECONDS", float),
    "total_seconds": ("QA_PARSE_TOTAL_SECONDS", float),
    "memory_mb": ("QA_PARSE_MEMORY_MB", int),
}


def read_document(data: bytes, path: str) -> Document:
    """The document a file's bytes hold, as text ready for the layouts: what the bytes are
    decides how they are read, not the file's name."""
    if looks_like_pdf(data):
        return pdf_document(data, path)
    if kind := what_file_is(data):
        raise ReportNotText(
            path,
            1,
            f"this is {kind}, not a report: add the report's text, saved web page or PDF",
        )
    if looks_like_html(data):
        return html_document(data, path)
    return Document(path, decode_text(data, path))


def read_report(data: bytes, path: str) -> tuple[Report, list[Passage]]:
    """A report file's bytes read into its Report and its Passages, in this process and
    with no budget: ``parse_report`` runs this in a child process."""
    doc = read_document(data, path)
    budget.checkpoint()  # the text is out; reading it is the next step
    return assemble(doc, read_outline(doc), data)


def parse_report(data: bytes, path: str | Path = "<report>") -> tuple[Report, list[Passage]]:
    """Parse a report file's bytes into its Report and its Passages in reading order, within
    the parse budget: a file that takes more CPU time or memory than it allows is refused
    (ReportParseError) like any unreadable one."""
    limits = parse_budget()
    try:
        return budget.run(read_report, data, str(path), budget=limits)
    except budget.OverBudget as exc:
        setting = f" ({BUDGET_SETTINGS[exc.limit][0]})" if exc.limit else ""
        raise ReportParseError(
            str(path), 1, f"{exc.reason}{setting}: refused as a damaged or hostile file"
        ) from None


def parse_budget() -> budget.Budget:
    """The parse budget the environment sets (the defaults where unset or unusable)."""
    values = {}
    for name, (variable, cast) in BUDGET_SETTINGS.items():
        raw = os.environ.get(variable)
        if raw is None:
            continue
        try:
            value = cast(raw)
            if not value > 0:
                raise ValueError(raw)
        except ValueError:
            default = getattr(budget.Budget(), name)
            log.warning("%s=%r is not a positive number: using %s", variable, raw, default)
            continue
        values[name] = value
    return budget.Budget(**values)


def parse_file(path: str | Path) -> tuple[Report, list[Passage]]:
    """Read and parse one report file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportParseError(str(path), 1, f"cannot read the file: {exc.strerror}") from None
    return parse_report(data, path)

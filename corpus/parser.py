"""Read one report file (text, a saved web page or a PDF) into its Report and Passages.

The bytes say what they are (``corpus.formats``); the text is read by the first layout in
``corpus.layouts`` that recognises it, and ``corpus.assemble`` makes the passages, which are
verbatim slices of that text.
"""

from __future__ import annotations

from pathlib import Path

from common.errors import ReportNotText, ReportParseError
from corpus.assemble import assemble
from corpus.document import Document, decode_text
from corpus.filetypes import what_file_is
from corpus.html import html_document, looks_like_html
from corpus.layouts import read_outline
from corpus.pdf import looks_like_pdf, pdf_document
from corpus.records import Passage, Report

decode_report = decode_text  # the name older code and tests use


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


def parse_report(data: bytes, path: str | Path = "<report>") -> tuple[Report, list[Passage]]:
    """Parse a report file's bytes into its Report and its Passages in reading order."""
    doc = read_document(data, str(path))
    return assemble(doc, read_outline(doc), data)


def parse_file(path: str | Path) -> tuple[Report, list[Passage]]:
    """Read and parse one report file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportParseError(str(path), 1, f"cannot read the file: {exc.strerror}") from None
    return parse_report(data, path)

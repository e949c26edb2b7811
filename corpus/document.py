"""The text a layout reads: the report's text (or the text extracted from HTML or PDF) as
lines with their offsets, so that every passage is a slice of that text."""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

from common.errors import ReportNotText, ReportParseError


@dataclass
class Line:
    number: int  # 1-based line number in the text
    start: int  # offset of the first non-blank character
    end: int  # offset just after the last non-blank character
    text: str  # the line without surrounding white space
    page: int | None = None  # PDF page the line is on
    heading: int | None = None  # heading level the HTML or PDF gave the line (1 = top)


@dataclass
class Document:
    """One report's text, ready for the layouts."""

    path: str  # named in error messages
    text: str
    format: str = "text"  # "text", "html" or "pdf"
    pages: dict[int, int] = field(default_factory=dict)  # line number -> PDF page
    headings: dict[int, int] = field(default_factory=dict)  # line number -> heading level
    lines: list[Line] = field(init=False)

    def __post_init__(self) -> None:
        self.lines = split_lines(self.text, self.pages, self.headings)

    @property
    def name(self) -> str:
        return self.path.replace("\\", "/").rsplit("/", 1)[-1]

    def error(self, line: int, reason: str) -> ReportParseError:
        """A refusal naming the file and line; in a web page or PDF, where the text taken
        from it says so (its lines are not the file's)."""
        if self.format == "text":
            return ReportParseError(self.path, line, reason)
        page = self.pages.get(line)
        where = f"page {page}" if page else f"line {line} of the text taken from it"
        return ReportParseError(self.path, 1, f"{reason} ({where})")


def split_lines(
    text: str, pages: dict[int, int] | None = None, headings: dict[int, int] | None = None
) -> list[Line]:
    """The non-blank lines of ``text`` with their offsets."""
    pages, headings = pages or {}, headings or {}
    lines = []
    offset = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        if stripped:
            start = offset + (len(raw) - len(raw.lstrip()))
            lines.append(
                Line(
                    number,
                    start,
                    start + len(stripped),
                    stripped,
                    pages.get(number),
                    headings.get(number),
                )
            )
        offset += len(raw) + 1
    return lines


def decode_text(data: bytes, path: str) -> str:
    """Bytes to text with newlines normalised; UTF-8, or UTF-16 with a byte-order mark (what
    Windows Notepad saves as "Unicode"); refuse anything else, saying what it is."""
    if not data.strip():
        raise ReportParseError(path, 1, "the file is empty, not a PEEL report")
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    nul = -1 if utf16 else data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise ReportNotText(path, line, "binary data (a NUL byte), not a text report")
    try:
        text = data.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].decode("utf-16" if utf16 else "utf-8", "replace").count("\n") + 1
        what = "valid UTF-16" if utf16 else "UTF-8 text"
        raise ReportNotText(path, line, f"the file is not {what}") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")

"""Parse one PEEL report page (the text of the inspectorate's web page) into records.

The layout is described in ``shared/docs/peel-structure.md``: a header (force and
cycle, pillar, headline question, page date, pillar grade), overview paragraphs,
then numbered questions, each with a grade, optional areas for improvement and
findings under sub-headings. Every page line is one paragraph; bullet lines belong
to the paragraph (or marker) before them.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from corpus.acronyms import find_acronyms
from corpus.errors import ReportNotText, ReportParseError
from corpus.filetypes import what_file_is
from corpus.records import Passage, Question, Report

PILLARS = ("Effectiveness", "Efficiency", "Legitimacy")
GRADES = (
    "Outstanding",
    "Good",
    "Adequate",
    "Requires improvement",
    "Inadequate",
    "Ungraded",
    "Not yet graded",
    "To be graded",
)
_GRADE_BY_LOWER = {g.lower(): g for g in GRADES}

# Section markers that head a list of bullets or short paragraphs.
MARKERS = (
    "Areas for improvement",
    "Area for improvement",
    "Cause of concern",
    "Causes of concern",
    "Recommendations",
    "HMI's observations",
    "HMI’s observations",
    "HM Inspector's observations",
    "HM Inspector’s observations",
)
_MARKER_BY_LOWER = {m.lower(): m for m in MARKERS}

_HEADER = re.compile(r"^(?P<force>\S.*?)\s+PEEL\s+(?P<year>(?:19|20)\d\d(?:[/-]\d{2,4})?)$")
_UPDATED = re.compile(r"^Last updated\s+(?P<date>\S.*)$", re.IGNORECASE)
_QUESTION_NUMBER = re.compile(r"^\d{1,2}$")
_BULLET = re.compile(r"^\s*(?:[•●▪◦‣·]|[-*–])\s+\S")
_FURNITURE = re.compile(
    r"^(?:Skip to content"
    r"|Summary for question \d+"
    r"|Detailed findings for question \d+"
    r"|Download the full report"
    r"|Read more about .+"
    r"|Questions for .+"
    r"|We set out our detailed findings below\b.*)$",
    re.IGNORECASE,
)
_CARRIED_OVER = re.compile(
    r"not subject to detailed inspection|was not inspected|has been carried over"
    r"|still stands?\b|carried forward",
    re.IGNORECASE,
)
# A sub-heading is a short line with no closing punctuation.
_SENTENCE_END = tuple('.:;!?,"”’…')
MAX_HEADING_CHARS = 120
MAX_HEADING_WORDS = 16


@dataclass
class _Line:
    number: int  # 1-based line number in the file
    start: int  # offset of the first non-blank character in the normalised text
    end: int  # offset just after the last non-blank character
    text: str  # the line without surrounding white space


@dataclass
class _Open:
    """A passage being assembled: its first and last line and where it sits."""

    first: _Line | None  # None for a section marker that has no bullets yet
    last: _Line | None
    question: Question | None
    section: str | None
    bullets_allowed: bool


def slugify(text: str) -> str:
    """Lower-case words joined by hyphens, for stable, readable ids: accents come off Latin
    letters ("Ynys Môn" -> "ynys-mon"); letters of other scripts are kept as they are."""
    kept: list[str] = []
    for char in unicodedata.normalize("NFKD", text.lower()):
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue
        kept.append(char)
    return re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", "".join(kept))).strip("-")


def decode_report(data: bytes, path: str) -> str:
    """Bytes to text with newlines normalised; UTF-8, or UTF-16 with a byte-order mark (what
    Windows Notepad saves as "Unicode"); refuse anything else, saying what it is."""
    if not data.strip():
        raise ReportParseError(path, 1, "the file is empty, not a PEEL report")
    if kind := what_file_is(data):
        raise ReportNotText(
            path, 1, f"this is {kind}, not a text file: save the report page's text as .txt"
        )
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


def _lines(text: str) -> list[_Line]:
    lines = []
    offset = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        if stripped:
            start = offset + (len(raw) - len(raw.lstrip()))
            lines.append(_Line(number, start, start + len(stripped), stripped))
        offset += len(raw) + 1
    return lines


def _grade(text: str) -> str | None:
    return _GRADE_BY_LOWER.get(text.lower().rstrip("."))


def _is_heading(line: _Line, following: _Line | None) -> bool:
    text = line.text
    if following is None or _BULLET.match(text) or text.endswith(_SENTENCE_END):
        return False
    if len(text) > MAX_HEADING_CHARS or len(text.split()) > MAX_HEADING_WORDS:
        return False
    return not _QUESTION_NUMBER.match(text)


def parse_report(data: bytes, path: str | Path = "<report>") -> tuple[Report, list[Passage]]:
    """Parse a report file's bytes into its Report and its Passages in reading order."""
    name = Path(path).name
    text = decode_report(data, str(path))
    lines = [ln for ln in _lines(text) if not _FURNITURE.match(ln.text)]
    if not lines:
        raise ReportParseError(str(path), 1, "no content besides page navigation")
    i = 0

    def expect_more(what: str) -> _Line:
        if i >= len(lines):
            raise ReportParseError(str(path), lines[-1].number, f"the file ends before {what}")
        return lines[i]

    header = lines[i]
    # Length first: on a long line of spaces the regex backtracks quadratically (a 4 MB
    # upload would hang the parser), and no real header is longer than a heading.
    match = _HEADER.match(header.text) if len(header.text) <= MAX_HEADING_CHARS else None
    if not match:
        raise ReportParseError(
            str(path),
            header.number,
            f"expected a header line like 'Lancashire PEEL 2018', found {header.text[:60]!r}",
        )
    force, year = match["force"], match["year"]
    i += 1
    pillar_line = expect_more("the pillar name")
    pillar = next((p for p in PILLARS if p.lower() == pillar_line.text.lower()), None)
    if pillar is None:
        raise ReportParseError(
            str(path),
            pillar_line.number,
            f"expected a pillar ({', '.join(PILLARS)}), found {pillar_line.text[:60]!r}",
        )
    i += 1
    headline = updated = pillar_grade = None
    if i < len(lines) and lines[i].text.endswith("?"):
        headline = lines[i].text
        i += 1
    if i < len(lines) and (m := _UPDATED.match(lines[i].text)):
        updated = m["date"]
        i += 1
    if i < len(lines) and _grade(lines[i].text):
        pillar_grade = _grade(lines[i].text)
        i += 1

    report_id = "-".join(slugify(part) for part in (force, year, pillar))
    questions: list[Question] = []
    opened: list[_Open] = []
    question: Question | None = None
    section: str | None = None
    previous_was_passage = False

    while i < len(lines):
        line = lines[i]
        following = lines[i + 1] if i + 1 < len(lines) else None
        if (
            _QUESTION_NUMBER.match(line.text)
            and following is not None
            and following.text.endswith("?")
        ):
            number = int(line.text)
            if any(q.number == number for q in questions):
                raise ReportParseError(str(path), line.number, f"question {number} appears twice")
            i += 2
            grade = None
            if i < len(lines) and _grade(lines[i].text):
                grade = _grade(lines[i].text)
                i += 1
            question = Question(number=number, text=following.text, grade=grade)
            questions.append(question)
            section = None
            previous_was_passage = False
            continue
        i += 1
        marker = _MARKER_BY_LOWER.get(line.text.lower())
        if marker:
            section = marker
            previous_was_passage = False
            # The marker line is not passage text; its bullets will be.
            opened.append(_Open(None, None, question, section, bullets_allowed=True))
            continue
        if _BULLET.match(line.text):
            current = opened[-1] if opened else None
            if current and current.bullets_allowed and (previous_was_passage or not current.first):
                current.first = current.first or line
                current.last = line
            else:
                opened.append(_Open(line, line, question, section, bullets_allowed=True))
            previous_was_passage = True
            continue
        if _is_heading(line, following):
            section = line.text
            previous_was_passage = False
            continue
        if question is not None and _CARRIED_OVER.search(line.text):
            index = questions.index(question)
            question = Question(question.number, question.text, question.grade, carried_over=True)
            questions[index] = question
        opened.append(_Open(line, line, question, section, line.text.endswith(":")))
        previous_was_passage = True

    passages: list[Passage] = []
    counters: dict[int | None, int] = {}
    aifs: dict[int, list[str]] = {}
    by_number = {q.number: q for q in questions}
    for item in opened:
        if item.first is None or item.last is None:  # a marker with nothing under it
            continue
        number = item.question.number if item.question else None
        counters[number] = counters.get(number, 0) + 1
        paragraph = counters[number]
        body = text[item.first.start : item.last.end]
        q = by_number.get(number) if number is not None else None
        if q is not None and item.section in ("Areas for improvement", "Area for improvement"):
            aifs.setdefault(number, []).extend(_bullet_texts(body))
        where = f"q{number}" if number is not None else "overview"
        passages.append(
            Passage(
                id=f"{report_id}-{where}-p{paragraph}",
                text=body,
                report=report_id,
                force=force,
                year=year,
                pillar=pillar,
                question_number=number,
                question=q.text if q else None,
                grade=q.grade if q else pillar_grade,
                section=item.section,
                paragraph=paragraph,
            )
        )
    if not passages:
        raise ReportParseError(str(path), lines[-1].number, "no paragraphs found under the header")
    acronyms: dict[str, str] = {}
    for passage in passages:
        for acronym, long_form in find_acronyms(passage.text).items():
            acronyms.setdefault(acronym, long_form)
    questions = [
        Question(q.number, q.text, q.grade, q.carried_over, tuple(aifs.get(q.number, ())))
        for q in questions
    ]
    report = Report(
        id=report_id,
        file=name,
        sha256=hashlib.sha256(data).hexdigest(),
        force=force,
        year=year,
        pillar=pillar,
        headline=headline,
        grade=pillar_grade,
        updated=updated,
        questions=tuple(questions),
        acronyms=acronyms,
    )
    return report, passages


def _bullet_texts(body: str) -> list[str]:
    items = []
    for raw in body.split("\n"):
        if _BULLET.match(raw):
            items.append(re.sub(r"^\s*\S\s+", "", raw).strip())
    return items


def parse_file(path: str | Path) -> tuple[Report, list[Passage]]:
    """Read and parse one report file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportParseError(str(path), 1, f"cannot read the file: {exc.strerror}") from None
    return parse_report(data, path)

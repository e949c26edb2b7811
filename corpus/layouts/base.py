"""What every layout shares: page furniture, section markers, the reader that turns body
lines into paragraph blocks, and the outline a layout hands to the assembler."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from corpus.document import Document, Line
from corpus.grades import grade_line
from corpus.prose_grades import Clause, clauses
from corpus.records import AFI_SECTIONS, CONCERN_SECTIONS, RECOMMENDATION_SECTIONS
from corpus.sentences import sentences

PILLARS = ("Effectiveness", "Efficiency", "Legitimacy")

# Section markers that head a list of bullets or short paragraphs.
MARKERS = (
    *AFI_SECTIONS,
    *CONCERN_SECTIONS,
    *RECOMMENDATION_SECTIONS,
    "Innovative practice",
    "Promising practice",
    "HMI's observations",
    "HMI’s observations",
    "HM Inspector's observations",
    "HM Inspector’s observations",
    "HM Inspector's summary",
    "HM Inspector’s summary",
)
_MARKER_BY_LOWER = {m.lower(): m for m in MARKERS}

# Whole lines that are page navigation, banners or link text, never report text.
_FURNITURE = re.compile(
    r"^(?:Skip to content"
    r"|Summary for question \d+"
    r"|Detailed findings for question \d+"
    r"|Download the full report"
    r"|Read more about .{1,60}"
    r"|Contact (?:HMICFRS|HMIC|[A-Z][\w’'.-]+(?: [A-Z][\w’'.-]+){0,3})"
    r"|Questions for .{1,40}"
    r"|We set out our detailed findings below\b.*"
    r"|Proposed policing inspection programme and framework .{0,40}"
    r"|We would like your views on whether this programme covers .{0,120}"
    r"|HMICFRS is consulting on our proposed .{0,120}"
    r"|Please give us your views on these programmes by .{0,60}"
    r"|View the (?:five|\w+) questions for \w+"
    r"|See last year’s assessment of the force’s \w+\."
    r"|Print this document|Contents|<<|>>"
    r"|Total Page:\s*\d+|File Type:\s*pdf.{0,40}|© .{1,60}|ISBN:? .{1,120}"
    r"|.{1,120}?(?:\s?\.){3,}\s*\d{1,3})$",  # a contents line with dot leaders
    re.IGNORECASE,
)
# Navigation links can be glued to the next line's text: "Summary for question 1How well ...".
_GLUED_LINK = re.compile(r"(?:Summary|Detailed findings) for question \d+")
_QUESTION_NUMBER = re.compile(r"^\d{1,2}$")
_BULLET = re.compile(r"^\s*(?:[•●▪◦‣·]|[-*–])\s+\S")
_SENTENCE_END = tuple('.:;!?,"”’…')
MAX_HEADING_CHARS = 120
MAX_HEADING_WORDS = 16
CARRIED_OVER = re.compile(
    r"not subject to detailed inspection|was not inspected|has been carried over"
    r"|still stands?\b|carried forward",
    re.IGNORECASE,
)


def clean_lines(doc: Document) -> list[Line]:
    """The document's lines without page furniture, navigation links cut out of the text."""
    out = []
    for line in doc.lines:
        if len(line.text) <= 200 and _FURNITURE.match(line.text):
            continue
        pieces = _cut_links(line)
        out.extend(p for p in pieces if not (len(p.text) <= 200 and _FURNITURE.match(p.text)))
    return out


def _cut_links(line: Line) -> list[Line]:
    if "for question" not in line.text:
        return [line]
    pieces, at = [], 0
    for match in _GLUED_LINK.finditer(line.text):
        pieces.append((at, match.start()))
        at = match.end()
    pieces.append((at, len(line.text)))
    out = []
    for a, b in pieces:
        raw = line.text[a:b]
        text = raw.strip()
        if text:
            start = line.start + a + (len(raw) - len(raw.lstrip()))
            out.append(Line(line.number, start, start + len(text), text, line.page, line.heading))
    return out


def is_bullet(text: str) -> bool:
    return bool(_BULLET.match(text))


def marker(text: str) -> str | None:
    """The section marker a line is ("Areas for improvement", "Area for improvement 2")."""
    if len(text) > 60:
        return None
    return _MARKER_BY_LOWER.get(re.sub(r"\s+\d{1,2}$", "", text.lower().rstrip(":")))


def is_heading(line: Line, following: Line | None) -> bool:
    """A short line with no closing punctuation, followed by more text."""
    if line.heading is not None:
        return True
    text = line.text
    if following is None or _BULLET.match(text) or text.endswith(_SENTENCE_END):
        return False
    if len(text) > MAX_HEADING_CHARS or len(text.split()) > MAX_HEADING_WORDS:
        return False
    return not _QUESTION_NUMBER.match(text)


def is_question_number(text: str) -> bool:
    return bool(_QUESTION_NUMBER.match(text))


def pillar_named(text: str) -> str | None:
    """The pillar a bare label line names ("Effectiveness")."""
    return next((p for p in PILLARS if p.lower() == text.lower().rstrip(":")), None)


def pillar_of_headline(text: str) -> str | None:
    """The pillar a headline question or title is about ("How efficiently does ...")."""
    lowered = text.lower()
    if re.search(r"\beffective(?:ly|ness)?\b|tackles crime", lowered):
        return "Effectiveness"
    if re.search(r"\befficien(?:t|tly|cy)\b|value for money", lowered):
        return "Efficiency"
    if re.search(r"\blegitima(?:te|tely|cy)\b", lowered):
        return "Legitimacy"
    return None


HEADER_WITHIN = 4  # lines of furniture-free text a page's header may be preceded by


def find_header(lines: list[Line], pattern: re.Pattern) -> tuple[int, re.Match] | None:
    """(index, match) of the first short line among the first few that ``pattern`` matches:
    a page's "<Force> PEEL <year>" or "<Force> <year>" header."""
    for i, line in enumerate(lines[:HEADER_WITHIN]):
        if len(line.text) <= 80 and (match := pattern.match(line.text)):
            return i, match
    return None


def slugify(text: str) -> str:
    """Lower-case words joined by hyphens, for stable, readable ids: accents come off Latin
    letters ("Ynys Môn" -> "ynys-mon"); letters of other scripts are kept as they are."""
    kept: list[str] = []
    for char in unicodedata.normalize("NFKD", text.lower()):
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue
        kept.append(char)
    return re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", "".join(kept))).strip("-")


@dataclass
class OutlineUnit:
    key: str
    label: str
    title: str | None
    grade: str | None = None
    kind: str = "section"
    number: int | None = None
    pillar: str | None = None
    carried_over: bool = False
    page: int | None = None
    grade_from: str | None = None  # the sentence a grade was read from, when not a grade line


@dataclass
class Block:
    """A passage to be: its first and last line, its unit and sub-heading."""

    first: Line | None  # None for a section marker with nothing under it yet
    last: Line | None
    unit: str
    section: str | None
    bullets_allowed: bool


@dataclass
class Outline:
    """What a layout read: the report's facts, its units and its paragraph blocks."""

    layout: str
    force: str
    year: str
    pillar: str | None
    id_parts: tuple[str, ...]  # slugged and joined into the report id
    headline: str | None = None
    grade: str | None = None
    updated: str | None = None
    units: list[OutlineUnit] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def unit(self, key: str) -> OutlineUnit | None:
        return next((u for u in self.units if u.key == key), None)


class BodyReader:
    """Turns body lines into blocks: a paragraph is one line, bullets join the paragraph
    (or marker) before them, short unpunctuated lines are sub-headings."""

    def __init__(self, outline: Outline) -> None:
        self.outline = outline
        self.unit: str | None = None
        self.section: str | None = None
        self._current: Block | None = None
        self._previous_was_passage = False

    def start_unit(self, unit: OutlineUnit) -> None:
        self.outline.units.append(unit)
        self.unit = unit.key
        self.section = None
        self._current = None
        self._previous_was_passage = False

    def set_section(self, section: str | None) -> None:
        self.section = section
        self._previous_was_passage = False

    def feed(self, line: Line, following: Line | None) -> None:
        """Read one body line of the current unit."""
        assert self.unit is not None
        found = marker(line.text)
        if found:
            self.section = found
            self._previous_was_passage = False
            # The marker line is not passage text; its bullets will be.
            self._open(Block(None, None, self.unit, found, bullets_allowed=True))
            return
        if is_bullet(line.text):
            current = self._current
            if (
                current
                and current.bullets_allowed
                and (self._previous_was_passage or not current.first)
            ):
                current.first = current.first or line
                current.last = line
            else:
                self._open(Block(line, line, self.unit, self.section, bullets_allowed=True))
            self._previous_was_passage = True
            return
        if is_heading(line, following):
            self.set_section(line.text)
            return
        if CARRIED_OVER.search(line.text):
            unit = self.outline.unit(self.unit)
            if unit is not None and unit.kind == "question":
                unit.carried_over = True
        self._open(Block(line, line, self.unit, self.section, line.text.endswith(":")))
        self._previous_was_passage = True

    def _open(self, block: Block) -> None:
        self.outline.blocks.append(block)
        self._current = block


def first_lines_text(lines: list[Line], count: int = 12) -> list[str]:
    return [ln.text for ln in lines[:count]]


def grade_after(lines: list[Line], i: int) -> tuple[str | None, int]:
    """A bare grade line at ``i``, if there is one, and the index after it."""
    if i < len(lines):
        grade = grade_line(lines[i].text)
        if grade:
            return grade, i + 1
    return None, i


def unit_text(outline: Outline, text: str, key: str) -> list[str]:
    """The paragraphs of one unit, verbatim."""
    return [
        text[b.first.start : b.last.end]
        for b in outline.blocks
        if b.unit == key and b.first is not None and b.last is not None
    ]


def unit_clauses(outline: Outline, text: str, key: str, first: bool = False) -> list[Clause]:
    """The graded clauses of a unit's paragraphs (``first``: of its first paragraph only)."""
    paragraphs = unit_text(outline, text, key)
    return [
        c
        for paragraph in (paragraphs[:1] if first else paragraphs)
        for sentence in sentences(paragraph)
        for c in clauses(sentence, outline.force)
    ]


def insert_question(outline: Outline, unit: OutlineUnit) -> None:
    """Put a question unit after the units of its pillar, among its questions in number
    order."""
    at = len(outline.units)
    for i, u in enumerate(outline.units):
        if u.pillar == unit.pillar and u.kind in ("pillar", "question", "overview"):
            at = i + 1
            if u.kind == "question" and (u.number or 0) > (unit.number or 0):
                at = i
                break
    outline.units.insert(at, unit)

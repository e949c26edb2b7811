"""PEEL reports from 2021/22 and 2023-25: one report per force, graded areas of policing.

Seen in stored copies: the opening ("Overall summary", "Our judgments", the sentence
counting the areas, the ungraded victim-service area, "Important changes to PEEL" or
"PEEL 2023-2025", "HM Inspector's observations|summary"). Never seen: the judgments table
and everything past the opening. Past the opening this layout is lenient: a heading
followed by a grade line, or a heading naming a known area of policing, starts an area;
"Areas for improvement", "Causes of concern", "Innovative practice" and "Promising
practice" are sections of the area they sit in; any other heading is a sub-heading.
"""

from __future__ import annotations

import re

from corpus.document import Document, Line
from corpus.forces import force_from_file_name, short_name, year_from_file_name
from corpus.grades import grade_line
from corpus.layouts.base import (
    BodyReader,
    Outline,
    OutlineUnit,
    is_heading,
    marker,
    slugify,
)
from corpus.records import OVERVIEW

NAME = "peel-2021-onwards"
DESCRIPTION = "PEEL report 2021/22 or 2023-25 (graded areas of policing; lenient past the opening)"

_COUNT = re.compile(
    r"Our inspection assessed how good (?P<force>.{2,80}?) is in (?P<n>\d+|[a-z]+) areas? of "
    r"policing"
)
_TITLE = re.compile(
    r"^PEEL (?P<cycle>20\d\d(?:/\d\d|[–-]20\d\d|[–-]\d\d))\s*[–:-]?\s*"
    r"(?:An? )?(?:inspection|assessment) of (?P<force>.{2,80})$",
    re.IGNORECASE,
)
_OPENINGS = ("overall summary", "our judgments")
# Areas of policing in the 2021/22 and 2023-25 frameworks (headings may use either form).
AREAS = (
    "Providing a service to the victims of crime",
    "Service for victims of crime",
    "Engaging with and treating the public with fairness and respect",
    "Treatment of the public",
    "Police powers and public treatment",
    "Preventing crime and anti-social behaviour",
    "Preventing crime",
    "Responding to the public",
    "Investigating crime",
    "Protecting vulnerable people",
    "Managing offenders and suspects",
    "Managing offenders",
    "Disrupting serious organised crime",
    "Tackling serious and organised crime",
    "Meeting the strategic policing requirement",
    "Armed policing",
    "Building, supporting and protecting the workforce",
    "Developing a positive workplace",
    "Strategic planning, organisational management and value for money",
    "Leadership and force management",
    "Forces’ use of resources",
    "Recording data about crime",
    "Crime data integrity",
)
_AREA_BY_LOWER = {a.lower(): a for a in AREAS}
_AREA_QUESTION = re.compile(r"^How good is the force(?:’s|'s)? .{3,150}\?$")
# A row of the judgments table, as a saved page's table (" | ") or a copied one (a tab) gives it.
_TABLE_ROW = re.compile(r"^(?P<area>[^|\t]{3,150}?)\s*(?:\||\t)\s*(?P<grade>[A-Za-z ]{4,30})$")


def recognise(doc: Document, lines: list[Line]) -> bool:
    head = lines[:12]
    if any(len(ln.text) <= 200 and _TITLE.match(ln.text) for ln in head[:3]):
        return True
    if not any(ln.text.lower() == "overall summary" for ln in head[:4]):
        return False
    texts = [ln.text for ln in lines[:40]]
    return (
        any(_COUNT.search(t[:400]) for t in texts[:12])
        or any(t.lower() == "our judgments" for t in texts[:6])
        or any(t in _LATER_HEADINGS or t.startswith("PEEL 202") for t in texts)
    )


_LATER_HEADINGS = {
    "Important changes to PEEL",
    "HM Inspector’s observations",
    "HM Inspector's observations",
    "HM Inspector’s summary",
    "HM Inspector's summary",
    "Terminology in this report",
}


# A cycle the text names: "PEEL 2023–2025", "PEEL Assessment Framework 2021/22", "PEEL
# 2021/22", "PEEL 2023–25" (and the framework's own title in a 2021+ report).
_NAMED_CYCLE = re.compile(
    r"\bPEEL\s+(?:assessment\s+(?:framework\s+)?|inspection\s+)?(?P<first>202\d)"
    r"(?:\s*[/–-]\s*(?:20)?(?P<second>\d\d))?\b",
    re.IGNORECASE,
)
# Headings of one cycle's openings only (docs/peel-formats-seen.md §3): 2021/22 reports have
# "Important changes to PEEL" and "HM Inspector's observations"; 2023-25 ones "PEEL 2023–2025",
# "Terminology in this report" and "HM Inspector's summary".
_HEADINGS_2021 = ("Important changes to PEEL", "HM Inspector’s observations")
_HEADINGS_2023 = ("Terminology in this report", "HM Inspector’s summary")
_YEAR = re.compile(r"(?<![\d/–-])(20[12]\d)(?![\d/–-])")
OPENING_LINES = 40


def cycle_label(first: int) -> str:
    """How a 2021+ cycle is labelled: 2021/22 ran one year, the later ones two."""
    return "2021/22" if first <= 2022 else f"{first}-{(first + 2) % 100:02d}"


def _cycle(lines: list[Line], doc: Document) -> tuple[str | None, str | None]:
    """(cycle label, where it came from when that is worth a warning).

    Evidence in order of strength: a title or a sentence naming the cycle; the file name;
    headings only one cycle's reports have; a year after 2022 in the opening (a 2021/22
    report cannot mention it); how the areas are counted (digits in 2021/22, words in
    2023-25, in every stored copy: the weakest sign, never enough against the others)."""
    for ln in lines[:3]:
        if len(ln.text) <= 200 and (m := _TITLE.match(ln.text)):
            return cycle_label(int(m["cycle"][:4])), None
    texts = [ln.text.replace("'", "’") for ln in lines[:OPENING_LINES]]
    # The latest cycle named: a later report may name the one before ("since PEEL 2021/22").
    named = [int(m["first"]) for t in texts for m in _NAMED_CYCLE.finditer(t[:2000])]
    if named:
        return cycle_label(max(named)), None
    year = year_from_file_name(doc.name)
    if year and int(year[:4]) >= 2021:
        return cycle_label(int(year[:4])), "file name"
    later = any(t in _HEADINGS_2023 for t in texts)
    if later != any(t in _HEADINGS_2021 for t in texts):
        return ("2023-25" if later else "2021/22"), None
    if max((int(y) for t in texts for y in _YEAR.findall(t)), default=0) >= 2023:
        return "2023-25", None
    for text in texts:
        if m := _COUNT.search(text[:400]):
            return ("2021/22" if m["n"].isdigit() else "2023-25"), None
    return (year, "file name") if year else (None, None)


def _force(lines: list[Line]) -> str | None:
    for ln in lines[:12]:
        if len(ln.text) <= 200 and (m := _TITLE.match(ln.text)):
            return short_name(m["force"])
        if m := _COUNT.search(ln.text[:400]):
            return short_name(m["force"])
    return None


def _area(line: Line, following: Line | None) -> tuple[str, str | None] | None:
    """(area title, grade) when the line heads an area of policing."""
    text = line.text.rstrip(":")
    grade = grade_line(following.text) if following else None
    if len(text) > 200 or marker(text) or grade_line(text):
        return None
    if text.lower() in _AREA_BY_LOWER or _AREA_QUESTION.match(text):
        return text, grade
    if grade and is_heading(line, following):
        return text, grade
    return None


def read(doc: Document, lines: list[Line]) -> Outline:
    force = _force(lines)
    warnings = []
    if force is None:
        force = force_from_file_name(doc.name)
        if force is None:
            raise doc.error(
                lines[0].number,
                "a PEEL 2021+ report, but it does not name the force in its opening and the "
                "file name does not either (name it like cumbria-2023-25.txt)",
            )
        warnings.append(f"the force ({force}) is taken from the file name")
    year, source = _cycle(lines, doc)
    if year is None:
        raise doc.error(
            lines[0].number,
            f"a PEEL 2021+ report about {force}, but its cycle (2021/22 or 2023-25) cannot be "
            "told from its text or its file name (name it like cumbria-2023-25.txt)",
        )
    if source:
        warnings.append(f"the cycle ({year}) is taken from the {source}")
    outline = Outline(NAME, force, year, None, (force, year), warnings=warnings)
    title = next(
        (ln.text for ln in lines[:3] if len(ln.text) <= 200 and _TITLE.match(ln.text)), None
    )
    outline.headline = title
    reader = BodyReader(outline)
    reader.start_unit(OutlineUnit(OVERVIEW, "Overall summary", title, None, "overview"))
    table: dict[str, tuple[str, str]] = {}  # area in lower case -> (area, grade)
    i = 0
    while i < len(lines):
        line = lines[i]
        following = lines[i + 1] if i + 1 < len(lines) else None
        if line.text == title:
            i += 1
            continue
        row = _TABLE_ROW.match(line.text) if len(line.text) <= 200 else None
        if row and (row_grade := grade_line(row["grade"])):
            table.setdefault(row["area"].strip().lower(), (row["area"].strip(), row_grade))
            i += 1
            continue
        area = _area(line, following) if line.text.lower() not in _OPENINGS else None
        if area is None:
            reader.feed(line, following)
            i += 1
            continue
        name, grade = area
        key = slugify(name)[:48] or "area"
        if outline.unit(key):
            key = f"{key}-{len(outline.units)}"
        reader.start_unit(OutlineUnit(key, name, name, grade, "area", page=line.page))
        i += 2 if grade else 1
    for lowered, (name, grade) in table.items():  # the judgments table grades every area
        unit = next((u for u in outline.units if (u.title or "").lower() == lowered), None)
        if unit is None:
            outline.units.append(OutlineUnit(slugify(name)[:48], name, name, grade, "area"))
        elif unit.grade is None:
            unit.grade = grade
    if not any(u.kind == "area" for u in outline.units):
        outline.warnings.append(
            "no graded area of policing found (stored copies end before the areas)"
        )
    return outline

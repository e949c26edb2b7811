"""Any other inspection report: headings and paragraphs, each heading a unit cited by its
name. The force and cycle come from the title lines, the sentences or the file name; a
text that names neither is refused, never one whose layout is merely unknown."""

from __future__ import annotations

import re

from corpus.document import Document, Line
from corpus.forces import force_from_file_name, force_in_text, short_name, year_from_file_name
from corpus.layouts.base import (
    BodyReader,
    Outline,
    OutlineUnit,
    is_heading,
    marker,
    pillar_named,
    slugify,
)
from corpus.records import OVERVIEW

NAME = "generic"
DESCRIPTION = "any other report: headings and paragraphs, cited by section"

_PEEL_HEADER = re.compile(r"^(?P<force>\S.{0,60}?)\s+PEEL\s+(?P<year>20\d\d(?:[/–-]\d{2,4})?)$")
_INSPECTION_OF = re.compile(
    r"\b(?:An?|The) inspection of (?P<force>(?:[A-Z][\w’'-]+ (?:and |of )?){0,4}?)"
    r"(?P<kind>Constabulary|Police Service|Police)\b"
)
_CYCLE = re.compile(r"(?<!\d)(20[0-4]\d)(?:\s?([/–-])\s?(20)?(\d\d))?(?!\d)")
_PILLAR_TITLE = re.compile(r"\bPolice (effectiveness|efficiency|legitimacy)\b(?!,)", re.I)
MIN_PROSE_WORDS = 6
TITLE_LINES = 12


def recognise(doc: Document, lines: list[Line]) -> bool:
    return True


def cycle_label(match: re.Match) -> str:
    first, sep, _, second = match.groups()
    if not second:
        return first
    return f"{first}/{second}" if int(second) == (int(first) + 1) % 100 else f"{first}-{second}"


def force_in_lines(lines: list[Line]) -> str | None:
    """The force a report's title lines or first sentences name."""
    for line in lines[:TITLE_LINES]:
        if len(line.text) <= 80 and (m := _PEEL_HEADER.match(line.text)):
            return m["force"]
    head = "\n".join(ln.text for ln in lines[:60])
    if (m := _INSPECTION_OF.search(head)) and m["force"].strip():
        return short_name(m["force"].strip())
    found = force_in_text(head, known_only=True)
    return short_name(found) if found else None


def find_year(doc: Document, lines: list[Line]) -> str | None:
    for line in lines[:TITLE_LINES]:
        if len(line.text) <= 80 and (m := _PEEL_HEADER.match(line.text)):
            return m["year"].replace("–", "-")
    for line in lines[:TITLE_LINES]:
        if len(line.text) <= 200 and re.search(r"\bPEEL\b|inspection", line.text, re.I):
            if m := _CYCLE.search(line.text):
                return cycle_label(m)
    return year_from_file_name(doc.name)


def find_pillar(lines: list[Line]) -> str | None:
    for line in lines[:4]:
        if len(line.text) <= 200 and (m := _PILLAR_TITLE.search(line.text)):
            return pillar_named(m.group(1))
    return None


def read(doc: Document, lines: list[Line]) -> Outline:
    force, year = force_in_lines(lines), find_year(doc, lines)
    from_name = force is None and force_from_file_name(doc.name) is not None
    force = force or force_from_file_name(doc.name)
    if force is None and (named := force_in_text("\n".join(ln.text for ln in lines[:60]))):
        force = short_name(named)
    if not any(len(ln.text.split()) >= MIN_PROSE_WORDS for ln in lines):
        raise doc.error(lines[0].number, "no paragraphs of text: not a readable report")
    if force is None:
        raise doc.error(
            lines[0].number,
            "not a PEEL report that can be read: no police force is named in its title, its "
            "sentences or its file name (a file name such as cumbria-2023-25.txt says which)",
        )
    if year is None:
        raise doc.error(
            lines[0].number,
            f"a report about {force}, but no year or cycle is given in its title or its file "
            "name (a file name such as cumbria-2023-25.txt says which)",
        )
    pillar = find_pillar(lines)
    outline = Outline(NAME, force, year, pillar, (force, year, pillar or "report"))
    if from_name:
        outline.warnings.append(f"the force ({force}) is taken from the file name")
    levels = [ln.heading for ln in lines if ln.heading is not None]
    unit_level = min(levels) if levels else None
    body = lines
    if levels:
        first_is_title = lines[0].heading is not None and levels.count(lines[0].heading) == 1
    else:
        first_is_title = is_heading(lines[0], lines[1] if len(lines) > 1 else None)
    if first_is_title and len(lines) > 1:  # the report's title, not a section of it
        outline.headline, body = lines[0].text, lines[1:]
        rest = [ln.heading for ln in body if ln.heading is not None]
        unit_level = min(rest) if rest else None
    reader = BodyReader(outline)
    reader.start_unit(
        OutlineUnit(OVERVIEW, "Opening", outline.headline, None, "overview", page=body[0].page)
    )
    for i, line in enumerate(body):
        following = body[i + 1] if i + 1 < len(body) else None
        starts_unit = (
            not marker(line.text)
            and is_heading(line, following)
            and (unit_level is None or (line.heading or 99) <= unit_level)
        )
        if starts_unit:
            key = slugify(line.text)[:48] or "section"
            n = 2
            while outline.unit(key):
                key, n = f"{slugify(line.text)[:44]}-{n}", n + 1
            reader.start_unit(
                OutlineUnit(key, line.text, line.text, None, "section", page=line.page)
            )
            continue
        reader.feed(line, following)
    outline.warnings.append("layout not recognised as a PEEL page: read as headings and paragraphs")
    return outline

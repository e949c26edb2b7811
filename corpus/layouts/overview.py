"""PEEL force overview pages, 2014 to 2018/19: "<Force> <year>", the judgment of each
pillar in a sentence ("The extent to which the force is efficient at keeping people safe
and reducing crime is good."), the HMI's observations, then one block per pillar headed by
its headline question. Each pillar is a unit, graded by its judgment sentence."""

from __future__ import annotations

import re

from corpus.copies import updated_on
from corpus.document import Document, Line
from corpus.frameworks import framework, pillar_graded
from corpus.grades import grade_line
from corpus.layouts.base import (
    PILLARS,
    BodyReader,
    Outline,
    OutlineUnit,
    find_header,
    insert_question,
    pillar_named,
    pillar_of_headline,
    unit_clauses,
)
from corpus.prose_grades import Clause, about_pillar, question_grades
from corpus.records import OVERVIEW

NAME = "peel-2014-2019-overview"
DESCRIPTION = "PEEL force overview page, 2014 to 2018/19 (a grade for each pillar)"

# "Durham 2016", or as a copy without the page's own header has it, "Durham PEEL 2016".
HEADER = re.compile(r"^(?P<force>\S.{0,60}?)\s+(?:PEEL\s+)?(?P<year>20[01]\d(?:/\d\d)?)$")
_SIGNS = re.compile(
    r"^(?:The extent to which|the extent to which|The available evidence indicates"
    r"|HMI's observations|HMI’s observations|.{1,80} was inspected in tranche)"
)
_JUDGMENT = re.compile(
    r"(?:is:? |: |\b)(not yet graded|outstanding|good|requires improvement|inadequate)[.;]"
    r"(?: and)?$",
    re.IGNORECASE,
)
_PILLAR_HEADLINE = re.compile(
    r"^How (?:effective|efficient|legitimate)(?:ly)? (?:is|does) the force\b.{0,120}\?$"
)
_UPDATED = re.compile(r"^Last updated\s+\S.{0,30}$", re.IGNORECASE)


def _header(lines: list[Line]) -> tuple[int, re.Match] | None:
    return find_header(lines, HEADER)


def recognise(doc: Document, lines: list[Line]) -> bool:
    found = _header(lines)
    if not found or not 2014 <= int(found[1]["year"][:4]) <= 2019:
        return False
    return any(len(ln.text) <= 600 and _SIGNS.match(ln.text) for ln in lines[:40])


def pillar_judgments(lines: list[Line], sentences_of: dict | None = None) -> dict[str, str]:
    """Pillar -> grade, from the overview's judgment sentences (each sentence, into
    ``sentences_of``)."""
    found: dict[str, str] = {}
    for line in lines[:60]:
        text = line.text
        if len(text) > 400 or not re.search(r"extent to which|with which the force", text, re.I):
            continue
        match = _JUDGMENT.search(text)
        pillar = pillar_of_headline(text) or (
            "Legitimacy" if re.search(r"legitimately", text, re.I) else None
        )
        if match and pillar and pillar not in found:
            found[pillar] = grade_line(match.group(1)) or match.group(1)
            if sentences_of is not None:
                sentences_of[pillar] = text
    return found


def read(doc: Document, lines: list[Line]) -> Outline:
    found = _header(lines)
    assert found is not None
    i, match = found
    force, year = match["force"], match["year"]
    sentences_of: dict[str, str] = {}
    judgments = pillar_judgments(lines, sentences_of)
    outline = Outline(NAME, force, year, None, (force, year, "overview"))
    reader = BodyReader(outline)
    reader.start_unit(OutlineUnit(OVERVIEW, "Overview", None, None, "overview"))
    i += 1
    while i < len(lines):
        line = lines[i]
        following = lines[i + 1] if i + 1 < len(lines) else None
        label = pillar_named(line.text)
        headline_line = None
        if label and following and _PILLAR_HEADLINE.match(following.text):
            headline_line = following
        elif len(line.text) <= 200 and _PILLAR_HEADLINE.match(line.text):
            headline_line = line
        if headline_line is None:
            if _UPDATED.match(line.text):
                i += 1
                continue
            reader.feed(line, following)
            i += 1
            continue
        pillar = label or pillar_of_headline(headline_line.text)
        i = lines.index(headline_line, i) + 1
        grade = judgments.get(pillar)
        if i < len(lines) and _UPDATED.match(lines[i].text):
            i += 1
        if i < len(lines) and (bare := grade_line(lines[i].text)):
            grade = grade or bare
            i += 1
        key = pillar.lower() if pillar else "pillar"
        if outline.unit(key):
            raise doc.error(headline_line.number, f"the {pillar} block appears twice")
        reader.start_unit(
            OutlineUnit(key, pillar or "Pillar", headline_line.text, grade, "pillar", None, pillar)
        )
    for pillar in PILLARS:  # judged in the overview, its block beyond this copy
        if pillar in judgments and not outline.unit(pillar.lower()):
            outline.units.append(
                OutlineUnit(pillar.lower(), pillar, None, judgments[pillar], "pillar", None, pillar)
            )
        elif pillar not in judgments and not pillar_graded(pillar, year):
            if not outline.unit(pillar.lower()):  # 2014: graded through its questions only
                outline.units.append(
                    OutlineUnit(pillar.lower(), pillar, None, None, "pillar", None, pillar)
                )
            outline.unit(pillar.lower()).grade = "Ungraded"
    for unit in outline.units:
        if unit.kind == "pillar" and unit.pillar in sentences_of:
            unit.grade_from = unit.grade_from or sentences_of[unit.pillar]
    question_grades_from_prose(outline, doc.text)
    outline.updated = _latest_update(lines)
    return outline


def _latest_update(lines: list[Line]) -> str | None:
    """The latest "Last updated" date of the page's pillar blocks, as printed."""
    dated = [
        (updated_on(line.text), line.text.split(None, 2)[2].strip())
        for line in lines
        if _UPDATED.match(line.text) and updated_on(line.text)
    ]
    return max(dated)[1] if dated else None


def question_grades_from_prose(outline: Outline, text: str) -> None:
    """The questions' grades the page states in prose: in a pillar's block ("its use of
    resources to manage demand is assessed as good"), or in the opening, of a pillar it names
    ("in terms of its effectiveness, ... good at investigating offending"). Each becomes a
    question unit of that pillar (with no passages: the sentence stating it is in the
    pillar's or the opening's)."""
    found: dict[str, list[Clause]] = {}
    for unit in outline.units:
        if unit.kind == "pillar" and unit.pillar:
            found.setdefault(unit.pillar, []).extend(unit_clauses(outline, text, unit.key))
    for clause in unit_clauses(outline, text, OVERVIEW):
        if pillar := pillar_of_headline(clause.sentence):
            found.setdefault(pillar, []).append(clause)
    for pillar, pillar_clauses in found.items():
        unit = outline.unit(pillar.lower())
        headline = unit.title if unit else None
        if pillar_graded(pillar, outline.year):
            pillar_clauses = [c for c in pillar_clauses if not about_pillar(c, headline)]
        questions = framework(pillar, outline.year)
        for number, clause in question_grades(pillar_clauses, questions).items():
            q = next(q for q in questions if q.number == number)
            key = f"{pillar.lower()}-q{number}"
            if outline.unit(key):
                continue
            question = OutlineUnit(
                key, f"Q{number}", q.text, clause.grade, "question", number, pillar
            )
            question.grade_from = clause.sentence
            insert_question(outline, question)
            outline.warnings.append(
                f"the grade of {pillar} Q{number} ({clause.grade}) is read from: {clause.sentence}"
            )

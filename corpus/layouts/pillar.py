"""PEEL pillar pages, 2014 to 2018/19, in the three ways their text was copied.

Variant a (the shipped report): "Skip to content", header, pillar label, headline question,
"Last updated", a bare grade line, the pillar overview, then numbered questions, each with
a grade line. Variant c drops the pillar label, the grade lines and the number lines.
Variant b drops those, the date and the pillar overview, writes "- " bullets and puts each
paragraph on one line with no blank line between. Numbers missing from the page come from
the cycle's framework questions; grades missing from it come from the sentences stating
them ("Kent Police is outstanding at planning for the future.").
"""

from __future__ import annotations

import re

from corpus.document import Document, Line
from corpus.frameworks import framework, match_question, pillar_graded
from corpus.layouts import overview
from corpus.layouts.base import (
    BodyReader,
    Outline,
    OutlineUnit,
    clean_lines,
    find_header,
    grade_after,
    insert_question,
    is_question_number,
    pillar_named,
    pillar_of_headline,
    slugify,
    unit_clauses,
)
from corpus.prose_grades import about_pillar, question_grades
from corpus.records import OVERVIEW

NAME = "peel-2014-2019-pillar"
DESCRIPTION = "PEEL pillar page, 2014 to 2018/19 (any of the three copied shapes)"

HEADER = re.compile(r"^(?P<force>\S.{0,60}?)\s+PEEL\s+(?P<year>20[01]\d(?:[/-]\d{2,4})?)$")
_UPDATED = re.compile(r"^Last updated\s+(?P<date>\S.{0,30})$", re.IGNORECASE)
# 2014 pages head the pillar with a phrase, not a question.
_HEADLINES_2014 = re.compile(r"^How well the force (?:tackles crime|.{0,60})$", re.IGNORECASE)
_QUESTION_LIKE = re.compile(r"^(?:How|To what extent|What|Is|Are|Does)\b.{5,220}\?$")


def _header(lines: list[Line]) -> tuple[int, re.Match] | None:
    return find_header(lines, HEADER)


def recognise(doc: Document, lines: list[Line]) -> bool:
    found = _header(lines)
    if not found:
        return False
    year = int(found[1]["year"][:4])
    if not 2014 <= year <= 2019:
        return False
    # "<Force> PEEL 2014" heads force overview pages too (a copy without the page's own
    # header): one that names no pillar but reads as an overview page is one.
    return _pillar_of(lines, found[0] + 1, found[1]["year"], doc.name) is not None or not (
        overview.recognise(doc, lines)
    )


def _pillar_of(lines: list[Line], i: int, year: str, name: str) -> str | None:
    """The pillar a page names: by its label line, its headline, or further on."""
    if i < len(lines) and (named := pillar_named(lines[i].text)):
        return named
    if i < len(lines) and _is_headline(lines[i].text, year):
        if pillar := pillar_of_headline(lines[i].text):
            return pillar
    return _pillar_from_rest(lines[i:], name)


def read(doc: Document, lines: list[Line] | None = None) -> Outline:
    lines = clean_lines(doc) if lines is None else lines
    found = _header(lines)
    if found is None:
        raise doc.error(lines[0].number if lines else 1, "expected a header like 'Kent PEEL 2018'")
    i, match = found
    force, year = match["force"], match["year"]
    i += 1
    pillar = headline = updated = None
    if i < len(lines) and (named := pillar_named(lines[i].text)):
        pillar, i = named, i + 1
    questions = framework(pillar, year) if pillar else ()
    if i < len(lines) and _is_headline(lines[i].text, year):
        headline, i = lines[i].text, i + 1
        pillar = pillar or pillar_of_headline(headline)
    if pillar is None:
        pillar = _pillar_from_rest(lines[i:], doc.name)
    if pillar is None:
        at = lines[min(i, len(lines) - 1)].number if lines else 1
        raise doc.error(
            at,
            "a PEEL pillar page, but which pillar (Effectiveness, Efficiency or Legitimacy) "
            "it is cannot be told from its label, its headline question or its file name",
        )
    questions = framework(pillar, year)
    if i < len(lines) and (m := _UPDATED.match(lines[i].text)):
        updated, i = m["date"], i + 1
    grade, i = grade_after(lines, i)

    outline = Outline(NAME, force, year, pillar, (force, year, pillar), headline, grade, updated)
    reader = BodyReader(outline)
    reader.start_unit(OutlineUnit(OVERVIEW, "Overview", headline, grade, "overview", None, pillar))
    seen_questions = False
    while i < len(lines):
        line = lines[i]
        following = lines[i + 1] if i + 1 < len(lines) else None
        number = None
        text_line = None
        if is_question_number(line.text) and following and following.text.endswith("?"):
            number, text_line = int(line.text), following
        elif _QUESTION_LIKE.match(line.text):
            q, _ = match_question(line.text, questions)
            if q is not None or (seen_questions and len(line.text.split()) <= 25):
                text_line = line
                number = q.number if q else None
            elif not outline.blocks and headline is None and not seen_questions:
                headline = outline.headline = line.text  # a headline after the label
                i += 1
                continue
        if text_line is None:
            reader.feed(line, following)
            i += 1
            continue
        seen_questions = True
        i = lines.index(text_line, i) + 1
        q_grade, i = grade_after(lines, i)
        key = f"q{number}" if number is not None else f"q-{slugify(text_line.text)[:48]}"
        if outline.unit(key):
            raise doc.error(
                line.number,
                f"question {number} appears twice" if number else "a question appears twice",
            )
        matched = next((q for q in questions if q.number == number), None)
        if q_grade is None and matched is not None and not matched.graded:
            q_grade = "Ungraded"
        reader.start_unit(
            OutlineUnit(
                key,
                f"Q{number}" if number is not None else "Question",
                text_line.text,
                q_grade,
                "question",
                number,
                pillar,
                page=text_line.page,
            )
        )
    # a page with its pillar's grade line may still grade its questions only in prose (a
    # 2018 summary page: "The constabulary is good at treating the workforce fairly.")
    asked = len(framework(outline.pillar, outline.year))
    shown = sum(1 for u in outline.units if u.kind == "question")
    if outline.grade is None or any(u.grade is None for u in outline.units) or shown < asked:
        grades_from_sentences(outline, doc.text)
    return outline


def _is_headline(text: str, year: str) -> bool:
    if text.endswith("?"):
        return pillar_of_headline(text) is not None and bool(
            re.search(
                r"\b(?:effective|efficient|legitimate)\w* (?:is|does) the force\b", text, re.I
            )
        )
    return year.startswith("2014") and bool(_HEADLINES_2014.match(text))


def _pillar_from_rest(lines: list[Line], name: str) -> str | None:
    for line in lines[:40]:
        if line.text.lower().startswith("questions for "):
            return pillar_named(line.text[len("questions for ") :])
    lowered = name.lower()
    for pillar in ("Effectiveness", "Efficiency", "Legitimacy"):
        if f"-{pillar.lower()}" in lowered:
            return pillar
    return None


def grades_from_sentences(outline: Outline, text: str) -> None:
    """Fill grades the page does not print on a line of their own from the sentences that
    state them (corpus/prose_grades.py): the overview's judgment of the pillar as a whole
    is the pillar's (never in a cycle that graded the pillar only through its questions),
    its other judgments are the questions' whose topic they name, found on the page or
    not; a question's own first judgment of the force otherwise."""
    overview = outline.unit(OVERVIEW)
    found = unit_clauses(outline, text, OVERVIEW)
    questions = framework(outline.pillar, outline.year)
    by_number = question_grades(
        [c for c in found if not about_pillar(c, outline.headline)], questions
    )
    if pillar_graded(outline.pillar, outline.year):
        whole = [c for c in found if about_pillar(c, outline.headline)]
        # else the opening paragraph's judgment, when it names no question's topic
        opening = unit_clauses(outline, text, OVERVIEW, first=True)
        whole = whole or [c for c in opening if not question_grades([c], questions)]
        if whole and outline.grade is None and overview is not None:
            outline.grade = overview.grade = whole[0].grade
            overview.grade_from = whole[0].sentence
            outline.warnings.append(
                f"the pillar grade ({whole[0].grade}) is read from: {whole[0].sentence}"
            )
    elif outline.grade is None and overview is not None:
        overview.grade = outline.grade = "Ungraded"
    for number, clause in by_number.items():
        unit = next((u for u in outline.units if u.kind == "question" and u.number == number), None)
        if unit is None:  # a question beyond this copy of the page, graded in its overview
            q = next(q for q in questions if q.number == number)
            unit = OutlineUnit(
                f"q{number}", f"Q{number}", q.text, None, "question", number, outline.pillar
            )
            insert_question(outline, unit)
        if unit.grade is None:
            unit.grade, unit.grade_from = clause.grade, clause.sentence
            # "In 2017, we judged ..." on a 2018 page: the grade carried over
            unit.carried_over = unit.carried_over or bool(
                clause.earlier and clause.earlier < int(outline.year[:4])
            )
    for unit in outline.units:
        if unit.kind != "question" or unit.grade is not None:
            continue
        own = [
            c
            for c in unit_clauses(outline, text, unit.key)
            if not about_pillar(c, outline.headline)
        ]
        if own:
            unit.grade, unit.grade_from = own[0].grade, own[0].sentence
    for unit in outline.units:
        if unit.kind != "question":
            continue
        if unit.grade_from:
            outline.warnings.append(
                f"the grade of {unit.label} ({unit.grade}) is read from: {unit.grade_from}"
            )
        elif unit.grade is None:
            outline.warnings.append(f"{unit.label} has no grade in this copy of the page")

"""Citations: where a passage sits, as a record and as one readable line."""

from __future__ import annotations

from dataclasses import dataclass

from corpus.records import OVERVIEW, Passage, Report, Unit


@dataclass(frozen=True)
class Citation:
    """Where a passage (or a whole unit: no section or paragraph) sits in its report."""

    force: str
    year: str
    pillar: str | None
    question_number: int | None
    question: str | None  # the numbered question's text
    grade: str | None
    section: str | None
    paragraph: int | None
    unit: str
    unit_label: str | None
    unit_title: str | None
    page: int | None


def citation(passage: Passage) -> Citation:
    """The citation of a passage."""
    return Citation(
        force=passage.force,
        year=passage.year,
        pillar=passage.pillar,
        question_number=passage.question_number,
        question=passage.question,
        grade=passage.grade,
        section=passage.section,
        paragraph=passage.paragraph,
        unit=passage.unit,
        unit_label=passage.unit_label,
        unit_title=passage.unit_title,
        page=passage.page,
    )


def cite(passage: Passage) -> str:
    """One quotable line: 'Lancashire PEEL 2018 › Effectiveness › Q2 … (Good) › Section › ¶5'
    ('Cumbria PEEL 2023-25 › Investigating crime (Good) › ¶3 › p. 23' for an area in a PDF)."""
    parts = [f"{passage.force} PEEL {passage.year}"]

    def graded(label: str) -> str:
        return f"{label} ({passage.grade})" if passage.grade else label

    if passage.question_number is not None:
        if passage.pillar:
            parts.append(passage.pillar)
        parts.append(graded(f"Q{passage.question_number} {passage.question}"))
    elif passage.unit == OVERVIEW and passage.pillar:
        parts.append(graded(passage.pillar))
        parts.append("Overview")
    else:
        parts.append(graded(passage.unit_label or "Overview"))
    if passage.section:
        parts.append(passage.section)
    parts.append(f"¶{passage.paragraph}")
    if passage.page is not None:
        parts.append(f"p. {passage.page}")
    return " › ".join(parts)


def unit_citation(report: Report, unit: Unit | None) -> Citation:
    """The citation of a whole unit (a question, an area; None: the overview)."""
    return Citation(
        force=report.force,
        year=report.year,
        pillar=(unit.pillar or report.pillar) if unit else report.pillar,
        question_number=unit.number if unit else None,
        question=unit.title if unit and unit.number is not None else None,
        grade=unit.grade if unit else report.grade,
        section=None,
        paragraph=None,
        unit=unit.key if unit else OVERVIEW,
        unit_label=unit.label if unit else None,
        unit_title=unit.title if unit else report.headline,
        page=unit.page if unit else None,
    )


def unit_name(unit: Unit) -> str:
    """'Q2 How effective is ...?' for a numbered question, else the unit's title or label."""
    if unit.number is not None:
        return f"{unit.label} {unit.title}" if unit.title else unit.label
    return unit.title or unit.label


def cite_unit(report: Report, unit: Unit | None) -> str:
    """One line citing a unit, e.g. 'Lancashire PEEL 2018 › Effectiveness › Q1 … (Good)'."""
    head = f"{report.force} PEEL {report.year}"
    if report.pillar:
        head += f" › {report.pillar}"
    if unit is None:
        return f"{head} ({report.grade})" if report.grade else head
    label = unit_name(unit)
    return f"{head} › {label} ({unit.grade})" if unit.grade else f"{head} › {label}"

"""Citations: where a passage sits, as a record and as one readable line."""

from __future__ import annotations

from corpus.records import OVERVIEW, Passage, Question, Report


def citation(passage: Passage) -> dict:
    """The citation fields of a passage, as the JSON API returns them."""
    return {
        "force": passage.force,
        "year": passage.year,
        "pillar": passage.pillar,
        "question_number": passage.question_number,
        "question": passage.question,
        "grade": passage.grade,
        "section": passage.section,
        "paragraph": passage.paragraph,
        "unit": passage.unit,
        "unit_label": passage.unit_label,
        "unit_title": passage.unit_title,
        "page": passage.page,
    }


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


def question_citation(report: Report, question: Question | None) -> dict:
    """Citation fields for a whole question (or, with None, the whole pillar)."""
    return {
        "force": report.force,
        "year": report.year,
        "pillar": report.pillar,
        "question_number": question.number if question else None,
        "question": question.text if question else None,
        "grade": question.grade if question else report.grade,
        "section": None,
        "paragraph": None,
        "unit": f"q{question.number}" if question else OVERVIEW,
        "unit_label": f"Q{question.number}" if question else None,
        "unit_title": question.text if question else report.headline,
        "page": None,
    }


def cite_question(report: Report, question: Question | None) -> str:
    """One line citing a question, e.g. 'Lancashire PEEL 2018 › Effectiveness › Q1 … (Good)'."""
    head = f"{report.force} PEEL {report.year}"
    if report.pillar:
        head += f" › {report.pillar}"
    if question is None:
        return f"{head} ({report.grade})" if report.grade else head
    label = f"Q{question.number} {question.text}"
    return f"{head} › {label} ({question.grade})" if question.grade else f"{head} › {label}"

"""Citations: where a passage sits, as a record and as one readable line."""

from __future__ import annotations

from corpus.records import Passage, Question, Report


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
    }


def cite(passage: Passage) -> str:
    """One quotable line: 'Lancashire PEEL 2018 › Effectiveness › Q2 … (Good) › Section › ¶5'."""
    parts = [f"{passage.force} PEEL {passage.year}"]
    if passage.question_number is None:
        parts.append(f"{passage.pillar} ({passage.grade})" if passage.grade else passage.pillar)
        parts.append("Overview")
    else:
        parts.append(passage.pillar)
        question = f"Q{passage.question_number} {passage.question}"
        parts.append(f"{question} ({passage.grade})" if passage.grade else question)
    if passage.section:
        parts.append(passage.section)
    parts.append(f"¶{passage.paragraph}")
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
    }


def cite_question(report: Report, question: Question | None) -> str:
    """One line citing a question, e.g. 'Lancashire PEEL 2018 › Effectiveness › Q1 … (Good)'."""
    head = f"{report.force} PEEL {report.year} › {report.pillar}"
    if question is None:
        return f"{head} ({report.grade})" if report.grade else head
    label = f"Q{question.number} {question.text}"
    return f"{head} › {label} ({question.grade})" if question.grade else f"{head} › {label}"

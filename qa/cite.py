"""Citations: where a passage sits, as a record and as one readable line."""

from __future__ import annotations

from corpus.records import Passage


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

"""The answers readers marked wrong, as a list to review: each with the question, the
direct answer and the passages they were shown (the passages' words from the index being
served now; a passage no longer in it is said to be gone), and their note.

    python -m bench.evaluate --review-feedback var/feedback.sqlite [--json]
"""

from __future__ import annotations

from pathlib import Path

from common.errors import NotFound
from index.feedback import FeedbackStore
from qa import cite


def review_list(db: str | Path, engine) -> list[dict]:
    """Every "wrong" verdict in the feedback file ``db``, oldest first, with its passages
    looked up in ``engine`` (qa.engine.Engine)."""
    items = []
    for row in FeedbackStore(db).rows("wrong"):
        passages = []
        for passage_id in row.passage_ids:
            try:
                passage = engine.passage_in_context(passage_id).passage
            except NotFound:
                passages.append({"id": passage_id, "cite": None, "text": None})
                continue
            passages.append({"id": passage_id, "cite": cite.cite(passage), "text": passage.text})
        items.append(
            {
                "id": row.id,
                "received": row.received,
                "question": row.question,
                "answer": row.answer,
                "note": row.note,
                "build_id": row.build_id,
                "passages": passages,
            }
        )
    return items


def format_review(items: list[dict]) -> str:
    """The review list as text, one block per verdict."""
    if not items:
        return "No answer has been marked wrong."
    lines = [f"{len(items)} answer(s) marked wrong, oldest first.", ""]
    for item in items:
        lines.append(f"#{item['id']} ({item['received']}, build {item['build_id'] or '?'})")
        lines.append(f"  Question: {item['question']}")
        lines.append(f"  Answer shown: {item['answer'] or '(no direct answer)'}")
        if item["note"]:
            lines.append(f"  Reader's note: {item['note']}")
        if not item["passages"]:
            lines.append("  No passages were shown.")
        for number, passage in enumerate(item["passages"], start=1):
            if passage["text"] is None:
                lines.append(f"  {number}. {passage['id']}: no longer in the index")
                continue
            lines.append(f"  {number}. {passage['id']} ({passage['cite']})")
            lines.append(f"     {passage['text']}")
        lines.append("")
    return "\n".join(lines)

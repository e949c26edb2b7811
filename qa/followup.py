"""Follow-up questions: "and what about fraud?", "is it working?", "why?".

Whether a question leans on the conversation is decided once, in `qa.query`: one that
names its own topic or force stands alone even when history is sent. A follow-up
without a topic of its own prefers passages from the report question that the previous
answer came from. Searching with the previous question's words as well was measured and
dropped: it pulled back the previous answer instead of the new one. A follow-up with a topic
of its own that points back ("is any of them struggling?") is searched with the previous
topic beside its words; any other follow-up is ranked twice, as asked and with the topic
talked about beside its words, and the two rankings fused (`qa.query`, `qa.retrieve`).
Demoting the passages the previous answer led with was measured and dropped: a follow-up
is often answered by the very passage that answered the turn before ("are they actually
using it?"), or by the paragraph next to it ("how many?", "in the ones they got wrong, what
went wrong?"), which get a small boost of their own.
"""

from __future__ import annotations

from corpus.records import Passage
from qa.query import Query
from qa.request import Turn

SECTION_BOOST = 0.3  # on the fused score scale, where the top passage scores about 1
PREVIOUS_PASSAGES = 3  # how many of the previous answer's passages set the section
# the previous answer's paragraph and those either side of it in its section; 0.05 and 0.1
# were measured too: follow-ups ranked higher, but conversation answers lost
NEIGHBOUR_BOOST = 0.03


def prior(
    query: Query,
    history: tuple[Turn, ...],
    passages: list[Passage],
    row_of: dict[str, int],
    rows_by_unit: dict[tuple[str, str], list[int]],
) -> dict[int, float]:
    """Boost by passage row for a question that leans on the conversation; {} for one that
    stands alone. ``rows_by_unit`` maps (report id, unit key) to the rows of its
    passages."""
    if not history or not query.followup:
        return {}
    # the turn leaned on: the last one, or the one before an aside ("back to ...")
    at = query.previous.turn if query.previous is not None else None
    previous = history[at if at is not None and at < len(history) else -1]
    rows = [row_of[i] for i in previous.passage_ids[:PREVIOUS_PASSAGES] if i in row_of]
    # The section of the previous best passage counts most: its boost is full, the next
    # passages' sections get a half and a third of it.
    weight: dict[tuple[str, str], float] = {}
    for rank, row in enumerate(rows, start=1):
        key = (passages[row].report, passages[row].unit)
        weight[key] = max(weight.get(key, 0.0), SECTION_BOOST / rank)
    boost = {row: b for key, b in weight.items() for row in rows_by_unit[key]}
    # the previous answer's own paragraph and the ones either side of it in its section: a
    # follow-up often asks for the detail next to what was just said ("how many?", "in the
    # ones they got wrong, what went wrong?")
    if rows:
        first = passages[rows[0]]
        for row in (rows[0] - 1, rows[0], rows[0] + 1):
            if 0 <= row < len(passages):
                near = passages[row]
                same = (near.report, near.unit, near.section)
                if same == (first.report, first.unit, first.section):
                    boost[row] = boost.get(row, 0.0) + NEIGHBOUR_BOOST
    return boost

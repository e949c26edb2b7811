"""qa/followup.py: a follow-up without a topic of its own prefers the report question the
previous answer came from; a question that stands alone gets no such help."""

from __future__ import annotations

from dataclasses import replace

import pytest

from corpus.records import Passage
from qa.followup import NEIGHBOUR_BOOST, SECTION_BOOST, prior
from qa.query import QueryReader
from qa.request import Turn


def passage(report: str, unit: str, paragraph: int) -> Passage:
    return Passage(
        id=f"{report}/{unit}/{paragraph}",
        text="SYNTHETIC.",
        report=report,
        force=report.split("-")[0].title(),
        year="2018",
        pillar="Effectiveness",
        question_number=int(unit[1:]),
        question=None,
        grade="Good",
        section=None,
        paragraph=paragraph,
        unit=unit,
    )


PASSAGES = [
    passage("cumbria-2018", "q1", 1),  # row 0
    passage("cumbria-2018", "q1", 2),
    passage("cumbria-2018", "q2", 1),  # row 2
    passage("cumbria-2018", "q2", 2),
    passage("cumbria-2018", "q3", 1),  # row 4
    passage("lancashire-2018", "q1", 1),  # row 5: same question, another report
]
ROW_OF = {p.id: row for row, p in enumerate(PASSAGES)}
ROWS_BY_UNIT: dict[tuple[str, str], list[int]] = {}
for _row, _p in enumerate(PASSAGES):
    ROWS_BY_UNIT.setdefault((_p.report, _p.unit), []).append(_row)


@pytest.fixture(scope="module")
def reader() -> QueryReader:
    return QueryReader(forces=["Cumbria", "Lancashire"], vocabulary=[], acronyms={})


def boost(reader, question: str, history: tuple[Turn, ...]) -> dict[int, float]:
    return prior(reader.read(question, history), history, PASSAGES, ROW_OF, ROWS_BY_UNIT)


ANSWERED = Turn(
    "how good is Cumbria at investigating crime?",
    ("cumbria-2018/q2/1", "cumbria-2018/q1/2", "cumbria-2018/q3/1"),
)


def test_a_follow_up_prefers_the_question_the_last_answer_came_from(reader):
    got = boost(reader, "why?", (ANSWERED,))
    # The best passage's question gets the whole boost, the next ones a half and a third;
    # the best passage and the one next to it in its section a little more.
    assert got[2] == got[3] == SECTION_BOOST + NEIGHBOUR_BOOST
    assert got[0] == got[1] == SECTION_BOOST / 2
    assert got[4] == pytest.approx(SECTION_BOOST / 3)
    assert 5 not in got  # the same question of another report is not what was talked about


def test_a_question_that_stands_alone_gets_no_boost(reader):
    question = "how good is Lancashire at protecting vulnerable people?"
    assert boost(reader, question, (ANSWERED,)) == {}


def test_no_history_no_boost(reader):
    assert boost(reader, "why?", ()) == {}


def test_passages_no_longer_indexed_are_skipped(reader):
    gone = Turn(ANSWERED.question, ("cumbria-2017/q9/1", "cumbria-2018/q3/1"))
    # the best passage still indexed counts as the best
    assert boost(reader, "and is it working?", (gone,)) == {4: SECTION_BOOST + NEIGHBOUR_BOOST}


def test_only_the_first_passages_of_the_last_answer_count(reader):
    many = Turn(ANSWERED.question, (*ANSWERED.passage_ids, "lancashire-2018/q1/1"))
    assert 5 not in boost(reader, "why?", (many,))


def test_a_follow_up_inherits_the_previous_scope(reader):
    history = (Turn("how good was Cumbria at investigating crime in 2018?"),)
    query = reader.read("and what about effectiveness overall?", history)
    assert query.followup and query.forces == ("Cumbria",) and query.years == (2018,)
    named = reader.read("and Lancashire?", history)
    assert named.forces == ("Lancashire",) and named.years == (2018,)


def test_the_paragraphs_next_to_the_last_answer_come_first_in_its_question(reader):
    # "how many?" after an answer from paragraph 2: paragraphs 1 to 3 of its section rank
    # above paragraph 4 and above the question's other section
    section = [
        replace(passage("cumbria-2018", "q2", n), section="Investigating crime")
        for n in (1, 2, 3, 4)
    ]
    other = replace(passage("cumbria-2018", "q2", 5), section="Areas for improvement")
    passages = [*section, other]
    row_of = {p.id: row for row, p in enumerate(passages)}
    history = (Turn("how many files did Cumbria review?", ("cumbria-2018/q2/2",)),)
    got = prior(
        reader.read("how many?", history),
        history,
        passages,
        row_of,
        {("cumbria-2018", "q2"): list(range(5))},
    )
    assert got[0] == got[1] == got[2] == SECTION_BOOST + NEIGHBOUR_BOOST
    assert got[3] == got[4] == SECTION_BOOST

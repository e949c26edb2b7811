"""The engine's passage look-up (qa/engine.py): one passage with the paragraphs around it."""

from __future__ import annotations

import pytest

from common.errors import NotFound

LANCS = "lancashire-2018-effectiveness"


@pytest.fixture
def engine(app):
    return app.extensions["qa"]


def test_passage_in_context_has_its_neighbours_question_and_grade(engine):
    found = engine.passage_in_context(f"{LANCS}-q2-p11")
    assert found.passage.id == f"{LANCS}-q2-p11"
    assert "check that all crime reports are properly completed" in found.passage.text
    assert [p.id for p in found.before] == [f"{LANCS}-q2-p9", f"{LANCS}-q2-p10"]
    assert [p.id for p in found.after] == [f"{LANCS}-q2-p12", f"{LANCS}-q2-p13"]
    assert found.question.number == 2 and found.question.grade == "Requires improvement"
    assert found.report.force == "Lancashire" and found.report.pillar == "Effectiveness"


def test_neighbours_stay_inside_the_question(engine):
    first = engine.passage_in_context(f"{LANCS}-q2-p1")
    assert first.before == []
    assert all(p.question_number == 2 for p in first.after)
    last = engine.passage_in_context(f"{LANCS}-q1-p21")
    assert last.after == []
    assert [p.paragraph for p in last.before] == [19, 20]


def test_overview_paragraph_has_no_question(engine):
    found = engine.passage_in_context(f"{LANCS}-overview-p1", around=3)
    assert found.question is None
    assert found.before == []
    assert [p.id for p in found.after] == [f"{LANCS}-overview-p{n}" for n in (2, 3, 4)]
    assert found.report.grade == "Good"


def test_unknown_passage_is_not_found(engine):
    with pytest.raises(NotFound, match="no-such-passage"):
        engine.passage_in_context("no-such-passage")

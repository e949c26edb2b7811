"""qa/cite.py: the citation line and record of a passage or a unit, from hand-made records."""

from __future__ import annotations

from corpus.records import OVERVIEW, Passage, Report, Unit
from qa.cite import citation, cite, cite_unit, unit_citation, unit_name

Q2 = "How effective is the force at investigating crime and reducing re-offending?"


def passage(**fields) -> Passage:
    base = dict(
        id="lancs-q2-5",
        text="Officers told us ...",
        report="lancashire-2018-effectiveness",
        force="Lancashire",
        year="2018",
        pillar="Effectiveness",
        question_number=2,
        question=Q2,
        grade="Requires improvement",
        section="Investigation quality",
        paragraph=5,
        unit="q2",
        unit_label="Q2",
        unit_title=Q2,
    )
    return Passage(**{**base, **fields})


def report(**fields) -> Report:
    base = dict(
        id="lancashire-2018-effectiveness",
        file="lancashire-2018-effectiveness.txt",
        sha256="0" * 64,
        force="Lancashire",
        year="2018",
        pillar="Effectiveness",
        headline="Lancashire Constabulary is good at keeping people safe",
        grade="Good",
        updated=None,
    )
    return Report(**{**base, **fields})


QUESTION = Unit("q2", "Q2", Q2, "Requires improvement", kind="question", number=2)
AREA = Unit("investigating-crime", "Investigating crime", "Investigating crime", "Adequate", "area")


def test_a_question_passage_names_pillar_question_grade_section_and_paragraph():
    assert cite(passage()) == (
        f"Lancashire PEEL 2018 › Effectiveness › Q2 {Q2} (Requires improvement) › "
        "Investigation quality › ¶5"
    )


def test_a_pillar_overview_passage_carries_the_pillar_grade():
    overview = passage(
        question_number=None,
        question=None,
        unit=OVERVIEW,
        unit_label=None,
        section=None,
        grade="Good",
        paragraph=1,
    )
    assert cite(overview) == "Lancashire PEEL 2018 › Effectiveness (Good) › Overview › ¶1"


def test_an_area_passage_from_a_pdf_names_its_page():
    area = passage(
        force="Cumbria",
        year="2023-25",
        pillar=None,
        question_number=None,
        question=None,
        unit="investigating-crime",
        unit_label="Investigating crime",
        grade="Adequate",
        section=None,
        paragraph=3,
        page=23,
    )
    assert cite(area) == "Cumbria PEEL 2023-25 › Investigating crime (Adequate) › ¶3 › p. 23"


def test_an_ungraded_unit_says_no_grade():
    untitled = passage(
        pillar=None,
        question_number=None,
        question=None,
        unit="about",
        unit_label=None,
        grade=None,
        section=None,
        paragraph=2,
    )
    assert cite(untitled) == "Lancashire PEEL 2018 › Overview › ¶2"


def test_the_citation_record_agrees_with_the_passage():
    record = citation(passage(page=4))
    assert (record.force, record.year, record.question_number, record.paragraph) == (
        "Lancashire",
        "2018",
        2,
        5,
    )
    assert (record.section, record.grade, record.page) == (
        "Investigation quality",
        "Requires improvement",
        4,
    )


def test_a_unit_is_cited_without_section_or_paragraph():
    assert cite_unit(report(), QUESTION) == (
        f"Lancashire PEEL 2018 › Effectiveness › Q2 {Q2} (Requires improvement)"
    )
    record = unit_citation(report(), QUESTION)
    assert record.question == Q2 and record.unit == "q2"
    assert record.section is None and record.paragraph is None


def test_the_report_as_a_whole_carries_its_own_grade_and_headline():
    assert cite_unit(report(), None) == "Lancashire PEEL 2018 › Effectiveness (Good)"
    record = unit_citation(report(), None)
    assert record.unit == OVERVIEW and record.grade == "Good"
    assert record.unit_title == "Lancashire Constabulary is good at keeping people safe"


def test_an_area_of_a_report_without_pillars():
    cumbria = report(force="Cumbria", year="2023-25", pillar=None, grade=None)
    assert cite_unit(cumbria, AREA) == "Cumbria PEEL 2023-25 › Investigating crime (Adequate)"
    assert unit_citation(cumbria, AREA).question is None  # an area is not a numbered question
    assert cite_unit(cumbria, None) == "Cumbria PEEL 2023-25"


def test_unit_names():
    assert unit_name(QUESTION) == f"Q2 {Q2}"
    assert unit_name(Unit("q3", "Q3", None, None, "question", number=3)) == "Q3"
    assert unit_name(AREA) == "Investigating crime"
    assert unit_name(Unit("summary", "Summary", None, None)) == "Summary"

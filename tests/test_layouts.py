"""The shipped report copied in the other two ways its pages were stored (variants b and c
of shared/docs/peel-formats-seen.md), and the layouts' own rules."""

from __future__ import annotations

import re

import pytest

from bench.synthetic import REAL_REPORT, copied_as_variant_b, copied_as_variant_c
from corpus import parse_file, parse_report

TEXT = REAL_REPORT.read_text("utf-8")


@pytest.fixture(scope="module")
def original():
    return parse_file(REAL_REPORT)


def test_variant_c_gives_the_same_passages_and_reads_grades_from_sentences(original):
    report, passages = parse_report(copied_as_variant_c(TEXT).encode(), REAL_REPORT.name)
    assert [(p.id, p.text) for p in passages] == [(p.id, p.text) for p in original[1]]
    assert [(u.key, u.grade) for u in report.units] == [(u.key, u.grade) for u in original[0].units]
    assert report.pillar == "Effectiveness" and report.grade == "Good"
    assert report.question(4).carried_over
    assert any("requires improvement in investigating crime" in w for w in report.warnings)


def test_variant_b_numbers_questions_from_the_framework(original):
    report, passages = parse_report(copied_as_variant_b(TEXT).encode(), "b.txt")
    assert [q.number for q in report.questions] == [1, 2, 3, 4, 5]
    assert [q.grade for q in report.questions] == [
        "Good",
        "Requires improvement",
        "Good",
        None,  # carried over; this copy states the grade nowhere
        "Ungraded",
    ]
    assert report.question(4).carried_over and report.grade is None
    assert not [p for p in passages if p.unit == "overview"]  # b copies skip the overview
    for number in range(1, 6):
        ours = [p.text for p in passages if p.question_number == number]
        theirs = [p.text for p in original[1] if p.question_number == number]
        assert [re.sub(r"^•", "-", re.sub(r"\n\s*•", "\n-", t)) for t in theirs] == ours
    assert len(report.question(2).areas_for_improvement) == 3


def test_a_navigation_link_glued_to_the_next_question_is_cut_off():
    text = (
        "Testshire PEEL 2018\nLegitimacy\n"
        "How legitimately does the force treat the public and its workforce?\n"
        "To what extent does the force treat all of the people it serves with fairness and "
        "respect?\nSYNTHETIC. Stop and search records were reviewed by the panel.\n"
        "Summary for question 1How well does the force ensure that its workforce behaves "
        "ethically and lawfully?\nSYNTHETIC. The force vets its staff every year.\n"
    )
    report, passages = parse_report(text.encode(), "testshire.txt")
    assert [(q.number, q.text) for q in report.questions] == [
        (
            1,
            "To what extent does the force treat all of the people it serves with fairness "
            "and respect?",
        ),
        (2, "How well does the force ensure that its workforce behaves ethically and lawfully?"),
    ]
    assert [p.id for p in passages] == [
        "testshire-2018-legitimacy-q1-p1",
        "testshire-2018-legitimacy-q2-p1",
    ]

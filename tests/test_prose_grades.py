"""Grades stated in sentences, each attached to the question (or pillar) it is about: rules
about the wording, tried on sentences shaped like the real pages' and on ones that must not
grade anything."""

from __future__ import annotations

import pytest

from corpus.frameworks import framework
from corpus.prose_grades import about_pillar, clauses, question_grades

E2014 = framework("Effectiveness", "2014")
EF2016 = framework("Efficiency", "2016")
L2016 = framework("Legitimacy", "2017")
E2018 = framework("Effectiveness", "2018")


def graded(sentence: str, questions, force: str = "Testshire") -> dict[int, str]:
    found = [c for c in clauses(sentence, force) if not about_pillar(c, None)]
    return {n: c.grade for n, c in question_grades(found, questions).items()}


@pytest.mark.parametrize(
    ("sentence", "questions", "expected"),
    [
        # one grade, several questions
        (
            "In general, the force is good at reducing crime and preventing offending, good at "
            "investigating offending and outstanding at tackling anti-social behaviour.",
            E2014,
            {1: "Good", 2: "Good", 3: "Outstanding"},
        ),
        # the topic before the grade, three grades in one sentence
        (
            "The force’s understanding of demand is judged to be outstanding; its use of "
            "resources to manage demand is assessed as inadequate; and its planning for future "
            "demand is judged to require improvement.",
            EF2016,
            {1: "Outstanding", 2: "Inadequate", 3: "Requires improvement"},
        ),
        # a grade, a second topic carried by "and ...ing", then "but" another grade
        (
            "Testshire Police is judged to be outstanding at treating all of the people it "
            "serves with fairness and respect and ensuring that its workforce behaves ethically "
            "and lawfully but is judged to be inadequate at how it treats its workforce with "
            "fairness and respect.",
            L2016,
            {1: "Outstanding", 2: "Outstanding", 3: "Inadequate"},
        ),
        ("It is good at protecting vulnerable people.", E2018, {3: "Good"}),
        (
            "In 2017, we judged the force as outstanding at tackling serious and organised crime.",
            E2018,
            {4: "Outstanding"},
        ),
    ],
)
def test_each_question_takes_the_grade_of_the_clause_naming_its_topic(
    sentence, questions, expected
):
    assert graded(sentence, questions) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # judgments of the pillar as a whole
        "Testshire Police is good at reducing crime and keeping people safe.",
        "The extent to which the force is effective at keeping people safe and reducing crime "
        "is good.",
        "Testshire Police has been assessed as good in respect of the efficiency with which it "
        "keeps people safe and reduces crime.",
        # not judgments at all, or not of the force
        "The force has good working relationships with partners to protect vulnerable people.",
        "Officers showed good practice in protecting vulnerable people.",
        "Partner agencies are good at protecting vulnerable people.",
        "Victims said the service was good and they felt protected from harm.",
        "The force is investigating crime and protecting vulnerable people.",
        # a grade, then a new subject with no grade: it does not inherit it
        "The force’s use of resources is good, and it is doing considerable work to understand "
        "future demand.",
    ],
)
def test_sentences_that_grade_no_question_grade_none(sentence):
    assert graded(sentence, E2018) == {} or sentence.startswith("The force’s use")
    if sentence.startswith("The force’s use"):
        assert graded(sentence, EF2016) == {2: "Good"}  # not Q1 or Q3 (demand)


def test_the_pillar_judgment_is_recognised_as_the_pillars():
    clause = clauses(
        "Testshire Police is good at reducing crime and keeping people safe.", "Testshire"
    )[0]
    assert about_pillar(clause, "How effectively does the force reduce crime and keep people safe?")
    [other] = clauses("It is good at protecting vulnerable people.", "Testshire")
    assert not about_pillar(
        other, "How effectively does the force reduce crime and keep people safe?"
    )


def test_two_clauses_as_close_with_different_grades_grade_nothing():
    sentence = (
        "The force is good at investigating crime, but it is inadequate at investigating crime "
        "in rural areas."
    )
    assert 2 not in graded(sentence, E2018)


def test_the_stating_sentence_is_kept_whole():
    sentence = "The force is outstanding at investigating offending."
    [clause] = clauses(sentence, "Durham")
    assert (clause.grade, clause.sentence) == ("Outstanding", sentence)

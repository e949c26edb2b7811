"""qa/intent.py: which passages state a judgement, and which say what must improve."""

from __future__ import annotations

import pytest

from corpus.records import Passage
from qa.intent import states_improvement, states_judgement


def passage(text: str, section: str | None = None) -> Passage:
    return Passage(
        id="testshire-2018-effectiveness/q1/1",
        text=text,
        report="testshire-2018-effectiveness",
        force="Testshire",
        year="2018",
        pillar="Effectiveness",
        question_number=1,
        question="How effective is the force at investigating crime?",
        grade="Good",
        section=section,
        paragraph=1,
    )


@pytest.mark.parametrize(
    "text",
    [
        "Testshire Police is good at investigating crime.",
        "The force's approach to protecting vulnerable people requires improvement.",
        "We found that supervisors review every case.",
        "Its work with partners was outstanding.",
    ],
)
def test_judgements_are_recognised(text):
    assert states_judgement(passage(text))


def test_a_plain_finding_is_not_a_judgement():
    assert not states_judgement(passage("Officers patrol the harbour every night."))
    assert not states_judgement(passage("The goodwill of partners helps."))  # not "good"


@pytest.mark.parametrize(
    "text",
    [
        "The force should improve how it records crime.",
        "Supervisors need to review investigations more often.",
        "There are backlogs in the digital forensics unit.",
        "Victims are not always kept informed.",
    ],
)
def test_what_must_improve_is_recognised_by_its_wording(text):
    assert states_improvement(passage(text))


@pytest.mark.parametrize(
    "section",
    [
        "Areas for improvement",
        "Area for improvement",
        "Causes of concern",
        "Cause of concern",
        "Recommendations",
        "Recommendation",
    ],
)
def test_anything_under_an_improvement_heading_is_an_improvement(section):
    assert states_improvement(passage("Crime recording.", section=section))


def test_praise_is_not_an_improvement():
    text = "Officers attend domestic abuse incidents promptly."
    assert not states_improvement(passage(text, section="Protecting vulnerable people"))

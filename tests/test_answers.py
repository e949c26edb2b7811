"""Answers beyond passages, with the real model: highlights, direct answers, grades,
areas for improvement, filters and follow-ups."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.real_model

Q2 = "How effective is the force at investigating crime and reducing re-offending?"


@pytest.fixture(scope="module")
def client(real_app):
    return real_app.test_client()


def ask(client, **body):
    res = client.post("/api/ask", json=body)
    assert res.status_code == 200, res.get_json()
    return res.get_json()


def test_highlights_mark_the_answering_sentence(client):
    data = ask(client, question="How long do digital devices wait for examination?")
    passage = next(p for p in data["passages"] if "digital forensic examinations" in p["text"])
    marked = [passage["text"][a:b] for a, b in passage["highlights"]]
    assert any("waiting times for digital forensic examinations" in m for m in marked)
    for p in data["passages"]:
        assert 1 <= len(p["highlights"]) <= 2
        for start, end in p["highlights"]:
            assert 0 <= start < end <= len(p["text"])
            assert p["text"][start:end] == p["text"][start:end].strip()


def test_answer_is_the_best_sentence_with_its_citation(client):
    data = ask(client, question="who checks crime reports are filled in properly?")
    answer = data["answer"]
    assert answer["kind"] == "sentence"
    assert "check that all crime reports are properly completed" in answer["text"]
    assert answer["citation"]["question_number"] == 2
    assert answer["passage_id"] in {p["id"] for p in data["passages"]}
    top = next(p for p in data["passages"] if p["id"] == answer["passage_id"])
    assert answer["text"] in top["text"]  # the report's own words


@pytest.mark.parametrize(
    "question",
    ["premier league football results", "recipe for chocolate cake", "how do I renew my passport"],
)
def test_off_topic_questions_get_no_confident_answer(client, question):
    data = ask(client, question=question)
    assert data["answer"] is None
    assert "No sentence" in data["message"]
    assert data["passages"]  # the nearest passages still follow


def test_grade_question_is_answered_from_the_structure(client):
    data = ask(client, question="how did the inspectors rate Lancashire on preventing crime?")
    answer = data["answer"]
    assert answer["kind"] == "grade" and answer["grade"] == "Good"
    assert answer["citation"]["question_number"] == 1
    assert answer["cite"].startswith("Lancashire PEEL 2018 › Effectiveness › Q1 ")
    assert data["passages"]  # the passage list still follows


def test_overall_grade_is_the_pillar_grade(client):
    answer = ask(client, question="How good is Lancashire overall?")["answer"]
    assert answer["kind"] == "grade" and answer["grade"] == "Good"
    assert answer["citation"]["question_number"] is None


def test_improvement_question_lists_that_questions_areas_for_improvement(client, real_app):
    data = ask(client, question="what must Lancashire improve on investigations?")
    answer = data["answer"]
    assert answer["kind"] == "improvements"
    report = real_app.extensions["qa"].index.reports[0]
    assert answer["items"] == list(report.question(2).areas_for_improvement)
    assert len(answer["items"]) == 3
    assert answer["citation"]["question"] == Q2
    assert answer["citation"]["section"] == "Areas for improvement"


def test_filters_restrict_the_passages(client):
    data = ask(client, question="domestic abuse", k=10, filters={"question_number": 2})
    assert data["passages"]
    assert {p["citation"]["question_number"] for p in data["passages"]} == {2}
    data = ask(client, question="domestic abuse", filters={"force": "lancashire", "year": "2018"})
    assert data["passages"]


def test_filter_values_are_listed(client):
    filters = client.get("/api/reports").get_json()["filters"]
    assert filters == {
        "force": ["Lancashire"],
        "year": ["2018"],
        "pillar": ["Effectiveness"],
        "question_number": [1, 2, 3, 4, 5],
        "unit": ["overview", "q1", "q2", "q3", "q4", "q5"],
    }


def test_a_follow_up_stays_with_the_previous_answer(client):
    first = ask(client, question="What is the MARAC and is it coping with demand?")
    assert first["followup"] is False
    history = [{"question": first["question"], "passage_ids": [p["id"] for p in first["passages"]]}]
    previous_question = first["passages"][0]["citation"]["question_number"]
    question = "and what are they trying instead?"
    followup = ask(client, question=question, history=history)
    alone = ask(client, question=question)
    assert followup["followup"] is True and alone["followup"] is False

    def in_previous_question(data):
        return sum(p["citation"]["question_number"] == previous_question for p in data["passages"])

    assert in_previous_question(followup) > in_previous_question(alone)
    alone = ask(client, question="Is Lancashire good at catching wanted suspects?", history=history)
    assert alone["followup"] is False  # a question that stands on its own ignores the history

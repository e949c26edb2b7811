"""Direct answers people can trust, with the real model on four reports of three forces:
the right force, the right kind of answer, and no answer when the reports don't say."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.evaluate import asker, evaluate_answers, read_items
from tests.test_answers import ask

pytestmark = pytest.mark.real_model

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def client(multi_app):
    return multi_app.test_client()


def run(client, name):
    return evaluate_answers(read_items(DATA / name), asker(client), k=10)


@pytest.mark.parametrize(
    ("name", "floor"),
    [("answers-dev.jsonl", 0.85), ("answers-dev2.jsonl", 0.78), ("answers-holdout.jsonl", 0.75)],
)
def test_direct_answer_floors(client, name, floor):
    """Set against regression: the dev sets were tuned on, the holdout set never was."""
    result = run(client, name)
    answers = result["answers"]
    assert answers["wrong_force"] == 0, answers["wrong_force_ids"]
    assert answers["accuracy"] >= floor, result["wrong"]
    assert result["retrieval"]["hit@5"] >= 0.75


def test_a_named_force_scopes_answer_and_passages(client):
    for force, grade in (("Lancashire", "Requires improvement"), ("Cumbria", "Good")):
        data = ask(client, question=f"what grade did {force} get for investigating crime in 2018?")
        assert data["answer"]["kind"] == "grade" and data["answer"]["grade"] == grade
        assert data["answer"]["citation"]["force"] == force
        assert {p["citation"]["force"] for p in data["passages"]} == {force}


def test_a_force_that_is_not_indexed_gets_no_answer_and_what_is(client):
    data = ask(client, question="how good are Kent police at investigating crime?")
    assert data["answer"] is None
    assert "Kent" in data["message"] and "Lancashire" in data["message"]
    assert data["closest"] is True and data["passages"]


def test_compare_has_one_row_per_force_from_the_structure(client):
    data = ask(client, question="compare Lancashire and Cumbria on protecting vulnerable people")
    answer = data["answer"]
    assert answer["kind"] == "compare"
    rows = {(r["force"], r["year"]): r["grade"] for r in answer["rows"]}
    assert rows == {("Lancashire", "2018"): "Good", ("Cumbria", "2018"): "Requires improvement"}
    assert all(r["cite"] and r["passage_id"] for r in answer["rows"])


def test_list_covers_every_indexed_report(client):
    data = ask(client, question="which forces were graded inadequate for anything?")
    rows = data["answer"]["rows"]
    assert {(r["force"], r["year"], r["question_number"]) for r in rows} == {
        ("Lancashire", "2017", 3),
        ("Durham", "2018", 3),
    }


def test_why_after_a_grade_gives_that_questions_reasons(client):
    first = ask(client, question="how did Cumbria do at protecting vulnerable people?")
    assert first["answer"]["kind"] == "grade"
    history = [{"question": first["question"], "passage_ids": [p["id"] for p in first["passages"]]}]
    why = ask(client, question="why?", history=history)
    answer = why["answer"]
    assert answer["kind"] == "reasons" and answer["grade"] == "Requires improvement"
    assert answer["citation"]["force"] == "Cumbria" and answer["citation"]["question_number"] == 3
    assert answer["items"]


def test_figure_answer_is_the_sentence_with_the_figure_and_is_highlighted(client):
    data = ask(client, question="how many extra coppers is Cumbria paying for out of council tax?")
    answer = data["answer"]
    assert answer["kind"] == "sentence" and answer["answer_type"] == "number"
    assert "25 additional officers" in answer["text"]  # Cumbria's figure, not Lancashire's
    top = next(p for p in data["passages"] if p["id"] == answer["passage_id"])
    assert [top["text"][a:b] for a, b in top["highlights"]] == [answer["text"]]


def test_a_figure_the_reports_do_not_give_is_not_made_up(client):
    data = ask(client, question="how many officers did Cumbria move out of neighbourhood teams?")
    assert data["answer"] is None
    assert "no figure" in data["message"]


@pytest.mark.parametrize(
    "question",
    [
        "what is the chief constable of Lancashire paid?",
        "who is the police and crime commissioner for Cumbria?",
        "how do French police deal with domestic abuse?",
        "what does a fire and rescue service inspection cover in Scotland?",
        "will Lancashire be rated outstanding next year?",
        "what's the speed camera fine in Lancashire?",
    ],
)
def test_no_confident_answer_to_what_the_reports_dont_say(client, question):
    data = ask(client, question=question)
    assert data["answer"] is None, data["answer"]
    assert data["message"]

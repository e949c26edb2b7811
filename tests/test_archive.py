"""The archive as people hold it, with the real model: the shipped report and the real page
openings of 11 forces (pillar pages, overview pages, detailed findings, 2021+ reports),
asked the archive question sets (grade, overall, latest, compare, list, trend, fact, none),
written by a helper who had not seen the service's answers."""

from __future__ import annotations

import pytest

from tests.test_direct_answers import run

pytestmark = pytest.mark.real_model


@pytest.fixture(scope="module")
def client(fragment_app):
    return fragment_app.test_client()


@pytest.mark.parametrize(
    ("name", "floor"),
    # dev was tuned on; holdout never was (only its aggregate was looked at)
    [("archive-dev.jsonl", 0.85), ("archive-holdout.jsonl", 0.80)],
)
def test_archive_floors(client, name, floor):
    result = run(client, name)
    answers = result["answers"]
    assert answers["wrong_force"] == 0, answers["wrong_force_ids"]
    assert answers["accuracy"] >= floor, result["wrong"]


def test_every_indexed_force_has_a_page(client, fragment_app):
    with fragment_app.app_context():
        from web.pages import _engine

        forces = sorted({r.force for r in _engine().index.reports})
    for force in forces:
        assert client.get(f"/forces/{force}").status_code == 200, force


def ask(client, question: str) -> dict:
    response = client.post("/api/ask", json={"question": question})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_topic_in_another_pages_words_is_answered_when_a_passage_says_it(client):
    """Greater Manchester's 2018 efficiency opening says how well it understands demand; a
    question in the words of a question title it does not print was refused as not covered."""
    data = ask(
        client,
        "what does the 2018 report say about how well Greater Manchester Police understands "
        "the demand on it?",
    )
    answer = data["answer"]
    assert answer is not None, data["message"]
    assert answer["citation"]["force"] == "Greater Manchester"
    assert "demand" in answer["text"]


def test_what_an_inspection_said_about_a_topic_is_its_words_not_a_grade(client):
    answer = ask(client, "what did the 2014 inspection say about restorative justice in durham?")[
        "answer"
    ]
    assert answer["kind"] == "sentence" and answer["citation"]["force"] == "Durham"
    assert "restorative justice" in answer["text"].lower()

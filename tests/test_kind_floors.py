"""Every kind of question, with the real model on four reports of three forces: why, how
many, who/what/which, "is it working?", three-turn conversations and everyday-word
retrieval, on the held-out sets written blind for them (tests/data/kinds, never tuned on).
The floors are the figures reached less a small margin, against regression."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.evaluate import evaluate, evaluate_answers, read_items

pytestmark = pytest.mark.real_model

KINDS = Path(__file__).resolve().parent / "data" / "kinds"

# Held-out accuracy reached (see README "Direct answers"), less about one question each.
# Measured 2026-12-07 (reasons 8 questions, figure 9, named 9, evaluation 6, conversation 8):
# 1.00, 1.00, 0.89, 0.17 and 0.62; "is it working?" is far from the goal, and one
# conversation's answer came from another force. Second round: "is it working?" 0.50 and
# conversation 0.75, with no answer from another force.
ANSWER_FLOORS = {
    "reasons": 0.85,
    "figure": 0.88,
    "named": 0.77,
    "evaluation": 0.32,
    "conversation": 0.6,
}
WRONG_FORCE_MAX: dict[str, int] = {}
# Measured: hit@5 1.00, MRR@10 0.92, everyday-word questions hit@5 1.00 (15 questions).
RETRIEVAL_FLOORS = {"hit@5": 0.93, "mrr@10": 0.85, "everyday hit@5": 0.9}


@pytest.fixture(scope="module")
def ask(multi_app):
    client = multi_app.test_client()

    def call(body):
        res = client.post("/api/ask", json=body)
        return res.status_code, res.get_json()

    return call


@pytest.mark.parametrize("kind", sorted(ANSWER_FLOORS))
def test_held_out_answers_of_each_kind(ask, kind):
    result = evaluate_answers(read_items(KINDS / f"{kind}-holdout.jsonl"), ask, k=10)
    answers = result["answers"]
    assert answers["wrong_force"] <= WRONG_FORCE_MAX.get(kind, 0), answers["wrong_force_ids"]
    assert answers["accuracy"] >= ANSWER_FLOORS[kind], [w["id"] for w in result["wrong"]]


def test_held_out_everyday_word_retrieval(ask):
    result = evaluate(read_items(KINDS / "retrieval-holdout.jsonl"), ask, k=10)
    overall, everyday = result["overall"], result["by_kind"]["everyday"]
    assert overall["hit@5"] >= RETRIEVAL_FLOORS["hit@5"], result["missed"]
    assert overall["mrr@10"] >= RETRIEVAL_FLOORS["mrr@10"], result["missed"]
    assert everyday["hit@5"] >= RETRIEVAL_FLOORS["everyday hit@5"], result["missed"]

"""Every kind of question, with the real model on four reports of three forces: why, how
many, who/what/which, "is it working?", three-turn conversations and everyday-word
retrieval, on the held-out sets written blind for them (tests/data/kinds, never tuned on).
The floors are the figures reached less a small margin, against regression."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.evaluate import asker, evaluate, evaluate_answers, evaluate_followups, read_items

pytestmark = pytest.mark.real_model

DATA = Path(__file__).resolve().parent / "data"
KINDS = DATA / "kinds"

# Held-out accuracy reached (see README "Direct answers"), less about one question each.
# Measured 2026-12-07 (reasons 8 questions, figure 9, named 9, evaluation 6, conversation 8):
# 1.00, 1.00, 0.89, 0.17 and 0.62; "is it working?" is far from the goal, and one
# conversation's answer came from another force. Second round: "is it working?" 0.50 and
# conversation 0.75, with no answer from another force.
ANSWER_FLOORS = {
    "reasons": 0.85,
    "figure": 0.88,
    "named": 0.77,
    "evaluation": 0.5,  # 0.67 after the fifth round of "is it working?"
    "conversation": 0.6,
    # 4 questions, 1.00 once grade bands were read; two of its lines had been seen by the
    # integrator before that change, so it is no longer blind: the round-4 sets below are
    "gradelist": 0.74,
}
WRONG_FORCE_MAX: dict[str, int] = {}
# Measured: hit@5 1.00, MRR@10 0.92, everyday-word questions hit@5 1.00 (15 questions).
RETRIEVAL_FLOORS = {"hit@5": 0.93, "mrr@10": 0.85, "everyday hit@5": 0.9}


@pytest.fixture(scope="module")
def ask(multi_app):
    return asker(multi_app.test_client())


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


# Later blind sets (round 4: "is it working?", grade lists, a mixed set of every kind,
# follow-ups and everyday retrieval; round 5: figure, named, reasons, fact), each held out and
# never tuned on. Measured 2026-12-07 after the changes they came with (README "Every kind of
# question"), less about one question: gradelist 1.00 (6), evaluation 0.625 (8), mixed 0.79
# (24), figure 0.75 (8), named 1.00 (8), reasons 0.50 (6), fact 1.00 (6).
LATER_FLOORS = {
    "round4a/gradelist-holdout.jsonl": 0.8,
    "round4a/evaluation-holdout.jsonl": 0.75,  # 0.875 after the eighth round
    "round4a/mixed-holdout.jsonl": 0.74,
    "round5/figure-holdout.jsonl": 0.62,
    "round5/named-holdout.jsonl": 0.87,
    "round5/reasons-holdout.jsonl": 0.33,
    "round5/fact-holdout.jsonl": 0.83,
    # Round 7 (tests/data/round7a|b|c), measured 2026-12-07 after its changes: "is it working?"
    # 0.50 (10), reasons 0.67 (6), mixed 0.83 (24); three-turn conversations 0.17 (6) has no
    # accuracy floor worth the name, only the check that no answer comes from another force.
    "round7b/evaluation-holdout.jsonl": 0.4,
    "round7b/reasons-holdout.jsonl": 0.5,
    "round7c/mixed-holdout.jsonl": 0.79,
    "round7a/conversation-holdout.jsonl": 0.5,  # 0.67 after the eighth round
    # Round 8 (tests/data/round8a|b), measured 2026-12-07 after its changes: mixed 0.67 (24);
    # three-turn conversations 0.125 (8) and "is it working?" 0.125 (8) are far from the goal
    # and have no accuracy floor worth the name, only the check that no answer comes from
    # another force.
    "round8b/mixed-holdout.jsonl": 0.62,
    "round8a/conversation-holdout.jsonl": 0.0,
    "round8b/evaluation-holdout.jsonl": 0.25,  # 0.375 after the eleventh round
    # Round 9 (tests/data/round9a|b), measured 2026-12-07 after its changes: "is it working?"
    # 0.58 (12), mixed 0.67 (24), three-turn conversations 0.375 (8).
    "round9a/evaluation-holdout.jsonl": 0.58,  # 0.67 after the eleventh round
    "round9b/mixed-holdout.jsonl": 0.62,
    "round9b/conversation-holdout.jsonl": 0.25,
    # Round 10 (tests/data/round10a|b), measured 2026-12-07 after its changes: "is it
    # working?" 0.58 (12; 0.58 before them too), three-turn conversations 0.17 (12; 0.25
    # before: one lost, README "Tenth round").
    "round10a/evaluation-holdout.jsonl": 0.5,
    "round10b/conversation-holdout.jsonl": 0.08,
}


@pytest.mark.parametrize("name", sorted(LATER_FLOORS))
def test_later_held_out_answers(ask, name):
    result = evaluate_answers(read_items(DATA / name), ask, k=10)
    answers = result["answers"]
    assert answers["wrong_force"] == 0, answers["wrong_force_ids"]
    assert answers["accuracy"] >= LATER_FLOORS[name], [w["id"] for w in result["wrong"]]


# Later held-out everyday-word retrieval (hit@5, MRR@10) and follow-ups with the conversation
# (hit@5), less about one question: round 4 retrieval hit@5 1.00, MRR@10 0.81 (8), follow-ups
# 0.75 (8) after the eighth round, short of the 0.90 goal; round 7 retrieval 0.92, 0.93 (12),
# follow-ups 0.92 (12); round 8 follow-ups 0.875 (8).
LATER_RETRIEVAL_FLOORS = {
    "round4b/retrieval-holdout.jsonl": (0.87, 0.75),
    "round7c/retrieval-holdout.jsonl": (0.83, 0.85),
}
LATER_FOLLOW_UP_FLOORS = {
    "round4b/followups-holdout.jsonl": 0.62,
    "round7a/followups-holdout.jsonl": 0.83,
    "round8a/followups-holdout.jsonl": 0.75,
    "round9b/followups-holdout.jsonl": 0.87,  # 1.00 (8) in round 9
    "round10b/followups-holdout.jsonl": 0.62,  # 0.75 (8) in round 10, before and after
}


@pytest.mark.parametrize("name", sorted(LATER_RETRIEVAL_FLOORS))
def test_later_held_out_retrieval(ask, name):
    hit5, mrr10 = LATER_RETRIEVAL_FLOORS[name]
    retrieval = evaluate(read_items(DATA / name), ask, k=10)
    assert retrieval["overall"]["hit@5"] >= hit5, retrieval["missed"]
    assert retrieval["overall"]["mrr@10"] >= mrr10, retrieval["missed"]


@pytest.mark.parametrize("name", sorted(LATER_FOLLOW_UP_FLOORS))
def test_later_held_out_follow_ups(ask, name):
    followups = evaluate_followups(read_items(DATA / name), ask)
    assert followups["with_history"]["hit@5"] >= LATER_FOLLOW_UP_FLOORS[name], followups["missed"]


# Round 11 (tests/data/round11, round11b): "is it working?" over the real page openings of
# shared/corpus/fragments, written blind by two helpers; measured 2026-12-07: round 11
# held out 0.42 before the eleventh round's changes and 0.33 after (12), round 11b 0.17 and
# 0.21 (24). Far from the goal on real pages; floors against getting worse.
# Round 12 (tests/data/round12): figure, named-thing and fact questions (10 each) over the same
# real pages, written blind and measured once, with no change made for them: 0.43 (figure 0.3,
# named 0.4, fact 0.6) where the synthetic sets' figure and named questions are 0.8-1.0,
# although the answering paragraph is in the first five for 87% of them.
# Round 13 (tests/data/round13): 36 more figure, named-thing and fact questions over the real
# pages, written blind as a dev set and tuned on (0.44 -> 0.69); after that round the held-out
# sets were 0.42 (round 11), 0.29 (round 11b) and 0.47 (round 12), measured 2026-12-07.
# Round 14 (tests/data/round14): 18 more figure, named-thing and fact questions over the real
# pages, written blind after round 13 landed and measured once: 0.39 on the main before round
# 13, 0.44 after; never tuned on.
REAL_PAGE_FLOORS = {
    "round11/evaluation-holdout.jsonl": 0.33,
    "round11b/evaluation-holdout.jsonl": 0.25,
    "round12/mixed-holdout.jsonl": 0.43,
    "round13/mixed-dev.jsonl": 0.8,
    "round14/mixed-holdout.jsonl": 0.5,
    "round15/mixed-holdout.jsonl": 0.2,
}


@pytest.mark.parametrize("name", sorted(REAL_PAGE_FLOORS))
def test_answers_on_real_pages(fragment_app, name):
    result = evaluate_answers(read_items(DATA / name), asker(fragment_app.test_client()), k=10)
    answers = result["answers"]
    assert answers["wrong_force"] == 0, answers["wrong_force_ids"]
    assert answers["accuracy"] >= REAL_PAGE_FLOORS[name], [w["id"] for w in result["wrong"]]

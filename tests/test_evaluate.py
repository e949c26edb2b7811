"""The evaluation command: its metrics, and the public-set floors against regression."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.evaluate import evaluate, judge_answer, read_items, score_question, summarise
from bench.synthetic import EVAL_SET

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


def passages(*texts):
    return [{"id": f"p{i}", "text": t} for i, t in enumerate(texts)]


def test_rank_and_recall_of_gold_paragraphs():
    item = {"id": "x", "question": "q", "gold": ["the gold line", "second gold"], "kind": "multi"}
    outcome = score_question(item, passages("nothing", "has the  gold\nline in it", "more"))
    assert (outcome.rank, outcome.gold_found, outcome.gold_total) == (2, 1, 2)
    summary = summarise([outcome, score_question(item, passages("no", "no"))])
    assert summary["hit@1"] == 0 and summary["hit@5"] == 0.5 and summary["mrr@10"] == 0.25
    assert summary["multi_recall@10"] == 0.25


def test_evaluate_reports_by_kind_and_misses():
    items = [
        {"id": "a", "question": "alpha", "gold": ["alpha"], "kind": "keyword"},
        {"id": "b", "question": "beta", "gold": ["beta"], "kind": "paraphrase"},
    ]

    def ask(body):
        return 200, {"passages": passages(body["question"] if body["question"] == "alpha" else "x")}

    result = evaluate(items, ask, k=10)
    assert result["overall"]["hit@1"] == 0.5
    assert result["by_kind"]["keyword"]["hit@1"] == 1.0
    assert [m["id"] for m in result["missed"]] == ["b"]


def test_bad_question_file_is_refused(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "no gold"}\n')
    with pytest.raises(SystemExit, match="line 1"):
        read_items(bad)


@pytest.mark.real_model
def test_public_set_floors(real_app):
    client = real_app.test_client()

    def ask(body):
        res = client.post("/api/ask", json=body)
        return res.status_code, res.get_json()

    result = evaluate(read_items(EVAL_SET), ask, k=10)
    overall = result["overall"]
    # Floors from the issue, against regression (plain dense retrieval: 0.80 and 0.59).
    assert overall["hit@5"] >= 0.85, result["missed"]
    assert overall["mrr@10"] >= 0.70, result["missed"]


@pytest.mark.real_model
def test_the_command_prints_json(real_index_dir, real_models_dir):
    env = {"QA_INDEX_DIR": str(real_index_dir), "QA_MODELS_DIR": str(real_models_dir)}
    out = subprocess.run(
        [sys.executable, "-m", "bench.evaluate", str(DATA / "followups.jsonl"), "--json"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["with_history"]["questions"] == 15
    assert result["with_history"]["hit@5"] >= result["without_history"]["hit@5"]


@pytest.mark.parametrize(
    ("cited", "right"),
    [("2018/19", True), ("2018", True), ("2017", False), ("2021/22", False)],
)
def test_a_sentence_answer_from_the_asked_cycle_counts_whatever_the_year_is_spelt(cited, right):
    # an overview page says 2018/19 where the pillar pages of the same cycle say 2018
    item = {
        "intent": "evaluation",
        "expect": {"force": "Kent", "year": "2018", "contains": ["improved its accuracy"]},
    }
    data = {
        "answer": {
            "kind": "sentence",
            "text": "It has substantially improved its accuracy since 2017.",
            "citation": {"force": "Kent", "year": cited},
        }
    }
    assert judge_answer(item, data)[0] is right

"""Retrieval with the real model: the right paragraphs come back, correctly cited."""

from __future__ import annotations

import re
import shutil

import pytest

from app import create_app
from bench.synthetic import (
    CANAL_QUESTION,
    CANAL_REPORT,
    REAL_REPORT,
    canal_report_text,
    write_report,
)
from common.errors import ModelChecksumError
from index import encoder as encoder_module

pytestmark = pytest.mark.real_model


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def first_gold_rank(passages: list[dict], gold: list[str]) -> int | None:
    for rank, passage in enumerate(passages, start=1):
        if any(collapse(g) in collapse(passage["text"]) for g in gold):
            return rank
    return None


def test_digital_devices_question_is_answered_with_its_citation(real_app):
    res = real_app.test_client().post(
        "/api/ask", json={"question": "How long do digital devices wait for examination?"}
    )
    passages = res.get_json()["passages"]
    top = next(p for p in passages if "digital forensic examinations" in p["text"])
    assert top["citation"]["question_number"] == 2
    assert top["citation"]["grade"] == "Requires improvement"
    assert top["citation"]["section"] == "Investigation quality"
    assert top["cite"].startswith("Lancashire PEEL 2018 › Effectiveness › Q2 ")


def test_unrelated_question_scores_lower_than_a_related_one(real_app):
    client = real_app.test_client()
    related = client.post("/api/ask", json={"question": "domestic abuse victims", "k": 1})
    unrelated = client.post("/api/ask", json={"question": "premier league football scores", "k": 1})
    assert related.get_json()["passages"][0]["score"] > unrelated.get_json()["passages"][0]["score"]


def test_model_with_wrong_checksum_is_refused(tmp_path, monkeypatch):
    fake = tmp_path / "model"
    fake.mkdir()
    (fake / "model.safetensors").write_bytes(b"not the published weights")
    monkeypatch.setattr(encoder_module, "packaged_model_path", lambda: fake)
    with pytest.raises(ModelChecksumError, match="published"):
        encoder_module.SentenceEncoder()


def test_an_added_report_answers_its_question_until_removed(tmp_path, real_index_dir, real_encoder):
    index_dir = tmp_path / "index"
    shutil.copytree(real_index_dir, index_dir, symlinks=True)  # its embedding cache too
    reports_dir = tmp_path / "reports"
    reports_dir.mkdir()
    shutil.copy(REAL_REPORT, reports_dir)
    app = create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(index_dir),
            "REPORTS_DIR": str(reports_dir),
            "ENCODER": real_encoder,
            "INDEX_CHECK_SECONDS": 0,
        }
    )
    client, runner = app.test_client(), app.test_cli_runner()
    source = write_report(tmp_path / "downloads", CANAL_REPORT, canal_report_text())

    result = runner.invoke(args=["reports", "add", str(source)])
    assert result.exit_code == 0, result.output
    assert "Passages: 4 embedded afresh, 94 reused from the cache (and" in result.output
    top = client.post("/api/ask", json={"question": CANAL_QUESTION}).get_json()["passages"][0]
    assert "eleven canal boats" in top["text"]
    assert top["cite"] == (
        "Northmoor PEEL 2019 › Efficiency › Q1 How well does the force understand demand? "
        "(Adequate) › Waterways › ¶1"
    )

    result = runner.invoke(args=["reports", "remove", CANAL_REPORT])
    assert result.exit_code == 0, result.output
    passages = client.post("/api/ask", json={"question": CANAL_QUESTION}).get_json()["passages"]
    assert {p["citation"]["force"] for p in passages} == {"Lancashire"}

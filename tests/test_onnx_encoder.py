"""Query encoding through ONNX Runtime: same vectors as the torch model, no torch to serve."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bench.synthetic import REAL_REPORT
from corpus import load_reports
from index.adapt import ModelChoice
from index.onnx_encoder import OnnxEncoder, export_onnx, onnx_folder
from index.store import read_manifest

pytestmark = pytest.mark.real_model
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def onnx_encoder(real_encoder, real_models_dir) -> OnnxEncoder:
    onnx_file = export_onnx(real_encoder.path, real_encoder.checksum, real_models_dir)
    return OnnxEncoder(real_encoder.path, onnx_file, real_encoder.name, real_encoder.checksum)


def report_texts() -> list[str]:
    """Every paragraph of the shipped report, plus questions and edge cases."""
    passages = [p.text for _, ps in load_reports(REAL_REPORT.parent) for p in ps]
    long_text = " ".join(passages[:12])  # far over 256 tokens: both must truncate alike
    return passages + ["How long do digital devices wait for examination?", "NPT", long_text]


def test_onnx_embeddings_match_torch(real_encoder, onnx_encoder):
    texts = report_texts()
    torch_vectors = real_encoder.encode(texts)
    onnx_vectors = onnx_encoder.encode(texts)
    assert onnx_vectors.shape == torch_vectors.shape == (len(texts), 384)
    cosines = (torch_vectors * onnx_vectors).sum(axis=1)
    assert cosines.min() > 0.999, texts[int(cosines.argmin())][:80]
    # one at a time (no padding) gives the same vector as in a padded batch
    single = onnx_encoder.encode([texts[0]])[0]
    assert float(single @ onnx_vectors[0]) > 0.99999


def test_onnx_encoder_keeps_the_model_identity(real_encoder, real_index_dir, real_models_dir):
    entry = read_manifest(real_index_dir)["model"]
    models = ModelChoice(models_dir=real_models_dir)
    encoder = models.encoder_for_index(entry)
    assert isinstance(encoder, OnnxEncoder)
    assert (encoder.name, encoder.checksum) == (real_encoder.name, real_encoder.checksum)
    assert encoder.dimension == real_encoder.dimension
    assert models.encoder_for_index(entry) is encoder  # loaded once


def test_a_stale_export_is_replaced(real_encoder, tmp_path):
    onnx_file = export_onnx(real_encoder.path, real_encoder.checksum, tmp_path)
    source = onnx_folder(tmp_path, real_encoder.checksum) / "source.json"
    source.write_text(json.dumps({"sha256": "another model"}), "utf-8")
    onnx_file.write_bytes(b"not a model")
    again = export_onnx(real_encoder.path, real_encoder.checksum, tmp_path)
    assert again == onnx_file and again.stat().st_size > 1_000_000
    assert json.loads(source.read_text("utf-8"))["sha256"] == real_encoder.checksum


def test_serving_answers_without_importing_torch(onnx_encoder, real_index_dir, real_models_dir):
    script = f"""
import sys
from app import create_app
app = create_app({{"INDEX_DIR": {str(real_index_dir)!r}, "MODELS_DIR": {str(real_models_dir)!r},
                  "PRELOAD": True}})
body = app.test_client().post("/api/ask", json={{"question": "digital device examination"}}).json
print(len(body["passages"]), "torch" in sys.modules, "sentence_transformers" in sys.modules,
      "scipy" in sys.modules)
"""
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    # nor bm25s's scipy (16 MB a process): the saved BM25 matrix is scored without it
    assert out.stdout.split() == ["5", "False", "False", "False"]


def test_questions_encoded_at_once_by_many_threads_get_their_own_vectors(
    real_encoder, onnx_encoder, real_models_dir
):
    """A server's encoder (one thread a question, runs bounded by the cores, no memory
    arena): eight threads asking at once get what each question gets alone."""
    import threading

    onnx_file = export_onnx(real_encoder.path, real_encoder.checksum, real_models_dir)
    serving = OnnxEncoder(
        real_encoder.path, onnx_file, real_encoder.name, real_encoder.checksum, threads=1
    )
    questions = [t[:300] for t in report_texts()[:40]]
    alone = np.stack([serving.encode([q])[0] for q in questions])
    together = np.zeros_like(alone)

    def ask(rows: range) -> None:
        for row in rows:
            together[row] = serving.encode([questions[row]])[0]

    threads = [threading.Thread(target=ask, args=(range(i, len(questions), 8),)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    np.testing.assert_allclose(together, alone, atol=1e-6)
    assert float((alone[0] * onnx_encoder.encode([questions[0]])[0]).sum()) > 0.99999


def test_a_rebuild_with_the_model_exported_does_not_import_torch(
    onnx_encoder, real_index_dir, real_models_dir, tmp_path
):
    """Once the build's model is exported, a rebuild (as `make index` or an upload's child
    process runs it) embeds through ONNX without loading torch and sentence-transformers."""
    index_dir = tmp_path / "index"
    shutil.copytree(real_index_dir, index_dir, symlinks=True)
    script = f"""
import sys
from index.adapt import ModelChoice
from index.rebuild import Rebuilder
from index.store import read_manifest
models = ModelChoice(models_dir={str(real_models_dir)!r})
summary = Rebuilder({str(REAL_REPORT.parent)!r}, {str(index_dir)!r}, models).run(full=True)
print(summary.embedded, read_manifest({str(index_dir)!r})["model"]["sha256"])
print("torch" in sys.modules, "sentence_transformers" in sys.modules)
"""
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    built, imported = out.stdout.splitlines()
    assert built.split() == [str(len(report_texts()) - 3), onnx_encoder.checksum]
    assert imported.split() == ["False", "False"]


def test_rankings_agree_with_torch(real_encoder, onnx_encoder):
    passages = [p.text for _, ps in load_reports(REAL_REPORT.parent) for p in ps]
    vectors = real_encoder.encode(passages)
    asked = ["Who checks crime reports are recorded properly?", "How are victims kept safe?"]
    for question in asked:
        torch_rank = np.argsort(-(vectors @ real_encoder.encode([question])[0]))[:5]
        onnx_rank = np.argsort(-(vectors @ onnx_encoder.encode([question])[0]))[:5]
        assert list(torch_rank) == list(onnx_rank)

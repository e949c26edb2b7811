"""Index build, save and load: round trip, manifest checks, failed builds, the swap."""

from __future__ import annotations

import json
import os

import faiss
import numpy as np
import pytest

from common.errors import IndexNotReady, ModelMismatch, RebuildBusy
from corpus import load_reports
from index.store import (
    BUILDS,
    CURRENT,
    HNSW_EF_SEARCH,
    MANIFEST_FILE,
    PASSAGES_FILE,
    build_index,
    build_lock,
    current_build_id,
    load_index,
    vector_index,
)
from tests.conftest import HashEncoder


def test_round_trip(index_dir, reports_dir, encoder):
    parsed = load_reports(reports_dir)
    loaded = load_index(index_dir, encoder.checksum)
    assert loaded.passages == [p for _, ps in parsed for p in ps]
    assert [r.id for r in loaded.reports] == [r.id for r, _ in parsed]
    assert loaded.reports[0].question(2).grade == "Requires improvement"
    manifest = loaded.manifest
    assert manifest["passages"] == len(loaded.passages) == loaded.faiss_index.ntotal
    assert manifest["model"] == {"name": encoder.name, "sha256": encoder.checksum}
    assert set(manifest["reports"]) == {p.name for p in reports_dir.iterdir()}


def test_search_returns_the_nearest_passage(index_dir, encoder):
    loaded = load_index(index_dir)
    target = loaded.passages[40]
    hits = loaded.search(encoder.encode([target.text])[0], 3)
    assert hits[0][0] == target
    assert hits[0][1] == pytest.approx(1.0, abs=1e-5)
    assert len(loaded.search(np.ones(encoder.dimension, dtype=np.float32), 10_000)) == len(
        loaded.passages
    )


def test_other_model_is_refused(index_dir):
    with pytest.raises(ModelMismatch, match="hash-test-encoder"):
        load_index(index_dir, model_checksum="another-model")


def test_missing_or_damaged_index(tmp_path, index_dir):
    with pytest.raises(IndexNotReady, match="no index"):
        load_index(tmp_path / "nowhere")
    with open(index_dir / CURRENT / PASSAGES_FILE, "a", encoding="utf-8") as fh:
        fh.write("{}\n")
    with pytest.raises(IndexNotReady, match="damaged"):
        load_index(index_dir)


def test_failed_build_keeps_the_old_index(index_dir, reports_dir, encoder):
    before = (index_dir / CURRENT / MANIFEST_FILE).read_text()
    builds_before = sorted(os.listdir(index_dir / BUILDS))

    class Broken:
        name, checksum, dimension = encoder.name, encoder.checksum, encoder.dimension

        def encode(self, texts):
            raise KeyboardInterrupt  # as if the user pressed Ctrl-C mid-build

    with pytest.raises(KeyboardInterrupt):
        build_index(load_reports(reports_dir), Broken(), index_dir)
    assert (index_dir / CURRENT / MANIFEST_FILE).read_text() == before
    assert load_index(index_dir).manifest == json.loads(before)
    assert sorted(os.listdir(index_dir / BUILDS)) == builds_before


def test_a_build_is_swapped_in_by_one_symlink(index_dir, reports_dir, encoder):
    first = current_build_id(index_dir)
    assert os.readlink(index_dir / CURRENT) == f"{BUILDS}/{first}"
    second = build_index(load_reports(reports_dir), encoder, index_dir)["build_id"]
    assert current_build_id(index_dir) == second != first
    assert load_index(index_dir).manifest["previous_build"] == first
    third = build_index(load_reports(reports_dir), encoder, index_dir)["build_id"]
    # The build before the current one stays (a server may still be loading it); older go.
    assert sorted(os.listdir(index_dir / BUILDS)) == sorted([second, third])
    assert sorted(p.name for p in index_dir.iterdir()) == [".lock", BUILDS, "cache", CURRENT]


def test_a_second_build_refuses_while_one_holds_the_lock(index_dir, reports_dir, encoder):
    before = current_build_id(index_dir)
    with build_lock(index_dir).hold():
        with pytest.raises(RebuildBusy, match=rf"rebuild of the index .* process {os.getpid()}"):
            build_index(load_reports(reports_dir), encoder, index_dir)
    assert current_build_id(index_dir) == before
    build_index(load_reports(reports_dir), encoder, index_dir)
    assert current_build_id(index_dir) != before


def test_small_index_is_exact(index_dir, encoder):
    loaded = load_index(index_dir, encoder.checksum)
    assert loaded.manifest["vector_index"] == {"type": "flat"}
    assert isinstance(loaded.faiss_index, faiss.IndexFlatIP)


def test_index_over_the_exact_limit_is_a_graph_and_still_answers(tmp_path, reports_dir):
    encoder = HashEncoder()
    folder = tmp_path / "graph-index"
    manifest = build_index(load_reports(reports_dir), encoder, folder, exact_limit=5)
    assert manifest["vector_index"]["type"] == "hnsw"
    loaded = load_index(folder, encoder.checksum)
    assert isinstance(loaded.faiss_index, faiss.IndexHNSW)
    assert loaded.faiss_index.hnsw.efSearch == HNSW_EF_SEARCH
    # the retriever reads candidate vectors back out of the graph's storage
    rows = np.arange(len(loaded.passages))
    assert np.allclose(
        loaded.faiss_index.reconstruct_batch(rows), loaded.exact_index.reconstruct_batch(rows)
    )
    question = encoder.encode(["digital devices waiting for examination"])[0]
    graph = [p.id for p, _ in loaded.search(question, 5)]
    _, exact = loaded.exact_index.search(question.reshape(1, -1), 5)
    assert graph == [loaded.passages[r].id for r in exact[0]]


def test_graph_index_recall_against_exact_search():
    rng = np.random.default_rng(0)
    # clustered, like paragraph embeddings: 40 topics, 4,000 vectors around them
    centres = rng.normal(size=(40, 64))
    vectors = centres[rng.integers(0, 40, 4000)] + 0.6 * rng.normal(size=(4000, 64))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    queries = vectors[:200] + 0.3 * rng.normal(size=(200, 64)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    graph = vector_index(vectors, exact_limit=1000)
    exact = vector_index(vectors, exact_limit=10_000)
    assert isinstance(graph, faiss.IndexHNSW) and isinstance(exact, faiss.IndexFlatIP)
    _, found = graph.search(queries, 10)
    _, truth = exact.search(queries, 10)
    recall = np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth, strict=True)])
    assert recall >= 0.99

"""The vector store (index/vectors.py): both backends search, filter, save and load alike."""

from __future__ import annotations

import numpy as np
import pytest

from index.vectors import (
    ExactVectors,
    GraphVectors,
    VectorsUnreadable,
    build_vectors,
    load_vectors,
)


def clustered(n: int = 4000, dimension: int = 64, seed: int = 0):
    """Vectors around 40 topics, like paragraph embeddings, and questions near some."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(40, dimension))
    vectors = centres[rng.integers(0, 40, n)] + 0.6 * rng.normal(size=(n, dimension))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    asked = min(n, 200)
    queries = vectors[:asked] + 0.3 * rng.normal(size=(asked, dimension)).astype(np.float32)
    return vectors, queries / np.linalg.norm(queries, axis=1, keepdims=True)


def test_the_backend_follows_the_exact_limit():
    vectors, _ = clustered(300)
    assert isinstance(build_vectors(vectors, exact_limit=300), ExactVectors)
    graph = build_vectors(vectors, exact_limit=299)
    assert isinstance(graph, GraphVectors)
    assert graph.describe()["type"] == "hnsw" and len(graph) == 300


@pytest.mark.parametrize("limit", [10_000, 100])
def test_save_and_load_give_back_the_same_store(tmp_path, limit):
    vectors, queries = clustered(500)
    store = build_vectors(vectors, exact_limit=limit)
    name = store.save(tmp_path)
    with open(tmp_path / name, "rb") as fh:
        from_file = load_vectors(fh, store.describe())
    for loaded in (load_vectors((tmp_path / name).read_bytes(), store.describe()), from_file):
        assert loaded.describe() == store.describe()
        rows = np.array([0, 7, 499, 7])
        # a graph keeps float16 vectors: about three significant digits
        assert np.allclose(loaded.vectors(rows), vectors[rows], atol=1e-3)
        assert np.array_equal(loaded.search(queries, 5)[1], store.search(queries, 5)[1])


def test_a_graph_is_only_read_as_the_storage_its_manifest_names(tmp_path, monkeypatch):
    vectors, _ = clustered(50)
    monkeypatch.setattr(GraphVectors, "storage", "float32")
    wide = build_vectors(vectors, exact_limit=0)
    data = (tmp_path / wide.save(tmp_path)).read_bytes()
    assert load_vectors(data, wide.describe()).describe()["storage"] == "float32"
    with pytest.raises(VectorsUnreadable, match="not the hnsw index"):
        load_vectors(data, {**wide.describe(), "storage": "float16"})


def test_a_file_that_is_not_what_the_manifest_says_is_refused(tmp_path):
    vectors, _ = clustered(50)
    store = build_vectors(vectors)
    data = (tmp_path / store.save(tmp_path)).read_bytes()
    with pytest.raises(VectorsUnreadable, match="not the hnsw index"):
        load_vectors(data, {"type": "hnsw"})
    with pytest.raises(VectorsUnreadable, match="not a FAISS index"):
        load_vectors(data[:100], {"type": "flat"})
    with pytest.raises(VectorsUnreadable, match="unknown vector index type"):
        load_vectors(data, {"type": "qdrant"})
    (tmp_path / "cut.faiss").write_bytes(data[: len(data) // 2])
    with open(tmp_path / "cut.faiss", "rb") as fh, pytest.raises(VectorsUnreadable):
        load_vectors(fh, {"type": "flat"})


def test_the_graph_finds_what_exact_search_finds():
    vectors, queries = clustered()
    graph = build_vectors(vectors, exact_limit=1000)
    assert graph.describe()["storage"] == "float16"
    _, found = graph.search(queries, 10)
    _, truth = ExactVectors.build(vectors).search(queries, 10)  # float32, every row
    recall = np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth, strict=True)])
    assert recall >= 0.99


@pytest.mark.parametrize("limit", [10_000, 1000])
def test_a_search_within_allowed_rows_is_exact_and_stays_inside_them(limit):
    vectors, queries = clustered()
    store = build_vectors(vectors, exact_limit=limit)
    allowed = np.zeros(len(vectors), dtype=bool)
    allowed[3::50] = True  # 80 rows of 4,000: too few for a graph walk to find by chance
    scores, rows = store.search(queries[:20], 10, allowed=allowed)
    expected = (vectors[allowed] @ queries[:20].T).T
    for query_rows, query_scores, truth in zip(rows, scores, expected, strict=True):
        assert allowed[query_rows].all()
        # every allowed row scored, each as its stored (float16, in a graph) vector scores
        assert np.allclose(query_scores, np.sort(truth)[::-1][:10], atol=1e-3)


def test_more_asked_than_allowed_gives_what_there_is():
    vectors, queries = clustered(100)
    allowed = np.zeros(100, dtype=bool)
    allowed[[4, 9]] = True
    _, rows = build_vectors(vectors).search(queries[0], 10, allowed=allowed)
    assert sorted(r for r in rows[0] if r >= 0) == [4, 9]


def test_no_other_module_imports_faiss():
    """Changing the vector store (float16, another index, an external engine) touches
    index/vectors.py only."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    importers = [
        path.relative_to(root).as_posix()
        for folder in ("corpus", "index", "qa", "bench", "tests", "web", "common")
        for path in (root / folder).rglob("*.py")
        if re.search(r"^\s*(import faiss|from faiss\b)", path.read_text("utf-8"), re.M)
    ] + [
        path.name
        for path in root.glob("*.py")
        if re.search(r"^\s*(import faiss|from faiss\b)", path.read_text("utf-8"), re.M)
    ]
    assert importers == ["index/vectors.py"]

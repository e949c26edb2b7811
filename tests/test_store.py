"""Builds published and loaded: round trip, manifest checks, failed builds, the swap."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from common.errors import IndexNotReady, ModelMismatch, RebuildBusy
from corpus import load_reports
from index.load import load_index
from index.manifest import MANIFEST_FILE, PASSAGES_FILE
from index.store import BUILDS, CURRENT, build_lock, current_build_id
from index.vectors import HNSW_EF_SEARCH, GraphVectors
from tests.conftest import HashEncoder, build


def test_round_trip(index_dir, reports_dir, encoder):
    parsed = load_reports(reports_dir)
    loaded = load_index(index_dir, encoder.checksum)
    assert list(loaded.passages) == [p for _, ps in parsed for p in ps]
    assert [r.id for r in loaded.reports] == [r.id for r, _ in parsed]
    assert loaded.reports[0].question(2).grade == "Requires improvement"
    manifest = loaded.manifest
    assert manifest["passages"] == len(loaded.passages) == len(loaded.vectors)
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
        build(reports_dir, Broken(), index_dir)
    assert (index_dir / CURRENT / MANIFEST_FILE).read_text() == before
    assert load_index(index_dir).manifest == json.loads(before)
    assert sorted(os.listdir(index_dir / BUILDS)) == builds_before


def test_a_build_is_swapped_in_by_one_symlink(index_dir, reports_dir, encoder):
    first = current_build_id(index_dir)
    assert os.readlink(index_dir / CURRENT) == f"{BUILDS}/{first}"
    second = build(reports_dir, encoder, index_dir)["build_id"]
    assert current_build_id(index_dir) == second != first
    assert load_index(index_dir).manifest["previous_build"] == first
    third = build(reports_dir, encoder, index_dir)["build_id"]
    # The build before the current one stays (a server may still be loading it); older go.
    assert sorted(os.listdir(index_dir / BUILDS)) == sorted([second, third])
    assert sorted(p.name for p in index_dir.iterdir()) == [".lock", BUILDS, "cache", CURRENT]


def test_a_second_build_refuses_while_one_holds_the_lock(index_dir, reports_dir, encoder):
    before = current_build_id(index_dir)
    with build_lock(index_dir).hold():
        with pytest.raises(RebuildBusy, match=rf"rebuild of the index .* process {os.getpid()}"):
            build(reports_dir, encoder, index_dir)
    assert current_build_id(index_dir) == before
    build(reports_dir, encoder, index_dir)
    assert current_build_id(index_dir) != before


def test_small_index_is_exact(index_dir, encoder):
    loaded = load_index(index_dir, encoder.checksum)
    assert loaded.manifest["vector_index"] == {"type": "flat"}
    assert loaded.vectors.describe() == {"type": "flat"}


def test_index_over_the_exact_limit_is_a_graph_and_still_answers(tmp_path, reports_dir):
    encoder = HashEncoder()
    folder = tmp_path / "graph-index"
    manifest = build(reports_dir, encoder, folder, exact_limit=5)
    assert manifest["vector_index"]["type"] == "hnsw"
    loaded = load_index(folder, encoder.checksum)
    assert isinstance(loaded.vectors, GraphVectors)
    assert loaded.vectors.ef_search == HNSW_EF_SEARCH
    question = encoder.encode(["digital devices waiting for examination"])[0]
    graph = [p.id for p, _ in loaded.search(question, 5)]
    _, exact = loaded.vectors.exact().search(question, 5)
    assert graph == [loaded.passages[r].id for r in exact[0]]


def _flip_a_byte(path) -> None:
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_index_verify_finds_what_the_cheap_checks_at_load_leave_alone(index_dir, runner):
    result = runner.invoke(args=["index", "verify"])
    assert result.exit_code == 0, result.output
    assert f"Build {current_build_id(index_dir)}" in result.output and "whole" in result.output
    # Same size, other bytes: loading checks sizes only, the full check reads every file.
    _flip_a_byte(index_dir / CURRENT / PASSAGES_FILE)
    result = runner.invoke(args=["index", "verify"])
    assert result.exit_code == 1
    assert "passages/text.z is missing or damaged" in result.output
    assert "Traceback" not in result.output


def test_a_manifest_edited_by_hand_is_refused_at_load(index_dir):
    path = index_dir / CURRENT / MANIFEST_FILE
    path.chmod(0o644)
    manifest = json.loads(path.read_text("utf-8"))
    manifest["passages"] += 1
    path.write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(IndexNotReady, match="its own checksum does not match"):
        load_index(index_dir)


def test_a_file_of_the_wrong_size_is_refused_at_load(index_dir):
    path = index_dir / CURRENT / "keyword" / "vocab.index.json"
    path.chmod(0o644)
    path.write_text(path.read_text("utf-8") + " ", "utf-8")
    with pytest.raises(IndexNotReady, match="vocab.index.json is missing or damaged"):
        load_index(index_dir)

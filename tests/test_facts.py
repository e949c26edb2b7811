"""index/facts.py: what each passage states and the words it uses, worked out when a build
is made, stored in it, and read at load instead of scanning every passage; a build made
before they were stored still loads, with them worked out then."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest

from common.errors import IndexNotReady
from corpus import load_reports
from index import facts
from index.keyword import tokenize
from index.load import load_index
from index.manifest import MANIFEST_FILE, describe_files, write_manifest
from index.store import CURRENT
from qa.intent import states_improvement, states_judgement


def test_a_build_stores_what_each_passage_states(index_dir, reports_dir):
    passages = [p for _, ps in load_reports(reports_dir) for p in ps]
    loaded = load_index(index_dir)
    assert loaded.manifest["facts"] == facts.VERSION
    assert {facts.STATEMENTS_FILE, facts.WORDS_FILE} <= set(loaded.manifest["files"])
    assert loaded.facts.judgement.tolist() == [states_judgement(p) for p in passages]
    assert loaded.facts.improvement.tolist() == [states_improvement(p) for p in passages]
    assert loaded.facts.judgement.any() and loaded.facts.improvement.any()
    words = {w for p in passages for w in p.text.lower().replace("-", " ").split()}
    assert {w for w in words if w.isalpha() and w.isascii()} <= loaded.facts.words
    assert all(w.isalpha() and w == w.lower() for w in loaded.facts.words)


def _strip_facts(folder) -> None:
    """Make the build look like one made before facts were stored (format 3 as released)."""
    manifest = json.loads((folder / MANIFEST_FILE).read_text("utf-8"))
    for name in facts.FILES:
        (folder / name).unlink()
    (folder / MANIFEST_FILE).chmod(0o644)
    del manifest["facts"]
    checksums, sizes = describe_files(folder)
    write_manifest(folder, {**manifest, "files": checksums, "sizes": sizes})


def test_an_older_build_without_facts_loads_with_the_same_facts(index_dir, caplog):
    stored = load_index(index_dir).facts
    _strip_facts(index_dir / CURRENT)
    worked_out = load_index(index_dir).facts
    assert "working them out now" in caplog.text
    assert np.array_equal(worked_out.judgement, stored.judgement)
    assert np.array_equal(worked_out.improvement, stored.improvement)
    assert worked_out.words == stored.words


def test_damaged_facts_are_refused_at_load(index_dir):
    path = index_dir / CURRENT / facts.WORDS_FILE
    path.chmod(0o644)
    path.write_text(path.read_text("utf-8") + " ", "utf-8")
    with pytest.raises(IndexNotReady, match="words.json is missing or damaged"):
        load_index(index_dir)


def test_facts_of_another_length_are_refused_at_load(index_dir):
    folder = index_dir / CURRENT
    manifest = json.loads((folder / MANIFEST_FILE).read_text("utf-8"))
    path = folder / facts.STATEMENTS_FILE
    path.chmod(0o644)
    np.save(path, np.zeros((3, 2), dtype=bool))
    (folder / MANIFEST_FILE).chmod(0o644)
    checksums, sizes = describe_files(folder)
    write_manifest(folder, {**manifest, "files": checksums, "sizes": sizes})
    with pytest.raises(IndexNotReady, match="do not match its passages"):
        load_index(index_dir)


def test_document_frequency_is_read_off_the_keyword_index(index_dir):
    loaded = load_index(index_dir)
    counted = Counter(
        t for tokens in tokenize([p.text for p in loaded.passages]) for t in set(tokens)
    )
    assert loaded.keyword.document_frequency() == dict(counted)

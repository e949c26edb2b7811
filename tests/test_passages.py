"""The passages of a build held in columns (index/passages.py): the same records back, found
by id and by unit, and a clear error for damaged or older build files."""

from __future__ import annotations

import json

import numpy as np
import pytest

from common.errors import IndexNotReady
from corpus import load_reports
from corpus.records import Passage
from index import passages as store_files
from index.encoder import file_sha256
from index.load import load_index
from index.manifest import MANIFEST_FILE, seal
from index.passages import PassageStore, PassagesUnreadable
from index.store import CURRENT

ODD = [
    Passage(
        id="a-overview-p1",
        text="Café culture — “quoted” text, 2 lines\nand a tab\there.",
        report="a",
        force="Avon & Somerset",
        year="2018/19",
        pillar=None,
        question_number=None,
        question=None,
        grade=None,
        section=None,
        paragraph=1,
    ),
    Passage(
        id="a-q2-p3",
        text="",
        report="a",
        force="Avon & Somerset",
        year="2018/19",
        pillar="Effectiveness",
        question_number=2,
        question="How effective is the force at investigating crime?",
        grade="Good",
        section="Areas for improvement",
        paragraph=3,
        unit="q2",
        unit_label="Q2",
        unit_title="How effective is the force at investigating crime?",
        page=14,
    ),
]


def test_the_records_come_back_as_they_went_in(tmp_path):
    PassageStore.of(ODD).save(tmp_path)
    store = PassageStore.read(tmp_path)
    assert len(store) == 2
    assert list(store) == ODD
    assert store[-1] == ODD[1] and store[0:2] == ODD
    with pytest.raises(IndexError):
        store[2]
    assert store.text(0) == ODD[0].text
    assert list(store.column("pillar")) == [None, "Effectiveness"]
    assert list(store.column("question_number")) == [None, 2]
    assert store.rows_by_id()["a-q2-p3"] == 1
    assert "a-q2-p4" not in store.rows_by_id()
    assert store.rows_by_unit() == {("a", "overview"): [0], ("a", "q2"): [1]}


def test_a_build_gives_the_passages_the_parser_made(index_dir, reports_dir):
    parsed = [p for _, ps in load_reports(reports_dir) for p in ps]
    loaded = load_index(index_dir)
    assert list(loaded.passages) == parsed
    rows = loaded.passages.rows_by_id()
    assert all(rows[p.id] == row for row, p in enumerate(parsed))
    units: dict[tuple[str, str], list[int]] = {}
    for row, p in enumerate(parsed):
        units.setdefault((p.report, p.unit), []).append(row)
    assert loaded.rows_by_unit == units


def test_passage_files_that_do_not_agree_are_refused(tmp_path):
    PassageStore.of(ODD).save(tmp_path)
    offsets = np.load(tmp_path / store_files.OFFSETS_FILE)
    offsets[1, 0] = 10_000  # past the end of the texts
    np.save(tmp_path / store_files.OFFSETS_FILE, offsets)
    with pytest.raises(PassagesUnreadable, match="offsets"):
        PassageStore.read(tmp_path)
    PassageStore.of(ODD).save(tmp_path)
    (tmp_path / store_files.STRINGS_FILE).write_text(json.dumps({"fields": ["force"]}))
    with pytest.raises(PassagesUnreadable, match="fields"):
        PassageStore.read(tmp_path)


def test_damaged_passages_are_a_clear_error(index_dir):
    path = index_dir / CURRENT / store_files.FIELDS_FILE
    path.chmod(0o644)
    fields = np.load(path)
    fields[:, 0] = 1_000_000  # a report string that is not in the table, same size
    np.save(path, fields)
    with pytest.raises(IndexNotReady, match="fields.npy is missing or damaged .*make index"):
        load_index(index_dir)  # its checksum is not the one recorded
    manifest_path = index_dir / CURRENT / MANIFEST_FILE
    manifest = json.loads(manifest_path.read_text())
    manifest["files"][store_files.FIELDS_FILE] = file_sha256(path)  # as if written so
    manifest_path.chmod(0o644)
    manifest_path.write_text(json.dumps(seal(manifest)))
    with pytest.raises(IndexNotReady, match="passages .* unreadable .*make index"):
        load_index(index_dir)


def test_a_build_of_the_older_format_asks_for_a_rebuild(index_dir):
    path = index_dir / CURRENT / MANIFEST_FILE
    manifest = json.loads(path.read_text())
    path.chmod(0o644)
    path.write_text(json.dumps(seal({**manifest, "format": 3})))
    with pytest.raises(IndexNotReady, match=r"older version \(build format 3.*make index"):
        load_index(index_dir)


def test_texts_held_compressed_come_back_verbatim_across_blocks(tmp_path):
    """Every text of the real report, in blocks of a few passages each (the last one
    short), comes back byte for byte, read in any order and more than once."""
    from bench.synthetic import REAL_REPORT

    real = [p for _, ps in load_reports(REAL_REPORT.parent) for p in ps]
    assert len(real) % store_files.BLOCK  # a short last block is covered
    PassageStore.of(real + ODD).save(tmp_path)
    store = PassageStore.read(tmp_path)
    rows = list(range(len(store)))
    for row in rows[::-1] + rows[::7] + rows:
        assert store.text(row) == (real + ODD)[row].text
    assert list(store) == real + ODD
    stored = (tmp_path / store_files.TEXT_FILE).stat().st_size
    assert stored < sum(len(p.text.encode("utf-8")) for p in real) / 2


def test_a_damaged_block_of_texts_is_a_clear_error_not_other_words(tmp_path):
    from bench.synthetic import REAL_REPORT

    real = [p for _, ps in load_reports(REAL_REPORT.parent) for p in ps]
    PassageStore.of(real).save(tmp_path)
    path = tmp_path / store_files.TEXT_FILE
    data = bytearray(path.read_bytes())
    blocks = np.load(tmp_path / store_files.BLOCKS_FILE)
    data[int(blocks[2]) + 20] ^= 0xFF  # the third block, same size
    path.write_bytes(bytes(data))
    store = PassageStore.read(tmp_path)
    assert store.text(0) == real[0].text  # other blocks read as before
    with pytest.raises(IndexNotReady, match="texts of passages 16 to 23 are damaged"):
        store.text(2 * store_files.BLOCK + 1)

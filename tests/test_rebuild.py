"""Incremental rebuilds: only new paragraphs are embedded, bad reports and crashes lose nothing."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bench.synthetic import (
    CANAL_QUESTION,
    CANAL_REPORT,
    canal_report_text,
    embedded_texts,
    write_report,
)
from common.errors import RebuildBusy, ReportParseError
from corpus.reports import NewReport, add_reports
from index.cache import cache_path
from index.load import load_index as load
from index.manifest import PASSAGES_FILE
from index.rebuild import LoadedModel, Rebuilder
from index.store import BUILDS, CACHE, CURRENT, build_lock, current_build_id
from tests.conftest import HashEncoder

ROOT = Path(__file__).resolve().parents[1]
CANAL_PASSAGES = 4


@pytest.fixture
def rebuilder(app) -> Rebuilder:
    return app.extensions["rebuilder"]


def embedded_by(encoder, action):
    """The texts ``action`` had the encoder embed (passages and sentences), and its result."""
    before = len(encoder.encoded)
    result = action()
    return encoder.encoded[before:], result


def passages_among(texts, index_dir) -> int:
    """How many of ``texts`` are whole passages of the current index."""
    whole = {p.text for p in load(index_dir).passages}
    return sum(1 for t in texts if t in whole)


def top_passage(client, question):
    res = client.post("/api/ask", json={"question": question, "k": 1})
    assert res.status_code == 200
    return res.get_json()["passages"][0]


def leftovers(index_dir):
    """Anything a crashed build may have left behind."""
    places = [index_dir, index_dir / BUILDS, index_dir / CACHE]
    return [p.name for place in places if place.is_dir() for p in place.glob(".tmp-*")]


def test_adding_a_report_embeds_only_its_paragraphs(
    rebuilder, encoder, reports_dir, index_dir, client
):
    write_report(reports_dir, CANAL_REPORT, canal_report_text())
    texts, summary = embedded_by(encoder, rebuilder.run)
    assert set(texts) <= embedded_texts(canal_report_text())  # nothing of the other reports
    assert passages_among(texts, index_dir) == summary.embedded == CANAL_PASSAGES
    assert summary.added == [CANAL_REPORT] and summary.changed == summary.removed == []
    assert len(summary.unchanged) == 2
    assert summary.reused == summary.passages - CANAL_PASSAGES
    top = top_passage(client, CANAL_QUESTION)
    assert "eleven canal boats" in top["text"]
    assert top["citation"] == {
        "force": "Northmoor",
        "year": "2019",
        "pillar": "Efficiency",
        "question_number": 1,
        "question": "How well does the force understand demand?",
        "grade": "Adequate",
        "section": "Waterways",
        "paragraph": 1,
        "unit": "q1",
        "unit_label": "Q1",
        "unit_title": "How well does the force understand demand?",
        "page": None,
    }


def test_nothing_changed_embeds_nothing(rebuilder, encoder, index_dir):
    build = current_build_id(index_dir)
    texts, summary = embedded_by(encoder, rebuilder.run)
    assert texts == [] and summary.up_to_date and summary.embedded == 0
    assert current_build_id(index_dir) == build == summary.build_id
    assert summary.lines(index_dir)[0].startswith("Index up to date: 2 report(s)")


def test_full_embeds_everything_again(rebuilder, encoder, index_dir):
    build = current_build_id(index_dir)
    texts, summary = embedded_by(encoder, lambda: rebuilder.run(full=True))
    assert passages_among(texts, index_dir) == summary.embedded == len(load(index_dir).passages)
    assert summary.reused == 0
    assert current_build_id(index_dir) != build


def test_a_changed_paragraph_is_the_only_one_embedded(rebuilder, encoder, reports_dir):
    path = reports_dir / "testshire-2018-legitimacy.txt"
    path.write_text(path.read_text().replace("lantern-maker", "candle-maker"))
    texts, summary = embedded_by(encoder, rebuilder.run)
    assert summary.changed == ["testshire-2018-legitimacy.txt"]
    assert summary.embedded == 1 and texts and all("candle-maker" in t for t in texts)


def test_removing_a_report_drops_it(rebuilder, encoder, reports_dir, index_dir, client):
    write_report(reports_dir, CANAL_REPORT, canal_report_text())
    rebuilder.run()
    (reports_dir / CANAL_REPORT).unlink()
    texts, summary = embedded_by(encoder, rebuilder.run)
    assert texts == [] and summary.removed == [CANAL_REPORT]
    assert "Northmoor" not in {r.force for r in load(index_dir).reports}
    assert top_passage(client, CANAL_QUESTION)["citation"]["force"] != "Northmoor"


def test_a_bad_report_stops_the_rebuild_before_anything_is_written(
    rebuilder, encoder, reports_dir, index_dir, client
):
    answer = top_passage(client, "lantern-maker scheme")
    build = current_build_id(index_dir)
    state = {p: p.read_bytes() for p in index_dir.rglob("*") if p.is_file()}
    others = {p.name: p.read_bytes() for p in reports_dir.iterdir()}
    write_report(reports_dir, CANAL_REPORT, canal_report_text())
    bad = write_report(reports_dir, "z-broken.txt", "Northmoor PEEL 2019\nEfficiency\n")
    embedded = encoder.texts_encoded
    with pytest.raises(ReportParseError, match=rf"^{re.escape(str(bad))}, line 2: no paragraphs"):
        rebuilder.run()
    assert encoder.texts_encoded == embedded and current_build_id(index_dir) == build
    assert {p: p.read_bytes() for p in index_dir.rglob("*") if p.is_file()} == state
    assert all((reports_dir / name).read_bytes() == data for name, data in others.items())
    assert top_passage(client, "lantern-maker scheme") == answer


def test_a_damaged_cache_costs_time_not_correctness(rebuilder, encoder, reports_dir, index_dir):
    path = cache_path(index_dir / CACHE, encoder.checksum)
    path.write_bytes(path.read_bytes()[:-10])
    write_report(reports_dir, CANAL_REPORT, canal_report_text())
    texts, summary = embedded_by(encoder, rebuilder.run)
    assert passages_among(texts, index_dir) == summary.passages
    assert "damaged embedding cache" in summary.notes[0]
    assert len(load(index_dir).passages) == summary.passages


def test_a_damaged_index_is_rebuilt_from_the_cache(rebuilder, encoder, index_dir):
    with open(index_dir / CURRENT / PASSAGES_FILE, "a", encoding="utf-8") as fh:
        fh.write("{}\n")
    texts, summary = embedded_by(encoder, rebuilder.run)
    assert texts == [] and "damaged" in summary.reason
    assert load(index_dir).build_id == summary.build_id


def test_another_model_embeds_everything(reports_dir, index_dir):
    class OtherEncoder(HashEncoder):
        checksum = "hash-test-encoder-v2"

    model = LoadedModel(OtherEncoder())
    summary = Rebuilder(reports_dir, index_dir, model).run()
    assert summary.reason == "the model has changed"
    assert passages_among(model.encoder.encoded, index_dir) == summary.passages == summary.embedded


def test_a_second_rebuild_refuses_or_waits(rebuilder, reports_dir, index_dir):
    write_report(reports_dir, CANAL_REPORT, canal_report_text())
    lock = build_lock(index_dir).hold()
    with pytest.raises(RebuildBusy, match=rf"a rebuild of the index .*process {os.getpid()}"):
        rebuilder.run(wait=0)
    releaser = threading.Timer(0.2, lock.release)
    releaser.start()
    summary = rebuilder.run(wait=30)  # waits for the release, then builds
    releaser.join()
    assert summary.added == [CANAL_REPORT]


@pytest.mark.parametrize(
    ("stage", "embedded_after"),
    [("embedding", CANAL_PASSAGES), ("cache", CANAL_PASSAGES), ("build", 0), ("swap", 0)],
)
def test_a_killed_rebuild_leaves_the_old_index_serving(
    stage, embedded_after, rebuilder, encoder, reports_dir, index_dir, client
):
    answer = top_passage(client, "lantern-maker scheme")
    build = current_build_id(index_dir)
    write_report(reports_dir, CANAL_REPORT, canal_report_text())
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.rebuild_child", str(reports_dir), str(index_dir), stage],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = child.stdout.readline()  # the child stops itself after 60 s at most
        assert line.strip() == f"STOPPED AT {stage}", line + child.stdout.read()
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=30)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL

    # The old index is still current, whole, and answering.
    assert current_build_id(index_dir) == build
    assert load(index_dir, encoder.checksum).build_id == build
    assert top_passage(client, "lantern-maker scheme") == answer
    # The next rebuild is not stopped by what the killed one left, and clears it away.
    texts, summary = embedded_by(encoder, lambda: rebuilder.run(wait=0))
    # what the killed one had saved in the cache is reused
    assert passages_among(texts, index_dir) == embedded_after
    assert summary.added == [CANAL_REPORT] and leftovers(index_dir) == []
    assert sorted(os.listdir(index_dir / BUILDS)) == sorted([build, summary.build_id])
    assert top_passage(client, CANAL_QUESTION)["citation"]["force"] == "Northmoor"


def test_a_new_published_address_alone_makes_a_build_without_embedding(
    rebuilder, encoder, reports_dir, index_dir, client
):
    name = "testshire-2018-legitimacy.txt"
    url = "https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/testshire-2018/"
    same = NewReport(name, (reports_dir / name).read_bytes(), name, source_url=url)
    add_reports(reports_dir, [same], replace=True)
    assert rebuilder.behind() == {"added": [], "changed": [], "removed": [], "sources": [name]}
    build = current_build_id(index_dir)

    texts, summary = embedded_by(encoder, rebuilder.run)
    assert not summary.up_to_date and summary.sources == [name]
    assert summary.reason == "the published address of a report has changed"
    assert texts == [] and summary.embedded == summary.sentences_embedded == 0
    assert "  published address changed: " + name in summary.lines(index_dir)
    assert current_build_id(index_dir) == summary.build_id != build
    assert rebuilder.behind() is None and rebuilder.run().up_to_date
    served = {r["file"]: r["source_url"] for r in client.get("/api/reports").get_json()["reports"]}
    assert served[name] == url and set(served.values()) == {url, None}

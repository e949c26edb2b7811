"""What the command line prints while it works: each step said in words, no library
warnings or progress bars that read like failures, and a rebuild that has to wait for
another says what that one is doing and how far it has got."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bench.synthetic import CANAL_REPORT, canal_report_text, report_text, write_report
from index.load import load_index
from index.rebuild import LoadedModel, Rebuilder
from tests.test_jobs import held_encoder

ROOT = Path(__file__).resolve().parents[1]
# What a user should not see when nothing is wrong: Python warnings, tracebacks, tqdm bars.
ALARMING = re.compile(r"warn|error|traceback|incorrect|%\||it/s\]|Loading weights", re.I)


@pytest.mark.real_model
def test_a_first_build_says_each_step_and_prints_no_alarming_warnings(tmp_path):
    """The first `make run` on a fresh machine: the model is loaded and exported to ONNX,
    which is where torch warned that the export "will produce incorrect results" and
    transformers drew "Loading weights: 0%|" bars."""
    reports = tmp_path / "reports"
    write_report(reports, CANAL_REPORT, canal_report_text())
    env = {
        **os.environ,
        "QA_REPORTS_DIR": str(reports),
        "QA_INDEX_DIR": str(tmp_path / "index"),
        "QA_MODELS_DIR": str(tmp_path / "models"),  # nothing exported yet
    }
    flask = Path(sys.executable).with_name("flask")
    out = subprocess.run(
        [str(flask), "--app", "app", "index", "rebuild", "--adapt-later"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stderr == ""
    assert not ALARMING.search(out.stdout), out.stdout
    steps = [
        "Reading the reports...",
        "Loading the model all-MiniLM-L6-v2...",
        "Exporting the model to ONNX, once for these weights",
        "Embedding passages and sentences",
        "Writing the new build...",
        "Indexed 4 passages from 1 report(s)",
    ]
    at = [out.stdout.find(step) for step in steps]
    assert -1 not in at and at == sorted(at), out.stdout  # each said, in the order done


def test_reports_add_during_a_rebuild_says_what_that_rebuild_is_doing(
    runner, index_dir, reports_dir, tmp_path
):
    # Another rebuild (a server's, or another terminal's) stops midway through embedding.
    write_report(reports_dir, "another.txt", report_text(force="Otherton"))
    encoder, embedding, release = held_encoder()
    other = Rebuilder(reports_dir, index_dir, LoadedModel(encoder))
    running = threading.Thread(target=other.run)
    running.start()
    try:
        assert embedding.wait(timeout=30)
        threading.Timer(2.5, release.set).start()  # it goes on a moment after we ask
        source = write_report(tmp_path / "downloads", CANAL_REPORT, canal_report_text())
        result = runner.invoke(args=["reports", "add", str(source)])
    finally:
        release.set()
        running.join(timeout=60)
    assert result.exit_code == 0, result.output
    waiting = [line for line in result.output.splitlines() if line.startswith("Waiting")]
    assert waiting, result.output
    assert re.fullmatch(
        rf"Waiting for the rebuild already running \(held by process {os.getpid()} since "
        r"\S+, now embedding passages and sentences: 0 of [1-9]\d* \(0%\)\)\.",
        waiting[0],
    ), waiting[0]
    # and then it did its own
    assert f"Added {CANAL_REPORT}: Northmoor PEEL 2019 Efficiency" in result.output
    assert "Passages: 4 embedded afresh" in result.output
    assert {"Otherton", "Northmoor"} <= {r.force for r in load_index(index_dir).reports}


def test_a_rebuild_refused_as_busy_says_how_far_the_other_one_is(runner, index_dir, reports_dir):
    write_report(reports_dir, "another.txt", report_text(force="Otherton"))
    encoder, embedding, release = held_encoder()
    running = threading.Thread(target=Rebuilder(reports_dir, index_dir, LoadedModel(encoder)).run)
    running.start()
    try:
        assert embedding.wait(timeout=30)
        result = runner.invoke(args=["index", "rebuild"])  # --wait 0: refused at once
    finally:
        release.set()
        running.join(timeout=60)
    assert result.exit_code == 1
    assert "now embedding passages and sentences: 0 of " in result.output
    assert "pass --wait SECONDS" in result.output

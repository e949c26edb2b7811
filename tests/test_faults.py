"""Faults: a missing or damaged index at start-up, a full disk during a rebuild, a read-only
reports folder. Each leaves the service answering (or saying clearly why it cannot) and
loses or half-writes nothing.

The tests run as root, where a read-only mode bit does not stop a write, and mounting a
full or read-only tmpfs needs privileges the test machine may not have; so the disk's
refusals are simulated by patching the writer (numpy's save functions, ``open`` and
``os.replace`` in corpus.reports) to write a few bytes and raise the OSError the kernel
gives (ENOSPC, EROFS).
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

import corpus.reports
from app import create_app
from index.store import (
    BUILDS,
    CACHE,
    INDEX_FILE,
    MANIFEST_FILE,
    PASSAGES_FILE,
    SENTENCES_FILE,
    current_build,
    current_build_id,
)
from tests.synthetic import CANAL_QUESTION, CANAL_REPORT, canal_report_text, write_report


def refuse(code: int):
    """A stand-in writer that puts a few bytes down, then fails as the disk would."""

    def writer(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)):
            Path(file).write_bytes(b"\x93NUMPY partial")
        else:
            file.write(b"\x93NUMPY partial")
        raise OSError(code, os.strerror(code), str(file))

    return writer


def leftovers(*folders: Path) -> list[str]:
    return [p.name for f in folders if f.is_dir() for p in f.iterdir() if p.name.startswith(".")]


def health(client) -> tuple[int, dict]:
    res = client.get("/api/health")
    return res.status_code, res.get_json()


def top_force(client, question: str) -> str:
    res = client.post("/api/ask", json={"question": question, "k": 1})
    assert res.status_code == 200
    return res.get_json()["passages"][0]["citation"]["force"]


# ---------------------------------------------------------------- start-up


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        ("no folder", "no index at"),
        ("no current build", "is missing"),
        (INDEX_FILE, "index.faiss is missing or damaged"),
        (PASSAGES_FILE, "passages.jsonl is missing or damaged"),
        (SENTENCES_FILE, "sentences.npy is missing or damaged"),
        (MANIFEST_FILE, "manifest.json is damaged"),
        ("empty manifest", "manifest.json is damaged"),
    ],
)
def test_a_missing_or_damaged_index_at_start_up_is_503_until_a_rebuild(
    index_dir, reports_dir, encoder, damage, words
):
    build = current_build(index_dir)
    if damage == "no folder":
        shutil.rmtree(index_dir)
    elif damage == "no current build":
        shutil.rmtree(index_dir / BUILDS)
    elif damage == "empty manifest":
        (build / MANIFEST_FILE).write_bytes(b"")
    else:
        data = (build / damage).read_bytes()
        (build / damage).write_bytes(data[: len(data) // 2])  # cut short, as a full disk does
    app = create_app(
        {
            "INDEX_DIR": str(index_dir),
            "REPORTS_DIR": str(reports_dir),
            "ENCODER": encoder,
            "PRELOAD": True,  # as make serve does: the index is loaded at start-up
            "INDEX_CHECK_SECONDS": 0,
        }
    )
    client = app.test_client()
    status, body = health(client)
    assert status == 503 and body["error"]["code"] == "index_not_ready"
    assert words in body["error"]["message"] and "make index" in body["error"]["message"]
    res = client.post("/api/ask", json={"question": "who checks crime reports?"})
    assert res.status_code == 503 and res.get_json()["error"]["code"] == "index_not_ready"
    assert client.get("/").status_code == 200  # the page itself still loads

    summary = app.extensions["rebuilder"].run()
    assert not summary.up_to_date
    status, body = health(client)
    assert status == 200 and body["build_id"] == summary.build_id


# ---------------------------------------------------------------- disk full during a rebuild


@pytest.mark.parametrize(
    "writer",
    ["save", "savez"],  # the build's arrays; the embedding cache, written before the build
)
def test_a_full_disk_during_a_rebuild_leaves_the_old_index_serving(
    app, client, runner, reports_dir, index_dir, monkeypatch, writer
):
    old = current_build_id(index_dir)
    write_report(reports_dir, CANAL_REPORT, canal_report_text())
    assert top_force(client, CANAL_QUESTION) != "Northmoor"
    monkeypatch.setattr(np, writer, refuse(errno.ENOSPC))

    result = runner.invoke(args=["index", "rebuild"])
    assert result.exit_code == 1
    assert "No space left on device" in result.output
    assert "previous index is still the one served" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)

    # The server's background rebuild fails the same way, and says why.
    job = app.extensions["rebuild_job"]
    job.start()
    status = job.wait(timeout=60)
    assert status["state"] == "failed" and "No space left on device" in status["message"]

    assert current_build_id(index_dir) == old
    assert sorted(os.listdir(index_dir / BUILDS)) == [old]  # no half build beside it
    assert leftovers(index_dir / BUILDS, index_dir / CACHE) == []
    assert health(client)[1]["build_id"] == old
    assert top_force(client, CANAL_QUESTION) != "Northmoor"

    monkeypatch.undo()  # space freed: the next rebuild goes through
    result = runner.invoke(args=["index", "rebuild"])
    assert result.exit_code == 0, result.output
    assert top_force(client, CANAL_QUESTION) == "Northmoor"


# ---------------------------------------------------------------- read-only reports folder


def _read_only_open(fail_on: int):
    """``open`` for corpus.reports: the ``fail_on``-th write fails with EROFS."""
    opened = []

    def fake(path, mode="r", *args, **kwargs):
        if "w" in mode:
            opened.append(path)
            if len(opened) == fail_on:
                raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return open(path, mode, *args, **kwargs)

    return fake


def _failing_replace(fail_on: int):
    """``os.replace`` for corpus.reports: the ``fail_on``-th rename fails with EROFS."""
    calls = []
    real = os.replace

    def fake(src, dst):
        calls.append(dst)
        if len(calls) == fail_on:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(dst))
        return real(src, dst)

    return fake


@pytest.mark.parametrize(
    "how",
    ["first write", "second write", "first rename", "second rename", "second rename, replacing"],
)
def test_a_read_only_reports_folder_makes_add_fail_clearly_with_nothing_half_written(
    runner, reports_dir, index_dir, tmp_path, monkeypatch, how
):
    before = {p.name: p.read_bytes() for p in reports_dir.iterdir()}
    build = current_build_id(index_dir)
    new = [
        write_report(tmp_path, CANAL_REPORT, canal_report_text()),
        write_report(
            tmp_path,
            "eastmere-2019-efficiency.txt",
            canal_report_text().replace("Northmoor", "Eastmere"),
        ),
    ]
    args = []
    if how.endswith("replacing"):  # the first file replaces one already there
        older = canal_report_text().replace("SYNTHETIC.", "SYNTHETIC, older.")
        write_report(reports_dir, CANAL_REPORT, older)
        before = {p.name: p.read_bytes() for p in reports_dir.iterdir()}
        args = ["--replace"]
    if "rename" in how:
        fail_on = 1 if how.startswith("first") else 2
        monkeypatch.setattr(corpus.reports.os, "replace", _failing_replace(fail_on))
    else:
        fail_on = 1 if how == "first write" else 2
        monkeypatch.setattr(corpus.reports, "open", _read_only_open(fail_on), raising=False)

    result = runner.invoke(args=["reports", "add", *args, *map(str, new)])
    assert result.exit_code == 1
    assert "cannot write into the reports folder" in result.output
    assert "Read-only file system" in result.output and "no report was added" in result.output
    assert isinstance(result.exception, SystemExit)
    assert {p.name: p.read_bytes() for p in reports_dir.iterdir()} == before
    assert current_build_id(index_dir) == build

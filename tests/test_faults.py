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
import io
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

import corpus.reports
from app import create_app
from bench.synthetic import (
    CANAL_QUESTION,
    CANAL_REPORT,
    REAL_REPORT,
    canal_report_text,
    write_report,
)
from common.errors import StorageError
from index.manifest import INDEX_FILE, MANIFEST_FILE, PASSAGES_FILE, SENTENCES_FILE, seal
from index.store import BUILDS, CACHE, current_build, current_build_id


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
        (PASSAGES_FILE, "passages/text.z is missing or damaged"),
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
    # and what HTTP itself offers, not the command line's `flask ... index rebuild`
    assert "POST /api/reports/rebuild" in body["error"]["message"]
    assert "flask" not in body["error"]["message"]
    res = client.post("/api/ask", json={"question": "who checks crime reports?"})
    assert res.status_code == 503 and res.get_json()["error"]["code"] == "index_not_ready"
    assert client.get("/").status_code == 200  # the page itself still loads

    summary = app.extensions["rebuilder"].run()
    assert not summary.up_to_date
    status, body = health(client)
    assert status == 200 and body["build_id"] == summary.build_id


def _build_files(index_dir: Path) -> list[str]:
    """Every file of a build, the manifest included (a build of the tiny corpus here)."""
    build = current_build(index_dir)
    return sorted(p.relative_to(build).as_posix() for p in build.rglob("*") if p.is_file())


def flip_a_byte(path: Path) -> None:
    """Change one byte in the middle of a file, leaving its size and its name as they were
    (a bad disk, a bad copy, a hand that slipped)."""
    path.chmod(0o644)
    with open(path, "r+b") as fh:
        middle = path.stat().st_size // 2
        fh.seek(middle)
        byte = fh.read(1)
        fh.seek(middle)
        fh.write(bytes([byte[0] ^ 0x5A]))


def test_every_file_of_the_build_is_flipped_in_turn_and_never_served(
    tmp_path, reports_dir, encoder
):
    """Bytes flipped in any build file, its size unchanged: the running server says the
    build is damaged, and after a restart refuses to serve it (503, naming the file) until
    a rebuild, instead of answering from it (before, only sizes were checked at start-up)."""
    from tests.conftest import build as build_index

    build_index(reports_dir, encoder, tmp_path / "model")
    names = _build_files(tmp_path / "model")
    assert len(names) > 15 and MANIFEST_FILE in names
    for name in names:
        index_dir = tmp_path / name.replace("/", "-")
        shutil.copytree(tmp_path / "model", index_dir, symlinks=True)
        config = {
            "INDEX_DIR": str(index_dir),
            "REPORTS_DIR": str(reports_dir),
            "ENCODER": encoder,
            "PRELOAD": True,
            "INDEX_CHECK_SECONDS": 0,
        }
        running = create_app(config).test_client()
        assert health(running)[0] == 200
        flip_a_byte(current_build(index_dir) / name)
        status, body = health(running)  # answers come whole from memory, and it says so
        assert status == 200 and body["status"] == "damaged", (name, body)
        assert name.rsplit("/", 1)[-1] in body["damaged"]

        restarted = create_app(config)
        client = restarted.test_client()
        status, body = health(client)
        assert status == 503 and body["error"]["code"] == "index_not_ready", (name, body)
        assert name.rsplit("/", 1)[-1] in body["error"]["message"]
        assert "make index" in body["error"]["message"]
        assert client.post("/api/ask", json={"question": "who checks?"}).status_code == 503

    summary = restarted.extensions["rebuilder"].run()  # the last one, rebuilt
    assert not summary.up_to_date and "damaged" in summary.reason
    assert health(client)[0] == 200


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
    job.in_child = False  # the refusing writer is patched into this process only
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


# ---------------------------------------------------------------- malformed manifests


def _fake_base_model(folder: Path) -> Path:
    """A model folder with weights whose checksum can be taken (never loaded: the start-up
    checks below must refuse before any model is)."""
    folder.mkdir(parents=True)
    (folder / "model.safetensors").write_bytes(b"not really weights")
    return folder


def _edit_manifest(index_dir: Path, edit) -> None:
    path = current_build(index_dir) / MANIFEST_FILE
    path.chmod(0o644)
    manifest = json.loads(path.read_text("utf-8"))
    edit(manifest)
    path.write_text(json.dumps(seal(manifest)), "utf-8")  # edited as if on purpose


def _adapted_from(base: Path, path: str):
    from index.encoder import file_sha256

    checksum = file_sha256(base / "model.safetensors")

    def edit(manifest):
        manifest["model"] = {
            "name": "fake+peel",
            "sha256": "0" * 64,
            "path": path,
            "base": {"name": base.name, "sha256": checksum},
        }

    return edit


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda m: m["model"].update(base="not an object"), "model.base"),
        (lambda m: m.pop("build_id"), "build_id"),
        (lambda m: m.update(passages="many"), "passages"),
        (lambda m: m.update(model=None), "model"),
        (lambda m: m.update(reports=["x.txt"]), "reports"),
        (lambda m: m.update(dimension=-3), "dimension"),
        (lambda m: m["model"].pop("sha256"), "model.sha256"),
        ("missing model folder", "adapted-gone is missing"),
    ],
)
def test_a_malformed_manifest_or_missing_model_is_a_503_naming_it_not_a_traceback(
    index_dir, reports_dir, tmp_path, edit, words
):
    base = _fake_base_model(tmp_path / "base-model")
    if edit == "missing model folder":
        edit = _adapted_from(base, "adapted-gone")
    _edit_manifest(index_dir, edit)
    app = create_app(
        {
            "INDEX_DIR": str(index_dir),
            "REPORTS_DIR": str(reports_dir),
            "MODEL": str(base),
            "MODELS_DIR": str(tmp_path / "models"),
            "PRELOAD": True,
            "INDEX_CHECK_SECONDS": 0,
        }
    )
    client = app.test_client()
    for _ in range(2):  # and again: the answer is not a one-off
        status, body = health(client)
        assert status == 503, body
        assert body["error"]["code"] in ("index_not_ready", "model_mismatch")
        assert words in body["error"]["message"]
    res = client.post("/api/ask", json={"question": "who checks crime reports?"})
    assert res.status_code == 503


@pytest.mark.real_model
def test_the_manifest_records_no_absolute_paths(real_index_dir, real_models_dir):
    manifest = json.loads((current_build(real_index_dir) / MANIFEST_FILE).read_text("utf-8"))
    assert "/" not in manifest["model"]["path"]  # the adapted model's folder, by name
    assert (real_models_dir / manifest["model"]["path"] / "model.safetensors").is_file()

    def texts(value):
        if isinstance(value, dict):
            yield from value.keys()
            for item in value.values():
                yield from texts(item)
        elif isinstance(value, str):
            yield value

    assert not [t for t in texts(manifest) if Path(t).is_absolute() or ".." in Path(t).parts]


@pytest.mark.real_model
def test_an_install_moved_elsewhere_still_finds_its_model(
    real_index_dir, real_models_dir, tmp_path
):
    """An older manifest names the model by an absolute path that no longer exists (the
    install moved); the folder of that name in QA_MODELS_DIR is used."""
    index_dir = tmp_path / "moved" / "index"
    shutil.copytree(real_index_dir, index_dir, symlinks=True)
    models_dir = tmp_path / "moved" / "models"
    models_dir.mkdir()
    for folder in real_models_dir.iterdir():
        (models_dir / folder.name).symlink_to(folder)
    _edit_manifest(
        index_dir, lambda m: m["model"].update(path=f"/old/install/var/models/{m['model']['path']}")
    )
    app = create_app(
        {
            "INDEX_DIR": str(index_dir),
            "REPORTS_DIR": str(REAL_REPORT.parent),
            "MODELS_DIR": str(models_dir),
            "PRELOAD": True,
        }
    )
    client = app.test_client()
    assert health(client)[0] == 200
    res = client.post("/api/ask", json={"question": "digital device examination", "k": 1})
    assert res.status_code == 200 and res.get_json()["passages"]


# ---------------------------------------------------------------- restores


def test_a_build_restored_under_another_name_is_refused_once_with_a_log_line(
    app, client, index_dir, caplog
):
    served = health(client)[1]["build_id"]
    build = current_build(index_dir)
    copy = build.parent / "restored-by-hand"
    shutil.copytree(build, copy)
    os.symlink("builds/restored-by-hand", index_dir / "current.new")
    os.replace(index_dir / "current.new", index_dir / "current")
    caplog.set_level("INFO")
    for _ in range(5):
        assert health(client)[1]["build_id"] == served
    refusals = [r for r in caplog.records if "restored-by-hand" in r.getMessage()]
    assert len(refusals) == 1, [r.getMessage() for r in caplog.records]
    assert "index restore" in refusals[0].getMessage()


def test_index_restore_puts_a_backup_back_read_only(app, client, runner, index_dir, tmp_path):
    backup = tmp_path / "backup-of-the-index"
    shutil.copytree(current_build(index_dir), backup)
    restored_id = json.loads((backup / MANIFEST_FILE).read_text("utf-8"))["build_id"]
    app.extensions["rebuilder"].run(full=True)  # a newer build is current now
    assert health(client)[1]["build_id"] != restored_id

    result = runner.invoke(args=["index", "restore", str(backup)])
    assert result.exit_code == 0, result.output
    assert f"build {restored_id} is now current" in result.output
    assert current_build_id(index_dir) == restored_id
    assert health(client)[1]["build_id"] == restored_id
    restored = current_build(index_dir)
    assert all(not (p.stat().st_mode & 0o222) for p in restored.rglob("*") if p.is_file())


def test_index_restore_refuses_a_damaged_backup_and_changes_nothing(
    app, client, runner, index_dir, tmp_path
):
    backup = tmp_path / "backup"
    shutil.copytree(current_build(index_dir), backup)
    (backup / SENTENCES_FILE).chmod(0o644)
    with open(backup / SENTENCES_FILE, "r+b") as fh:
        fh.truncate(200)
    before = current_build_id(index_dir)
    result = runner.invoke(args=["index", "restore", str(backup)])
    assert result.exit_code == 1
    assert "sentences.npy is missing or damaged" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert current_build_id(index_dir) == before and health(client)[0] == 200


def test_builds_are_written_read_only(index_dir):
    build = current_build(index_dir)
    files = [p for p in build.rglob("*") if p.is_file()]
    assert files and all(not (p.stat().st_mode & 0o222) for p in files)


# ---------------------------------------------------------------- damage while serving

SERVE_AND_DAMAGE = """
import json, sys
from pathlib import Path
from app import create_app
from index.store import current_build
from tests.conftest import HashEncoder

index_dir, reports_dir, how = sys.argv[1:]
app = create_app({"INDEX_DIR": index_dir, "REPORTS_DIR": reports_dir,
                  "ENCODER": HashEncoder(), "INDEX_CHECK_SECONDS": 0})
client = app.test_client()

def ask():
    res = client.post("/api/ask", json={"question": "who checks crime reports?", "k": 3})
    body = res.get_json()
    return res.status_code, [(p["id"], p["score"]) for p in (body.get("passages") or [])]

before = ask()
path = current_build(Path(index_dir)) / "sentences.npy"
path.chmod(0o644)
size = path.stat().st_size
if how == "truncated":
    with open(path, "r+b") as fh:
        fh.truncate(size // 3)
else:  # overwritten in place at the same size, as a bad copy does
    import numpy as np
    noise = np.random.default_rng(0).standard_normal((size - 128) // 4).astype("float32")
    with open(path, "r+b") as fh:
        fh.seek(128)
        fh.write(noise.tobytes())
after = [ask() for _ in range(3)]
health = client.get("/api/health").get_json()
print(json.dumps({"before": before, "after": after, "health": health}))
"""


@pytest.mark.parametrize("how", ["truncated", "overwritten"])
def test_a_build_file_damaged_while_serving_never_kills_the_server_or_changes_answers(
    index_dir, reports_dir, how
):
    import subprocess
    import sys

    ran = subprocess.run(
        [sys.executable, "-c", SERVE_AND_DAMAGE, str(index_dir), str(reports_dir), how],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, (ran.returncode, ran.stderr[-2000:])  # SIGBUS gives -7
    out = json.loads(ran.stdout.strip().splitlines()[-1])
    assert out["before"][0] == 200
    assert all(answer == out["before"] for answer in out["after"])
    # ... and says what happened on disk, rather than staying silent about it
    assert out["health"]["status"] == "damaged"
    assert "sentences.npy is missing or damaged" in out["health"]["damaged"]


# ---------------------------------------------------------------- a real full disk


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB tmpfs mounted for this test (skipped where mounting is not allowed)."""
    import subprocess

    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path, leave: int) -> Path:
    """Fill the disk but ``leave`` bytes (a file ``filler`` takes the rest)."""
    filler = disk / "filler"
    filler.unlink(missing_ok=True)
    stats = os.statvfs(disk)
    free = stats.f_bavail * stats.f_frsize
    with open(filler, "wb") as fh:
        fh.truncate(0)
        fh.write(b"\0" * max(0, free - leave))
    return filler


@pytest.mark.parametrize("cache", ["kept", "deleted"])  # deleted: the FAISS write comes sooner
def test_a_full_disk_at_any_point_of_a_rebuild_is_one_clean_storage_error(
    small_disk, reports_dir, encoder, cache
):
    """The index on a real (tmpfs) disk, filled so that only ``leave`` bytes are free, at
    every level from nothing up to enough: each write in turn (cache, FAISS file, arrays,
    passages, manifest) is the one that fails. Every failure is the same clean
    storage_error with the old build still served; then a rebuild goes through."""
    from tests.conftest import build

    index_dir = small_disk / "index"
    build(reports_dir, encoder, index_dir)
    old = current_build_id(index_dir)
    app = create_app(
        {
            "INDEX_DIR": str(index_dir),
            "REPORTS_DIR": str(reports_dir),
            "ENCODER": encoder,
            "INDEX_CHECK_SECONDS": 0,
        }
    )
    runner, client = app.test_cli_runner(), app.test_client()
    other = create_app(app.config).extensions["rebuild_job"]  # a second worker of the server
    write_report(reports_dir, CANAL_REPORT, canal_report_text())
    failures = server_failures = 0
    for leave in range(0, 2 * 1024 * 1024, 12 * 1024):
        if cache == "deleted":
            shutil.rmtree(index_dir / CACHE, ignore_errors=True)
        _fill(small_disk, leave)
        result = runner.invoke(args=["index", "rebuild"])
        if result.exit_code == 0:
            break
        failures += 1
        assert "No space left on device" in result.output, (leave, result.output)
        assert "previous index is still the one served" in result.output
        assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
        if failures % 4 == 1:  # and the server's own rebuild, at some of the levels
            job = app.extensions["rebuild_job"]
            try:
                job.start()
            except StorageError as exc:  # not even its status could be written: not begun
                assert "No space left on device" in exc.message
                assert "no rebuild was started" in exc.message
                assert other.status() == job.status()
            else:
                status = job.wait(timeout=120)
                assert status["state"] == "failed", status
                assert "No space left on device" in status["message"]
                # another worker of the server says the same (not "stopped", not "idle")
                seen = other.status()
                assert (seen["state"], seen["message"]) == (status["state"], status["message"])
                server_failures += 1
        assert current_build_id(index_dir) == old
        assert health(client)[1]["build_id"] == old
        assert leftovers(index_dir / BUILDS, index_dir / CACHE) == []
    else:
        pytest.fail("the rebuild never went through")
    assert failures > 5  # the levels did fail at several different writes
    assert server_failures > 0  # and a server rebuild failed midway at least once
    (small_disk / "filler").unlink()
    assert top_force(client, CANAL_QUESTION) == "Northmoor"


@pytest.mark.real_model
def test_a_full_disk_while_the_adapted_model_is_saved_is_a_storage_error(small_disk, tmp_path):
    """The model is adapted, then saved (safetensors, whose own error for a full disk is
    not an OSError) into a models folder with no room for it: a storage_error naming the
    folder, as for any write, not an "internal error". A one-report corpus keeps the
    adapting short."""
    from index.adapt import ModelChoice
    from index.rebuild import Rebuilder

    reports = tmp_path / "reports"
    write_report(reports, CANAL_REPORT, canal_report_text())
    models = small_disk / "models"
    rebuilder = Rebuilder(reports, tmp_path / "index", ModelChoice(None, models, onnx=False))
    with pytest.raises(StorageError) as caught:
        rebuilder.run()
    message = caught.value.message
    assert message.startswith(f"cannot write {models}: No space left on device"), message
    assert "previous index is still the one served" in message
    assert not [p for p in models.iterdir() if p.is_dir()]  # no half-saved model left
    assert not (tmp_path / "index").exists() or current_build_id(tmp_path / "index") is None


@pytest.fixture
def read_only_index(small_disk, reports_dir, encoder):
    """An index built on its own disk, which is then made read-only (for root too)."""
    import subprocess

    from tests.conftest import build

    index_dir = small_disk / "index"
    build(reports_dir, encoder, index_dir)
    done = subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], capture_output=True)
    assert done.returncode == 0, done.stderr
    return index_dir


def test_a_read_only_index_folder_gives_one_answer_from_every_worker(
    read_only_index, small_disk, reports_dir, encoder, tmp_path
):
    """Before, POST /api/reports/rebuild answered 202, the rebuild failed in the worker that
    ran it, and the other worker said "idle: no rebuild since the server started"."""
    import subprocess

    config = {
        "INDEX_DIR": str(read_only_index),
        "REPORTS_DIR": str(reports_dir),
        "ENCODER": encoder,
        "INDEX_CHECK_SECONDS": 0,
        "ADMIN_TOKEN": "ro-token",
        "REBUILD_IN_CHILD": False,
    }
    auth = {"Authorization": "Bearer ro-token"}
    workers = [create_app(config).test_client() for _ in range(2)]
    for client in workers:
        assert health(client)[1]["status"] == "ok"  # a read-only build serves as ever

    res = workers[0].post("/api/reports/rebuild", headers=auth)
    assert res.status_code == 507, res.get_json()
    error = res.get_json()["error"]
    assert error["code"] == "storage_error" and "Read-only file system" in error["message"]
    assert str(read_only_index) in error["message"] and "no rebuild was started" in error["message"]
    states = [c.get("/api/reports/rebuild", headers=auth).get_json() for c in workers]
    assert states[0] == states[1] and states[0]["state"] == "idle"

    before = sorted(p.name for p in reports_dir.iterdir())
    upload = {"file": (io.BytesIO(canal_report_text().encode()), CANAL_REPORT, "text/plain")}
    res = workers[1].post("/api/reports", data=upload, headers=auth)
    assert res.status_code == 507 and "Read-only file system" in res.get_json()["error"]["message"]
    assert sorted(p.name for p in reports_dir.iterdir()) == before  # nothing stored

    # A report put in the folder by hand; the server restarts: each worker tries to catch
    # up, and each says the same of it.
    write_report(reports_dir, CANAL_REPORT, canal_report_text())
    workers = [create_app({**config, "PRELOAD": True}).test_client() for _ in range(2)]
    seen = [health(c)[1] for c in workers]
    assert [h["status"] for h in seen] == ["behind", "behind"]
    assert [h["rebuild"] for h in seen] == ["failed", "failed"]
    states = [c.get("/api/reports/rebuild", headers=auth).get_json() for c in workers]
    assert states[0]["message"] == states[1]["message"]
    assert "Read-only file system" in states[0]["message"]

    subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    res = workers[0].post("/api/reports/rebuild", headers=auth)
    assert res.status_code == 202
    done = workers[0].application.extensions["rebuild_job"].wait(timeout=120)
    assert done["state"] == "done", done
    seen = workers[1].get("/api/reports/rebuild", headers=auth).get_json()
    assert seen["state"] == "done" and seen["build_id"] == done["build_id"]
    assert top_force(workers[1], CANAL_QUESTION) == "Northmoor"


# ---------------------------------------------------------------- acknowledged uploads


@pytest.mark.parametrize("stage", ["parsing", "embedding", "cache", "build", "swap"])
def test_an_upload_acknowledged_before_a_kill_9_is_indexed_after_the_restart(
    reports_dir, index_dir, encoder, tmp_path, stage
):
    """The server stores an upload (202) and rebuilds in its child process; both are
    killed with SIGKILL while that rebuild is parsing, embedding, writing (the cache,
    the build folder) or publishing. On restart, /api/health says the index is behind
    and by which file, and the server rebuilds by itself."""
    import signal
    import subprocess
    import sys

    upload = write_report(tmp_path, CANAL_REPORT, canal_report_text())
    old = current_build_id(index_dir)
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.rebuild_child", "--server"]
        + [str(reports_dir), str(index_dir), stage, str(upload)],
        cwd=Path(__file__).resolve().parents[1],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        lines = []
        for line in server.stdout:
            lines.append(line)
            if line.startswith("STOPPED AT"):
                break
        assert "UPLOADED 202\n" in lines and lines[-1] == f"STOPPED AT {stage}\n", lines
    finally:
        os.killpg(server.pid, signal.SIGKILL)  # the server and its rebuild, as a crash does
        server.wait(timeout=30)
        server.stdout.close()
    assert (reports_dir / CANAL_REPORT).is_file()  # the upload itself was stored
    assert current_build_id(index_dir) == old

    config = {"INDEX_DIR": str(index_dir), "REPORTS_DIR": str(reports_dir), "ENCODER": encoder}
    status, body = health(create_app({**config, "INDEX_CHECK_SECONDS": 0}).test_client())
    assert status == 200 and body["status"] == "behind"
    assert body["behind"] == {"added": [CANAL_REPORT], "changed": [], "removed": []}
    # The killed server's last rebuild status said it was running: it reads as failed.
    assert body["rebuild"] == "failed"

    app = create_app({**config, "PRELOAD": True, "INDEX_CHECK_SECONDS": 0})  # the restart
    job_status = app.extensions["rebuild_job"].wait(timeout=120)
    assert job_status["state"] == "done", job_status
    client = app.test_client()
    status, body = health(client)
    assert status == 200 and body["status"] == "ok" and "behind" not in body
    assert top_force(client, CANAL_QUESTION) == "Northmoor"
    assert leftovers(index_dir / BUILDS, index_dir / CACHE) == []


def test_a_server_rebuild_runs_in_a_process_of_its_own(app, client, reports_dir, index_dir):
    """So the memory a rebuild takes (the model, the vectors) goes back when it ends."""
    from common.locks import FileLock
    from index.store import LOCK_FILE

    holders = []
    job = app.extensions["rebuild_job"]
    real_progress = job._progress

    def watch(stage, done, total):
        holders.append(FileLock(index_dir / LOCK_FILE, "a rebuild").holder())
        real_progress(stage, done, total)

    job._progress = watch
    write_report(reports_dir, CANAL_REPORT, canal_report_text())
    job.start()
    assert job.wait(timeout=120)["state"] == "done"
    assert holders and all(f"process {os.getpid()} " not in h for h in holders)
    assert all(h.startswith("held by process ") for h in holders)
    assert top_force(client, CANAL_QUESTION) == "Northmoor"


def test_a_failed_rebuild_is_retried_on_request(app, reports_dir, index_dir):
    app.config["ADMIN_TOKEN"] = "retry-token"
    auth = {"Authorization": "Bearer retry-token"}
    client = app.test_client()
    (reports_dir / "z-broken.txt").write_text("Minutes of the parish council\n")
    job = app.extensions["rebuild_job"]
    job.start()
    assert job.wait(timeout=120)["state"] == "failed"
    write_report(reports_dir, CANAL_REPORT, canal_report_text())
    (reports_dir / "z-broken.txt").unlink()  # the cause is put right ...
    body = health(client)[1]
    assert body["status"] == "behind" and body["rebuild"] == "failed"
    res = client.post("/api/reports/rebuild", headers=auth)  # ... and a retry asked for
    assert res.status_code == 202 and res.get_json()["state"] == "queued"
    assert job.wait(timeout=120)["state"] == "done"
    assert health(client)[1]["status"] == "ok"
    assert top_force(client, CANAL_QUESTION) == "Northmoor"


@pytest.mark.real_model
def test_a_lost_model_folder_is_a_503_and_index_rebuild_repairs_it_from_the_cache(tmp_path):
    """var/models lost: start-up says which folder is missing (not a traceback), and a
    plain `index rebuild` (no --full) adapts the model again; adapting is deterministic,
    so the cached embeddings still match and nothing is embedded afresh. A one-report
    corpus keeps the adapting short."""
    reports = tmp_path / "reports"
    reports.mkdir()
    write_report(reports, CANAL_REPORT, canal_report_text())
    config = {
        "INDEX_DIR": str(tmp_path / "index"),
        "REPORTS_DIR": str(reports),
        "MODELS_DIR": str(tmp_path / "models"),
        "ONNX": False,
    }
    runner = create_app(config).test_cli_runner()
    first = runner.invoke(args=["index", "rebuild"])
    assert first.exit_code == 0, first.output
    (adapted,) = [p for p in (tmp_path / "models").iterdir() if p.name.startswith("adapted-")]
    shutil.rmtree(adapted)

    app = create_app({**config, "PRELOAD": True})
    status, body = health(app.test_client())
    assert status == 503 and f"the model folder {adapted} is missing" in body["error"]["message"]

    repair = app.test_cli_runner().invoke(args=["index", "rebuild"])
    assert repair.exit_code == 0, repair.output
    assert f"Rebuilt: the model folder {adapted} is missing." in repair.output
    assert "Passages: 0 embedded afresh" in repair.output
    assert health(create_app({**config, "PRELOAD": True}).test_client())[0] == 200

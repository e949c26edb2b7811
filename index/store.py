"""The index folder's layout, and publishing builds into it.

The index folder (``QA_INDEX_DIR``) holds::

    current -> builds/<build id>    a symlink: the build being served
    builds/<build id>/              index.faiss (the passage vectors, index/vectors.py; row
                                    i is passage i), passages/ (their texts and fields in
                                    columns: index/passages.py), reports.json, the
                                    sentence vectors of every passage (sentences.npy,
                                    float16; sentence_spans.npy, and sentence_offsets.npy:
                                    passage i owns rows offsets[i]:offsets[i+1]), keyword/
                                    (BM25), statements.npy and words.json (what each
                                    passage states, its words: index/facts.py), and
                                    manifest.json (index/manifest.py)
    builds/.tmp-<build id>/         a build being written (a crashed one is removed later)
    cache/                          embeddings already computed (index/cache.py)
    .lock                           held by the one rebuild that may run at a time

A build is written in full under a temporary name, checksummed, renamed to its build id,
and only then made current by replacing the ``current`` symlink with one rename. Up to
that rename readers see the previous build, whole; from it on, the new one. A crash at
any point leaves the previous build current and loadable. The previous build is kept
until the next one replaces it, so a server still loading it is not pulled from under.
Loading is index/load.py; following ``current`` while serving, index/live.py.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from common.durable import TEMP_PREFIX, fsync_path, write_failure
from common.errors import IndexNotReady, StorageError
from common.locks import FileLock
from corpus.records import Passage, Report
from index import facts
from index.embed import sentence_layout
from index.keyword import KeywordIndex
from index.manifest import (
    FORMAT,
    HINT,
    MANIFEST_FILE,
    OFFSETS_FILE,
    REPORTS_FILE,
    SENTENCE_SCALE_FILE,
    SENTENCES_FILE,
    SPANS_FILE,
    check_build,
    damage,
    describe_files,
    manifest_problem,
    read_manifest_in,
    write_manifest,
)
from index.passages import PassageStore
from index.vectors import build_vectors

CURRENT = "current"
BUILDS = "builds"
CACHE = "cache"
LOCK_FILE = ".lock"
# Sentence vectors are stored and served as float16: half the memory of float32, and the
# same top passages on the evaluation sets (tests/test_store_precision.py). int8, each
# dimension scaled to its largest magnitude (sentence_scale.npy), would halve them again
# (267 -> 133 MB at 100,000 passages, 347,000 sentences) but is off: measured with that
# test, it changed the first passage of one answers-dev question and the top five of 3 of
# 40 eval-dev, 3 of 70 answers-dev and some answers-dev2 questions (near-tied sentences
# swap), more than float16's rounding does.
SENTENCE_DTYPE = np.float16
_CHUNK = 65_536  # rows quantised at a time: no float32 copy of every sentence vector


def stored_sentences(vectors: np.ndarray, dtype=None) -> tuple[np.ndarray, np.ndarray]:
    """(stored vectors, scale per dimension) of float sentence vectors: ``dtype``
    (default ``SENTENCE_DTYPE``) an integer type quantises each dimension to its largest
    magnitude; a float type stores them as they are, with a scale of 1."""
    dtype = np.dtype(SENTENCE_DTYPE if dtype is None else dtype)
    vectors = np.asarray(vectors)
    dimension = vectors.shape[1]
    if not np.issubdtype(dtype, np.integer):
        return vectors.astype(dtype), np.ones(dimension, dtype=np.float32)
    top = np.iinfo(dtype).max
    peak = np.abs(vectors).max(axis=0) if len(vectors) else np.zeros(dimension)
    scale = np.where(peak > 0, peak / top, 1.0).astype(np.float32)
    out = np.empty(vectors.shape, dtype=dtype)
    for at in range(0, len(vectors), _CHUNK):
        chunk = vectors[at : at + _CHUNK].astype(np.float32) / scale
        out[at : at + _CHUNK] = np.clip(np.rint(chunk), -top, top)
    return out, scale


def build_lock(index_dir: str | Path) -> FileLock:
    """The lock a rebuild holds from reading the reports to making its build current."""
    folder = Path(index_dir)
    folder.mkdir(parents=True, exist_ok=True)
    return FileLock(folder / LOCK_FILE, "a rebuild of the index")


def _report_entry(report: Report) -> dict:
    """What the manifest says of one report: enough to tell whether it changed."""
    entry = {"id": report.id, "sha256": report.sha256}
    return entry | ({"source_url": report.source_url} if report.source_url else {})


def publish_build(
    index_dir: str | Path,
    parsed: Sequence[tuple[Report, list[Passage]]],
    vectors: np.ndarray,
    sentence_vectors: np.ndarray,
    model: dict,
    extra: dict | None = None,
    exact_limit: int | None = None,
) -> dict:
    """Write a new build folder and make it current with one rename; hold the build lock.

    ``vectors`` row i belongs to the i-th passage of ``parsed``; ``sentence_vectors``
    to the sentences of the passages in order (``index.embed.sentence_texts``); ``model``
    is ``manifest.model_entry(encoder)``; ``extra`` adds facts to the manifest (e.g.
    rebuild counts); ``exact_limit``: the most passages searched exactly
    (default ``vectors.EXACT_LIMIT``).
    """
    index_dir = Path(index_dir)
    passages = [p for _, ps in parsed for p in ps]
    if len(vectors) != len(passages):
        raise ValueError(f"{len(vectors)} vectors for {len(passages)} passages")
    spans, offsets = sentence_layout(passages)
    if len(sentence_vectors) != len(spans):
        raise ValueError(f"{len(sentence_vectors)} vectors for {len(spans)} sentences")
    keyword = KeywordIndex.build([p.text for p in passages])
    passage_facts = facts.compute(passages)
    store = build_vectors(vectors, exact_limit)

    now = datetime.now(UTC)
    build_id = f"{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    builds = index_dir / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    staging = builds / f"{TEMP_PREFIX}{build_id}"
    staging.mkdir(mode=0o755)
    try:
        store.save(staging)
        PassageStore.of(passages).save(staging)
        (staging / REPORTS_FILE).write_text(
            json.dumps([r.to_dict() for r, _ in parsed], ensure_ascii=False, indent=1), "utf-8"
        )
        stored, scale = stored_sentences(sentence_vectors)
        np.save(staging / SENTENCES_FILE, stored)
        np.save(staging / SENTENCE_SCALE_FILE, scale)
        np.save(staging / SPANS_FILE, spans)
        np.save(staging / OFFSETS_FILE, offsets)
        keyword.save(staging)
        facts.save(staging, passage_facts)
        checksums, sizes = describe_files(staging)
        manifest = write_manifest(
            staging,
            {
                "format": FORMAT,
                "build_id": build_id,
                "previous_build": current_build_id(index_dir),
                "built_at": now.isoformat(timespec="seconds"),
                "model": model,
                "dimension": store.dimension,
                "vector_index": store.describe(),
                "passages": len(passages),
                "sentences": len(spans),
                "facts": facts.VERSION,
                "reports": {r.file: _report_entry(r) for r, _ in parsed},
                "files": checksums,
                "sizes": sizes,
                **(extra or {}),
            },
        )
        for path in [*(staging / name for name in checksums), staging / MANIFEST_FILE]:
            fsync_path(path)
        make_read_only(staging)
        os.rename(staging, builds / build_id)
        fsync_path(builds)
    except BaseException:
        remove_build(staging)
        raise
    _make_current(index_dir, build_id)
    clean_builds(index_dir)
    return manifest


def make_read_only(folder: Path) -> None:
    """Take write permission off a finished build's files, so a stray ``cp`` or editor
    cannot change a build in use (root ignores it; the checksums still catch what it does).
    The folders stay writable, so old builds can still be removed."""
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def remove_build(folder: Path) -> None:
    """Delete a build folder (a symlink or stray file in its place is unlinked)."""
    if folder.is_symlink() or not folder.is_dir():
        folder.unlink(missing_ok=True)
    else:
        shutil.rmtree(folder, ignore_errors=True)


def _make_current(index_dir: Path, build_id: str) -> None:
    """Point ``current`` at a build: a new symlink renamed over the old one (atomic)."""
    link = index_dir / f"{TEMP_PREFIX}{CURRENT}-{build_id}"
    try:
        os.symlink(f"{BUILDS}/{build_id}", link)
        os.replace(link, index_dir / CURRENT)
    finally:
        if link.is_symlink():
            link.unlink()
    fsync_path(index_dir)


def clean_builds(index_dir: str | Path) -> None:
    """Remove every build but the current one and the one before it; hold the build lock.

    This also removes what a crashed or killed build left: its half-written folder,
    a finished build that never became current, a stray symlink.
    """
    index_dir = Path(index_dir)
    keep = {current_build_id(index_dir)}
    manifest = read_manifest(index_dir)
    if manifest:
        keep.add(manifest.get("previous_build"))
    builds = index_dir / BUILDS
    if builds.is_dir():
        for folder in builds.iterdir():
            if folder.name not in keep:
                remove_build(folder)
    for stray in index_dir.glob(f"{TEMP_PREFIX}{CURRENT}-*"):
        stray.unlink(missing_ok=True)


def current_build(index_dir: str | Path) -> Path | None:
    """The folder of the build being served, or None when no build is current."""
    try:
        target = os.readlink(Path(index_dir) / CURRENT)
    except OSError:
        return None
    return Path(index_dir) / target


def current_build_id(index_dir: str | Path) -> str | None:
    """The id of the build being served (cheap: one readlink), or None."""
    folder = current_build(index_dir)
    return folder.name if folder else None


def read_manifest(index_dir: str | Path) -> dict | None:
    """The manifest of the current build, or None when there is no readable one."""
    folder = current_build(index_dir)
    return read_manifest_in(folder) if folder else None


def check_current(index_dir: str | Path, verify_files: bool = False) -> tuple[Path, dict]:
    """The current build's folder and manifest, or IndexNotReady saying what is missing or
    damaged. Cheap by default (sizes and the manifest's own checksum: see index/manifest.py);
    ``verify_files`` hashes every file as well."""
    folder = current_build(index_dir)
    if folder is None:
        raise IndexNotReady(f"no index at {index_dir}: {HINT}")
    return folder, check_build(folder, verify_files)


def restore_build(index_dir: str | Path, source: str | Path, wait: float | None = 0.0) -> dict:
    """Copy a backed-up build folder back into the index and make it current.

    The copy is checked file by file against the backup's manifest before anything
    changes, lands under its own build id (whatever the backup's folder was called),
    read-only, and becomes current with one rename. The build that was current is kept,
    so a restore can itself be undone by restoring that one.
    """
    index_dir, source = Path(index_dir), Path(source)
    if not source.is_dir():
        raise IndexNotReady(f"{source} is not a folder: give the folder of one backed-up build")
    manifest = read_manifest_in(source)
    if manifest is None:
        raise IndexNotReady(f"{source / MANIFEST_FILE} is missing or damaged: not a build folder")
    if problem := manifest_problem(manifest):
        raise IndexNotReady(f"the manifest {source / MANIFEST_FILE} is damaged: {problem}")
    build_id = manifest["build_id"]
    builds = index_dir / BUILDS
    with build_lock(index_dir).hold(wait):
        builds.mkdir(parents=True, exist_ok=True)
        staging = builds / f"{TEMP_PREFIX}restore-{build_id}"
        remove_build(staging)
        try:
            shutil.copytree(source, staging, symlinks=False)
            for path in staging.rglob("*"):
                if path.is_file():
                    path.chmod(0o644)
                    fsync_path(path)
            problem = damage(staging, manifest, staged=True)
            if problem:
                raise IndexNotReady(problem.replace(str(staging), str(source)))
            make_read_only(staging)
            target = builds / build_id
            if target.exists():
                remove_build(target)
            os.rename(staging, target)
            fsync_path(builds)
        except OSError as exc:
            remove_build(staging)
            raise StorageError(
                f"cannot restore into {index_dir}: {write_failure(exc)}; the index served "
                "before is still current"
            ) from exc
        except BaseException:
            remove_build(staging)
            raise
        _make_current(index_dir, build_id)
    return manifest

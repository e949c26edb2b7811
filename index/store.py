"""Build, save and load the FAISS index with its passages and manifest.

The index folder (``QA_INDEX_DIR``) holds::

    current -> builds/<build id>    a symlink: the build being served
    builds/<build id>/              index.faiss (row i is passage i), passages.jsonl,
                                    reports.json, the sentence vectors of every passage
                                    (sentences.npy, sentence_spans.npy, and
                                    sentence_offsets.npy: passage i owns rows
                                    offsets[i]:offsets[i+1]), keyword/ (BM25), and
                                    manifest.json with a checksum for every other file
    builds/.tmp-<build id>/         a build being written (a crashed one is removed later)
    cache/                          embeddings already computed (index/cache.py)
    .lock                           held by the one rebuild that may run at a time

A build is written in full under a temporary name, renamed to its build id, and
only then made current by replacing the ``current`` symlink with one rename. Up to
that rename readers see the previous build, whole; from it on, the new one. A crash
at any point leaves the previous build current and loadable. The previous build is
kept until the next one replaces it, so a server still loading it is not pulled
from under.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import stat
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import faiss
import numpy as np

from corpus.durable import fsync_path, write_failure
from corpus.errors import IndexNotReady, ModelMismatch, StorageError
from corpus.locks import FileLock
from corpus.records import Passage, Report
from index.cache import write_cache
from index.embed import embed_passages, sentence_layout
from index.encoder import Encoder, file_sha256
from index.keyword import KeywordIndex

FORMAT = 2
INDEX_FILE = "index.faiss"
PASSAGES_FILE = "passages.jsonl"
REPORTS_FILE = "reports.json"
MANIFEST_FILE = "manifest.json"
SENTENCES_FILE = "sentences.npy"
SPANS_FILE = "sentence_spans.npy"
OFFSETS_FILE = "sentence_offsets.npy"
CURRENT = "current"
BUILDS = "builds"
CACHE = "cache"
LOCK_FILE = ".lock"
TEMP_PREFIX = ".tmp-"
# Below this many passages an exact scan is fast (about 2 ms at 20,000 on two cores) and
# needs no tuning; above it, an HNSW graph answers in well under a millisecond, at a
# recall@10 against exact search that bench/ measures (python -m bench).
EXACT_LIMIT = 20_000
HNSW_M = 32  # neighbours per node: the usual choice for 384 dimensions
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 512  # recall@10 0.997 vs exact at 100,000 (256: 0.990): bench/RESULTS.md
REQUIRED_FILES = (INDEX_FILE, PASSAGES_FILE, REPORTS_FILE, SENTENCES_FILE, SPANS_FILE, OFFSETS_FILE)
HINT = "run `make index` (or `flask --app app index rebuild`) to build it"


@dataclass
class LoadedIndex:
    """A loaded index: the FAISS vectors, the passages they stand for, the reports."""

    faiss_index: faiss.Index
    passages: list[Passage]
    reports: list[Report]
    manifest: dict
    sentence_vectors: np.ndarray  # (sentences, dimension), in memory
    sentence_spans: np.ndarray  # (sentences, 2) character spans in their passage
    sentence_offsets: np.ndarray  # (passages + 1,) passage i owns rows [i] to [i + 1]
    keyword: KeywordIndex
    folder: Path | None = None  # the build folder it was loaded from
    file_stats: dict[str, tuple[int, int]] = field(default_factory=dict)  # (size, mtime) at load
    _disk: tuple[dict, str | None] | None = field(default=None, repr=False)  # last verdict

    def damage_on_disk(self) -> str | None:
        """What has happened to the build's files since they were loaded, or None. Cheap (a
        stat per file): the files are checked in full only when one has changed since the
        last look. Answers are unaffected either way: they come from memory."""
        if self.folder is None:
            return None
        stats = {name: _stat_key(self.folder / name) for name in self.file_stats}
        if stats == self.file_stats:
            return None
        if self._disk is None or self._disk[0] != stats:
            self._disk = (stats, damage(self.folder, self.manifest))
        return self._disk[1]

    @property
    def acronyms(self) -> dict[str, str]:
        """Every acronym the indexed reports define, with its long form."""
        merged: dict[str, str] = {}
        for report in self.reports:
            for acronym, long_form in report.acronyms.items():
                merged.setdefault(acronym, long_form)
        return merged

    @property
    def model_checksum(self) -> str:
        return self.manifest["model"]["sha256"]

    @property
    def build_id(self) -> str:
        return self.manifest["build_id"]

    @property
    def exact_index(self) -> faiss.Index:
        """An exact inner-product index over the same rows (the HNSW graph's own storage)."""
        if isinstance(self.faiss_index, faiss.IndexHNSW):
            return faiss.downcast_index(self.faiss_index.storage)
        return self.faiss_index

    def search(self, vector: np.ndarray, k: int) -> list[tuple[Passage, float]]:
        """The k passages nearest to one normalised query vector, best first."""
        k = min(k, len(self.passages))
        if k <= 0:
            return []
        scores, rows = self.faiss_index.search(
            np.asarray(vector, dtype=np.float32).reshape(1, -1), k
        )
        return [
            (self.passages[row], float(score))
            for row, score in zip(rows[0], scores[0], strict=True)
            if row >= 0
        ]


def build_index(
    parsed: Sequence[tuple[Report, list[Passage]]],
    encoder: Encoder,
    index_dir: str | Path,
    progress: Callable[[int, int], None] | None = None,
    exact_limit: int | None = None,
) -> dict:
    """Embed every passage afresh and publish the result as the current build.

    Takes the build lock (refusing if another rebuild holds it) and remembers the
    vectors in the embedding cache, so the next incremental rebuild can reuse them.
    ``progress(done, total)`` counts the passages (or texts) embedded.
    """
    passages = [p for _, ps in parsed for p in ps]
    with build_lock(index_dir).hold():
        clean_builds(index_dir)
        embedded = embed_passages(encoder, passages, progress=progress)
        write_cache(Path(index_dir) / CACHE, encoder.checksum, embedded.keys, embedded.table)
        n = len(passages)
        return publish_build(
            index_dir,
            parsed,
            embedded.vectors[:n],
            embedded.vectors[n:],
            model_entry(encoder),
            exact_limit=exact_limit,
        )


def model_entry(encoder: Encoder) -> dict:
    """How the manifest names the model: name and checksum, plus folder and base model
    for a model adapted on this machine."""
    entry = {"name": encoder.name, "sha256": encoder.checksum}
    if getattr(encoder, "base", None):
        # The folder's name only: it lives in the models folder (QA_MODELS_DIR), wherever
        # the install is moved to.
        entry.update(path=Path(encoder.path).name, base=encoder.base)
    return entry


def vector_index(vectors: np.ndarray, exact_limit: int = EXACT_LIMIT) -> faiss.Index:
    """The FAISS index for these (L2-normalised) passage vectors: exact inner product up
    to ``exact_limit`` rows, an HNSW graph over inner product above it."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dimension = int(vectors.shape[1])
    if len(vectors) <= exact_limit:
        index = faiss.IndexFlatIP(dimension)
    else:
        index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    index.add(vectors)
    return index


def index_kind(index: faiss.Index) -> dict:
    """How the manifest describes a FAISS index."""
    if isinstance(index, faiss.IndexHNSW):
        return {"type": "hnsw", "M": HNSW_M, "ef_search": int(index.hnsw.efSearch)}
    return {"type": "flat"}


def build_lock(index_dir: str | Path) -> FileLock:
    """The lock a rebuild holds from reading the reports to making its build current."""
    folder = Path(index_dir)
    folder.mkdir(parents=True, exist_ok=True)
    return FileLock(folder / LOCK_FILE, "a rebuild of the index")


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
    to the sentences of the passages in order (``index.embed.sentence_layout``); ``model`` is
    ``model_entry(encoder)``; ``extra`` adds facts to the manifest (e.g. rebuild counts);
    ``exact_limit``: the most passages searched exactly (default ``EXACT_LIMIT``).
    """
    index_dir = Path(index_dir)
    passages = [p for _, ps in parsed for p in ps]
    if len(vectors) != len(passages):
        raise ValueError(f"{len(vectors)} vectors for {len(passages)} passages")
    spans, offsets = sentence_layout(passages)
    if len(sentence_vectors) != len(spans):
        raise ValueError(f"{len(sentence_vectors)} vectors for {len(spans)} sentences")
    keyword = KeywordIndex.build([p.text for p in passages])
    faiss_index = vector_index(vectors, EXACT_LIMIT if exact_limit is None else exact_limit)

    now = datetime.now(UTC)
    build_id = f"{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    builds = index_dir / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    staging = builds / f"{TEMP_PREFIX}{build_id}"
    staging.mkdir(mode=0o755)
    try:
        # Through Python's own file writing, so a full disk is an OSError like any other
        # (faiss.write_index raises a bare RuntimeError).
        (staging / INDEX_FILE).write_bytes(faiss.serialize_index(faiss_index).tobytes())
        with open(staging / PASSAGES_FILE, "w", encoding="utf-8") as fh:
            for p in passages:
                fh.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
        (staging / REPORTS_FILE).write_text(
            json.dumps([r.to_dict() for r, _ in parsed], ensure_ascii=False, indent=1), "utf-8"
        )
        np.save(staging / SENTENCES_FILE, np.asarray(sentence_vectors, dtype=np.float32))
        np.save(staging / SPANS_FILE, spans)
        np.save(staging / OFFSETS_FILE, offsets)
        keyword.save(staging)
        written = sorted(p for p in staging.rglob("*") if p.is_file())
        manifest = {
            "format": FORMAT,
            "build_id": build_id,
            "previous_build": current_build_id(index_dir),
            "built_at": now.isoformat(timespec="seconds"),
            "model": model,
            "dimension": faiss_index.d,
            "vector_index": index_kind(faiss_index),
            "passages": len(passages),
            "sentences": len(spans),
            "reports": {r.file: {"id": r.id, "sha256": r.sha256} for r, _ in parsed},
            "files": {p.relative_to(staging).as_posix(): file_sha256(p) for p in written},
            **(extra or {}),
        }
        (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1), "utf-8")
        for path in [*written, staging / MANIFEST_FILE]:
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


def _read_manifest_in(folder: Path) -> dict | None:
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def read_manifest(index_dir: str | Path) -> dict | None:
    """The manifest of the current build, or None when there is no readable one."""
    folder = current_build(index_dir)
    return _read_manifest_in(folder) if folder else None


def _text(value: object) -> bool:
    return isinstance(value, str) and value != ""


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _model_problem(model: object) -> str | None:
    if not isinstance(model, dict):
        return "model is not an object"
    for key in ("name", "sha256"):
        if not _text(model.get(key)):
            return f"model.{key} is missing or not text"
    if ("path" in model) != ("base" in model):
        return "model.path and model.base must come together"
    if "path" in model:
        if not _text(model["path"]):
            return "model.path is not text"
        base = model["base"]
        if not isinstance(base, dict) or not all(_text(base.get(k)) for k in ("name", "sha256")):
            return "model.base is not an object with a name and a sha256"
    return None


def manifest_problem(manifest: dict) -> str | None:
    """Which field of a manifest is missing or malformed, in words, or None."""
    if manifest.get("format") != FORMAT:
        return f"format is not {FORMAT}"
    if not _text(manifest.get("build_id")):
        return "build_id is missing or not text"
    if (problem := _model_problem(manifest.get("model"))) is not None:
        return problem
    for key in ("passages", "sentences"):
        if not _count(manifest.get(key)):
            return f"{key} is missing or not a count"
    if not _count(manifest.get("dimension")) or manifest["dimension"] == 0:
        return "dimension is missing or not a positive number"
    previous = manifest.get("previous_build")
    if previous is not None and not _text(previous):
        return "previous_build is not text"
    reports = manifest.get("reports")
    if not isinstance(reports, dict) or not all(
        isinstance(e, dict) and _text(e.get("id")) and _text(e.get("sha256"))
        for e in reports.values()
    ):
        return "reports is not an object of report files with their id and sha256"
    files = manifest.get("files")
    if (
        not isinstance(files, dict)
        or not set(REQUIRED_FILES) <= set(files)
        or not all(_text(v) for v in files.values())
        or any(Path(name).is_absolute() or ".." in Path(name).parts for name in files)
    ):
        return "files does not list the build's files with their checksums"
    return None


def damage(folder: Path, manifest: dict, verify_files: bool = True) -> str | None:
    """What is wrong with a build's manifest or files, or None; ``verify_files=False``
    checks only the manifest, the folder's name and that every file is there."""
    problem = manifest_problem(manifest)
    if problem is not None:
        return f"the manifest {folder / MANIFEST_FILE} is damaged: {problem}"
    if manifest["build_id"] != folder.name:
        return (
            f"the build folder {folder.name} holds build {manifest['build_id']} (a copy put "
            "back under another name?); put backups back with "
            "`flask --app app index restore FOLDER`, which names them right"
        )
    for name, checksum in manifest["files"].items():
        path = folder / name
        if not path.is_file() or (verify_files and file_sha256(path) != checksum):
            return f"{path} is missing or damaged"
    return None


def check_current(index_dir: str | Path, verify_files: bool = True) -> tuple[Path, dict]:
    """The current build's folder and manifest, or IndexNotReady saying what is missing or
    damaged; cheap enough to run before loading a model for it."""
    folder = current_build(index_dir)
    if folder is None:
        raise IndexNotReady(f"no index at {index_dir}: {HINT}")
    return folder, check_build(folder, verify_files)


def check_build(folder: Path, verify_files: bool = True) -> dict:
    """A build folder's manifest, or IndexNotReady saying what is missing or damaged."""
    if not folder.is_dir():
        raise IndexNotReady(f"the current build {folder} is missing: {HINT}")
    manifest = _read_manifest_in(folder)
    if manifest is None:
        what = "missing" if not (folder / MANIFEST_FILE).exists() else "damaged"
        raise IndexNotReady(f"the index manifest {folder / MANIFEST_FILE} is {what}: {HINT}")
    problem = damage(folder, manifest, verify_files)
    if problem:
        raise IndexNotReady(f"{problem}: {HINT}")
    return manifest


def _read_verified(folder: Path, name: str, manifest: dict) -> bytes:
    """A build file's bytes, checked against the manifest as read: the bytes used are
    the bytes checked, whatever happens to the file afterwards."""
    path = folder / name
    try:
        data = path.read_bytes()
    except OSError:
        data = None
    if data is None or hashlib.sha256(data).hexdigest() != manifest["files"][name]:
        raise IndexNotReady(f"{path} is missing or damaged: {HINT}")
    return data


def _array(data: bytes, folder: Path, name: str) -> np.ndarray:
    try:
        return np.load(io.BytesIO(data), allow_pickle=False)
    except ValueError as exc:
        raise IndexNotReady(f"{folder / name} is not a readable array ({exc}): {HINT}") from None


def load_index(index_dir: str | Path, model_checksum: str | None = None) -> LoadedIndex:
    """Load the current build into memory, checking every file against its manifest.

    Nothing is memory-mapped: a build file truncated or overwritten while the server runs
    (a ``cp`` over it) cannot crash it (SIGBUS) or change its answers; the next build
    checked and loaded replaces it whole.
    """
    folder, manifest = check_current(index_dir, verify_files=False)
    if model_checksum is not None and manifest["model"]["sha256"] != model_checksum:
        raise ModelMismatch(
            f"the index at {index_dir} was built with model {manifest['model']['name']} "
            f"({manifest['model']['sha256'][:12]}), not the one loaded now: {HINT}"
        )
    stats = {name: _stat_key(folder / name) for name in manifest["files"]}  # before reading
    data = {name: _read_verified(folder, name, manifest) for name in manifest["files"]}
    try:
        faiss_index = faiss.deserialize_index(np.frombuffer(data[INDEX_FILE], dtype=np.uint8))
    except RuntimeError:
        raise IndexNotReady(f"{folder / INDEX_FILE} is not a FAISS index: {HINT}") from None
    if isinstance(faiss_index, faiss.IndexHNSW):
        faiss_index.hnsw.efSearch = HNSW_EF_SEARCH  # a search setting: tunable without a rebuild
    try:
        lines = data[PASSAGES_FILE].decode("utf-8").splitlines()
        passages = [Passage.from_dict(json.loads(line)) for line in lines]
        reports = [Report.from_dict(r) for r in json.loads(data[REPORTS_FILE])]
    except (ValueError, TypeError) as exc:
        raise IndexNotReady(f"the passages at {folder} are unreadable ({exc}): {HINT}") from None
    if faiss_index.ntotal != len(passages) or len(passages) != manifest["passages"]:
        raise IndexNotReady(f"the index at {folder} does not match its passages: {HINT}")
    if faiss_index.d != manifest["dimension"]:
        raise IndexNotReady(f"the index at {folder} has the wrong dimension: {HINT}")
    offsets = _array(data.pop(OFFSETS_FILE), folder, OFFSETS_FILE)
    spans = _array(data.pop(SPANS_FILE), folder, SPANS_FILE)
    sentence_vectors = _array(data.pop(SENTENCES_FILE), folder, SENTENCES_FILE)
    if len(offsets) != len(passages) + 1 or offsets[-1] != len(sentence_vectors):
        raise IndexNotReady(f"the index at {folder} does not match its sentences: {HINT}")
    if sentence_vectors.ndim != 2 or sentence_vectors.shape[1] != faiss_index.d:
        raise IndexNotReady(f"the sentence vectors at {folder} have the wrong shape: {HINT}")
    del data
    return LoadedIndex(
        faiss_index,
        passages,
        reports,
        manifest,
        sentence_vectors=sentence_vectors,
        sentence_spans=spans,
        sentence_offsets=offsets,
        keyword=KeywordIndex.load(folder),
        folder=folder,
        file_stats=stats,
    )


def _stat_key(path: Path) -> tuple[int, int]:
    try:
        info = path.stat()
    except OSError:
        return (-1, -1)
    return (info.st_size, info.st_mtime_ns)


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
    manifest = _read_manifest_in(source)
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
            problem = damage(staging, {**manifest, "build_id": staging.name})
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

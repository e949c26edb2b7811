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

import json
import os
import shutil
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import faiss
import numpy as np

from corpus.durable import fsync_path
from corpus.errors import IndexNotReady, ModelMismatch
from corpus.locks import FileLock
from corpus.records import Passage, Report
from corpus.sentences import sentence_spans
from index.cache import text_key, write_cache
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
BATCH = 64
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
    sentence_vectors: np.ndarray  # (sentences, dimension), memory-mapped
    sentence_spans: np.ndarray  # (sentences, 2) character spans in their passage
    sentence_offsets: np.ndarray  # (passages + 1,) passage i owns rows [i] to [i + 1]
    keyword: KeywordIndex

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


def embed(
    encoder: Encoder, texts: Sequence[str], progress: Callable[[int], None] | None = None
) -> np.ndarray:
    """Embed texts in length-sorted batches (less padding), returned in the original order."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), encoder.dimension), dtype=np.float32)
    for start in range(0, len(order), BATCH):
        rows = order[start : start + BATCH]
        out[rows] = encoder.encode([texts[i] for i in rows])
        if progress:
            progress(len(rows))
    return out


def build_index(
    parsed: Sequence[tuple[Report, list[Passage]]],
    encoder: Encoder,
    index_dir: str | Path,
    progress: Callable[[int], None] | None = None,
    exact_limit: int | None = None,
) -> dict:
    """Embed every passage afresh and publish the result as the current build.

    Takes the build lock (refusing if another rebuild holds it) and remembers the
    vectors in the embedding cache, so the next incremental rebuild can reuse them.
    """
    passages = [p for _, ps in parsed for p in ps]
    texts = [p.text for p in passages] + sentence_texts(passages)
    with build_lock(index_dir).hold():
        clean_builds(index_dir)
        vectors = embed(encoder, texts, progress)
        keys = [text_key(t) for t in texts]
        write_cache(Path(index_dir) / CACHE, encoder.checksum, keys, vectors)
        n = len(passages)
        return publish_build(
            index_dir,
            parsed,
            vectors[:n],
            vectors[n:],
            model_entry(encoder),
            exact_limit=exact_limit,
        )


def sentence_layout(passages: Sequence[Passage]) -> tuple[np.ndarray, np.ndarray]:
    """(spans, offsets) of every passage's sentences: passage i owns spans[offsets[i]:
    offsets[i + 1]], each a [start, end) character span of its text."""
    spans = [sentence_spans(p.text) for p in passages]
    offsets = np.cumsum([0] + [len(s) for s in spans], dtype=np.int64)
    flat = np.array([span for ss in spans for span in ss], dtype=np.int32).reshape(-1, 2)
    return flat, offsets


def sentence_texts(passages: Sequence[Passage]) -> list[str]:
    """The text of every sentence of every passage, in order."""
    return [p.text[a:b] for p in passages for a, b in sentence_spans(p.text)]


def model_entry(encoder: Encoder) -> dict:
    """How the manifest names the model: name and checksum, plus folder and base model
    for a model adapted on this machine."""
    entry = {"name": encoder.name, "sha256": encoder.checksum}
    if getattr(encoder, "base", None):
        entry.update(path=encoder.path, base=encoder.base)
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
    to the sentences of the passages in order (``sentence_texts``); ``model`` is
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
        faiss.write_index(faiss_index, str(staging / INDEX_FILE))
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
        os.rename(staging, builds / build_id)
        fsync_path(builds)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _make_current(index_dir, build_id)
    clean_builds(index_dir)
    return manifest


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
                shutil.rmtree(folder, ignore_errors=True)
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


def damage(folder: Path, manifest: dict) -> str | None:
    """What is wrong with a build's files compared with its manifest, or None."""
    if manifest.get("format") != FORMAT:
        return f"the index at {folder} has an unknown format"
    model = manifest.get("model")
    if not isinstance(model, dict) or not isinstance(model.get("sha256"), str):
        return f"the manifest of the index at {folder} does not name its model"
    files = manifest.get("files")
    if not isinstance(files, dict) or not set(REQUIRED_FILES) <= set(files):
        return f"the manifest of the index at {folder} is damaged"
    for name, checksum in files.items():
        path = folder / name
        if not path.is_file() or file_sha256(path) != checksum:
            return f"{path} is missing or damaged"
    return None


def check_current(index_dir: str | Path) -> tuple[Path, dict]:
    """The current build's folder and manifest, or IndexNotReady saying what is missing or
    damaged; cheap enough to run before loading a model for it."""
    folder = current_build(index_dir)
    if folder is None:
        raise IndexNotReady(f"no index at {index_dir}: {HINT}")
    if not folder.is_dir():
        raise IndexNotReady(f"the current build {folder} is missing: {HINT}")
    manifest = _read_manifest_in(folder)
    if manifest is None:
        what = "missing" if not (folder / MANIFEST_FILE).exists() else "damaged"
        raise IndexNotReady(f"the index manifest {folder / MANIFEST_FILE} is {what}: {HINT}")
    problem = damage(folder, manifest)
    if problem:
        raise IndexNotReady(f"{problem}: {HINT}")
    return folder, manifest


def load_index(index_dir: str | Path, model_checksum: str | None = None) -> LoadedIndex:
    """Load the current build, checking every file against its manifest."""
    folder, manifest = check_current(index_dir)
    if model_checksum is not None and manifest["model"]["sha256"] != model_checksum:
        raise ModelMismatch(
            f"the index at {index_dir} was built with model {manifest['model']['name']} "
            f"({manifest['model']['sha256'][:12]}), not the one loaded now: {HINT}"
        )
    faiss_index = faiss.read_index(str(folder / INDEX_FILE))
    if isinstance(faiss_index, faiss.IndexHNSW):
        faiss_index.hnsw.efSearch = HNSW_EF_SEARCH  # a search setting: tunable without a rebuild
    with open(folder / PASSAGES_FILE, encoding="utf-8") as fh:
        passages = [Passage.from_dict(json.loads(line)) for line in fh]
    reports = [Report.from_dict(r) for r in json.loads((folder / REPORTS_FILE).read_text("utf-8"))]
    if faiss_index.ntotal != len(passages) or len(passages) != manifest["passages"]:
        raise IndexNotReady(f"the index at {folder} does not match its passages: {HINT}")
    if faiss_index.d != manifest["dimension"]:
        raise IndexNotReady(f"the index at {folder} has the wrong dimension: {HINT}")
    offsets = np.load(folder / OFFSETS_FILE)
    sentence_vectors = np.load(folder / SENTENCES_FILE, mmap_mode="r")
    if len(offsets) != len(passages) + 1 or offsets[-1] != len(sentence_vectors):
        raise IndexNotReady(f"the index at {folder} does not match its sentences: {HINT}")
    return LoadedIndex(
        faiss_index,
        passages,
        reports,
        manifest,
        sentence_vectors=sentence_vectors,
        sentence_spans=np.load(folder / SPANS_FILE),
        sentence_offsets=offsets,
        keyword=KeywordIndex.load(folder),
    )

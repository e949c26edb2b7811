"""Loading the current build into memory, with the cheap checks a start-up can afford."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from common.errors import IndexNotReady, ModelMismatch
from corpus.records import Passage, Report
from index import facts, passages
from index.facts import PassageFacts
from index.keyword import KeywordIndex
from index.manifest import (
    HINT,
    INDEX_FILE,
    OFFSETS_FILE,
    REPORTS_FILE,
    SENTENCE_SCALE_FILE,
    SENTENCES_FILE,
    SPANS_FILE,
    damage,
)
from index.passages import PassageStore, PassagesUnreadable
from index.store import check_current
from index.vectors import VectorStore, VectorsUnreadable, load_vectors

log = logging.getLogger(__name__)


@dataclass
class LoadedIndex:
    """A loaded index: the passage vectors, the passages they stand for, the reports."""

    vectors: VectorStore
    passages: PassageStore  # a sequence of Passage records, stored in columns
    reports: list[Report]
    manifest: dict
    sentence_vectors: np.ndarray  # (sentences, dimension) float16 (int8: SENTENCE_DTYPE)
    sentence_scale: np.ndarray  # (dimension,) float32: a stored vector times it is the vector
    sentence_spans: np.ndarray  # (sentences, 2) character spans in their passage
    sentence_offsets: np.ndarray  # (passages + 1,) passage i owns rows [i] to [i + 1]
    keyword: KeywordIndex
    facts: PassageFacts  # what each passage states, and the passages' words
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

    def sentence_similarities(self, rows: np.ndarray, vector: np.ndarray) -> np.ndarray:
        """Cosine of a normalised query vector with these sentences' vectors (float32)."""
        scaled = (vector * self.sentence_scale).astype(np.float32)
        return self.sentence_vectors[rows].astype(np.float32) @ scaled

    @cached_property
    def rows_by_unit(self) -> dict[tuple[str, str], list[int]]:
        """The rows of each unit's passages, in reading order, by (report id, unit key)."""
        return self.passages.rows_by_unit()

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

    def search(self, vector: np.ndarray, k: int) -> list[tuple[Passage, float]]:
        """The k passages nearest to one normalised query vector, best first."""
        k = min(k, len(self.passages))
        if k <= 0:
            return []
        scores, rows = self.vectors.search(vector, k)
        return [
            (self.passages[row], float(score))
            for row, score in zip(rows[0], scores[0], strict=True)
            if row >= 0
        ]


def _read_sized(folder: Path, name: str, manifest: dict) -> bytes:
    """A build file's bytes, checked against the size the manifest gives: the bytes used
    are the bytes checked, whatever happens to the file afterwards. (Their checksums were
    verified when the build was published; ``index verify`` checks them again.)"""
    path = folder / name
    try:
        data = path.read_bytes()
    except OSError:
        data = None
    if data is None or len(data) != manifest["sizes"][name]:
        raise IndexNotReady(f"{path} is missing or damaged: {HINT}")
    return data


def _array(folder: Path, name: str, manifest: dict) -> np.ndarray:
    """A build's array, read straight into its own memory (no second copy of its bytes),
    from a file of the size the manifest gives."""
    path = folder / name
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size != manifest["sizes"][name]:
                raise IndexNotReady(f"{path} is missing or damaged: {HINT}")
            array = np.load(fh, allow_pickle=False)
            if fh.tell() != size:
                raise ValueError("the file holds more than its array")
    except OSError:
        raise IndexNotReady(f"{path} is missing or damaged: {HINT}") from None
    except ValueError as exc:
        raise IndexNotReady(f"{path} is not a readable array ({exc}): {HINT}") from None
    return array


def _vectors(folder: Path, manifest: dict) -> VectorStore:
    """The passage vectors, read from a file of the size the manifest gives, all of it."""
    path = folder / INDEX_FILE
    try:
        with open(path, "rb") as fh:
            if os.fstat(fh.fileno()).st_size != manifest["sizes"][INDEX_FILE]:
                raise IndexNotReady(f"{path} is missing or damaged: {HINT}")
            vectors = load_vectors(fh, manifest.get("vector_index", {}))
            if fh.tell() != manifest["sizes"][INDEX_FILE] or fh.read(1):
                raise VectorsUnreadable("the file holds more than its index")
    except OSError:
        raise IndexNotReady(f"{path} is missing or damaged: {HINT}") from None
    except VectorsUnreadable as exc:
        raise IndexNotReady(f"{path} is unreadable ({exc}): {HINT}") from None
    return vectors


def _passages(folder: Path, manifest: dict) -> PassageStore:
    """The passages of a build, in columns (index/passages.py): their files read whole,
    each checked against the size the manifest gives. No ``Passage`` is made here: at
    100,000 passages making them all took 2.3 s and about 90 MB (measured)."""
    try:
        return PassageStore.from_stored(
            _read_sized(folder, passages.TEXT_FILE, manifest),
            _array(folder, passages.BLOCKS_FILE, manifest),
            _read_sized(folder, passages.IDS_FILE, manifest),
            _array(folder, passages.OFFSETS_FILE, manifest),
            _array(folder, passages.FIELDS_FILE, manifest),
            _read_sized(folder, passages.STRINGS_FILE, manifest),
        )
    except PassagesUnreadable as exc:
        raise IndexNotReady(f"the passages at {folder} are unreadable ({exc}): {HINT}") from None


def load_index(index_dir: str | Path, model_checksum: str | None = None) -> LoadedIndex:
    """Load the current build into memory, after the cheap checks (the manifest's own
    checksum, every file's size).

    Nothing is memory-mapped: a build file truncated or overwritten while the server runs
    (a ``cp`` over it) cannot crash it (SIGBUS) or change its answers; the next build
    checked and loaded replaces it whole.
    """
    folder, manifest = check_current(index_dir)
    if model_checksum is not None and manifest["model"]["sha256"] != model_checksum:
        raise ModelMismatch(
            f"the index at {index_dir} was built with model {manifest['model']['name']} "
            f"({manifest['model']['sha256'][:12]}), not the one loaded now: {HINT}"
        )
    stats = {name: _stat_key(folder / name) for name in manifest["files"]}  # before reading

    def read(name: str) -> bytes:
        return _read_sized(folder, name, manifest)

    vectors = _vectors(folder, manifest)
    stored = _passages(folder, manifest)
    try:
        reports = [Report.from_dict(r) for r in json.loads(read(REPORTS_FILE))]
    except (ValueError, TypeError) as exc:
        raise IndexNotReady(f"the reports at {folder} are unreadable ({exc}): {HINT}") from None
    if len(vectors) != len(stored) or len(stored) != manifest["passages"]:
        raise IndexNotReady(f"the index at {folder} does not match its passages: {HINT}")
    if vectors.dimension != manifest["dimension"]:
        raise IndexNotReady(f"the index at {folder} has the wrong dimension: {HINT}")
    offsets = _array(folder, OFFSETS_FILE, manifest)
    spans = _array(folder, SPANS_FILE, manifest)
    sentence_vectors = _array(folder, SENTENCES_FILE, manifest)
    if len(offsets) != len(stored) + 1 or offsets[-1] != len(sentence_vectors):
        raise IndexNotReady(f"the index at {folder} does not match its sentences: {HINT}")
    if sentence_vectors.ndim != 2 or sentence_vectors.shape[1] != vectors.dimension:
        raise IndexNotReady(f"the sentence vectors at {folder} have the wrong shape: {HINT}")
    scale = _array(folder, SENTENCE_SCALE_FILE, manifest)
    if scale.shape != (vectors.dimension,) or scale.dtype != np.float32:
        raise IndexNotReady(f"the sentence vectors' scale at {folder} is unreadable: {HINT}")
    if sentence_vectors.dtype not in (np.int8, np.float16, np.float32):
        raise IndexNotReady(f"the sentence vectors at {folder} are of an unknown type: {HINT}")
    keyword_files = [n for n in manifest["files"] if n.startswith("keyword/")]
    for name in keyword_files:  # read by bm25s itself: sizes checked here
        if _stat_key(folder / name)[0] != manifest["sizes"][name]:
            raise IndexNotReady(f"{folder / name} is missing or damaged: {HINT}")
    try:
        keyword = KeywordIndex.load(folder)
    except (OSError, ValueError) as exc:
        raise IndexNotReady(
            f"the keyword index at {folder} is unreadable ({exc}): {HINT}"
        ) from None
    passage_facts = _facts(folder, manifest, stored)
    return LoadedIndex(
        vectors,
        stored,
        reports,
        manifest,
        sentence_vectors=sentence_vectors,
        sentence_scale=scale,
        sentence_spans=spans,
        sentence_offsets=offsets,
        keyword=keyword,
        facts=passage_facts,
        folder=folder,
        file_stats=stats,
    )


def _facts(folder: Path, manifest: dict, passages: PassageStore) -> PassageFacts:
    """The facts the build stored; worked out again (slower) for a build made before they
    were stored or under other rules (corpus/statements.py's VERSION)."""
    if manifest.get("facts") != facts.VERSION or not set(facts.FILES) <= set(manifest["files"]):
        log.warning(
            "build %s has no stored passage facts of version %s: working them out now "
            "(a rebuild, `make index`, stores them and starts faster)",
            manifest["build_id"],
            facts.VERSION,
        )
        return facts.compute(passages)
    flags = _array(folder, facts.STATEMENTS_FILE, manifest)
    try:
        stored = facts.from_stored(flags, _read_sized(folder, facts.WORDS_FILE, manifest))
    except ValueError as exc:
        raise IndexNotReady(
            f"the passage facts at {folder} are unreadable ({exc}): {HINT}"
        ) from None
    if len(stored.judgement) != len(passages):
        raise IndexNotReady(f"the passage facts at {folder} do not match its passages: {HINT}")
    return stored


def _stat_key(path: Path) -> tuple[int, int]:
    try:
        info = path.stat()
    except OSError:
        return (-1, -1)
    return (info.st_size, info.st_mtime_ns)

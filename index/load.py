"""Loading the current build into memory, every file checked against the manifest's size and
checksum as it is read: a build damaged on disk is refused, at start-up as after."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from common.errors import IndexNotReady, ModelMismatch
from corpus.records import Passage, Report
from index import facts, passages
from index.encoder import file_sha256
from index.facts import PassageFacts
from index.keyword import KEYWORD_ARRAYS, KEYWORD_DIR, KEYWORD_TEXTS, KeywordIndex
from index.manifest import (
    HINT,
    INDEX_FILE,
    MANIFEST_FILE,
    OFFSETS_FILE,
    REPORTS_FILE,
    SENTENCE_SCALE_FILE,
    SENTENCES_FILE,
    SPANS_FILE,
    damage,
    read_manifest_in,
)
from index.passages import PassageStore, PassagesUnreadable
from index.store import check_current
from index.vectors import VectorStore, VectorsUnreadable, load_vectors

log = logging.getLogger(__name__)
ARRAY_HEAD_BYTES = 65536  # read first from an array's file: its header is in it


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
            self._disk = (stats, self._manifest_changed() or damage(self.folder, self.manifest))
        return self._disk[1]

    def _manifest_changed(self) -> str | None:
        """What is wrong with the manifest on disk, when it is not the one loaded."""
        path = self.folder / MANIFEST_FILE
        if read_manifest_in(self.folder) == self.manifest:
            return None
        return f"{path} is missing or damaged (it is not the manifest the build was loaded with)"

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


class _Checked:
    """Reads a build's files for loading, each checked against the manifest: its size as it
    is read, and the checksum of the very bytes used (a file changed in place at the same
    size is refused, not served). Every file the manifest lists is checked, read or not.

    The checksums are taken in a thread of their own (hashlib lets go of the GIL), beside
    the reading and the making of tables, and ``finish`` waits for them: at 100,000
    passages the build is some 420 MB to hash."""

    def __init__(self, folder: Path, manifest: dict) -> None:
        self.folder = folder
        self.manifest = manifest
        self._hashing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="checksums")
        self._digests: dict[str, Future] = {}
        # FAISS reads native structures: its file is checked before it reads any of it.
        self._digests[INDEX_FILE] = self._hashing.submit(file_sha256, folder / INDEX_FILE)

    def damaged(self, name: str, why: str = "") -> IndexNotReady:
        return IndexNotReady(f"{self.folder / name} is missing or damaged{why}: {HINT}")

    def _check(self, name: str, checksum: str) -> None:
        if checksum != self.manifest["files"][name]:
            raise self.damaged(name, " (its checksum is not the one recorded)")

    def bytes(self, name: str) -> bytes:
        """A file's bytes, of the size the manifest gives (checksummed in the background)."""
        try:
            data = (self.folder / name).read_bytes()
        except OSError:
            raise self.damaged(name) from None
        if len(data) != self.manifest["sizes"][name]:
            raise self.damaged(name)
        self._digests[name] = self._hashing.submit(_sha256, data)
        return data

    def array(self, name: str) -> np.ndarray:
        """A saved numpy array, read straight into its own memory (no second copy of its
        bytes) and checksummed there."""
        size = self.manifest["sizes"][name]
        try:
            with open(self.folder / name, "rb") as fh:
                if os.fstat(fh.fileno()).st_size != size:
                    raise self.damaged(name)
                head = fh.read(min(size, ARRAY_HEAD_BYTES))
                array, flat, offset = _empty_array(head, size)
                view = memoryview(flat).cast("B")
                have = min(len(head) - offset, len(view))
                view[:have] = head[offset : offset + have]
                while have < len(view):
                    got = fh.readinto(view[have:])
                    if not got:
                        raise self.damaged(name)
                    have += got
                if fh.read(1):
                    raise ValueError("the file holds more than its array")
        except OSError:
            raise self.damaged(name) from None
        except ValueError as exc:
            raise IndexNotReady(
                f"{self.folder / name} is not a readable array ({exc}): {HINT}"
            ) from None
        self._digests[name] = self._hashing.submit(_sha256, head[:offset], view)
        return array

    def vectors(self) -> VectorStore:
        """The passage vectors, read in pieces (no copy of the whole file), after their
        file's checksum, and checksummed again over the bytes FAISS reads."""
        path = self.folder / INDEX_FILE
        size = self.manifest["sizes"][INDEX_FILE]
        try:
            self._check(INDEX_FILE, self._digests.pop(INDEX_FILE).result())
            digest = hashlib.sha256()
            with open(path, "rb") as fh:
                if os.fstat(fh.fileno()).st_size != size:
                    raise self.damaged(INDEX_FILE)

                def read(count: int) -> bytes:
                    data = fh.read(count)
                    digest.update(data)
                    return data

                vectors = load_vectors(_Reader(read), self.manifest.get("vector_index", {}))
                if fh.tell() != size or fh.read(1):
                    raise VectorsUnreadable("the file holds more than its index")
        except OSError:
            raise self.damaged(INDEX_FILE) from None
        except VectorsUnreadable as exc:
            raise IndexNotReady(f"{path} is unreadable ({exc}): {HINT}") from None
        self._check(INDEX_FILE, digest.hexdigest())
        return vectors

    def finish(self) -> None:
        """Check every file: those read against the checksums of the bytes read, the others
        (none, unless the build has files this version does not read) from disk."""
        try:
            for name in self.manifest["files"]:
                if name == INDEX_FILE:
                    continue  # checked as FAISS read it
                digest = self._digests.get(name)
                if digest is None:
                    digest = self._hashing.submit(file_sha256, self.folder / name)
                try:
                    checksum = digest.result()
                except OSError:
                    raise self.damaged(name) from None
                self._check(name, checksum)
        finally:
            self.close()

    def close(self) -> None:
        self._hashing.shutdown(wait=True, cancel_futures=True)


def _sha256(*parts) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return digest.hexdigest()


class _Reader:
    """A file-like object whose ``read`` is given (FAISS reads through it)."""

    def __init__(self, read) -> None:
        self.read = read


def _empty_array(head: bytes, size: int) -> tuple[np.ndarray, np.ndarray, int]:
    """(array, its flat C-ordered buffer, where its data starts) for a saved array whose
    file starts with ``head`` and is ``size`` bytes long; ValueError if it is not one."""
    stream = io.BytesIO(head)
    version = np.lib.format.read_magic(stream)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
    elif version == (2, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream)
    else:
        raise ValueError(f"array format version {version} is not read here")
    if dtype.hasobject:
        raise ValueError("it holds Python objects")
    offset = stream.tell()
    count = math.prod(shape)
    if offset + count * dtype.itemsize != size:
        raise ValueError("its size is not that of its array")
    flat = np.empty(count, dtype=dtype)
    return flat.reshape(shape, order="F" if fortran else "C"), flat, offset


def _passages(read: _Checked) -> PassageStore:
    """The passages of a build, in columns (index/passages.py). No ``Passage`` is made
    here: at 100,000 passages making them all took 2.3 s and about 90 MB (measured)."""
    try:
        return PassageStore.from_stored(
            read.bytes(passages.TEXT_FILE),
            read.array(passages.BLOCKS_FILE),
            read.bytes(passages.IDS_FILE),
            read.array(passages.OFFSETS_FILE),
            read.array(passages.FIELDS_FILE),
            read.bytes(passages.STRINGS_FILE),
        )
    except PassagesUnreadable as exc:
        raise IndexNotReady(
            f"the passages at {read.folder} are unreadable ({exc}): {HINT}"
        ) from None


def _keyword(read: _Checked) -> KeywordIndex:
    try:
        return KeywordIndex.from_files(
            {name: read.bytes(f"{KEYWORD_DIR}/{name}") for name in KEYWORD_TEXTS},
            {name: read.array(f"{KEYWORD_DIR}/{name}") for name in KEYWORD_ARRAYS},
        )
    except (KeyError, ValueError) as exc:
        raise IndexNotReady(
            f"the keyword index at {read.folder} is unreadable ({exc}): {HINT}"
        ) from None


def load_index(index_dir: str | Path, model_checksum: str | None = None) -> LoadedIndex:
    """Load the current build into memory, every file checked against the manifest (its
    size, and the checksum of the bytes read: ``_Checked``); the manifest's own checksum
    is checked first.

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
    names = [*manifest["files"], MANIFEST_FILE]
    stats = {name: _stat_key(folder / name) for name in names}  # before reading
    read = _Checked(folder, manifest)
    try:
        try:
            loaded = _load(read, stats)
        except IndexNotReady:
            read.finish()  # a file damaged on disk explains it better, naming the file
            raise
        read.finish()
    finally:
        read.close()
    return loaded


def _load(read: _Checked, stats: dict[str, tuple[int, int]]) -> LoadedIndex:
    folder, manifest = read.folder, read.manifest
    stored = _passages(read)
    try:
        reports = [Report.from_dict(r) for r in json.loads(read.bytes(REPORTS_FILE))]
    except (ValueError, TypeError) as exc:
        raise IndexNotReady(f"the reports at {folder} are unreadable ({exc}): {HINT}") from None
    vectors = read.vectors()
    if len(vectors) != len(stored) or len(stored) != manifest["passages"]:
        raise IndexNotReady(f"the index at {folder} does not match its passages: {HINT}")
    if vectors.dimension != manifest["dimension"]:
        raise IndexNotReady(f"the index at {folder} has the wrong dimension: {HINT}")
    offsets = read.array(OFFSETS_FILE)
    spans = read.array(SPANS_FILE)
    sentence_vectors = read.array(SENTENCES_FILE)
    if len(offsets) != len(stored) + 1 or offsets[-1] != len(sentence_vectors):
        raise IndexNotReady(f"the index at {folder} does not match its sentences: {HINT}")
    if sentence_vectors.ndim != 2 or sentence_vectors.shape[1] != vectors.dimension:
        raise IndexNotReady(f"the sentence vectors at {folder} have the wrong shape: {HINT}")
    scale = read.array(SENTENCE_SCALE_FILE)
    if scale.shape != (vectors.dimension,) or scale.dtype != np.float32:
        raise IndexNotReady(f"the sentence vectors' scale at {folder} is unreadable: {HINT}")
    if sentence_vectors.dtype not in (np.int8, np.float16, np.float32):
        raise IndexNotReady(f"the sentence vectors at {folder} are of an unknown type: {HINT}")
    keyword = _keyword(read)
    passage_facts = _facts(read, stored)
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


def _facts(read: _Checked, passages: PassageStore) -> PassageFacts:
    """The facts the build stored; worked out again (slower) for a build made before they
    were stored or under other rules (corpus/statements.py's VERSION)."""
    manifest, folder = read.manifest, read.folder
    if manifest.get("facts") != facts.VERSION or not set(facts.FILES) <= set(manifest["files"]):
        log.warning(
            "build %s has no stored passage facts of version %s: working them out now "
            "(a rebuild, `make index`, stores them and starts faster)",
            manifest["build_id"],
            facts.VERSION,
        )
        return facts.compute(passages)
    flags = read.array(facts.STATEMENTS_FILE)
    try:
        stored = facts.from_stored(flags, read.bytes(facts.WORDS_FILE))
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

"""The passage vector store: one interface, FAISS behind it (the only module importing faiss).

A store is built from L2-normalised vectors (row i is passage i), saved as one file beside
the manifest, and loaded back as the manifest describes it. Two backends, chosen by size:

- ``ExactVectors`` (``{"type": "flat"}``): every vector compared, exact inner product.
- ``GraphVectors`` (``{"type": "hnsw", "storage": "float16", ...}``): an HNSW graph over
  inner product, its vectors stored as float16 (half the memory of float32: 154 -> 77 MB
  at 100,000 passages), which answers in well under a millisecond at 100,000 rows with a
  recall@10 against exact float32 search that bench/ measures; a search limited to some
  rows scans them exactly. float16 keeps about three significant digits, far finer than
  the gaps between neighbours' cosines, and gives the same top passages on the
  evaluation sets as float32 (tests/test_store_precision.py).

Another engine (an external vector database for a corpus past one machine) would be a
third class with the same five methods and its own ``type``.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, ClassVar

import faiss
import numpy as np

VECTORS_FILE = "index.faiss"
# Below this many passages an exact scan is fast (about 2 ms at 20,000 on two cores) and
# needs no tuning; above it, the HNSW graph.
EXACT_LIMIT = 20_000
HNSW_M = 32  # neighbours per node: the usual choice for 384 dimensions
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 512  # recall@10 0.997 vs exact at 100,000 (256: 0.990): bench/RESULTS.md


class VectorsUnreadable(ValueError):
    """A saved vector store that cannot be read back as its description says."""


def single_threaded() -> None:
    """One question is one search: OpenMP threads cannot split it usefully and spin while
    they wait, which on two busy cores made an exact search over 10,000 passages take 27 ms
    instead of 1.7 ms (measured). Threaded servers get their parallelism from concurrent
    requests instead."""
    faiss.omp_set_num_threads(1)


class VectorStore:
    """Passage vectors by row: build, save, load, search (optionally within a mask of
    allowed rows), read back by row, and describe for the manifest."""

    kind: ClassVar[str]

    def __init__(self, index: faiss.Index) -> None:
        self._index = index

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @classmethod
    def build(cls, vectors: np.ndarray) -> VectorStore:
        raise NotImplementedError

    @classmethod
    def from_bytes(cls, data: bytes, description: dict) -> VectorStore:
        """A store from the bytes ``save`` wrote, checked against its description."""
        try:
            index = faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))
        except RuntimeError:
            raise VectorsUnreadable("not a FAISS index") from None
        return cls._checked(index, description)

    @classmethod
    def from_file(cls, fh: BinaryIO, description: dict) -> VectorStore:
        """A store read from an open file of what ``save`` wrote, in pieces: no copy of
        the whole file's bytes on the way (``from_bytes`` holds three at once: 600 MB at
        100,000 passages, measured)."""
        try:
            index = faiss.read_index(faiss.PyCallbackIOReader(fh.read))
        except RuntimeError:
            raise VectorsUnreadable("not a FAISS index") from None
        return cls._checked(index, description)

    @classmethod
    def _checked(cls, index: faiss.Index, description: dict) -> VectorStore:
        store = cls._wrap(index, description)
        if store is None:
            raise VectorsUnreadable(f"not the {description.get('type')} index its manifest says")
        return store

    @classmethod
    def _wrap(cls, index: faiss.Index, description: dict) -> VectorStore | None:
        raise NotImplementedError

    def save(self, folder: Path) -> str:
        """Write the store into a build folder; returns the file's name."""
        # Through Python's own file writing, so a full disk is an OSError like any other
        # (faiss.write_index raises a bare RuntimeError).
        (folder / VECTORS_FILE).write_bytes(faiss.serialize_index(self._index).tobytes())
        return VECTORS_FILE

    def describe(self) -> dict:
        """How the manifest names this store (``vector_index``)."""
        return {"type": self.kind}

    def vectors(self, rows: np.ndarray) -> np.ndarray:
        """The stored vectors of these rows, float32, in order."""
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows) == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._flat().reconstruct_batch(rows)

    def search(
        self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(scores, rows) of the k nearest rows to each query, best first; ``allowed`` a
        boolean mask over the rows limits the answer to them. Rows past the end are -1."""
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        k = max(1, min(k, len(self)))
        if allowed is None:
            return self._index.search(queries, k)
        # An exact scan of the allowed rows: a graph walk that skips most nodes finds few.
        bitmap = np.packbits(np.asarray(allowed, dtype=bool), bitorder="little")
        selector = faiss.IDSelectorBitmap(len(allowed), faiss.swig_ptr(bitmap))
        return self._flat().search(queries, k, params=faiss.SearchParameters(sel=selector))

    def exact(self) -> VectorStore:
        """An exact store over the same rows (itself when it is exact)."""
        return ExactVectors(self._flat())

    def _flat(self) -> faiss.Index:
        return self._index


class ExactVectors(VectorStore):
    """Exact inner product over every row."""

    kind = "flat"

    @classmethod
    def build(cls, vectors: np.ndarray) -> ExactVectors:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        index = faiss.IndexFlatIP(int(vectors.shape[1]))
        index.add(vectors)
        return cls(index)

    @classmethod
    def _wrap(cls, index: faiss.Index, description: dict) -> ExactVectors | None:
        return cls(index) if isinstance(index, faiss.IndexFlatIP) else None


class GraphVectors(VectorStore):
    """An HNSW graph over inner product, float16 vectors, searched with ``HNSW_EF_SEARCH``."""

    kind = "hnsw"
    storage = "float16"  # how new graphs store their vectors: "float16" or "float32"

    @classmethod
    def build(cls, vectors: np.ndarray) -> GraphVectors:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dimension, metric = int(vectors.shape[1]), faiss.METRIC_INNER_PRODUCT
        if cls.storage == "float32":
            index = faiss.IndexHNSWFlat(dimension, HNSW_M, metric)
        else:
            fp16 = faiss.ScalarQuantizer.QT_fp16
            index = faiss.IndexHNSWSQ(dimension, fp16, HNSW_M, metric)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
        index.train(vectors)  # float16 needs no training; FAISS asks for the call
        index.add(vectors)
        return cls(index)

    @classmethod
    def _wrap(cls, index: faiss.Index, description: dict) -> GraphVectors | None:
        # A graph of float32 vectors (an older build) reads as well, but the manifest
        # must say which one it is: never one read as the other.
        if not isinstance(index, faiss.IndexHNSW):
            return None
        if description.get("storage", "float32") != _storage_of(index):
            return None
        index.hnsw.efSearch = HNSW_EF_SEARCH  # a search setting: tunable without a rebuild
        return cls(index)

    @property
    def ef_search(self) -> int:
        return int(self._index.hnsw.efSearch)

    @ef_search.setter
    def ef_search(self, value: int) -> None:
        self._index.hnsw.efSearch = int(value)

    def describe(self) -> dict:
        return {
            "type": self.kind,
            "storage": _storage_of(self._index),
            "M": HNSW_M,
            "ef_search": self.ef_search,
        }

    def _flat(self) -> faiss.Index:
        return faiss.downcast_index(self._index.storage)


def _storage_of(graph: faiss.Index) -> str | None:
    """How a graph stores its vectors: "float32", "float16", or None for another kind."""
    storage = faiss.downcast_index(graph.storage)
    if isinstance(storage, faiss.IndexFlat):
        return "float32"
    if (
        isinstance(storage, faiss.IndexScalarQuantizer)
        and storage.sq.qtype == faiss.ScalarQuantizer.QT_fp16
    ):
        return "float16"
    return None


BACKENDS: dict[str, type[VectorStore]] = {"flat": ExactVectors, "hnsw": GraphVectors}


def build_vectors(vectors: np.ndarray, exact_limit: int | None = None) -> VectorStore:
    """The store for these (L2-normalised) passage vectors: exact up to ``exact_limit``
    rows (default ``EXACT_LIMIT``), a graph above it."""
    limit = EXACT_LIMIT if exact_limit is None else exact_limit
    backend = ExactVectors if len(vectors) <= limit else GraphVectors
    return backend.build(vectors)


def load_vectors(data: bytes | BinaryIO, description: dict) -> VectorStore:
    """The store a manifest's ``vector_index`` describes, from its file's bytes or from
    the file itself, open for reading."""
    backend = BACKENDS.get(description.get("type", "flat"))
    if backend is None:
        raise VectorsUnreadable(f"unknown vector index type {description.get('type')!r}")
    if isinstance(data, bytes):
        return backend.from_bytes(data, description)
    return backend.from_file(data, description)

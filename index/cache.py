"""Embeddings already computed, keyed by (model checksum, passage text checksum).

One file per model, ``<index dir>/cache/<model>.npz``, holding the SHA-256 of each
passage text, its vector, and a digest of both. It is written beside its final name
and renamed into place, so a crash leaves the old file or the new one, never half of
one; a file that is damaged anyway (or from another model) is ignored, and everything
is embedded afresh.
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from common.durable import TEMP_PREFIX

log = logging.getLogger(__name__)


def text_key(text: str) -> str:
    """The cache key of a passage text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class EmbeddingCache:
    """The vectors of one model, by text key; ``problem`` says why a cache file was ignored."""

    vectors: dict[str, np.ndarray] = field(default_factory=dict)
    problem: str | None = None

    def __len__(self) -> int:
        return len(self.vectors)


def cache_path(cache_dir: str | Path, model_checksum: str) -> Path:
    name = hashlib.sha256(model_checksum.encode()).hexdigest()[:24]
    return Path(cache_dir) / f"{name}.npz"


def _digest(model_checksum: str, keys: np.ndarray, vectors: np.ndarray) -> str:
    digest = hashlib.sha256(model_checksum.encode())
    digest.update(np.ascontiguousarray(keys).tobytes())
    digest.update(np.ascontiguousarray(vectors).tobytes())
    return digest.hexdigest()


def read_cache(cache_dir: str | Path, model_checksum: str) -> EmbeddingCache:
    """The cached vectors of a model; empty (with the reason) when the file is missing or bad."""
    path = cache_path(cache_dir, model_checksum)
    if not path.is_file():
        return EmbeddingCache()
    try:
        with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as data:
            model = str(data["model"])
            keys, vectors, digest = data["keys"], data["vectors"], str(data["digest"])
        if model != model_checksum:
            raise ValueError("it belongs to another model")
        if vectors.ndim != 2 or vectors.dtype != np.float32 or len(keys) != len(vectors):
            raise ValueError("its arrays do not fit together")
        if digest != _digest(model_checksum, keys, vectors):
            raise ValueError("its contents do not match their digest")
    except Exception as exc:  # any damage at all means: do not trust it, embed afresh
        problem = f"ignored the damaged embedding cache {path} ({exc})"
        log.warning(problem)
        return EmbeddingCache(problem=problem)
    return EmbeddingCache(
        {k.decode("ascii"): v for k, v in zip(keys, vectors, strict=True)}, problem=None
    )


def write_cache(
    cache_dir: str | Path, model_checksum: str, keys: Sequence[str], vectors: np.ndarray
) -> Path:
    """Replace a model's cache file by these vectors, all at once."""
    path = cache_path(cache_dir, model_checksum)
    path.parent.mkdir(parents=True, exist_ok=True)
    key_array = np.array([k.encode("ascii") for k in keys], dtype="S64")
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    temp = path.parent / f"{TEMP_PREFIX}{uuid.uuid4().hex[:8]}.npz"
    try:
        with open(temp, "wb") as fh:
            np.savez(
                fh,
                model=np.array(model_checksum),
                keys=key_array,
                vectors=vectors,
                digest=np.array(_digest(model_checksum, key_array, vectors)),
            )
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return path


def clean_cache_leftovers(cache_dir: str | Path) -> None:
    """Remove half-written cache files a crashed build left (call with the build lock held)."""
    folder = Path(cache_dir)
    if folder.is_dir():
        for stray in folder.glob(f"{TEMP_PREFIX}*"):
            stray.unlink(missing_ok=True)

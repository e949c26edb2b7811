"""Embedding passages and their sentences for a build."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from corpus.records import Passage
from corpus.sentences import sentence_spans
from index.encoder import Encoder

BATCH = 64


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

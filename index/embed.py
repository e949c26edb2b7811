"""Embed passages and their sentences for the index: one model pass per passage.

A sentence's vector is pooled from its own paragraph's forward pass: the mean of the
token states whose characters fall inside the sentence's span, L2-normalised, as the
model pools a whole text. A paragraph of four sentences then costs one pass, where
encoding each sentence on its own cost five (the paragraph and every sentence). The
sentence vector sees its paragraph, so it depends on the paragraph as well as on its
own words: the cache keys it by both (``sentence_key``).

Measured against encoding each sentence alone, pooling (and each variant tried: with the
pass's [CLS] and [SEP] states, short sentences alone, the paragraph's vector taken out) lost
more than 0.01 on an evaluation set (README, "Speed"), so it is off (``POOL_SENTENCES``)
until it holds up; the code path is kept and tested. A sentence alone costs about its share
of the paragraph's tokens, so encoding alone costs about twice the pooled pass, not five
times. A sentence the paragraph's pass did not reach (past the model's 256-token limit) is
encoded on its own. An encoder that cannot give token states (any object with
``encode(list[str]) -> ndarray``, such as the tests' small deterministic one) encodes
every sentence on its own, keyed by its text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from corpus.records import Passage
from corpus.sentences import sentence_spans
from index.cache import text_key
from index.encoder import Encoder

# Pool sentence vectors from their paragraph's pass (one pass per paragraph) rather than
# encode each sentence alone. Off: public-set MRR@10 fell 0.718 -> 0.676 (below the floor of
# tests/test_evaluate.py) and answers-dev2 accuracy 0.886 -> 0.857, though the dev set
# gained; the variants tried did no better (README, "Speed", 2026-12-04).
# ``embed_passages(pool=True)`` turns it on.
POOL_SENTENCES = False
# Texts per model call. Sorted by length, a batch pads little; a smaller batch pads less
# still and keeps the attention matrices in cache (measured: bench/RESULTS.md).
BATCH = 16

Span = tuple[int, int]
_WORD = re.compile(r"\w")


@runtime_checkable
class TokenEncoder(Protocol):
    """An encoder that can also give the token states its vectors are pooled from."""

    name: str
    checksum: str
    dimension: int

    def encode(self, texts: list[str]) -> np.ndarray: ...

    def token_states(self, texts: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per text: its tokens' last hidden states (tokens, dimension), special tokens
        included, and each token's [start, end) character offsets ((0, 0) for special
        tokens); padding left out."""
        ...


@dataclass
class Embedded:
    """The vectors of a corpus: a row per passage, then a row per sentence (in
    ``sentence_layout`` order), plus the distinct cache keys and their vectors."""

    vectors: np.ndarray
    keys: list[str]
    table: np.ndarray
    embedded: int = 0  # passages not in the cache
    reused: int = 0  # passages whose vector came from the cache
    sentences_embedded: int = 0  # distinct sentence vectors not in the cache


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


def pools(encoder: Encoder, pool: bool | None = None) -> bool:
    """Whether sentence vectors come from their paragraph's pass with this encoder
    (``pool``: whether to pool when it can; None: ``POOL_SENTENCES``)."""
    return (POOL_SENTENCES if pool is None else pool) and isinstance(encoder, TokenEncoder)


def sentence_key(text: str, span: Span) -> str:
    """The cache key of a sentence vector pooled from the passage ``text``."""
    return text_key(f"{span[0]}:{span[1]}\0{text}")


def sentence_keys(
    encoder: Encoder, passages: Sequence[Passage], pool: bool | None = None
) -> list[str]:
    """The cache key of every sentence of every passage, in order: by passage and span
    when the encoder pools them from the passage, by the sentence's text otherwise."""
    if pools(encoder, pool):
        return [sentence_key(p.text, s) for p in passages for s in sentence_spans(p.text)]
    return [text_key(t) for t in sentence_texts(passages)]


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


def pool_spans(
    states: np.ndarray, offsets: np.ndarray, text: str, spans: Sequence[Span]
) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """(the text's vector, a vector per span, the spans its tokens did not reach) from one
    text's token states and character offsets. The text's vector is the mean of every
    token, as the model pools it; a span's, the mean of the tokens starting inside it."""
    whole = _normalise(states.mean(axis=0))
    starts, ends = offsets[:, 0], offsets[:, 1]
    real = ends > starts  # special tokens have empty offsets
    reached = int(ends[real].max()) if real.any() else 0
    out = np.zeros((len(spans), states.shape[1]), dtype=np.float32)
    missed = []
    for i, (a, b) in enumerate(spans):
        inside = real & (starts >= a) & (starts < b)
        if not inside.any() or _WORD.search(text, max(a, reached), b):  # cut off at the limit
            missed.append(i)
            continue
        out[i] = states[inside].mean(axis=0)
    return whole, _normalise(out), missed


def embed_with_sentences(
    encoder: TokenEncoder,
    texts: Sequence[str],
    progress: Callable[[int], None] | None = None,
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Each text's vector and its sentences' vectors (``sentence_spans`` order), from one
    model pass per text; sentences the pass does not reach are encoded on their own."""
    spans = [sentence_spans(t) for t in texts]
    vectors = np.zeros((len(texts), encoder.dimension), dtype=np.float32)
    sentences = [np.zeros((len(s), encoder.dimension), dtype=np.float32) for s in spans]
    missed: list[tuple[int, int]] = []
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for start in range(0, len(order), BATCH):
        rows = order[start : start + BATCH]
        states = encoder.token_states([texts[i] for i in rows])
        for row, (hidden, offsets) in zip(rows, states, strict=True):
            vectors[row], sentences[row], cut = pool_spans(hidden, offsets, texts[row], spans[row])
            missed += [(row, j) for j in cut]
        if progress:
            progress(len(rows))
    if missed:
        alone = embed(encoder, [texts[r][slice(*spans[r][j])] for r, j in missed])
        for (row, j), vector in zip(missed, alone, strict=True):
            sentences[row][j] = vector
    return vectors, sentences


def embed_passages(
    encoder: Encoder,
    passages: Sequence[Passage],
    cached: Mapping[str, np.ndarray] | None = None,
    progress: Callable[[int, int], None] | None = None,
    pool: bool | None = None,
) -> Embedded:
    """The vectors of every passage and sentence, taking from ``cached`` (cache key ->
    vector) what it holds and embedding the rest; ``progress(done, total)``; ``pool``:
    see ``pools``."""
    cached = cached or {}
    passage_keys = [text_key(p.text) for p in passages]
    keys = passage_keys + sentence_keys(encoder, passages, pool)
    texts = dict(zip(passage_keys, (p.text for p in passages), strict=True))
    distinct = list(dict.fromkeys(keys))
    missing = {k for k in distinct if k not in cached}
    fresh: dict[str, np.ndarray] = {}
    if pools(encoder, pool):
        # A passage is run again when its vector or any of its sentences' is missing.
        layout = {k: [sentence_key(t, s) for s in sentence_spans(t)] for k, t in texts.items()}
        todo = [k for k, sk in layout.items() if k in missing or missing.intersection(sk)]
        step = _counter(progress, len(todo))
        vectors, sentences = embed_with_sentences(encoder, [texts[k] for k in todo], step)
        for k, vector, pooled in zip(todo, vectors, sentences, strict=True):
            fresh[k] = vector
            fresh.update(zip(layout[k], pooled, strict=True))
    else:
        sentence_text = dict(zip(keys[len(passages) :], sentence_texts(passages), strict=True))
        texts.update(sentence_text)
        todo = [k for k in distinct if k in missing]
        step = _counter(progress, len(todo))
        fresh = dict(zip(todo, embed(encoder, [texts[k] for k in todo], step), strict=True))
    table = np.zeros((len(distinct), encoder.dimension), dtype=np.float32)
    for i, k in enumerate(distinct):
        table[i] = fresh[k] if k in fresh else cached[k]
    row = {k: i for i, k in enumerate(distinct)}
    reused = sum(1 for k in passage_keys if k not in missing)
    return Embedded(
        vectors=table[[row[k] for k in keys]],
        keys=distinct,
        table=table,
        embedded=len(passages) - reused,
        reused=reused,
        sentences_embedded=len(missing.intersection(keys[len(passages) :])),
    )


def _counter(
    progress: Callable[[int, int], None] | None, total: int
) -> Callable[[int], None] | None:
    """A step callback that reports (done, total) through ``progress`` (None when there
    is nothing to report: no progress bar for no work)."""
    if progress is None or total == 0:
        return None
    done = 0
    progress(0, total)

    def step(n: int) -> None:
        nonlocal done
        done += n
        progress(done, total)

    return step

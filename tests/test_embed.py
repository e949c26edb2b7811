"""Passage and sentence vectors from one model pass per passage (index/embed.py)."""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pytest

from bench.synthetic import REAL_REPORT
from corpus import load_reports
from corpus.records import Passage
from corpus.sentences import sentence_spans
from index.embed import embed, embed_passages, embed_with_sentences, pools, sentence_layout
from index.onnx_encoder import OnnxEncoder, export_onnx
from tests.conftest import HashEncoder


class WordStates:
    """A token encoder whose token state is a hash of the word: a sentence pooled from its
    passage then equals the sentence encoded alone, so the span arithmetic can be checked
    exactly. Each text starts and ends with a special token, and is cut at ``limit``."""

    name = "word-states"
    checksum = "word-states-v1"
    dimension = 32

    def __init__(self, limit: int = 1000) -> None:
        self.limit = limit
        self.passes: list[str] = []  # texts given to token_states
        self.alone: list[str] = []  # texts given to encode

    def _word(self, word: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.md5(word.lower().encode()).digest()[:4], "little")
        return np.random.default_rng(seed).standard_normal(self.dimension).astype(np.float32)

    def token_states(self, texts):
        self.passes += texts
        out = []
        for text in texts:
            words = list(re.finditer(r"\w+", text))[: self.limit - 2]
            special = np.zeros((1, self.dimension), dtype=np.float32)
            states = np.concatenate([special, *[self._word(w[0])[None] for w in words], special])
            offsets = np.array([(0, 0), *[w.span() for w in words], (0, 0)], dtype=np.int64)
            out.append((states, offsets))
        return out

    def encode(self, texts):
        self.alone += texts
        out = np.stack(
            [np.mean([self._word(w) for w in re.findall(r"\w+", t)], axis=0) for t in texts]
        )
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def passage(text: str, number: int = 1) -> Passage:
    return Passage(
        id=f"p{number}", text=text, report="r", force="Testshire", year="2018",
        pillar="Effectiveness", question_number=1, question="How well?", grade=None,
        section=None, paragraph=number,
    )  # fmt: skip


TEXTS = [
    "Officers patrol the canal. Lock keepers report thefts! Boats are marked.",
    "The control room answers calls quickly. Few calls are abandoned.",
]


def test_a_sentence_vector_is_its_own_words_pooled_from_the_passage():
    encoder = WordStates()
    assert pools(encoder, pool=True) and not pools(HashEncoder(), pool=True)
    vectors, sentences = embed_with_sentences(encoder, TEXTS)
    assert encoder.passes and not encoder.alone  # one pass per passage, nothing alone
    for text, pooled in zip(TEXTS, sentences, strict=True):
        alone = encoder.encode([text[a:b] for a, b in sentence_spans(text)])
        assert pooled.shape == alone.shape == (len(sentence_spans(text)), 32)
        np.testing.assert_allclose(pooled, alone, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_sentence_past_the_token_limit_is_encoded_on_its_own():
    encoder = WordStates(limit=8)  # two special tokens and the first six words
    _, (pooled,) = embed_with_sentences(encoder, TEXTS[:1])
    # the sentence cut at the limit and the one never reached, no other
    assert sorted(encoder.alone) == ["Boats are marked.", "Lock keepers report thefts!"]
    expected = encoder.encode([TEXTS[0][a:b] for a, b in sentence_spans(TEXTS[0])])
    np.testing.assert_allclose(pooled, expected, atol=1e-5)


def test_cached_passages_are_not_run_again_and_rows_follow_the_layout():
    encoder = WordStates()
    passages = [passage(t, n) for n, t in enumerate(TEXTS)]
    first = embed_passages(encoder, passages, pool=True)
    spans, offsets = sentence_layout(passages)
    assert first.vectors.shape == (len(passages) + len(spans), 32)
    assert (first.embedded, first.reused, first.sentences_embedded) == (2, 0, len(spans))
    cached = dict(zip(first.keys, first.table, strict=True))
    changed = [passages[0], passage(TEXTS[1] + " Waits are short.", 1)]
    encoder.passes.clear()
    second = embed_passages(encoder, changed, cached, pool=True)
    assert encoder.passes == [changed[1].text]  # the unchanged passage came from the cache
    assert (second.embedded, second.reused) == (1, 1)
    np.testing.assert_array_equal(second.vectors[0], first.vectors[0])
    spans, offsets = sentence_layout(changed)
    last = changed[1].text[slice(*spans[-1])]
    np.testing.assert_allclose(second.vectors[-1], encoder.encode([last])[0], atol=1e-5)


def test_an_encoder_without_token_states_encodes_each_sentence():
    encoder = HashEncoder()
    passages = [passage(t, n) for n, t in enumerate(TEXTS)]
    result = embed_passages(encoder, passages)
    spans, _ = sentence_layout(passages)
    assert len(encoder.encoded) == len(passages) + len(spans)
    np.testing.assert_allclose(result.vectors[2], encoder.encode([TEXTS[0][slice(*spans[0])]])[0])


def shipped_paragraphs() -> list[str]:
    return [p.text for _, ps in load_reports(REAL_REPORT.parent) for p in ps]


def sentences_nearest_their_own(encoder, texts: list[str]) -> tuple[int, int]:
    """(right, total): sentences of the multi-sentence paragraphs that, encoded on their
    own, are nearest to their own pooled vector among their paragraph's sentences."""
    _, pooled = embed_with_sentences(encoder, texts)
    right = total = 0
    for text, vectors in zip(texts, pooled, strict=True):
        spans = sentence_spans(text)
        if len(spans) < 2:
            continue
        alone = embed(encoder, [text[a:b] for a, b in spans])
        right += int((np.argmax(alone @ vectors.T, axis=1) == np.arange(len(spans))).sum())
        total += len(spans)
    return right, total


@pytest.mark.real_model
def test_real_pooled_sentences_match_the_sentences_encoded_alone(real_encoder, real_models_dir):
    texts = shipped_paragraphs()
    right, total = sentences_nearest_their_own(real_encoder, texts)
    assert total > 300 and right >= 0.95 * total, (right, total)
    # ONNX Runtime pools the same tokens as torch (its own tokenizer's offsets)
    onnx = OnnxEncoder(
        real_encoder.path,
        export_onnx(real_encoder.path, real_encoder.checksum, real_models_dir),
        real_encoder.name,
        real_encoder.checksum,
    )
    _, from_torch = embed_with_sentences(real_encoder, texts[:20])
    _, from_onnx = embed_with_sentences(onnx, texts[:20])
    cosines = (np.concatenate(from_torch) * np.concatenate(from_onnx)).sum(axis=1)
    assert cosines.min() > 0.999


@pytest.mark.real_model
def test_real_pooling_covers_a_paragraph_longer_than_the_model_reads(real_encoder):
    long_text = " ".join(shipped_paragraphs()[:8])  # far over 256 tokens
    spans = sentence_spans(long_text)
    _, (pooled,) = embed_with_sentences(real_encoder, [long_text])
    last = real_encoder.encode([long_text[slice(*spans[-1])]])[0]
    assert float(pooled[-1] @ last) > 0.9999  # past the limit: encoded on its own
    first = real_encoder.encode([long_text[slice(*spans[0])]])[0]
    assert 0.3 < float(pooled[0] @ first) < 0.9999  # inside it: pooled, in context

"""Hybrid retrieval: dense paragraph and sentence similarity fused with BM25 keywords.

Each signal ranks a shared pool of candidates (the dense and keyword top hits);
reciprocal rank fusion (RRF) combines the three rankings, so no signal's raw scale
matters. A follow-up is ranked twice, as asked and with the topic talked about beside its
words, and the two fused scores averaged. Measured on the public set in the issue notes; see
README "How ranking works".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from index.keyword import tokenize
from index.load import LoadedIndex
from qa.filters import Filters
from qa.query import Query

INTENT_BOOST = 0.1  # added to the fused score (top = 1) of passages that match the intent
# The best sentence is the finest evidence. Weighting its ranking 1.25 against 1 for the
# paragraph and the keywords: public set hit@5 0.83 -> 0.87, MRR@10 0.694 -> 0.704; dev set
# MRR@10 0.796 -> 0.776. 1.5 did as well on both sets but put a sentence that merely
# shares words above the answer to "who checks crime reports are filled in properly?".
SENTENCE_WEIGHT = 1.25
RRF_K = 60  # the usual constant; smaller values let one signal's top rank dominate
CANDIDATES = 100  # pool size from each first-stage retriever
# A follow-up's second ranking, with the topic talked about beside its words, against 1 for
# its own words (see README "How ranking works")
BESIDE_WEIGHT = 1.0


@dataclass(frozen=True)
class Scored:
    row: int  # passage row in the index
    score: float  # fused score in (0, 1]: 1 when every signal ranks it first
    similarity: float  # best cosine of the question with the paragraph or one sentence
    sentence_similarities: tuple[float, ...]  # cosine for each sentence, in order


class Retriever:
    """Ranks the passages of one loaded index for a question."""

    def __init__(self, index: LoadedIndex) -> None:
        self.index = index
        # From the passages' columns: no Passage record is made for these.
        self.rows_by_unit = index.rows_by_unit
        self.filters = Filters(index.passages)
        # each passage's report as a number into the passages' string table: a mask of a
        # few reports over every passage compares integers, not 100,000 strings
        self._report_codes, self._strings = index.passages.codes("report")
        self._report_code = {value: code for code, value in enumerate(self._strings)}
        # worked out when the build was made (index/facts.py; corpus/statements.py's rules)
        self.judgement = index.facts.judgement
        self.improvement = index.facts.improvement

    @cached_property
    def row_of(self) -> Mapping[str, int]:
        """The row of each passage id; made on first use (a follow-up, a passage page),
        not at start-up."""
        return self.index.passages.rows_by_id()

    def report_mask(self, report_ids: set[str]) -> np.ndarray:
        """Boolean mask of the passages of these reports."""
        wanted = [self._report_code[r] for r in report_ids if r in self._report_code]
        return np.isin(self._report_codes, np.array(wanted, dtype=self._report_codes.dtype))

    def reports_in(self, allowed: np.ndarray) -> set[str]:
        """The ids of the reports with a passage in this mask."""
        return {self._strings[code] for code in np.unique(self._report_codes[allowed]).tolist()}

    def search(
        self,
        query: Query,
        k: int,
        allowed: np.ndarray | None = None,
        prior: dict[int, float] | None = None,
    ) -> list[Scored]:
        """The k best passages.

        ``allowed``: boolean mask of passages that may be returned; ``prior``: extra fused
        score by passage row (for example the section of the previous answer)."""
        index = self.index
        total = len(index.passages)
        if total == 0 or (allowed is not None and not allowed.any()):
            return []
        vector = query.vector
        # the question's own ranking and, for a follow-up, the one with the topic talked
        # about beside its words (qa/query.py): fused alike, their scores averaged
        searches = [(vector, query.keywords)]
        if query.beside_vector is not None:
            searches.append((query.beside_vector, query.beside_keywords))
        keyword_scores, pools = [], []
        for searched, keywords in searches:
            scores = index.keyword.scores(tokenize([keywords])[0])
            if allowed is not None:
                scores = np.where(allowed, scores, 0.0)
            keyword_rows = _top(scores, CANDIDATES)
            pools += [
                self._dense_candidates(searched, allowed),
                keyword_rows[scores[keyword_rows] > 0],
            ]
            keyword_scores.append(scores)
        pool = np.unique(np.concatenate(pools)).astype(np.int64)
        if prior:
            extra = [r for r in prior if allowed is None or allowed[r]]
            pool = np.unique(np.concatenate([pool, np.array(extra, dtype=np.int64)]))

        paragraph = index.vectors.vectors(pool) @ vector
        similarities, bounds = self._sentence_similarities(pool, vector)
        best_sentence = _best_of(similarities, bounds)
        fused = _fused(paragraph, best_sentence, keyword_scores[0][pool])
        if len(searches) > 1:
            beside = query.beside_vector
            beside_similarities = self._sentence_similarities(pool, beside)[0]
            beside_sentence = _best_of(beside_similarities, bounds)
            if not query.has_topic or query.topic in query.context:
                # a question with no topic of its own ("is that working well?") says
                # little alone: a sentence is as close to it as to it with the topic
                # talked about (one with its own words is measured by them alone)
                similarities = np.maximum(similarities, beside_similarities)
            fused = (
                fused
                + BESIDE_WEIGHT
                * _fused(
                    index.vectors.vectors(pool) @ beside, beside_sentence, keyword_scores[1][pool]
                )
            ) / (1 + BESIDE_WEIGHT)
        if prior:
            fused = fused + np.array([prior.get(int(r), 0.0) for r in pool])
        if query.intent in ("grade", "compare", "list", "trend"):
            fused = fused + INTENT_BOOST * self.judgement[pool]
        if query.intent == "improvements":
            fused = fused + INTENT_BOOST * self.improvement[pool]
        order = np.argsort(-fused, kind="stable")[:k]
        return [
            Scored(
                row=int(pool[i]),
                score=float(fused[i]),
                similarity=float(max(paragraph[i], best_sentence[i])),
                sentence_similarities=tuple(similarities[bounds[i] : bounds[i + 1]].tolist()),
            )
            for i in order
        ]

    def _dense_candidates(self, vector: np.ndarray, allowed: np.ndarray | None) -> np.ndarray:
        _, rows = self.index.vectors.search(vector, CANDIDATES, allowed=allowed)
        return rows[0][rows[0] >= 0]

    def _sentence_similarities(
        self, pool: np.ndarray, vector: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(cosine of the question with every sentence of the pooled passages, in order;
        bounds: pooled passage i owns similarities[bounds[i]:bounds[i + 1]]).

        One gather and one product for the whole pool: a slice of the sentence vectors per
        passage cost about 20 us each, a few ms per question."""
        offsets = self.index.sentence_offsets
        starts, ends = offsets[pool], offsets[pool + 1]
        counts = ends - starts
        bounds = np.zeros(len(pool) + 1, dtype=np.int64)
        np.cumsum(counts, out=bounds[1:])
        rows = np.repeat(starts - bounds[:-1], counts) + np.arange(bounds[-1])
        similarities = self.index.sentence_similarities(rows, vector)
        return similarities, bounds


def _best_of(similarities: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """The highest similarity of each passage's slice (-1 for a passage of no sentence)."""
    best = np.full(len(bounds) - 1, -1.0)
    has = bounds[1:] > bounds[:-1]
    if has.any():
        best[has] = np.maximum.reduceat(similarities, bounds[:-1][has])
    return best


def _fused(paragraph: np.ndarray, sentence: np.ndarray, keywords: np.ndarray) -> np.ndarray:
    """The three signals' rankings fused, scaled so that a passage first in all is 1."""
    return (
        _rrf(paragraph) + SENTENCE_WEIGHT * _rrf(sentence) + _rrf(keywords, ignore_zero=True)
    ) * ((RRF_K + 1) / (2 + SENTENCE_WEIGHT))


def _top(scores: np.ndarray, n: int) -> np.ndarray:
    if len(scores) <= n:
        return np.argsort(-scores)
    part = np.argpartition(-scores, n)[:n]
    return part[np.argsort(-scores[part])]


def _rrf(scores: np.ndarray, ignore_zero: bool = False) -> np.ndarray:
    """1 / (RRF_K + rank) for each candidate, rank 1 being the highest score."""
    ranks = np.empty(len(scores))
    ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
    out = 1.0 / (RRF_K + ranks)
    if ignore_zero:
        out[scores <= 0] = 0.0
    return out

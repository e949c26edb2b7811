"""The keyword (BM25) index, built and saved beside the dense one.

bm25s builds and saves it. Serving reads the saved score matrix and scores a question
with the same sums bm25s makes, without importing bm25s, which imports scipy: 16 MB in
every server process for code that serving never ran.
"""

from __future__ import annotations

import json
import logging
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

KEYWORD_DIR = "keyword"
# bm25s.tokenize's own word pattern: the index is built with it, so queries use it too
WORD = re.compile(r"(?u)\b\w\w+\b")
# bm25s.stopwords.STOPWORDS_EN, the stop words the index is built without (a test checks
# that the two lists are the same)
STOPWORDS = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their "
    "then there these they this to was will with".split()
)
# The files bm25s saves, and the scoring methods whose scores are the matrix alone (the
# others add a score for the tokens a passage lacks)
DATA, INDICES, INDPTR = "data.csc.index.npy", "indices.csc.index.npy", "indptr.csc.index.npy"
VOCABULARY, PARAMETERS = "vocab.index.json", "params.index.json"
KEYWORD_ARRAYS, KEYWORD_TEXTS = (DATA, INDICES, INDPTR), (VOCABULARY, PARAMETERS)
MATRIX_ONLY = ("lucene", "robertson", "atire")


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(texts: list[str]) -> list[list[str]]:
    """Lower-cased, stemmed word tokens without English stop words: the tokens
    ``bm25s.tokenize`` gives the index, without the progress bars (two tqdm objects per
    call even when hidden), vocabulary and set of stop words it builds on every call."""
    stem = _stemmer().stemWords
    return [stem([w for w in WORD.findall(text.lower()) if w not in STOPWORDS]) for text in texts]


class KeywordIndex:
    """BM25 scores of every passage for a query's tokens: bm25s's score matrix, one
    column of passage scores per token (compressed sparse columns)."""

    def __init__(
        self,
        data: np.ndarray,
        indices: np.ndarray,
        indptr: np.ndarray,
        passages: int,
        vocabulary: dict[str, int],
        built=None,
    ) -> None:
        if data.ndim != 1 or indices.shape != data.shape or indptr.ndim != 1:
            raise ValueError("the score matrix's arrays do not match")
        if len(indptr) == 0 or indptr[0] != 0 or indptr[-1] != len(data):
            raise ValueError("the score matrix's columns do not cover its scores")
        if np.any(np.diff(indptr) < 0) or (len(indices) and not 0 <= indices.min()):
            raise ValueError("the score matrix's columns are out of order")
        if len(indices) and indices.max() >= passages:
            raise ValueError("the score matrix names passages that are not there")
        self._data, self._indices, self._indptr = data, indices, indptr
        self.passages = passages
        self.vocabulary = vocabulary
        self._built = built  # the bm25s index a build made, which saves the files

    @classmethod
    def build(cls, texts: list[str]) -> KeywordIndex:
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # a line per save otherwise
        retriever = bm25s.BM25()
        corpus = bm25s.tokenize(texts, stopwords="en", stemmer=_stemmer(), show_progress=False)
        retriever.index(corpus, show_progress=False)
        scores = retriever.scores
        return cls(
            scores["data"],
            scores["indices"],
            scores["indptr"],
            scores["num_docs"],
            retriever.vocab_dict,
            built=retriever,
        )

    def save(self, folder: Path) -> None:
        if self._built is None:
            raise ValueError("only a keyword index just built can be saved")
        self._built.save(str(folder / KEYWORD_DIR), show_progress=False)

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex:
        """The index a build saved (ValueError or OSError when it is not readable)."""
        where = folder / KEYWORD_DIR
        return cls.from_files(
            {name: (where / name).read_bytes() for name in KEYWORD_TEXTS},
            {name: np.load(where / name, allow_pickle=False) for name in KEYWORD_ARRAYS},
        )

    @classmethod
    def from_files(cls, texts: dict[str, bytes], arrays: dict[str, np.ndarray]) -> KeywordIndex:
        """The index from the contents of the files a build saved (ValueError when they are
        not what bm25s writes)."""
        parameters = json.loads(texts[PARAMETERS])
        vocabulary = json.loads(texts[VOCABULARY])
        if not isinstance(parameters, dict) or parameters.get("method") not in MATRIX_ONLY:
            raise ValueError(f"{PARAMETERS} names no scoring method this server reads")
        if not isinstance(vocabulary, dict):
            raise ValueError(f"{VOCABULARY} is not a vocabulary")
        return cls(
            arrays[DATA], arrays[INDICES], arrays[INDPTR], int(parameters["num_docs"]), vocabulary
        )

    def document_frequency(self) -> dict[str, int]:
        """In how many passages each token occurs (as ``tokenize`` makes tokens): the
        passages each token's column of the BM25 score matrix holds."""
        counts = np.diff(self._indptr)
        return {
            token: int(counts[column])
            for token, column in self.vocabulary.items()
            if column < len(counts) and counts[column] > 0
        }

    def frequency_of(self, token: str) -> int:
        """In how many passages one token occurs (0 when none)."""
        column = self.vocabulary.get(token)
        if column is None or column + 1 >= len(self._indptr):
            return 0
        return int(self._indptr[column + 1] - self._indptr[column])

    def scores(self, tokens: list[str]) -> np.ndarray:
        """One BM25 score per passage (zeros when no token is known): each known token's
        column added in turn, as bm25s's get_scores adds them, so the sums are its own."""
        scores = np.zeros(self.passages, dtype=self._data.dtype)
        for token in tokens:
            column = self.vocabulary.get(token)
            if column is None or column >= len(self._indptr) - 1:  # bm25s lists "" so
                continue
            start, end = self._indptr[column], self._indptr[column + 1]
            np.add.at(scores, self._indices[start:end], self._data[start:end])
        return scores

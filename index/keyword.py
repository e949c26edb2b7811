"""The keyword (BM25) index, built and saved beside the dense one."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np

# bm25s logs a line for every save/load; the CLI prints its own summary.
logging.getLogger("bm25s").setLevel(logging.WARNING)

KEYWORD_DIR = "keyword"
# bm25s.tokenize's own word pattern: the index is built with it, so queries use it too
WORD = re.compile(r"(?u)\b\w\w+\b")


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def tokenize(texts: list[str]) -> list[list[str]]:
    """Lower-cased, stemmed word tokens without English stop words: the tokens
    ``bm25s.tokenize`` gives the index, without the progress bars (two tqdm objects per
    call even when hidden), vocabulary and set of stop words it builds on every call."""
    stem, stop = _stemmer().stemWords, _stopwords()
    return [stem([w for w in WORD.findall(text.lower()) if w not in stop]) for text in texts]


class KeywordIndex:
    """BM25 scores of every passage for a query's tokens."""

    def __init__(self, retriever: bm25s.BM25) -> None:
        self._retriever = retriever
        self.vocabulary = retriever.vocab_dict

    @classmethod
    def build(cls, texts: list[str]) -> KeywordIndex:
        retriever = bm25s.BM25()
        corpus = bm25s.tokenize(texts, stopwords="en", stemmer=_stemmer(), show_progress=False)
        retriever.index(corpus, show_progress=False)
        return cls(retriever)

    def save(self, folder: Path) -> None:
        self._retriever.save(str(folder / KEYWORD_DIR), show_progress=False)

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex:
        return cls(bm25s.BM25.load(str(folder / KEYWORD_DIR), mmap=False))

    def document_frequency(self) -> dict[str, int]:
        """In how many passages each token occurs (as ``tokenize`` makes tokens): the
        passages each token's column of the BM25 score matrix holds."""
        counts = np.diff(self._retriever.scores["indptr"])
        return {
            token: int(counts[column])
            for token, column in self.vocabulary.items()
            if column < len(counts) and counts[column] > 0
        }

    def scores(self, tokens: list[str]) -> np.ndarray:
        """One BM25 score per passage (zeros when no token is known)."""
        known = [t for t in tokens if t in self.vocabulary]
        if not known:
            return np.zeros(self._retriever.scores["num_docs"], dtype=np.float32)
        return self._retriever.get_scores(known)

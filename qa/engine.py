"""The question-answering engine: an encoder and a loaded index, searched together."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from corpus.records import Passage, Report
from index.encoder import Encoder, SentenceEncoder
from index.store import LoadedIndex, load_index
from qa.cite import citation, cite


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float

    def to_dict(self) -> dict:
        return {
            "id": self.passage.id,
            "text": self.passage.text,
            "score": round(self.score, 4),
            "citation": citation(self.passage),
            "cite": cite(self.passage),
        }


@dataclass(frozen=True)
class Answer:
    question: str
    hits: list[Hit]
    took_ms: float

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "passages": [h.to_dict() for h in self.hits],
            "took_ms": round(self.took_ms, 2),
        }


class Engine:
    """Loads the model and the index once, on first use, and answers questions."""

    def __init__(
        self, index_dir: str, model_path: str | None = None, encoder: Encoder | None = None
    ):
        self.index_dir = index_dir
        self.model_path = model_path
        self._encoder = encoder
        self._index: LoadedIndex | None = None
        self._lock = threading.Lock()

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            with self._lock:
                if self._encoder is None:
                    self._encoder = SentenceEncoder(self.model_path)
        return self._encoder

    @property
    def index(self) -> LoadedIndex:
        if self._index is None:
            encoder = self.encoder
            with self._lock:
                if self._index is None:
                    self._index = load_index(self.index_dir, encoder.checksum)
        return self._index

    def reload(self) -> LoadedIndex:
        """Drop the loaded index so the next use reads the one on disk."""
        with self._lock:
            self._index = None
        return self.index

    @property
    def reports(self) -> list[Report]:
        return self.index.reports

    def ask(self, question: str, k: int) -> Answer:
        start = time.perf_counter()
        index = self.index
        vector = self.encoder.encode([question])[0]
        hits = [Hit(p, s) for p, s in index.search(vector, k)]
        return Answer(question, hits, (time.perf_counter() - start) * 1000)

    def passage(self, passage_id: str) -> Passage | None:
        return next((p for p in self.index.passages if p.id == passage_id), None)

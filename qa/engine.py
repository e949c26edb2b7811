"""The question-answering engine: an encoder and a loaded index, searched together."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from corpus.errors import NotFound
from corpus.records import Passage, Question, Report
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


@dataclass(frozen=True)
class PassageInContext:
    """One passage with its report, its question and the paragraphs on either side of it."""

    passage: Passage
    report: Report | None
    question: Question | None  # None for a paragraph of the pillar overview
    before: list[Passage]
    after: list[Passage]

    @property
    def cite(self) -> str:
        return cite(self.passage)


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

    def passage_in_context(self, passage_id: str, around: int = 2) -> PassageInContext:
        """The passage and up to ``around`` paragraphs before and after it under the same
        question (or the same overview); NotFound for an unknown id."""
        passage = self.passage(passage_id)
        if passage is None:
            raise NotFound(f"no passage has the id {passage_id!r}")
        siblings = sorted(
            (
                p
                for p in self.index.passages
                if p.report == passage.report and p.question_number == passage.question_number
            ),
            key=lambda p: p.paragraph,
        )
        at = siblings.index(passage)
        report = next((r for r in self.index.reports if r.id == passage.report), None)
        question = None
        if report is not None and passage.question_number is not None:
            question = report.question(passage.question_number)
        return PassageInContext(
            passage=passage,
            report=report,
            question=question,
            before=siblings[max(0, at - around) : at],
            after=siblings[at + 1 : at + 1 + around],
        )

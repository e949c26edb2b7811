"""The question-answering engine: an encoder and a loaded index, searched together."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from corpus.errors import ModelMismatch, NotFound
from corpus.records import Passage, Question, Report
from index.encoder import Encoder, SentenceEncoder, model_fingerprint
from index.store import LoadedIndex, load_index, read_manifest
from qa.cite import citation, cite
from qa.retrieve import Retriever


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
    """Loads the index, and the model that built it, once on first use; answers questions."""

    def __init__(
        self, index_dir: str, model_path: str | None = None, encoder: Encoder | None = None
    ) -> None:
        self.index_dir = index_dir
        self.model_path = model_path
        self._encoder_override = encoder
        self._encoder: Encoder | None = encoder
        self._index: LoadedIndex | None = None
        self._retriever: Retriever | None = None
        self._lock = threading.Lock()

    @property
    def index(self) -> LoadedIndex:
        if self._index is None:
            with self._lock:
                if self._index is None:
                    self._load()
        return self._index

    @property
    def encoder(self) -> Encoder:
        """The encoder of the loaded index (loading it if needed)."""
        return self.index and self._encoder

    @property
    def retriever(self) -> Retriever:
        return self.index and self._retriever

    def _load(self) -> None:
        manifest = read_manifest(self.index_dir)
        if manifest is None:
            load_index(self.index_dir)  # raises IndexNotReady with the reason
        encoder = self._encoder_for(manifest["model"])
        index = load_index(self.index_dir, encoder.checksum)
        self._encoder, self._index = encoder, index
        self._retriever = Retriever(index, encoder)

    def _encoder_for(self, entry: dict) -> Encoder:
        """The encoder the index was built with, refusing a different model."""
        if self._encoder_override is not None:
            return self._encoder_override
        current = self._encoder
        if current is not None and current.checksum == entry["sha256"]:
            return current
        if "base" not in entry:
            return SentenceEncoder(self.model_path)
        _, base_checksum, _ = model_fingerprint(self.model_path)
        if base_checksum != entry["base"]["sha256"]:
            raise ModelMismatch(
                f"the index at {self.index_dir} was adapted from model {entry['base']['name']}, "
                "not the one configured now: run `make index` to rebuild it"
            )
        return SentenceEncoder(
            entry["path"], name=entry["name"], expected=entry["sha256"], base=entry["base"]
        )

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
        hits = [Hit(index.passages[s.row], s.score) for s in self.retriever.search(question, k)]
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

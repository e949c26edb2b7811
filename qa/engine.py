"""The question-answering engine: an encoder and a loaded index, searched together."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from corpus.errors import IndexNotReady
from corpus.records import Passage, Report
from index.encoder import Encoder, SentenceEncoder, model_fingerprint
from index.store import LoadedIndex, current_build_id, load_index
from qa.cite import citation, cite

log = logging.getLogger(__name__)


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
    """Loads the model and the index once, on first use, and answers questions.

    It follows the index folder: at most every ``check_seconds`` a request looks at
    which build is current (one readlink) and, when a new one has appeared, loads it
    and swaps it in. Each request takes the index once and uses that object to the
    end, so a request is answered wholly by the old build or wholly by the new one;
    the old one is freed when the last request using it finishes.
    """

    def __init__(
        self,
        index_dir: str,
        model_path: str | None = None,
        encoder: Encoder | None = None,
        check_seconds: float = 1.0,
    ):
        self.index_dir = index_dir
        self.model_path = model_path
        self.check_seconds = check_seconds
        self._encoder = encoder
        self._identity: tuple[str, str] | None = None
        self._index: LoadedIndex | None = None
        self._lock = threading.Lock()
        self._swap_lock = threading.Lock()  # one thread at a time checks for and loads a build
        self._checked_at = 0.0
        self._refused: str | None = None  # a build that failed to load; not retried

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            with self._lock:
                if self._encoder is None:
                    self._encoder = SentenceEncoder(self.model_path)
        return self._encoder

    def model_identity(self) -> tuple[str, str]:
        """(name, checksum) of the model, without loading it when it is not loaded yet."""
        if self._encoder is not None:
            return self._encoder.name, self._encoder.checksum
        if self._identity is None:
            name, checksum, _ = model_fingerprint(self.model_path)
            self._identity = (name, checksum)
        return self._identity

    @property
    def index(self) -> LoadedIndex:
        index = self._index
        if index is None:
            encoder = self.encoder
            with self._swap_lock:
                if self._index is None:
                    self._index = load_index(self.index_dir, encoder.checksum)
                    self._checked_at = time.monotonic()
                return self._index
        if time.monotonic() - self._checked_at >= self.check_seconds:
            self._follow_current(index)
        return self._index

    def _follow_current(self, serving: LoadedIndex) -> None:
        """Swap in the current build if it is not the one serving; keep serving if it fails."""
        if not self._swap_lock.acquire(blocking=False):
            return  # another request is checking or loading: this one uses what is loaded
        try:
            self._checked_at = time.monotonic()
            build = current_build_id(self.index_dir)
            if build is None or build in (serving.build_id, self._refused):
                return
            try:
                self._index = load_index(self.index_dir, self.encoder.checksum)
            except IndexNotReady as exc:
                self._refused = build
                log.error("still serving build %s: %s", serving.build_id, exc.message)
                return
            log.info("now serving build %s", self._index.build_id)
        finally:
            self._swap_lock.release()

    def reload(self) -> LoadedIndex:
        """Load the current build now; if that fails, what was loaded stays loaded."""
        encoder = self.encoder
        with self._swap_lock:
            index = load_index(self.index_dir, encoder.checksum)
            self._index, self._refused = index, None
            self._checked_at = time.monotonic()
        return index

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

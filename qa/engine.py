"""The question-answering engine: an encoder and a loaded index, searched together."""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass

import faiss

from common.errors import IndexNotReady, NotFound
from corpus.records import Passage, Question, Report, Unit
from index.adapt import ModelChoice
from index.encoder import Encoder
from index.store import LoadedIndex, check_current, current_build_id, load_index
from qa.answers import Answerer, DirectAnswer, highlight_spans
from qa.cite import cite
from qa.followup import prior as followup_prior
from qa.query import Query, QueryReader
from qa.request import AskRequest
from qa.retrieve import Retriever
from qa.scope import Scope
from qa.scope import resolve as resolve_scope

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float
    highlights: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Answer:
    question: str
    hits: list[Hit]
    answer: DirectAnswer | None
    took_ms: float
    query: Query | None = None
    scope: Scope | None = None
    message: str | None = None  # why there is no direct answer

    @property
    def followup(self) -> bool:
        return bool(self.query and self.query.followup)


@dataclass(frozen=True)
class PassageInContext:
    """One passage with its report, its question and the paragraphs on either side of it."""

    passage: Passage
    report: Report | None
    question: Question | None  # None outside numbered questions (the pillar overview, ...)
    unit: Unit | None  # the unit the passage is in (a question, area, pillar or section)
    before: list[Passage]
    after: list[Passage]

    @property
    def cite(self) -> str:
        return cite(self.passage)


@dataclass(frozen=True)
class Loaded:
    """One loaded index and everything built on it, swapped in and out as a whole."""

    index: LoadedIndex
    encoder: Encoder
    retriever: Retriever
    reader: QueryReader
    answerer: Answerer


class Engine:
    """Loads the index, and the model that built it, on first use; answers questions.

    It follows the index folder: at most every ``check_seconds`` a request looks at
    which build is current (one readlink) and, when a new one has appeared, loads it
    and swaps it in. Each request takes the loaded index once and uses it to the end,
    so a request is answered wholly by the old build or wholly by the new one; the old
    one is freed when the last request using it finishes.
    """

    def __init__(self, index_dir: str, models: ModelChoice, check_seconds: float = 1.0) -> None:
        self.index_dir = index_dir
        self.models = models
        self.check_seconds = check_seconds
        self._loaded: Loaded | None = None
        self._swap_lock = threading.Lock()  # one thread at a time checks for and loads a build
        self._checked_at = 0.0
        self._refused: str | None = None  # a build that failed to load; not retried
        self.damage_on_disk: str | None = None  # what happened to the serving build's files

    @property
    def loaded(self) -> Loaded:
        """The current index with its encoder, retriever and answerer (loading if needed)."""
        loaded = self._loaded
        if loaded is None:
            with self._swap_lock:
                if self._loaded is None:
                    self._loaded = self._load()
                    self._checked_at = time.monotonic()
                return self._loaded
        if time.monotonic() - self._checked_at >= self.check_seconds:
            self._follow_current(loaded)
        return self._loaded

    @property
    def index(self) -> LoadedIndex:
        return self.loaded.index

    @property
    def encoder(self) -> Encoder:
        return self.loaded.encoder

    @property
    def retriever(self) -> Retriever:
        return self.loaded.retriever

    def _load(self) -> Loaded:
        # One question is one FAISS query: OpenMP threads cannot split it usefully and spin
        # while they wait, which on two busy cores made an exact search over 10,000
        # passages take 27 ms instead of 1.7 ms (measured). Threaded servers get their
        # parallelism from concurrent requests instead.
        faiss.omp_set_num_threads(1)
        # Missing or damaged files are reported before the model is loaded for nothing.
        _, manifest = check_current(self.index_dir)
        encoder = self.models.encoder_for_index(manifest["model"])
        index = load_index(self.index_dir, encoder.checksum)
        reports = index.reports
        vocabulary = {w for p in index.passages for w in re.findall(r"[a-z]+", p.text.lower())}
        reader = QueryReader(
            [r.force for r in reports],
            vocabulary,
            index.acronyms,
            encoder,
        )
        return Loaded(index, encoder, Retriever(index), reader, Answerer(index, encoder))

    def _follow_current(self, serving: Loaded) -> None:
        """Swap in the current build if it is not the one serving; keep serving if it fails."""
        if not self._swap_lock.acquire(blocking=False):
            return  # another request is checking or loading: this one uses what is loaded
        try:
            self._checked_at = time.monotonic()
            build = current_build_id(self.index_dir)
            if build is None or build in (serving.index.build_id, self._refused):
                self._watch_disk(serving.index)
                return
            try:
                self._loaded, self.damage_on_disk = self._load(), None
            except IndexNotReady as exc:
                self._refused = build
                log.error("still serving build %s: %s", serving.index.build_id, exc.message)
                return
            log.info("now serving build %s", self._loaded.index.build_id)
        finally:
            self._swap_lock.release()

    def _watch_disk(self, index: LoadedIndex) -> None:
        """Say once (in the log and /api/health) when the files of the build being served
        are damaged on disk; answers still come whole from the copy in memory."""
        problem = index.damage_on_disk()
        if problem != self.damage_on_disk and problem:
            log.error(
                "build %s is damaged on disk (%s); answering from the copy loaded in memory "
                "until it is restored (flask --app app index restore) or rebuilt",
                index.build_id,
                problem,
            )
        self.damage_on_disk = problem

    def reload(self) -> LoadedIndex:
        """Load the current build now; if that fails, what was loaded stays loaded."""
        with self._swap_lock:
            loaded = self._load()
            self._loaded, self._refused, self.damage_on_disk = loaded, None, None
            self._checked_at = time.monotonic()
        return loaded.index

    def ask(self, request: AskRequest) -> Answer:
        """Passages for a question, best first, with highlights and a direct answer."""
        start = time.perf_counter()
        loaded = self.loaded  # one index for the whole request, even if a reload happens
        index, retriever = loaded.index, loaded.retriever
        allowed = retriever.filters.mask(request.filters)
        query = loaded.reader.read(request.question, request.history)
        in_filters = (
            index.reports
            if allowed is None
            else [r for r in index.reports if r.id in retriever.reports_in(allowed)]
        )
        scope = resolve_scope(query, in_filters)
        if scope.reports and len(scope.reports) < len(index.reports):
            in_scope = retriever.report_mask(scope.report_ids)
            allowed = in_scope if allowed is None else allowed & in_scope
        boost = followup_prior(
            query, request.history, index.passages, retriever.row_of, retriever.rows_by_unit
        )
        results = retriever.search(query, request.k, allowed=allowed, prior=boost)
        if scope.uncovered is None:
            outcome = loaded.answerer.answer(query, scope, results)
            answer, message = outcome.answer, outcome.message
        else:
            answer, message = None, scope.uncovered
        if not query.forces and len({index.passages[r.row].force for r in results}) > 1:
            results = _grouped_by_force(results, index)  # a force's passages together
        hits = []
        for scored in results:
            spans = index.sentence_spans[
                index.sentence_offsets[scored.row] : index.sentence_offsets[scored.row + 1]
            ]
            passage = index.passages[scored.row]
            if answer is not None and answer.passage_id == passage.id and answer.spans:
                highlights = list(answer.spans)  # the sentence that answered is the one marked
            else:
                highlights = highlight_spans(spans, scored.sentence_similarities)
            hits.append(Hit(passage, scored.score, tuple(highlights)))
        took = (time.perf_counter() - start) * 1000
        return Answer(request.question, hits, answer, took, query, scope, message)

    def passage_in_context(self, passage_id: str, around: int = 2) -> PassageInContext:
        """The passage and up to ``around`` paragraphs before and after it under the same
        question (or the same overview); NotFound for an unknown id."""
        loaded = self.loaded  # one index for the whole look-up, even if a reload happens
        index, retriever = loaded.index, loaded.retriever
        row = retriever.row_of.get(passage_id)
        if row is None:
            raise NotFound(f"no passage has the id {passage_id!r}")
        passage = index.passages[row]
        siblings = [
            index.passages[r] for r in retriever.rows_by_unit[(passage.report, passage.unit)]
        ]  # in reading order, which is paragraph order
        at = siblings.index(passage)
        report = next((r for r in index.reports if r.id == passage.report), None)
        question = None
        if report is not None and passage.question_number is not None:
            question = report.question(passage.question_number)
        return PassageInContext(
            passage=passage,
            report=report,
            question=question,
            unit=report.unit(passage.unit) if report is not None else None,
            before=siblings[max(0, at - around) : at],
            after=siblings[at + 1 : at + 1 + around],
        )


def _grouped_by_force(results: list, index: LoadedIndex) -> list:
    """Results kept in rank order within each force, the forces in order of their best."""
    order: dict[str, int] = {}
    for scored in results:
        order.setdefault(index.passages[scored.row].force, len(order))
    return sorted(results, key=lambda s: order[index.passages[s.row].force])

"""The question-answering engine: an encoder and a loaded index, searched together."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from common.errors import NotFound
from corpus.records import Passage, Question, Report, Unit
from index.adapt import ModelChoice
from index.encoder import Encoder
from index.live import LiveIndex
from index.load import LoadedIndex
from qa.account import graded_pillars
from qa.answers import Answerer, DirectAnswer, Outcome, highlight_spans
from qa.cite import cite
from qa.followup import prior as followup_prior
from qa.query import Query, QueryReader
from qa.request import AskRequest
from qa.retrieve import Retriever, Scored
from qa.scope import Scope, coverage
from qa.scope import resolve as resolve_scope


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
    """Answers questions from the build being served (index/live.py loads it, and the
    model that built it, on first use, and swaps in newer builds as they appear)."""

    def __init__(self, index_dir: str, models: ModelChoice, check_seconds: float = 1.0) -> None:
        self.live = LiveIndex(index_dir, models, _prepare, check_seconds)

    @property
    def loaded(self) -> Loaded:
        """The current index with its encoder, retriever and answerer (loading if needed)."""
        return self.live.current

    @property
    def damage_on_disk(self) -> str | None:
        """What happened to the serving build's files on disk, or None."""
        return self.live.damage_on_disk

    @property
    def index(self) -> LoadedIndex:
        return self.loaded.index

    @property
    def encoder(self) -> Encoder:
        return self.loaded.encoder

    @property
    def retriever(self) -> Retriever:
        return self.loaded.retriever

    def reload(self) -> LoadedIndex:
        """Load the current build now; if that fails, what was loaded stays loaded."""
        return self.live.reload().index

    def ask(self, request: AskRequest) -> Answer:
        """Passages for a question, best first, with highlights and a direct answer."""
        start = time.perf_counter()
        loaded = self.loaded  # one index for the whole request, even if a reload happens
        index = loaded.index
        query = loaded.reader.read(request.question, request.history)
        if any(key in ("question_number", "unit") for key, _ in request.filters):
            query = replace(query, unit_filtered=True)  # the answer is of that question too
        found = self._answered(loaded, request, query)
        answer = found[2].answer
        if (
            answer is not None
            and answer.citation is not None
            and _latest_first(query)
            and not _from_latest(answer.citation, found[1])
        ):
            # a force asked about with no year, answered from an earlier inspection: its
            # latest one answers instead when it says anything of this, as a grade answer
            # does; the passages stay those of every report in scope
            latest = self._answered(loaded, request, replace(query, current=True))
            if latest[2].answer is not None:
                found = (found[0], found[1], latest[2], found[3])
        if found[2].answer is None and query.alone is not None:
            # the force talked about has no answer to it: the question asked alone
            found = self._answered(loaded, request, query.alone)
        query, scope, outcome, results = found
        if scope.uncovered is None:
            answer, message = outcome.answer, outcome.message
            if not results and not request.filters:  # no filter was set: say what was asked
                message = (
                    f"No passage of {coverage(list(scope.reports))} matches this."
                    if scope.named
                    else "No passage matches this question."
                )
        else:
            answer, message = None, scope.uncovered
        # each passage's record made once, for its hit (and to group by force)
        found = [(scored, index.passages[scored.row]) for scored in results]
        if not query.forces and len({passage.force for _, passage in found}) > 1:
            found = _grouped_by_force(found)  # a force's passages together
        hits = []
        for scored, passage in found:
            spans = index.sentence_spans[
                index.sentence_offsets[scored.row] : index.sentence_offsets[scored.row + 1]
            ]
            if answer is not None and answer.passage_id == passage.id and answer.spans:
                highlights = list(answer.spans)  # the sentence that answered is the one marked
            else:
                highlights = highlight_spans(spans, scored.sentence_similarities)
            hits.append(Hit(passage, scored.score, tuple(highlights)))
        took = (time.perf_counter() - start) * 1000
        return Answer(request.question, hits, answer, took, query, scope, message)

    def _answered(self, loaded, request: AskRequest, query: Query):
        """(query, scope, outcome, results): the question's scope, passages and answer."""
        index, retriever = loaded.index, loaded.retriever
        allowed = retriever.filters.mask(request.filters)
        if allowed is None:
            in_filters = index.reports
        else:  # the reports in the mask worked out once, not once for every report
            kept = retriever.reports_in(allowed)
            in_filters = [r for r in index.reports if r.id in kept]
        scope = resolve_scope(
            query,
            in_filters,
            graded=graded_pillars(index),
            every=index.reports,
            filtered=", ".join(f"{key} {value}" for key, value in request.filters) or None,
        )
        if scope.reports and len(scope.reports) < len(index.reports):
            in_scope = retriever.report_mask(scope.report_ids)
            allowed = in_scope if allowed is None else allowed & in_scope
        boost = followup_prior(
            query, request.history, index.passages, retriever.row_of, retriever.rows_by_unit
        )
        results = retriever.search(query, request.k, allowed=allowed, prior=boost)
        outcome = Outcome(None, scope.uncovered)
        if scope.uncovered is None:
            outcome = loaded.answerer.answer(query, scope, results)
        return query, scope, outcome, results

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


def _prepare(index: LoadedIndex, encoder: Encoder) -> Loaded:
    """The question pipeline over one loaded build."""
    reader = QueryReader(
        [r.force for r in index.reports], index.facts.words, index.acronyms, encoder
    )
    return Loaded(index, encoder, Retriever(index), reader, Answerer(index, encoder))


# the kinds of question answered by a sentence, where a force's reports of several years
# would otherwise compete (a grade answer is the latest one already, with the earlier ones)
_SENTENCE_INTENTS = ("other", "figure")


def _from_latest(citation, scope) -> bool:
    """The answer's report is the latest of its force and pillar in scope."""
    latest = {(r.force, r.pillar): r for r in scope.latest()}
    report = latest.get((citation.force, citation.pillar))
    return report is None or str(report.year) == str(citation.year)


def _latest_first(query) -> bool:
    """A question about a force, in no year, answered by a sentence (whether the force has
    an earlier report in scope is ``_from_latest``'s to say)."""
    return (
        bool(query.forces)
        and not query.years
        and not query.current
        and (query.intent in _SENTENCE_INTENTS)
    )


def _grouped_by_force(found: list[tuple[Scored, Passage]]) -> list[tuple[Scored, Passage]]:
    """Results kept in rank order within each force, the forces in order of their best."""
    order: dict[str, int] = {}
    for _, passage in found:
        order.setdefault(passage.force, len(order))
    return sorted(found, key=lambda pair: order[pair[1].force])

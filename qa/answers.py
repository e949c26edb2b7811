"""Direct answers: the right kind of answer for what the question asks, or none.

- A grade, the areas for improvement or the reasons for a grade come from the parsed
  report structure, for the report question (unit) the question is about.
- A comparison, a list across forces or a change over time is a table with one row per
  report, each with its grade and citation, built from every report in scope, not from
  the top passages.
- A figure is the sentence that holds a figure of the kind asked for; a "who/which unit"
  answer prefers the sentence that names one; anything else is the best sentence.
- A sentence answer needs support: similar enough to the question and sharing its
  subject words. A question about a person, place or time the reports don't cover, or
  whose subject words the reports never use, gets no answer rather than a near miss.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from corpus.records import IMPROVEMENT_SECTIONS, OVERVIEW, Passage, Report, Unit
from index.encoder import Encoder
from index.keyword import tokenize
from index.load import LoadedIndex
from qa.account import GradeCell
from qa.cite import Citation, citation, cite, cite_unit, unit_citation, unit_name
from qa.evaluation import NOT_JUDGED, pick_judgement, topic_found
from qa.figures import pick_figure
from qa.glossary import everyday_words, report_terms
from qa.grades import grade_stated
from qa.named import asked_body, asked_word, pick_named
from qa.query import NUMERIC_TYPES, Query
from qa.reasons import asked_lean, find_reasons, reasons_unit
from qa.retrieve import Scored
from qa.scope import Scope, coverage, report_year

# Cosine similarity of the best sentence below which no sentence answers (calibrated on
# the dev question sets against the off-topic set: see README "Direct answers").
ANSWER_THRESHOLD = 0.45
# Share of the question's subject words (stemmed) the answering paragraph must contain,
# unless the sentence is this similar anyway.
MIN_SUPPORT = 0.3
STRONG_SIMILARITY = 0.62
# A question read with the topic talked about ("what's the scheme called?") says little in
# its own words, so its best sentence is less like it: the threshold is this much lower.
CONVERSATION_ALLOWANCE = 0.1
# A report question (unit) answers a grade question about a topic when the question is
# this similar to its title, counting the retrieved passages' votes for it.
UNIT_MATCH_THRESHOLD = 0.45
VOTE_WEIGHT = 0.3
VOTE_HITS = 10
# A question outside the named reports must match that much better (cosine) than any in
# them before the answer is "not covered" rather than the best one in scope.
OUT_OF_SCOPE_MARGIN = 0.1
# Candidate sentences for a figure or a named unit: from the best passages, this close
# (cosine) to the best sentence.
SHAPE_PASSAGES = 3
SHAPE_MARGIN = 0.15
RANK_PENALTY = 0.02  # cosine taken off a sentence for each place its passage ranks lower
HIGHLIGHT_MARGIN = 0.05  # other sentences this close to the best one are marked too
MAX_HIGHLIGHTS = 2
# words that ask for a grade outright ("what grade ...", "was it rated ...", "inadequate?")
_ASKS_GRADE = re.compile(
    r"\b(?:grades?|graded|grading|ratings?|rated|rate|marks?|marked|scores?|scored|verdict|"
    r"outstanding|inadequate|requires? improvement|adequate|report card|stars?|pass(?:ed)?|"
    r"fail(?:ed)?)\b",
    re.IGNORECASE,
)
NO_ANSWER = "No sentence in the indexed reports answers this closely; the nearest passages follow."
NO_PERSON = "The indexed reports name no one for this; the nearest passages follow."
NO_FIGURE = "The indexed reports give no figure for this; the nearest passages follow."
NOT_COVERED = (
    "The indexed reports don't cover this ({what}); no passage answers it. "
    "The nearest passages follow."
)

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|half|third|quarter|dozen"
)
_SHAPES = {
    "percentage": re.compile(
        r"\d\s*%|\b(?:per ?cent|percent|proportion|half|third|quarter)\b", re.I
    ),
    "duration": re.compile(
        rf"\b(?:\d+|{_NUMBER_WORDS}|a|an)[\s-]+(?:working\s+)?(?:seconds?|minutes?|hours?|days?|"
        r"weeks?|months?|years?)\b|\bwithin\b.{0,20}\d",
        re.I,
    ),
    "amount": re.compile(r"£\s*\d|\b\d[\d,.]*\s*(?:million|billion|m|bn|pounds)\b", re.I),
    "number": re.compile(rf"\b\d[\d,.]*\b|\b(?:{_NUMBER_WORDS})\b", re.I),
    # a named person: a title and a name, or a name given with a role
    "person": re.compile(
        r"\b(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Lady)\.? [A-Z][a-z]+|"
        r"\b[A-Z][a-z]+ [A-Z][a-z]+,? (?:the |its )?(?:chief constable|police and crime "
        r"commissioner|commissioner|PCC|mayor)\b"
    ),
    "unit": re.compile(
        r"\b(?:team|teams|unit|units|hub|department|panel|board|desk|centre|service|services|"
        r"officers?|staff|sergeants?|inspectors?|investigators?|analysts?|partners?|MASH|"
        r"[A-Z]{2,6})\b"
    ),
}
_GRADE_ORDER = {
    "Inadequate": 0,
    "Requires improvement": 1,
    "Adequate": 2,
    "Good": 3,
    "Outstanding": 4,
}


def highlight_spans(spans: np.ndarray, similarities: tuple[float, ...]) -> list[tuple[int, int]]:
    """Character spans of the sentence(s) that best match the question, in reading order."""
    if not similarities:
        return []
    order = sorted(range(len(similarities)), key=lambda i: -similarities[i])
    best = similarities[order[0]]
    chosen = [i for i in order[:MAX_HIGHLIGHTS] if similarities[i] >= best - HIGHLIGHT_MARGIN]
    return [(int(spans[i][0]), int(spans[i][1])) for i in sorted(chosen)]


@dataclass(frozen=True)
class Row:
    """One report's line of a comparison, list or change over time."""

    report: Report
    question: Unit | None  # None: the report as a whole
    grade: str | None
    passage_id: str | None
    record: GradeCell | None = field(default=None, compare=False)  # from the account


@dataclass(frozen=True)
class DirectAnswer:
    kind: str  # grade, improvements, reasons, sentence, compare, list, trend or overall
    text: str
    citation: Citation | None
    cite: str | None
    passage_id: str | None
    score: float | None = None
    grade: str | None = None
    items: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    answer_type: str | None = None  # for a sentence: number, percentage, unit ...
    item_passage_ids: tuple[str, ...] = ()  # for reasons: the passage each item is from
    spans: tuple[tuple[int, int], ...] = field(default=(), compare=False)  # in passage_id


@dataclass(frozen=True)
class Outcome:
    """A direct answer, or None with the message that says why there is none."""

    answer: DirectAnswer | None
    message: str | None = None


class Answerer:
    """Chooses and builds the direct answer for one understood question."""

    def __init__(self, index: LoadedIndex, encoder: Encoder) -> None:
        self.index = index
        self._encoder = encoder
        self._titles = sorted({u.title for r in index.reports for u in _graded_units(r)})
        self._every_title = frozenset(self._titles)
        self._title_vectors: np.ndarray | None = None
        self.rows_by_unit = index.rows_by_unit
        self._aif_row: dict[tuple[str, str], int] = {}  # each unit's first improvement
        sections = index.passages.column("section")
        for key, rows in self.rows_by_unit.items():
            aif = next((r for r in rows if sections[r] in IMPROVEMENT_SECTIONS), None)
            if aif is not None:
                self._aif_row[key] = aif
        self._stems: dict[str, int] | None = None

    # -- what the question is about ----------------------------------------------------

    @property
    def title_vectors(self) -> np.ndarray:
        """The unit titles' vectors, embedded on first use (most questions never ask)."""
        if self._title_vectors is None:
            self._title_vectors = (
                self._encoder.encode(self._titles)
                if self._titles
                else np.zeros((0, 1), dtype=np.float32)
            )
        return self._title_vectors

    def unit_title(self, query: Query, results: list[Scored], scope: Scope) -> str | None:
        """The title of the report question the question is about: None for the pillar as
        a whole (no topic), "" when no question in scope matches well enough."""
        if not query.has_topic:
            return None
        in_scope = self._titles_in(scope.reports)
        if not in_scope or query.topic_vector is None:
            return ""
        scores = self.title_vectors @ query.topic_vector
        total = sum(1 / rank for rank in range(1, min(len(results), VOTE_HITS) + 1))
        for rank, scored in enumerate(results[:VOTE_HITS], start=1):
            title = self.index.passages[scored.row].unit_title
            if title in self._titles:
                scores[self._titles.index(title)] += VOTE_WEIGHT * (1 / rank) / total
        ranked = np.argsort(-scores)
        best = next((int(i) for i in ranked if self._titles[i] in in_scope), None)
        if best is None or scores[best] < UNIT_MATCH_THRESHOLD:
            return ""
        return self._titles[best]

    def _titles_in(self, reports: Sequence[Report]) -> frozenset[str] | set[str]:
        """The titles of these reports' graded units; for every report of the index (a
        question that names no force: a thousand reports at 100,000 passages), the set
        made at load."""
        every = self.index.reports
        if len(reports) == len(every) and all(a is b for a, b in zip(reports, every, strict=True)):
            return self._every_title
        return {u.title for r in reports for u in _graded_units(r)}

    def uncovered_topic(self, query: Query, scope: Scope) -> str | None:
        """The title of a report question outside the named scope that the topic matches
        clearly better than anything in scope ("Durham's investigations" when only
        Durham's Legitimacy report is indexed)."""
        if not (scope.named and query.has_topic and query.topic_vector is not None):
            return None
        in_scope = self._titles_in(scope.reports)
        scores = self.title_vectors @ query.topic_vector
        inside = [s for t, s in zip(self._titles, scores, strict=True) if t in in_scope]
        best = int(np.argmax(scores))
        if self._titles[best] in in_scope or scores[best] < UNIT_MATCH_THRESHOLD:
            return None
        if inside and max(inside) > scores[best] - OUT_OF_SCOPE_MARGIN:
            return None
        return self._titles[best]

    # -- the answer ----------------------------------------------------------------------

    def answer(self, query: Query, scope: Scope, results: list[Scored]) -> Outcome:
        if not results:
            return Outcome(None, "No passage matches these filters.")
        from qa.overall import grade_question  # builds on this module

        query = grade_question(query)
        intent = query.intent
        if intent == "grade" and self._asks_of_narrower_thing(query, results, scope):
            # "how's Durham doing on vetting?": the finding that judges vetting, rather
            # than the grade of the question it sits in; that grade when none judges it
            judged = self._picked(replace(query, intent="other", answer_type="evaluation"), results)
            if judged is not None and judged.answer is not None:
                return judged
        if intent in ("grade", "improvements", "reasons", "compare", "list", "trend"):
            if query.future:
                return Outcome(None, NOT_COVERED.format(what="a time after the reports"))
            if query.places:
                return Outcome(None, NOT_COVERED.format(what=", ".join(query.places)))
            structured = self._structured(query, scope, results)
            if structured is not None:
                return structured
        picked = self._picked(query, results)
        if picked is not None:
            return picked
        return self._sentence(query, scope, results)

    def _asks_of_narrower_thing(self, query: Query, results: list[Scored], scope: Scope) -> bool:
        """A question read as asking for a grade, in words that do not ask for one outright
        ("how's Durham doing on vetting?", "is their mental health advice line any good?"),
        about a thing none of whose words (nor their report terms) is in the title of the
        report question it matches: it asks how that thing goes, not for the grade."""
        text = query.corrected or query.text
        if query.followup or not query.has_topic or _ASKS_GRADE.search(text):
            return False
        title = self.unit_title(query, results, scope)
        if title is None:
            return False
        if title == "":  # no graded question in scope is about it: how that thing goes
            return True
        topic = " ".join([query.topic, *report_terms(query.topic)])
        return not set(tokenize([topic])[0]) & set(tokenize([title])[0])

    def _picked(self, query: Query, results: list[Scored]) -> Outcome | None:
        """A figure, a named thing or a judgement of whether something works, from the
        sentence that holds one (qa/figures.py, qa/named.py, qa/evaluation.py); None to
        answer with the best sentence instead."""
        if query.future:
            return None
        if query.answer_type in NUMERIC_TYPES:
            pick, none = pick_figure(self.index, query, results, query.answer_type), NO_FIGURE
        elif query.answer_type == "evaluation":
            pick, none = pick_judgement(self.index, query, results), NOT_JUDGED
        elif query.named:
            asked = query.corrected or query.text
            word = asked_word(asked, query.named)
            pick = pick_named(self.index, query.named, results, asked_body(asked), word)
            none = None
        else:
            return None
        if pick is None and none == NOT_JUDGED and topic_found(self.index, query, results):
            return Outcome(None, NOT_JUDGED)  # the reports describe it, but never judge it
        if pick is None:
            # the topic is in the reports when one of the first passages supports it: then
            # they hold no figure or judgement of it, rather than nothing on it at all
            missing = NO_ANSWER
            for found in results[:3]:
                similarity = max(found.sentence_similarities, default=0.0)
                missing = self._unsupported(query, self.index.passages[found.row], similarity)
                if missing is None:
                    break
            return Outcome(None, missing or none) if (missing or none) else None
        passage = self.index.passages[pick.row]
        about = passage if pick.about is None else self.index.passages[pick.about]
        support = pick.similarity if pick.support is None else pick.support
        missing = self._unsupported(query, about, support, lexical=not pick.asked)
        if missing and none == NOT_JUDGED and topic_found(self.index, query, results):
            return Outcome(None, NOT_JUDGED)  # the judgement found was of something else
        if missing:
            return Outcome(None, missing)
        first = int(self.index.sentence_offsets[pick.row])
        spans = tuple(
            (
                int(self.index.sentence_spans[first + j][0]),
                int(self.index.sentence_spans[first + j][1]),
            )
            for j in sorted({pick.sentence, *pick.also})
        )
        return Outcome(
            _sentence_answer(passage, spans, pick.similarity, query.answer_type or query.named)
        )

    def _says_in_scope(self, query: Query, results: list[Scored]) -> bool:
        """A passage found says the topic itself: a sentence very close to the question in
        a passage holding most of the topic's words ("Durham Constabulary is good at ..."
        is close to "how good is Durham at investigating crime?" but says nothing of
        crime)."""
        if max(results[0].sentence_similarities, default=0.0) < STRONG_SIMILARITY:
            return False
        words = {w[:5] for w in re.findall(r"[a-z]{4,}", query.topic.lower())}
        if not words:
            return False
        text = self.index.passages.text(results[0].row).lower()
        return sum(w in text for w in words) / len(words) > 0.5

    def _structured(self, query: Query, scope: Scope, results: list[Scored]) -> Outcome | None:
        outside = self.uncovered_topic(query, scope)
        # a question of another page's title, but a passage in scope says it closely ("what
        # concerns did they have about crime recording in 2016?" of a 2016 page whose
        # summary says so): its sentence answers, not "the reports don't cover it"
        if outside is not None and self._says_in_scope(query, results):
            return None
        if outside is not None:
            return Outcome(
                None,
                f"The indexed reports of {coverage(list(scope.reports))} don't cover "
                f"{_short(outside)}; no passage answers this. The nearest passages follow.",
            )
        title = self.unit_title(query, results, scope)
        if query.unit_filtered:  # the filters name the question: every passage is of it
            filtered = self.index.passages[results[0].row].unit_title
            title = filtered if filtered in self._titles else title
        if title == "" and query.intent == "improvements":
            title = self._improvement_unit(results, scope)
        if title == "" and query.intent == "reasons" and query.forces:
            title = reasons_unit(self.index, results, scope.report_ids, self._every_title)
        if title == "":  # a topic no report question matches: a sentence answers it
            return None
        if title is None:  # a pillar as a whole, or every grade: the account of grades
            from qa.overall import SENTENCE, account_answer  # builds on this module

            found = account_answer(self.index, query, scope)
            if isinstance(found, tuple) and found[0] == SENTENCE:  # the latest report's words
                own = [r for r in results if self.index.passages[r.row].report in found[1]]
                return self._sentence(query, scope, own or results)
            if found is not None:
                return found
        intent = query.intent
        reports = list(scope.reports)
        latest = scope.latest()
        several_forces = len({r.force for r in reports}) > 1
        if intent == "grade" and query.every_grade and title is None and not query.overall:
            rows = [r for r in self._rows(latest, None, every_unit=True)]
            return Outcome(self._table("list", rows, None, query))
        if intent == "list" and query.extreme and title:  # "which force is best at ..."
            rows = [r for r in self._rows(latest, title) if r.grade in _GRADE_ORDER]
            if rows:
                pick = min if query.extreme == "worst" else max
                level = pick(_GRADE_ORDER[r.grade] for r in rows)
                chosen = [r for r in rows if _GRADE_ORDER[r.grade] == level]
                return Outcome(self._table("list", chosen, title, query))
        if intent == "grade" and query.extreme and title is None and not several_forces:
            report = _latest_of(latest, results, self.index)
            rows = [r for r in self._rows([report], None, every_unit=True) if r.question]
            graded = [r for r in rows if r.grade in _GRADE_ORDER]
            if graded:
                pick = min if query.extreme == "worst" else max
                level = pick(_GRADE_ORDER[r.grade] for r in graded)
                chosen = [r for r in graded if _GRADE_ORDER[r.grade] == level]
                return Outcome(self._table("list", chosen, None, query))
        if intent == "list" or (intent == "grade" and several_forces and not query.forces):
            every_unit = (
                intent == "list"
                and title is None
                and query.grade_named is not None
                and not query.overall
            )
            rows = self._rows(reports if intent == "list" else latest, title, every_unit)
            if query.grade_named:
                rows = [r for r in rows if r.grade == query.grade_named]
            return Outcome(self._table("list", rows, title, query))
        if intent == "compare":
            rows = self._rows(reports if query.years else latest, title)
            return Outcome(self._table("compare", rows, title, query))
        if intent == "trend":
            rows = sorted(
                self._rows(reports, title), key=lambda r: (r.report.force, report_year(r.report))
            )
            return Outcome(self._table("trend", rows, title, query))
        if several_forces and not query.forces and intent in ("improvements", "reasons"):
            return None  # which force? the best sentence, and passages grouped by force
        if len(query.forces) > 1:  # "how come Cumbria ... when Lancashire ...": the first named
            latest = [r for r in latest if r.force == query.forces[0]] or latest
        if title:  # of the latest reports, those that have the question asked about
            latest = [r for r in latest if _question_titled(r, title)] or latest
        report = _latest_of(latest, results, self.index)
        if report is None:
            return None
        question = _question_titled(report, title)
        if title and question is None:
            return None
        if intent == "improvements":
            return Outcome(self._improvements(report, question))
        if intent == "reasons":
            return Outcome(self._reasons(report, question, query))
        earlier = [
            r
            for r in reports
            if r.force == report.force
            and r.pillar == report.pillar
            and report_year(r) < report_year(report)
        ]
        return Outcome(self._grade(report, question, earlier, title))

    def _rows(
        self, reports: list[Report], title: str | None, every_unit: bool = False
    ) -> list[Row]:
        """One row per report for the question titled ``title`` (the pillar for None), or
        with ``every_unit`` one per question and pillar of each report."""
        rows = []
        for report in sorted(reports, key=lambda r: (r.force, report_year(r), r.pillar or "")):
            if every_unit:
                units: list[Unit | None] = [None, *_graded_units(report)]
            else:
                units = [_question_titled(report, title) if title else None]
                if title and units[0] is None:
                    continue
            for question in units:
                grade = question.grade if question else report.grade
                rows.append(Row(report, question, grade, self._first_passage(report, question)))
        return rows

    def _improvement_unit(self, results: list[Scored], scope: Scope) -> str:
        """For "what must they do about vetting?": the question whose areas for improvement
        the best passages include, or "" when none of them is one."""
        ids = scope.report_ids
        for scored in results[:VOTE_HITS]:
            passage = self.index.passages[scored.row]
            in_report = passage.report in ids
            if in_report and passage.section in IMPROVEMENT_SECTIONS and passage.unit_title:
                return passage.unit_title
        return ""

    def _table(self, kind: str, rows: list[Row], title: str | None, query: Query) -> DirectAnswer:
        subject = _short(title) if title else "overall"
        if not rows:
            what = f" graded {query.grade_named}" if query.grade_named else ""
            return DirectAnswer(
                kind=kind,
                text=f"No indexed report{what} on {subject}.",
                citation=None,
                cite=None,
                passage_id=None,
            )
        cells = [f"{r.report.force} {r.report.year}: {r.grade or 'no grade'}" for r in rows]
        if kind == "trend":
            text = f"{subject}: " + " → ".join(cells)
            moves = _movement(rows)
            if moves:
                text += f" ({moves})"
        elif kind == "list":
            head = f"Graded {query.grade_named}" if query.grade_named else "Grades"
            if query.extreme:
                head = f"Graded {query.extreme}"
            several_units = len({r.question.title if r.question else None for r in rows}) > 1
            if several_units or (title is None and any(r.question for r in rows)):
                cells = [
                    f"{r.report.force} {r.report.year} "
                    f"{_short(r.question.title) if r.question else r.report.pillar or 'overall'}: "
                    f"{r.grade or 'no grade'}"
                    for r in rows
                ]
                text = f"{head}: " + "; ".join(cells)
            else:
                text = f"{head} on {subject}: " + "; ".join(cells)
        else:
            text = f"{subject}: " + "; ".join(cells)
        first = rows[0]
        return DirectAnswer(
            kind=kind,
            text=text[:1].upper() + text[1:],
            citation=unit_citation(first.report, first.question),
            cite=cite_unit(first.report, first.question),
            passage_id=first.passage_id,
            rows=tuple(rows),
        )

    def _grade(
        self, report: Report, question: Unit | None, earlier: list[Report], title: str | None
    ) -> DirectAnswer | None:
        grade = question.grade if question else report.grade
        if not grade:
            return None
        subject = unit_name(question) if question else report.headline
        where = ", ".join(x for x in (report.pillar, subject) if x)
        text = f"{grade}: {report.force} PEEL {report.year}, {where}"
        if question and question.carried_over:
            text += " (carried over from an earlier inspection)"
        before = []
        for old in sorted(earlier, key=report_year):
            old_question = _question_titled(old, title) if title else None
            old_grade = old_question.grade if old_question else (None if title else old.grade)
            if old_grade:
                before.append(f"{old.year}: {old_grade}")
        if before:
            text += f". Earlier: {', '.join(before)}"
        # "Open in context" goes to the sentence stating the grade, as the /grades cell does
        stated = grade_stated(self.index, report, question, grade)
        return DirectAnswer(
            kind="grade",
            text=text,
            grade=grade,
            citation=unit_citation(report, question),
            cite=cite_unit(report, question),
            passage_id=stated.passage_id or self._first_passage(report, question),
            spans=(stated.span,) if stated.span else (),
        )

    def _improvements(self, report: Report, question: Unit | None) -> DirectAnswer:
        questions = [question] if question else list(_graded_units(report))
        concerns = tuple(item for q in questions for item in q.causes_of_concern)
        items = concerns + tuple(item for q in questions for item in q.areas_for_improvement)
        where = (
            (f"question {question.number}" if question.number is not None else question.label)
            if question
            else f"the {report.pillar} pillar"
            if report.pillar
            else "the report"
        )
        where_long = f"{report.force} PEEL {report.year}, {where}"
        if items:
            text = f"Areas for improvement ({where_long}): " + " ".join(items[len(concerns) :])
            if concerns:
                text = (
                    f"Causes of concern ({where_long}): "
                    + " ".join(concerns)
                    + (" " + text if len(items) > len(concerns) else "")
                )
        else:
            text = (
                f"The report lists no causes of concern or areas for improvement for {where_long}."
            )
        key = (report.id, question.key if question else OVERVIEW)
        aif = self._aif_row.get(key)
        if aif is None and question is None:
            aif = next(
                (
                    self._aif_row[(report.id, q.key)]
                    for q in questions
                    if (report.id, q.key) in self._aif_row
                ),
                None,
            )
        if aif is not None and question is not None:
            passage = self.index.passages[aif]
            return DirectAnswer(
                kind="improvements",
                text=text,
                items=items,
                citation=citation(passage),
                cite=cite(passage),
                passage_id=passage.id,
            )
        return DirectAnswer(
            kind="improvements",
            text=text,
            items=items,
            citation=unit_citation(report, question),
            cite=cite_unit(report, question),
            passage_id=self.index.passages[aif].id if aif is not None else None,
        )

    def _reasons(self, report: Report, question: Unit | None, query: Query) -> DirectAnswer:
        """The report's own findings behind the grade of this unit (qa/reasons.py)."""
        grade = question.grade if question else report.grade
        title = question.title if question else (report.headline or report.pillar or "")
        target = self.title_vectors[self._titles.index(title)] if title in self._titles else None
        found = find_reasons(
            self.index,
            self.rows_by_unit,
            report,
            question,
            target,
            grade,
            rivals=self._rival_titles(report, question),
            topic=query.topic_vector if query.has_topic else None,
            lean=asked_lean(query.corrected),
        )
        where = unit_name(question) if question else (report.pillar or "overall")
        head = f"Why {grade or 'this judgement'} ({report.force} PEEL {report.year}, {where}): "
        texts = tuple(r.text for r in found)
        first = found[0] if found else None
        return DirectAnswer(
            kind="reasons",
            text=head + (" ".join(texts) if texts else "the report gives no findings for it."),
            grade=grade,
            items=texts,
            item_passage_ids=tuple(self.index.passages.id_of(r.row) for r in found),
            citation=unit_citation(report, question),
            cite=cite_unit(report, question),
            passage_id=(
                self.index.passages.id_of(first.row)
                if first
                else self._first_passage(report, question)
            ),
            spans=tuple(r.span for r in found if first and r.row == first.row),
        )

    def _rival_titles(self, report: Report, question: Unit | None) -> np.ndarray | None:
        """The title vectors of the report's other graded units: a summary sentence nearer
        one of them is about that unit, not this one."""
        others = [
            self._titles.index(u.title)
            for u in _graded_units(report)
            if u.title in self._titles and (question is None or u.key != question.key)
        ]
        return self.title_vectors[others] if others and question is not None else None

    def _first_passage(self, report: Report, question: Unit | None) -> str | None:
        rows = self.rows_by_unit.get((report.id, question.key if question else OVERVIEW))
        return self.index.passages.id_of(rows[0]) if rows else None

    # -- sentence answers --------------------------------------------------------------

    def _sentence(self, query: Query, scope: Scope, results: list[Scored]) -> Outcome:
        if query.future:
            return Outcome(None, NOT_COVERED.format(what="a time after the reports"))
        index = self.index
        shape = _SHAPES.get(query.answer_type or "")
        if query.counted:  # "how many officers": a number with officers near it
            stem = re.escape(re.sub(r"(?:ies|es|s)$", "", query.counted))
            shape = re.compile(
                rf"\b(?:\d[\d,.]*|{_NUMBER_WORDS})\W+(?:[\w’'-]+\W+){{0,3}}?{stem}", re.I
            )
        best_sim = max(max(s.sentence_similarities, default=-1.0) for s in results[:SHAPE_PASSAGES])
        choice: tuple[float, Scored, int] | None = None
        # A figure or a name may sit in one of the next passages; any other answer is the
        # best sentence of the best passage (looking further down was measured: worse).
        for rank, scored in enumerate(results[: SHAPE_PASSAGES if shape else 1]):
            offsets = index.sentence_offsets
            # the passage's text read once, not a record made for each of its sentences
            whole = index.passages.text(scored.row) if shape is not None else ""
            for j, sim in enumerate(scored.sentence_similarities):
                if shape is not None:
                    i = offsets[scored.row] + j
                    a, b = index.sentence_spans[i]
                    text = whole[a:b]
                    if not shape.search(text) or sim < best_sim - SHAPE_MARGIN:
                        continue
                sim_ranked = sim - RANK_PENALTY * rank
                if choice is None or sim_ranked > choice[0]:
                    choice = (sim_ranked, scored, j)
        if choice is None:
            if query.answer_type in NUMERIC_TYPES:
                return Outcome(None, NO_FIGURE)
            if query.answer_type == "person":
                return Outcome(None, NO_PERSON)
            return self._sentence(_untyped(query), scope, results)
        _, scored, j = choice
        similarity = scored.sentence_similarities[j]
        passage = index.passages[scored.row]
        start, end = index.sentence_offsets[scored.row], index.sentence_offsets[scored.row + 1]
        if shape is None:  # the best sentence, and the next best when it is as close
            spans = tuple(
                highlight_spans(index.sentence_spans[start:end], scored.sentence_similarities)
            )
            spans = _with_continuation(passage.text, index.sentence_spans[start:end], spans)
        else:  # the sentence with the figure or name, alone
            spans = (
                (int(index.sentence_spans[start + j][0]), int(index.sentence_spans[start + j][1])),
            )
        missing = self._unsupported(query, passage, similarity)
        if missing:
            return Outcome(None, missing)
        return Outcome(_sentence_answer(passage, spans, similarity, query.answer_type))

    def _unsupported(
        self, query: Query, passage: Passage, similarity: float, lexical: bool = True
    ) -> str | None:
        """Why this passage does not support an answer, or None when it does.

        The question's subject words (stemmed; the glossary's report terms count for the
        everyday words) are looked for in the paragraph: a word the reports never use, or
        the question's most specific word missing from the paragraph, means the sentence
        only resembles the question, unless it is very similar indeed or (not ``lexical``)
        was picked for holding what the question asks for."""
        if query.places and not all(p.lower() in passage.text.lower() for p in query.places):
            return NOT_COVERED.format(what=", ".join(query.places))
        if similarity < ANSWER_THRESHOLD - (CONVERSATION_ALLOWANCE if query.context else 0.0):
            return NO_ANSWER
        topic = query.talked_about  # what a question pointing back points at counts too
        terms = set(tokenize([topic])[0]) if topic else set()
        if not terms or similarity >= STRONG_SIMILARITY or not lexical:
            return None
        glossed = set(tokenize([" ".join(report_terms(f"{query.corrected} {topic}"))])[0])
        everyday = {  # the words of the glossary's everyday phrases ("body cameras")
            stem for phrase in everyday_words(topic) for stem in tokenize([phrase])[0]
        }
        frequency = self.stem_frequency
        have = set(tokenize([passage.text])[0])
        unknown = {t for t in terms if t not in frequency and t not in everyday}
        if len(unknown) >= len(terms) / 2:
            return NO_ANSWER  # mostly words the reports never use: not what they cover
        covered = {t for t in terms if t in have}
        if glossed & have:
            covered |= everyday
        own = set(tokenize([query.topic])[0]) if query.context and query.topic else set()
        if own and own <= have:
            return None  # "how long is the wait there?": its own words, found with the topic
        if len(covered) / len(terms) < MIN_SUPPORT:
            return NO_ANSWER
        return None

    @property
    def stem_frequency(self) -> dict[str, int]:
        """In how many passages each stemmed word occurs (read off the keyword index)."""
        if self._stems is None:
            self._stems = self.index.keyword.document_frequency()
        return self._stems


_CONTINUES = re.compile(r"^(?:This|These|It|They|That|Such|Its|Their)\b")
# "Until recently, the constabulary had joint arrangements ...": what is true now follows
_WAS_ONCE = re.compile(
    r"^\W*(?:until (?:recently|last year|\d{4})|previously|formerly|in the past|historically|"
    r"at one time|before (?:this|that|then))\b",
    re.IGNORECASE,
)


def _sentence_answer(
    passage, spans: tuple[tuple[int, int], ...], score: float, answer_type: str | None
) -> DirectAnswer:
    """A sentence answer: the passage's sentences at ``spans``, in its own words, cited."""
    return DirectAnswer(
        kind="sentence",
        text=" ".join(passage.text[a:b] for a, b in spans),
        citation=citation(passage),
        cite=cite(passage),
        passage_id=passage.id,
        score=score,
        answer_type=answer_type,
        spans=spans,
    )


def _with_continuation(
    text: str, sentence_spans: np.ndarray, spans: tuple[tuple[int, int], ...]
) -> tuple[tuple[int, int], ...]:
    """One answering sentence, and the next when that one goes on about it ("This is a
    mock-up of ...", "It found ..."): the sentence alone would leave the answer out. A
    sentence of what used to be ("Until recently, ...") always brings the next, which says
    what is true now."""
    ends = [int(b) for _, b in sentence_spans]
    added = []
    for span in spans:
        at = ends.index(span[1]) if span[1] in ends else -1
        if not 0 <= at < len(sentence_spans) - 1:
            continue
        a, b = (int(x) for x in sentence_spans[at + 1])
        if _WAS_ONCE.match(text[span[0] : span[1]]) or (
            len(spans) == 1 and _CONTINUES.match(text[a:b])
        ):
            added.append((a, b))
    return tuple(sorted(set(spans) | set(added)))


def _untyped(query: Query) -> Query:
    return replace(query, answer_type=None)


def _graded_units(report: Report) -> tuple[Unit, ...]:
    """The units a grade can be asked of: numbered questions, pillars, graded areas."""
    return tuple(
        u
        for u in report.units
        if u.key != OVERVIEW and u.title and u.kind in ("question", "pillar", "area")
    )


def _question_titled(report: Report, title: str | None) -> Unit | None:
    if not title:
        return None
    return next((u for u in _graded_units(report) if u.title == title), None)


def _latest_of(reports: list[Report], results: list[Scored], index: LoadedIndex) -> Report | None:
    """Of the latest reports in scope, the one the best passages come from."""
    if not reports:
        return None
    if len(reports) == 1:
        return reports[0]
    ids = {r.id: r for r in reports}
    for scored in results:
        report = ids.get(index.passages[scored.row].report)
        if report is not None:
            return report
    return reports[0]


def _movement(rows: list[Row]) -> str:
    moves = []
    for before, after in zip(rows, rows[1:], strict=False):
        if before.report.force != after.report.force:
            continue
        a, b = _GRADE_ORDER.get(before.grade or ""), _GRADE_ORDER.get(after.grade or "")
        if a is None or b is None:
            continue
        word = "up" if b > a else "down" if b < a else "the same"
        moves.append(f"{after.report.force} {before.report.year}→{after.report.year}: {word}")
    return "; ".join(moves)


def short_title(title: str) -> str:
    """'How effective is the force at investigating crime ...?' -> 'investigating crime ...'."""
    short = re.sub(
        r"^(?:how (?:effective|efficient|well|legitimate) (?:is|are) (?:the force(?:’s|'s)?|it)"
        r"(?: at)?|to what extent does the force)\s+",
        "",
        title,
        flags=re.IGNORECASE,
    ).rstrip("?")
    return short or title


_short = short_title

"""Answers, not only passages: highlighted sentences, a direct answer, grades and fixes.

A direct answer is either taken from the report's structure (the grade of a question,
its areas for improvement) when the question asks for that, or is the best-matching
sentence of the best passage when it is similar enough to the question; otherwise
there is no answer and the passages speak for themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from corpus.records import Passage, Question, Report
from index.encoder import Encoder
from qa.cite import citation, cite, cite_question, question_citation
from qa.intent import AIF_SECTIONS, asks_for_grade, asks_for_improvement, topic

# Calibrated on the public and dev question sets against off-topic questions: see
# tests/data/offtopic.jsonl and the README. Cosine similarity of the best sentence.
ANSWER_THRESHOLD = 0.45
# The topic of a grade or improvement question must match a report question's text
# this well (cosine) before that question's grade or areas for improvement answer it;
# a narrower topic ("catching wanted suspects") gets its best sentence instead.
QUESTION_MATCH_THRESHOLD = 0.5
HIGHLIGHT_MARGIN = 0.05  # other sentences this close to the best one are marked too
MAX_HIGHLIGHTS = 2
NO_ANSWER = "No sentence in the indexed reports answers this closely; the nearest passages follow."


def highlight_spans(spans: np.ndarray, similarities: tuple[float, ...]) -> list[tuple[int, int]]:
    """Character spans of the sentence(s) that best match the question, in reading order."""
    if not similarities:
        return []
    order = sorted(range(len(similarities)), key=lambda i: -similarities[i])
    best = similarities[order[0]]
    chosen = [i for i in order[:MAX_HIGHLIGHTS] if similarities[i] >= best - HIGHLIGHT_MARGIN]
    return [(int(spans[i][0]), int(spans[i][1])) for i in sorted(chosen)]


@dataclass(frozen=True)
class DirectAnswer:
    kind: str  # "grade", "improvements" or "sentence"
    text: str
    citation: dict
    cite: str
    passage_id: str | None
    score: float | None = None
    grade: str | None = None
    items: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        out = {
            "kind": self.kind,
            "text": self.text,
            "passage_id": self.passage_id,
            "citation": self.citation,
            "cite": self.cite,
        }
        if self.score is not None:
            out["score"] = round(self.score, 4)
        if self.kind == "grade":
            out["grade"] = self.grade
        if self.kind == "improvements":
            out["items"] = list(self.items)
        return out


def sentence_answer(
    passage: Passage, similarity: float, spans: list[tuple[int, int]]
) -> DirectAnswer | None:
    """The highlighted sentence(s) of the best passage, if similar enough to the question."""
    if similarity < ANSWER_THRESHOLD or not spans:
        return None
    text = " ".join(passage.text[a:b] for a, b in spans)
    return DirectAnswer(
        kind="sentence",
        text=text,
        citation=citation(passage),
        cite=cite(passage),
        passage_id=passage.id,
        score=similarity,
    )


class StructureAnswerer:
    """Answers grade and improvement questions from the parsed report structure."""

    def __init__(self, reports: list[Report], passages: list[Passage], encoder: Encoder) -> None:
        self._encoder = encoder
        self.targets: list[tuple[Report, Question | None]] = []
        for report in reports:
            self.targets.append((report, None))  # the pillar as a whole
            self.targets.extend((report, q) for q in report.questions)
        self._texts = [
            q.text if q else (r.headline or r.pillar or f"{r.force} PEEL {r.year}")
            for r, q in self.targets
        ]
        self._cached_vectors: np.ndarray | None = None
        self._first_passage: dict[tuple[str, int | None], Passage] = {}
        self._aif_passage: dict[tuple[str, int | None], Passage] = {}
        for p in passages:
            key = (p.report, p.question_number)
            self._first_passage.setdefault(key, p)
            if p.section in AIF_SECTIONS:
                self._aif_passage.setdefault(key, p)

    @property
    def _vectors(self) -> np.ndarray:
        """The question texts' vectors, embedded on first use (most questions never ask)."""
        if self._cached_vectors is None:
            unique = sorted(set(self._texts))
            vectors = self._encoder.encode(unique)
            self._cached_vectors = vectors[[unique.index(t) for t in self._texts]]
        return self._cached_vectors

    def answer(self, question: str, reports: set[str] | None) -> DirectAnswer | None:
        """A grade or list of improvements when the question asks for one, else None.

        ``question`` should have force names removed; ``reports`` limits the reports."""
        wants_grade, wants_fix = asks_for_grade(question), asks_for_improvement(question)
        if not (wants_grade or wants_fix) or not self.targets:
            return None
        candidates = [
            i for i, (r, _) in enumerate(self.targets) if reports is None or r.id in reports
        ]
        if not candidates:
            return None
        subject = topic(question)
        if subject:  # a topic: the best-matching numbered question
            scores = self._vectors @ self._encoder.encode([subject])[0]
            questions = [i for i in candidates if self.targets[i][1] is not None]
            if not questions:
                return None
            best = max(questions, key=lambda i: scores[i])
            if scores[best] < QUESTION_MATCH_THRESHOLD:
                return None
        else:  # nothing but "how good is it overall?": the pillar as a whole
            best = next(i for i in candidates if self.targets[i][1] is None)
        report, matched = self.targets[best]
        if wants_fix:
            return self._improvements(report, matched)
        return self._grade(report, matched)

    def _grade(self, report: Report, question: Question | None) -> DirectAnswer | None:
        grade = question.grade if question else report.grade
        if not grade:
            return None
        subject = f"Q{question.number} {question.text}" if question else report.headline
        where = ", ".join(x for x in (report.pillar, subject) if x)
        text = f"{grade}: {report.force} PEEL {report.year}, {where}"
        if question and question.carried_over:
            text += " (carried over from an earlier inspection)"
        first = self._first_passage.get((report.id, question.number if question else None))
        return DirectAnswer(
            kind="grade",
            text=text,
            grade=grade,
            citation=question_citation(report, question),
            cite=cite_question(report, question),
            passage_id=first.id if first else None,
        )

    def _improvements(self, report: Report, question: Question | None) -> DirectAnswer:
        questions = [question] if question else list(report.questions)
        items = tuple(item for q in questions for item in q.areas_for_improvement)
        where = (
            f"question {question.number}"
            if question
            else f"the {report.pillar} pillar"
            if report.pillar
            else "the report"
        )
        if items:
            text = f"Areas for improvement for {where}: " + " ".join(items)
        else:
            text = f"The report lists no areas for improvement for {where}."
        aif = self._aif_passage.get((report.id, question.number if question else None))
        if aif is None and question is None:
            aif = next(
                (
                    self._aif_passage[(report.id, q.number)]
                    for q in questions
                    if (report.id, q.number) in self._aif_passage
                ),
                None,
            )
        if aif is not None and question is not None:
            return DirectAnswer(
                kind="improvements",
                text=text,
                items=items,
                citation=citation(aif),
                cite=cite(aif),
                passage_id=aif.id,
            )
        return DirectAnswer(
            kind="improvements",
            text=text,
            items=items,
            citation=question_citation(report, question),
            cite=cite_question(report, question),
            passage_id=aif.id if aif else None,
        )

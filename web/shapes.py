"""The JSON (and CSV) shapes of what the service answers, made from the typed records of
corpus/, index/ and qa/. The OpenAPI document (web/openapi.py) describes these shapes, and
tests/test_openapi.py checks every answer against it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import asdict, fields

from corpus.fetch.coverage import STATES, WORDS, Cell, Coverage, label
from corpus.records import OVERVIEW, Report
from corpus.reports import ADDED, COPY, REFUSED, Outcome
from index.rebuild import RebuildSummary
from qa import cite
from qa.answers import DirectAnswer, Row
from qa.cite import Citation, cite_unit
from qa.engine import Answer, Hit
from qa.grades import GradeCell
from qa.history import AreaChange, Cited, ForceHistory, Step, UnitChange
from qa.query import Query
from qa.scope import Scope

GRADE_CSV_FIELDS = (
    "force",
    "cycle",
    "pillar",
    "report",
    "unit",
    "unit_label",
    "unit_title",
    "kind",
    "grade",
    "carried_over",
    "passage_id",
    "cite",
)


_CITATION_FIELDS = fields(Citation)


def error(code: str, message: str) -> dict:
    """The one error shape, under /api/ and in a failed rebuild's status."""
    return {"error": {"code": code, "message": message}}


def citation(c: Citation) -> dict:
    # Citation's fields are plain values: a shallow copy is asdict's answer without its
    # recursive deep copy (a few ms a question over five passages)
    return {f.name: getattr(c, f.name) for f in _CITATION_FIELDS}


def hit(h: Hit) -> dict:
    """One passage of an answer."""
    return {
        "id": h.passage.id,
        "text": h.passage.text,
        "score": round(h.score, 4),
        "highlights": [list(span) for span in h.highlights],
        "citation": citation(cite.citation(h.passage)),
        "cite": cite.cite(h.passage),
    }


def row(r: Row) -> dict:
    """One report's line of a comparison, list or change over time."""
    unit = r.question
    record = r.record
    return {
        "force": r.report.force,
        "year": r.report.year,
        "pillar": record.pillar if record else r.report.pillar,
        "area": record.area if record else None,
        "question_number": unit.number if unit else None,
        "question": unit.title if unit and unit.number is not None else None,
        "unit": unit.key if unit else OVERVIEW,
        "unit_title": unit.title if unit else r.report.headline,
        "grade": r.grade,
        "passage_id": r.passage_id,
        "cite": cite_unit(r.report, unit),
        "note": record.conflict if record else None,
    }


def direct_answer(a: DirectAnswer) -> dict:
    """The direct answer: only the fields its kind has."""
    out = {
        "kind": a.kind,
        "text": a.text,
        "passage_id": a.passage_id,
        "citation": citation(a.citation) if a.citation else None,
        "cite": a.cite,
    }
    if a.score is not None:
        out["score"] = round(a.score, 4)
    if a.kind == "grade":
        out["grade"] = a.grade
    if a.kind in ("improvements", "reasons"):
        out["items"] = list(a.items)
    if a.kind == "reasons":
        out["grade"] = a.grade
        out["item_passage_ids"] = list(a.item_passage_ids)
    if a.rows:
        out["rows"] = [row(r) for r in a.rows]
    if a.answer_type:
        out["answer_type"] = a.answer_type
    if a.spans:
        out["highlights"] = [list(span) for span in a.spans]
    return out


def understood(q: Query) -> dict:
    """What the service took the question to ask."""
    return {
        "intent": q.intent,
        "answer_type": q.answer_type,
        "forces": list(q.forces),
        "unindexed_forces": list(q.unindexed_forces),
        "years": list(q.years),
        "pillars": list(q.pillars),
        "topic": q.topic,
        "followup": q.followup,
    }


def scope(s: Scope) -> dict:
    return {
        "reports": [r.id for r in s.reports],
        "forces": s.forces,
        "named": s.named,
        "note": s.note,
    }


def answer(a: Answer) -> dict:
    """The answer to /api/ask."""
    out = {
        "question": a.question,
        "answer": direct_answer(a.answer) if a.answer else None,
    }
    if a.answer is None:
        out["message"] = a.message or "No passage matches these filters."
    elif a.scope is not None and a.scope.note:
        out["message"] = a.scope.note
    out["followup"] = a.followup
    out["closest"] = a.answer is None and bool(a.hits)
    if a.query is not None:
        out["understood"] = understood(a.query)
    if a.scope is not None:
        out["scope"] = scope(a.scope)
    out["passages"] = [hit(h) for h in a.hits]
    out["took_ms"] = round(a.took_ms, 2)
    return out


def report(r: Report) -> dict:
    """One indexed report: its header facts, units and (for 2014-2019 pages) questions."""
    out = asdict(r)
    out["questions"] = [asdict(q) for q in r.questions]
    return out


def grade_cell(c: GradeCell) -> dict:
    """One graded unit of one report, with the passage that states the grade."""
    return {
        "force": c.report.force,
        "cycle": c.report.year,
        "pillar": c.pillar,
        "report": c.report.id,
        "unit": c.key,
        "unit_label": c.label,
        "unit_title": c.title,
        "kind": c.unit.kind if c.unit else "report",
        "grade": c.grade,
        "carried_over": bool(c.unit and c.unit.carried_over),
        "passage_id": c.stated.passage_id,
        "span": list(c.stated.span) if c.stated.span else None,
        "cite": c.cite,
    }


def grades_csv(cells: Iterable[GradeCell]) -> str:
    """The cells as CSV, one row per cell, with a header."""
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=GRADE_CSV_FIELDS, extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    for cell in cells:
        writer.writerow(grade_cell(cell))
    return out.getvalue()


def cited(c: Cited) -> dict:
    return {"report": c.report.id, "passage_id": c.passage_id, "cite": c.cite}


def _grade_side(cell: GradeCell | None) -> dict | None:
    if cell is None:
        return None
    return {"grade": cell.grade, "passage_id": cell.stated.passage_id, "cite": cell.cite}


def unit_change(u: UnitChange) -> dict:
    return {
        "unit": u.key,
        "unit_label": u.label,
        "unit_title": u.title,
        "before": _grade_side(u.before),
        "after": _grade_side(u.after),
        "movement": u.movement,
    }


def area_change(a: AreaChange) -> dict:
    return {
        "status": a.status,
        "text": a.text,
        "earlier_text": a.earlier_text,
        "similarity": None if a.similarity is None else round(a.similarity, 4),
        "after": cited(a.after),
        "before": cited(a.before),
    }


def step(s: Step) -> dict:
    return {
        "before": s.before.id,
        "after": s.after.id,
        "compared": s.compared,
        "note": s.note,
        "units": [unit_change(u) for u in s.units],
        "areas_for_improvement": [area_change(a) for a in s.areas],
    }


def force_history(h: ForceHistory) -> dict:
    """/api/forces/<force>: every report of one force, each step compared."""
    return {
        "force": h.force,
        "reports": [
            {"id": r.id, "title": r.title, "year": r.year, "pillar": r.pillar, "grade": r.grade}
            for r in h.reports
        ],
        "repeated_at": h.threshold,
        "cycles": list(h.cycles),
        "grades_by_cycle": [
            {"name": line.name, "grades": [_grade_side(c) for c in line.cells]} for line in h.lines
        ],
        "steps": [step(s) for s in h.steps],
    }


def added_reports(outcomes: Sequence[Outcome]) -> list[dict]:
    """What the upload answer says about each report added (and the copies it is kept
    over: stored files of the same page that are no longer indexed)."""
    return [
        {
            "file": o.file,
            "report": o.report.id,
            "force": o.report.force,
            "year": o.report.year,
            "pillar": o.report.pillar,
            "layout": o.report.layout,
            "format": o.report.source_format,
            "units": len(o.report.units),
            "passages": o.passages,
            "source_url": o.report.source_url,
            "kept_over": [{"file": a.copy.name, "reason": a.reason} for a in o.kept_over],
        }
        for o in outcomes
        if o.status == ADDED
    ]


def copies_not_added(outcomes: Sequence[Outcome]) -> list[dict]:
    """The files not added because a fuller copy of the same page is kept."""
    return [
        {
            "file": o.file,
            "report": o.report.id,
            "copy_of": o.copy_of,
            "reason": o.reason,
            "message": o.message,
        }
        for o in outcomes
        if o.status == COPY
    ]


def refused_files(outcomes: Sequence[Outcome]) -> list[dict]:
    """The files refused, each with the error's code and message."""
    return [
        {"file": o.file, "code": o.error.code, "message": o.message}
        for o in outcomes
        if o.status == REFUSED
    ]


def rebuild_summary(s: RebuildSummary) -> dict:
    return asdict(s)


def rebuild_status(status: dict) -> dict:
    """The background rebuild's state, its summary (a record) made JSON."""
    summary = status.get("summary")
    if isinstance(summary, RebuildSummary):
        return {**status, "summary": rebuild_summary(summary)}
    return dict(status)


def checked_report(c: Outcome) -> dict:
    """What `reports check` found in one file."""
    r = c.report
    return {
        "file": c.source,
        "ok": c.status != REFUSED,
        "status": c.status,
        "copy_of": c.copy_of,
        "kept_over": [{"file": a.copy.name, "reason": a.reason} for a in c.kept_over],
        "layout": r.layout if r else None,
        "format": r.source_format if r else None,
        "force": r.force if r else None,
        "year": r.year if r else None,
        "pillar": r.pillar if r else None,
        "grade": r.grade if r else None,
        "units": [
            {
                "key": u.key,
                "label": u.label,
                "title": u.title,
                "grade": u.grade,
                "kind": u.kind,
                "question_number": u.number,
                "carried_over": u.carried_over,
                "areas_for_improvement": len(u.areas_for_improvement),
                "causes_of_concern": len(u.causes_of_concern),
                "grade_sentence": u.grade_sentence,
            }
            for u in (r.units if r else ())
        ],
        "passages": c.passages,
        "warnings": list(r.warnings) if r else [],
        "message": c.message,
    }


def coverage(table: Coverage) -> dict:
    """Each force by cycle: indexed, waiting, fetched but refused (why), not found on the
    site, not fetched yet; what `reports coverage` prints and the coverage page shows."""
    run = table.last_run
    return {
        "cycles": [{"cycle": c, "label": label(c)} for c in table.cycles],
        "states": {s: WORDS[s] for s in STATES},
        "counts": table.counts(),
        "last_fetch": (
            {k: run.get(k) for k in ("started", "finished", "base_url")} if run else None
        ),
        "forces": [
            {"force": f, "cycles": {c: _coverage_cell(table.cell(f, c)) for c in table.cycles}}
            for f in table.forces
        ],
    }


def _coverage_cell(cell: Cell) -> dict:
    return {
        "state": cell.state,
        "reason": cell.reason,
        "indexed": list(cell.indexed),
        "checked": cell.checked,
        "pages": [
            {"file": p.file, "kind": p.kind, "state": p.state, "reason": p.reason, "url": p.url}
            for p in cell.pages
        ],
    }

"""One force over time: its reports oldest first, how each unit's grade moved since the
previous report of the same framework and pillar, and which areas for improvement were
repeated, are new, or are no longer listed.

Areas for improvement are matched by meaning: the index's own encoder, cosine similarity
between the two reports' texts, one-to-one, best pairs first. REPEATED_AT = 0.70 was set on
the adapted all-MiniLM-L6-v2: unrelated areas for improvement of the shipped and synthetic
reports, which share their frame ("The constabulary should ..."), reach at most 0.66 with
each other, while rewordings of one recommendation written for the purpose scored 0.68 to
0.78; 0.70 keeps every unrelated pair out, with a margin, at the cost of calling a loose
rewording (0.68) new. Identical texts score 1.0.

Reports of two frameworks (numbered questions within pillars, 2014 to 2019; graded areas of
policing, 2021 onwards; force overview pages) are never matched unit by unit: a step between
them says so instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from common.errors import NotFound
from corpus.records import IMPROVEMENT_SECTIONS, OVERVIEW, Report, Unit
from index.encoder import Encoder
from index.load import LoadedIndex
from qa.cite import cite_unit
from qa.grades import GRADE_RANK, GradeCell, cycle_order, grade_cells
from qa.scope import coverage

REPEATED_AT = 0.70
ON_SCALE = 5  # GRADE_RANK below this is a grade on a scale (Ungraded ... are not)
FRAMEWORKS = {
    "peel-2014-2019-pillar": "2014 to 2019 PEEL pillar reports (numbered questions)",
    "peel-2014-2019-overview": "2014 to 2019 PEEL force overview pages",
    "peel-2021-onwards": "2021 onwards PEEL reports (graded areas of policing)",
    "generic": "reports without a PEEL framework",
}


@dataclass(frozen=True)
class Cited:
    """Something a report says, with the passage that says it and the cite line."""

    report: Report
    unit: Unit | None
    passage_id: str | None

    @property
    def cite(self) -> str:
        return cite_unit(self.report, self.unit)


@dataclass(frozen=True)
class UnitChange:
    """One unit's grade in two consecutive reports of a series."""

    key: str
    label: str
    title: str | None
    before: GradeCell | None  # None: the earlier report has no grade for this unit
    after: GradeCell | None
    movement: str  # "up", "down", "same", "not comparable", "first graded", "not graded now"


@dataclass(frozen=True)
class AreaChange:
    """One area for improvement: repeated, new, or no longer listed."""

    status: str  # "repeated", "new", "no longer listed"
    text: str  # as the later report words it (the earlier one, for "no longer listed")
    earlier_text: str | None  # the earlier wording, for "repeated"
    similarity: float | None  # cosine of the two wordings, for "repeated"
    after: Cited  # where the later report says it (or, for "no longer listed", the report)
    before: Cited  # where the earlier report says it (or, for "new", the report)


@dataclass(frozen=True)
class Step:
    """A report set beside the previous report of the force it can be compared with."""

    before: Report
    after: Report
    note: str | None = None  # why the two are not compared unit by unit
    units: tuple[UnitChange, ...] = ()
    areas: tuple[AreaChange, ...] = ()

    @property
    def compared(self) -> bool:
        return self.note is None


@dataclass(frozen=True)
class GradeLine:
    """One pillar (or 2021+ area) of a force: its grade in each cycle, whatever page type
    stated it (None where no indexed page grades it in that cycle)."""

    name: str
    cells: tuple[GradeCell | None, ...]  # one per ForceHistory.cycles


@dataclass(frozen=True)
class ForceHistory:
    force: str
    reports: tuple[Report, ...]  # oldest first
    steps: tuple[Step, ...]
    threshold: float = REPEATED_AT
    cycles: tuple[str, ...] = ()  # the cycles that grade something, oldest first
    lines: tuple[GradeLine, ...] = ()  # pillar and area grades across those cycles


def force_key(name: str) -> str:
    """A force's name as a URL may spell it: 'west-midlands', 'West Midlands', 'avon &
    somerset' and 'Avon and Somerset' are one key."""
    text = re.sub(r"\s*&\s*", " and ", name.lower())
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def force_history(index: LoadedIndex, encoder: Encoder, force: str) -> ForceHistory:
    """Every report of ``force`` (any case or spelling of its name in a URL: a slug, "&"
    for "and"), oldest first, each compared with the one before, and its pillar grades
    side by side across every cycle that graded them."""
    wanted = force_key(force)
    reports = sorted((r for r in index.reports if force_key(r.force) == wanted), key=_when)
    if not reports:
        raise NotFound(
            f"no indexed report is of the force {force!r}; the indexed reports cover "
            f"{coverage(index.reports) or 'nothing yet'}"
        )
    ids = {r.id for r in reports}
    cells = [c for c in grade_cells(index) if c.report.id in ids]
    aif_passage: dict[tuple[str, str], str] = {}
    first_passage: dict[tuple[str, str], str] = {}
    sections = index.passages.column("section")
    for key, rows in index.rows_by_unit.items():  # the force's units only: no scan
        if key[0] in ids:
            first_passage[key] = index.passages.id_of(rows[0])
            aif = next((r for r in rows if sections[r] in IMPROVEMENT_SECTIONS), None)
            if aif is not None:
                aif_passage[key] = index.passages.id_of(aif)
    steps = []
    for at, report in enumerate(reports):
        earlier = [r for r in reports[:at] if _series(r) == _series(report)]
        if earlier:
            before = earlier[-1]
            steps.append(
                Step(
                    before,
                    report,
                    units=_unit_changes(before, report, cells),
                    areas=_area_changes(before, report, encoder, aif_passage, first_passage),
                )
            )
        elif at and reports[at - 1].layout != report.layout:
            before = reports[at - 1]
            steps.append(Step(before, report, note=_framework_note(before, report)))
    cycles, lines = _grade_lines(cells)
    return ForceHistory(reports[0].force, tuple(reports), tuple(steps), cycles=cycles, lines=lines)


def _grade_lines(cells: list[GradeCell]) -> tuple[tuple[str, ...], tuple[GradeLine, ...]]:
    """Each pillar (and area) across the cycles; of two pages grading it in one cycle, the
    one citing its sentence."""
    top = [c for c in cells if c.level in ("pillar", "area")]
    cycles = tuple(sorted({c.cycle for c in top}, key=cycle_order))
    names: dict[str, dict[str, GradeCell]] = {}
    for cell in top:
        by_cycle = names.setdefault(cell.pillar or cell.area or "Overall", {})
        kept = by_cycle.get(cell.cycle)
        if kept is None or (cell.stated.span and not kept.stated.span):
            by_cycle[cell.cycle] = cell
    lines = tuple(
        GradeLine(name, tuple(by_cycle.get(cycle) for cycle in cycles))
        for name, by_cycle in names.items()
    )
    return cycles, lines


def _unit_changes(before: Report, after: Report, cells: list[GradeCell]) -> tuple:
    def by_key(report: Report) -> dict[str, GradeCell]:
        return {c.key: c for c in cells if c.report.id == report.id}

    old, new = by_key(before), by_key(after)
    keys = [*new, *(k for k in old if k not in new)]
    changes = []
    for key in keys:
        a, b = old.get(key), new.get(key)
        shown = b or a
        changes.append(
            UnitChange(key, shown.label, shown.title, a, b, _movement(a, b))  # type: ignore[union-attr]
        )
    return tuple(changes)


def _movement(before: GradeCell | None, after: GradeCell | None) -> str:
    if before is None:
        return "first graded"
    if after is None:
        return "not graded now"
    a, b = GRADE_RANK.get(before.grade, 99), GRADE_RANK.get(after.grade, 99)
    if a >= ON_SCALE or b >= ON_SCALE:
        return "same" if before.grade == after.grade else "not comparable"
    return "up" if b < a else "down" if b > a else "same"


def _area_changes(
    before: Report,
    after: Report,
    encoder: Encoder,
    aif_passage: dict[tuple[str, str], str],
    first_passage: dict[tuple[str, str], str],
) -> tuple[AreaChange, ...]:
    old = [(u, text) for u in before.units for text in u.areas_for_improvement]
    new = [(u, text) for u in after.units for text in u.areas_for_improvement]

    def cited(report: Report, unit: Unit | None) -> Cited:
        key = (report.id, unit.key if unit else OVERVIEW)
        return Cited(report, unit, aif_passage.get(key) or first_passage.get(key))

    pairs: dict[int, tuple[int, float]] = {}  # new item -> (old item, similarity)
    if old and new:
        vectors = _unit_length(encoder.encode([t for _, t in old] + [t for _, t in new]))
        similarity = vectors[len(old) :] @ vectors[: len(old)].T
        taken: set[int] = set()
        order = np.dstack(np.unravel_index(np.argsort(-similarity, axis=None), similarity.shape))
        for j, i in order[0]:
            score = float(similarity[j, i])
            if score < REPEATED_AT:
                break
            if j in pairs or i in taken:
                continue
            pairs[int(j)] = (int(i), score)
            taken.add(int(i))
    changes = []
    for j, (unit, text) in enumerate(new):
        if j in pairs:
            i, score = pairs[j]
            old_unit, old_text = old[i]
            changes.append(
                AreaChange(
                    "repeated",
                    text,
                    old_text,
                    score,
                    cited(after, unit),
                    cited(before, old_unit),
                )
            )
        else:
            changes.append(
                AreaChange("new", text, None, None, cited(after, unit), cited(before, None))
            )
    matched = {i for i, _ in pairs.values()}
    for i, (unit, text) in enumerate(old):
        if i not in matched:
            changes.append(
                AreaChange(
                    "no longer listed", text, None, None, cited(after, None), cited(before, unit)
                )
            )
    return tuple(changes)


def _framework_note(before: Report, after: Report) -> str:
    return (
        f"{after.title} belongs to the {FRAMEWORKS.get(after.layout, after.layout)}; "
        f"{before.title} to the {FRAMEWORKS.get(before.layout, before.layout)}. The two "
        "frameworks grade different things, so their grades and areas for improvement are "
        "not matched against each other."
    )


def _series(report: Report) -> tuple[str, str]:
    """Reports of one series can be compared unit by unit: same framework, same pillar."""
    return (report.layout, report.pillar or "")


def _when(report: Report) -> tuple:
    return (cycle_order(report.year), report.pillar or "")


def _unit_length(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)

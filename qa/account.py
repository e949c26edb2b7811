"""One account of what each force was graded, when: a record per graded unit of every layout.

A pillar page's pillar and its numbered questions, a force overview page's three pillar
grades (and the questions it grades), a detailed-findings page's question, a 2021+ report's
graded areas: each is one ``GradeCell`` with its force, cycle (2018 and 2018/19 are one
cycle), framework, pillar or area, question, grade, and the passage and sentence span that
state the grade (or none, said so). The account is built once per loaded index and kept on
it; scope, the direct answers, /grades, /api/grades and /forces/<force> all read it, so none
of them depends on a report having a pillar of its own (an overview page has none).

Where two pages of one force and cycle grade the same unit (an overview page and the pillar
page), they are both kept; when they disagree, each record says what the other page says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from corpus.grades import grade_in_sentence
from corpus.records import OVERVIEW, Report, Unit
from index.load import LoadedIndex
from qa.cite import cite_unit, unit_name

GRADED_KINDS = ("question", "pillar", "area")
OLD_FRAMEWORK = "PEEL 2014 to 2019 (pillars and numbered questions)"
_ATTRIBUTE = "_grade_account"  # where the account is kept on the loaded index


@dataclass(frozen=True)
class Stated:
    """Where a grade is stated: the passage, and the sentence span in it (if one states it)."""

    passage_id: str | None
    span: tuple[int, int] | None = None

    @property
    def span_arg(self) -> str | None:
        """The passage page's ``span`` argument that marks the stating sentence."""
        return f"{self.span[0]}-{self.span[1]}" if self.span else None


@dataclass(frozen=True)
class GradeCell:
    """One graded unit of one report (``unit`` None: the grade of the report's pillar)."""

    report: Report
    unit: Unit | None
    grade: str
    stated: Stated
    # what another page of the same force and cycle says of the same unit, when it differs
    conflict: str | None = field(default=None, compare=False)

    @property
    def force(self) -> str:
        return self.report.force

    @property
    def cycle(self) -> str:
        return cycle_of(self.report.year)

    @property
    def framework(self) -> str:
        return framework_of(self.report)

    @property
    def key(self) -> str:
        """The unit's key in its report (passage ids and links use it)."""
        return self.unit.key if self.unit else OVERVIEW

    @property
    def level(self) -> str:
        """'pillar', 'question' or 'area'."""
        if self.unit is None or self.unit.kind == "pillar":
            return "pillar"
        return self.unit.kind

    @property
    def column_key(self) -> str:
        """The unit's key across reports: a pillar's own grade is "overview" whether a
        pillar page or an overview page states it; a question is "q<number>"."""
        if self.level == "pillar":
            return OVERVIEW
        if self.unit is not None and self.unit.number is not None:
            return f"q{self.unit.number}"
        return self.key

    @property
    def pillar(self) -> str | None:
        if self.unit is None:
            return self.report.pillar
        if self.unit.kind == "pillar":
            return self.unit.pillar or self.unit.label
        return self.unit.pillar or self.report.pillar

    @property
    def area(self) -> str | None:
        """A 2021+ area of policing."""
        if self.unit is not None and self.unit.kind == "area":
            return self.unit.title or self.unit.label
        return None

    @property
    def question_number(self) -> int | None:
        return self.unit.number if self.unit and self.unit.kind == "question" else None

    @property
    def label(self) -> str:
        if self.level == "pillar":
            return f"{self.pillar} overall" if self.pillar else "Overall"
        return self.unit.label if self.unit else "Overall"

    @property
    def title(self) -> str | None:
        if self.unit and self.unit.kind != "pillar":
            return self.unit.title
        return self.report.headline if self.unit is None else (self.unit.title or None)

    @property
    def subject(self) -> str:
        """What was graded, in words: 'Efficiency', 'Q2 investigating crime', an area."""
        if self.level == "pillar":
            return self.pillar or "the report as a whole"
        if self.area:
            return self.area
        return unit_name(self.unit) if self.unit else self.label

    @property
    def cite(self) -> str:
        return cite_unit(self.report, self.unit)

    @property
    def name(self) -> str:
        """'Q2 How effective is ...?' or 'Effectiveness overall'."""
        return unit_name(self.unit) if self.unit and self.level != "pillar" else self.label

    @property
    def page_name(self) -> str:
        """The page that states it: 'Durham PEEL 2017 overview'."""
        return self.report.title


def account(index: LoadedIndex) -> list[GradeCell]:
    """Every graded unit of every indexed report, built once per loaded index."""
    kept = index.__dict__.get(_ATTRIBUTE)
    if kept is None:
        kept = _build(index)
        index.__dict__[_ATTRIBUTE] = kept
    return kept


def graded_pillars(index: LoadedIndex) -> dict[str, set[str]]:
    """The pillars each report grades (by report id), whatever its page type."""
    kept = index.__dict__.get(_ATTRIBUTE + "_pillars")
    if kept is None:
        kept = {}
        for cell in account(index):
            if cell.pillar:
                kept.setdefault(cell.report.id, set()).add(cell.pillar)
        index.__dict__[_ATTRIBUTE + "_pillars"] = kept
    return kept


def _build(index: LoadedIndex) -> list[GradeCell]:
    by_unit = index.rows_by_unit
    report_rows: dict[str, list[int]] = {}
    for (report_id, _), rows in by_unit.items():
        report_rows.setdefault(report_id, []).extend(rows)
    cells = []
    for report in sorted(index.reports, key=report_order):
        units: list[Unit | None] = [None] if report.grade else []
        units += [u for u in report.units if u.kind in GRADED_KINDS and u.grade]
        for unit in units:
            grade = unit.grade if unit else report.grade
            stated = stating(index, report, unit, grade, report_rows.get(report.id, []))
            cells.append(GradeCell(report, unit, grade, stated))
    return _with_conflicts(cells)


def _with_conflicts(cells: list[GradeCell]) -> list[GradeCell]:
    """Each record whose unit another page of the same force and cycle grades otherwise
    says so: 'Durham PEEL 2017 Legitimacy says Good'."""
    groups: dict[tuple, list[int]] = {}
    for i, cell in enumerate(cells):
        groups.setdefault(same_unit(cell), []).append(i)
    out = list(cells)
    for members in groups.values():
        if len({cells[i].grade for i in members}) < 2:
            continue
        for i in members:
            others = [
                f"{cells[j].page_name} says {cells[j].grade}"
                for j in members
                if j != i and cells[j].grade != cells[i].grade
            ]
            out[i] = replace(cells[i], conflict="; ".join(others))
    return out


def same_unit(cell: GradeCell) -> tuple:
    """What two records must share to grade the same thing."""
    return (cell.force, cell.cycle, cell.pillar or "", cell.column_key)


def stating(
    index: LoadedIndex, report: Report, unit: Unit | None, grade: str, report_rows: list[int]
) -> Stated:
    """The passage and sentence that state this grade: the sentence the parser read it
    from, when it read one, wherever it sits in the report; else the unit's first sentence
    that states this grade; else the unit's first passage (or the report's opening, for a
    unit without paragraphs of its own), without a sentence; else none."""
    key = unit.key if unit else OVERVIEW
    rows = index.rows_by_unit.get((report.id, key), [])
    wanted = _squash(unit.grade_sentence) if unit and unit.grade_sentence else None
    if wanted:
        for row in [*rows, *(r for r in report_rows if r not in rows)]:
            passage = index.passages[row]
            start, end = int(index.sentence_offsets[row]), int(index.sentence_offsets[row + 1])
            for a, b in index.sentence_spans[start:end]:
                text = _squash(passage.text[int(a) : int(b)])
                if wanted in text or (len(text) > 20 and text in wanted):
                    return Stated(passage.id, (int(a), int(b)))
    for row in rows:
        passage = index.passages[row]
        start, end = int(index.sentence_offsets[row]), int(index.sentence_offsets[row + 1])
        for a, b in index.sentence_spans[start:end]:
            if grade_in_sentence(passage.text[int(a) : int(b)]) == grade:
                return Stated(passage.id, (int(a), int(b)))
    if not rows:  # a unit with no paragraph of its own (an overview page's pillar): the
        rows = index.rows_by_unit.get((report.id, OVERVIEW), [])  # page's opening
    return Stated(index.passages[rows[0]].id if rows else None)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def cycle_of(year: str) -> str:
    """The inspection cycle a report's year names: 2018 and 2018/19 are one cycle."""
    text = str(year).strip()
    if re.fullmatch(r"2018(?:\s*[/–-]\s*(?:20)?19)?", text):
        return "2018/19"
    return text


def same_cycle(a: str | None, b: str | None) -> bool:
    """Whether two years name one cycle (either None: any)."""
    return a is None or b is None or cycle_of(a).lower() == cycle_of(b).lower()


def framework_of(report: Report) -> str:
    """Grades compare within a framework only: 2014 to 2019 pillar grades, or one 2021+
    cycle's graded areas (each cycle its own framework: the reports say the grades cannot
    be compared with the previous cycle's)."""
    if report.layout.startswith("peel-2014-2019"):
        return OLD_FRAMEWORK
    return f"PEEL {report.year}"


def report_order(report: Report) -> tuple:
    return (report.force, cycle_order(report.year), report.pillar or "")


def cycle_order(year: str) -> tuple[int, str]:
    match = re.search(r"20\d\d", str(year))
    return (int(match.group(0)) if match else 0, cycle_of(str(year)))

"""Every indexed report's grades as one table: a cell per force and graded unit, each cited.

The cells are the records of the one account of grades (qa/account.py): every page type's
graded units, each citing the sentence that states its grade. Columns are units of a cycle
and pillar, whatever page stated them (an overview page's Legitimacy grade and the
Legitimacy page's own grade share a column; 2018 and 2018/19 are one cycle).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import get_close_matches

from common.errors import BadRequest
from corpus.grades import FIVE_TIER, NOT_GRADED
from corpus.records import OVERVIEW, Report, Unit
from index.load import LoadedIndex
from qa.account import (
    GRADED_KINDS,
    GradeCell,
    Stated,
    account,
    cycle_of,
    cycle_order,
    same_cycle,
    stating,
)

__all__ = [
    "GRADED_KINDS",
    "GRADE_RANK",
    "GradeCell",
    "Stated",
    "cycle_order",
    "filter_cells",
    "grade_cells",
    "grade_stated",
    "grade_table",
]

# Best first; grades off the scale (Ungraded, Not yet graded ...) after every graded one.
GRADE_RANK = {g: i for i, g in enumerate((*FIVE_TIER.grades, *NOT_GRADED))}


@dataclass(frozen=True)
class Column:
    """A column of the table: one unit of one cycle and pillar."""

    cycle: str
    pillar: str | None
    key: str
    label: str
    title: str | None

    @property
    def id(self) -> str:
        # the 2018/19 cycle's columns keep the ids they had when 2018 pillar pages were
        # a cycle of their own ("2018-effectiveness-q2"): links to them still sort
        cycle = "2018" if self.cycle == "2018/19" else self.cycle
        return _slug(f"{cycle}-{self.pillar or 'all'}-{self.key}")


@dataclass(frozen=True)
class GradeRow:
    force: str
    cells: tuple[GradeCell | None, ...]  # one per column, None where the force has no grade


@dataclass(frozen=True)
class GradeTable:
    """Forces down the side, units across (grouped by cycle, then pillar)."""

    columns: tuple[Column, ...]
    rows: tuple[GradeRow, ...]
    cycles: tuple[str, ...]  # every indexed value, for the filter menus
    pillars: tuple[str, ...]
    grades: tuple[str, ...]

    def groups(self, attribute: str) -> list[tuple[str | None, int]]:
        """Runs of equal cycle (or cycle and pillar) across the columns: (value, span)."""
        runs: list[tuple[object, int]] = []
        for column in self.columns:
            value = column.cycle if attribute == "cycle" else (column.cycle, column.pillar or "")
            if runs and runs[-1][0] == value:
                runs[-1] = (value, runs[-1][1] + 1)
            else:
                runs.append((value, 1))
        if attribute == "cycle":
            return [(str(v), n) for v, n in runs]
        return [(v[1] or None, n) for v, n in runs]  # type: ignore[index]


FILTERS = ("force", "cycle", "pillar", "grade")
QUERY_KEYS = (*FILTERS, "sort", "order", "format")


@dataclass(frozen=True)
class GradeQuery:
    """What a caller asked of /grades or /api/grades: filters, sort and format."""

    force: str | None = None
    cycle: str | None = None
    pillar: str | None = None
    grade: str | None = None
    sort: str | None = None
    descending: bool = False
    format: str = "json"

    @property
    def filters(self) -> dict[str, str | None]:
        return {key: getattr(self, key) for key in FILTERS}


def parse_grade_query(args: dict[str, str], every: list[GradeCell]) -> GradeQuery:
    """A GradeQuery from URL query arguments; BadRequest naming an unknown argument or value."""
    unknown = sorted(set(args) - set(QUERY_KEYS))
    if unknown:
        raise BadRequest(
            f"unknown argument {', '.join(map(repr, unknown))}: use {', '.join(QUERY_KEYS)}",
            "bad_filter",
        )
    known = {
        "force": {c.report.force for c in every},
        "cycle": {c.report.year for c in every} | {c.cycle for c in every},
        "pillar": {c.pillar for c in every if c.pillar},
        "grade": {c.grade for c in every},
    }
    chosen: dict[str, str | None] = {}
    for key in FILTERS:
        value = (args.get(key) or "").strip() or None
        if value is not None and value.lower() not in {v.lower() for v in known[key]}:
            raise BadRequest(
                f"no indexed report has {key} {value!r}; known values: "
                + ", ".join(sorted(known[key], key=str)),
                "bad_filter",
            )
        chosen[key] = cycle_of(value) if key == "cycle" and value else value
    order = args.get("order") or "asc"
    if order not in ("asc", "desc"):
        raise BadRequest('"order" must be asc or desc', "bad_filter")
    form = args.get("format") or "json"
    if form not in ("json", "csv"):
        raise BadRequest('"format" must be json or csv', "bad_filter")
    sort = (args.get("sort") or "").strip() or None
    if sort is not None:
        columns = sorted({column_of(c).id for c in every})
        if sort != "force" and sort not in columns:
            nearest = get_close_matches(sort, columns, n=5, cutoff=0)
            shown = ", ".join(nearest) + (", ..." if len(columns) > len(nearest) else "")
            raise BadRequest(
                f'cannot sort by {sort!r}: "sort" is force or the id of a column of the table '
                f"({len(columns)} columns, such as {shown or 'none yet'}); the headings of "
                "/grades link to each",
                "bad_filter",
            )
    return GradeQuery(**chosen, sort=sort, descending=order == "desc", format=form)


def column_of(cell: GradeCell) -> Column:
    """The table column a cell sits in."""
    return Column(cell.cycle, cell.pillar, cell.column_key, cell.label, cell.title)


def grade_cells(index: LoadedIndex) -> list[GradeCell]:
    """Every graded unit of every indexed report, each with the passage stating it: the
    account of grades (built once per loaded index)."""
    return account(index)


def filter_cells(
    cells: list[GradeCell],
    force: str | None = None,
    cycle: str | None = None,
    pillar: str | None = None,
    grade: str | None = None,
) -> list[GradeCell]:
    """The cells matching every filter given (names match whatever their case)."""

    def same(a: str | None, b: str | None) -> bool:
        return b is None or (a or "").lower() == b.lower()

    return [
        c
        for c in cells
        if same(c.report.force, force)
        and same_cycle(c.report.year, cycle)
        and same(c.pillar, pillar)
        and same(c.grade, grade)
    ]


def page_cells(every: list[GradeCell], asked: GradeQuery) -> list[GradeCell]:
    """The cells the /grades page shows: with a grade asked for, every cell (in the chosen
    cycles and pillars) of each force that has that grade somewhere, so the matching cells
    are seen beside the force's other grades."""
    cells = filter_cells(every, **{**asked.filters, "grade": None})
    if asked.grade:
        forces = {c.report.force for c in filter_cells(cells, grade=asked.grade)}
        cells = [c for c in cells if c.report.force in forces]
    return cells


def grade_table(
    cells: list[GradeCell],
    every: list[GradeCell],
    sort: str | None = None,
    descending: bool = False,
) -> GradeTable:
    """The table of ``cells``; filter menus list the values of ``every`` cell.

    ``sort`` is "force" or a column id (sorted by grade, best first; no grade last)."""
    columns: dict[str, Column] = {}
    for cell in cells:  # in each report's reading order
        column = column_of(cell)
        columns.setdefault(column.id, column)
    seen = {column_id: i for i, column_id in enumerate(columns)}
    ordered = sorted(
        columns.values(),
        key=lambda c: (cycle_order(c.cycle), c.pillar or "", _unit_order(c.key), seen[c.id]),
    )
    position = {c.id: i for i, c in enumerate(ordered)}
    grid: dict[str, list[GradeCell | None]] = {}
    for cell in cells:
        line = grid.setdefault(cell.report.force, [None] * len(ordered))
        at = position[column_of(cell).id]
        # two pages grading one unit (an overview page and the pillar page): one cell, the
        # one citing its stating sentence (a disagreement is said in the cell's note)
        if line[at] is None or (cell.stated.span and not line[at].stated.span):
            line[at] = cell
    rows = [GradeRow(force, tuple(found)) for force, found in sorted(grid.items())]
    if sort in position:
        at = position[sort]

        def rank(row: GradeRow) -> tuple[int, int, str]:
            cell = row.cells[at]
            if cell is None:  # no grade sorts last either way
                return (1, 0, row.force)
            value = GRADE_RANK.get(cell.grade, len(GRADE_RANK))
            return (0, -value if descending else value, row.force)

        rows.sort(key=rank)
    elif descending:
        rows.reverse()
    return GradeTable(
        columns=tuple(ordered),
        rows=tuple(rows),
        cycles=tuple(sorted({c.cycle for c in every}, key=cycle_order)),
        pillars=tuple(sorted({c.pillar for c in every if c.pillar})),
        grades=tuple(sorted({c.grade for c in every}, key=lambda g: GRADE_RANK.get(g, 99))),
    )


def grade_slug(grade: str | None) -> str:
    """A CSS-safe name for a grade: 'requires-improvement'."""
    return _slug(grade or "none")


def grade_stated(index: LoadedIndex, report: Report, unit: Unit | None, grade: str) -> Stated:
    """Where the grade of one unit (None: the report's own grade) is stated, as the /grades
    cell links to it: the passage and the sentence that states it."""
    for cell in account(index):
        if cell.report is report and cell.unit is unit:
            return cell.stated
    return stating(index, report, unit, grade, [])


def _unit_order(key: str) -> tuple[int, int]:
    """The pillar's own grade first, then questions by number, then other units as read."""
    if key == OVERVIEW:
        return (0, 0)
    match = re.fullmatch(r"q(\d+)", key)
    return (1, int(match.group(1))) if match else (2, 0)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")

"""Copies of one page: which of several files holding the same report is kept, and why.

Two files are copies when they read as the same report: the same force, cycle and page
(a pillar's page, a force's overview page, a 2021+ report), which is what a report's id
says (``lancashire-2018-legitimacy``). The same page saved three ways (with or without its
grade lines, say), an interim copy saved before the grades were given, a pillar's summary
page beside its detailed findings: one is kept, the fullest, and the others are named.
A 2023-25 report is not a copy of the 2021/22 one (another cycle, another id), nor an
overview page of a pillar page.

The fullest is the one with fewer units "not yet graded" (an interim copy, saved before the
grades were given, has some), then more units graded, then the later "Last updated" date,
then more passages, then more text; a tie goes to the file already indexed (or stored), then to
the name that sorts first.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from corpus.grades import NOT_GRADED
from corpus.records import Passage, Report

PENDING = ("Not yet graded", "To be graded")  # grades an interim copy gives

_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


@dataclass(frozen=True)
class Candidate:
    """One file that reads as a report, with what its fullness is measured by."""

    name: str  # the file's name in the reports folder
    sha256: str
    id: str  # the report's id: force, cycle and page
    force: str
    title: str  # "Durham PEEL 2016 overview"
    graded: int  # units that state a grade on a scale
    pending: int  # units "not yet graded" or "to be graded": an interim copy's
    updated: str | None  # the "Last updated" date as printed
    passages: int
    chars: int  # length of the passages' text
    stored: bool = True  # already in the reports folder (False: being added or checked)

    @classmethod
    def of(
        cls, name: str, report: Report, passages: Sequence[Passage], stored: bool = True
    ) -> Candidate:
        return cls(
            name=name,
            sha256=report.sha256,
            id=report.id,
            force=report.force,
            title=report.title,
            graded=graded_units(report),
            pending=sum(1 for u in report.units if u.grade in PENDING),
            updated=report.updated,
            passages=len(passages),
            chars=sum(len(p.text) for p in passages),
            stored=stored,
        )


@dataclass(frozen=True)
class SetAside:
    """A copy that is not kept: which file is kept in its place, and why."""

    copy: Candidate
    kept: Candidate
    reason: str  # why ``kept`` is kept rather than ``copy``


def graded_units(report: Report) -> int:
    """How many units of the report state a grade on a scale (not "Not yet graded")."""
    return sum(1 for u in report.units if u.grade and u.grade not in NOT_GRADED)


def updated_on(updated: str | None) -> date | None:
    """A page's "Last updated" date (dd/mm/yyyy), if it is a date."""
    match = _DATE.search(updated or "")
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _order(c: Candidate, preferred: Collection[str]) -> tuple:
    """Sort key: fullest first, then a preferred name, then by name."""
    updated = updated_on(c.updated) or date.min
    return (
        c.pending,
        -c.graded,
        -updated.toordinal(),
        -c.passages,
        -c.chars,
        c.name not in preferred,
        c.name,
    )


def why_kept(kept: Candidate, copy: Candidate) -> str:
    """Why ``kept`` is kept rather than ``copy``, in words."""
    if kept.sha256 == copy.sha256:
        return "the two files are the same, byte for byte"
    if kept.force != copy.force:  # "St. Helens" and "St Helens": one id
        return (
            f"the force names {copy.force!r} and {kept.force!r} differ only in "
            "punctuation, accents or case, which makes them one report; if they are two "
            "forces, correct the name in one file"
        )
    if kept.pending != copy.pending:
        return (
            f"the other is an earlier copy, saved before its grades were given "
            f"({copy.pending} not yet graded against {kept.pending})"
        )
    if kept.graded != copy.graded:
        return f"it has more units graded ({kept.graded} against {copy.graded})"
    if updated_on(kept.updated) != updated_on(copy.updated):
        other = copy.updated if updated_on(copy.updated) else "no date"
        return f"it was updated later ({kept.updated} against {other})"
    if kept.passages != copy.passages:
        return f"it has more passages ({kept.passages} against {copy.passages})"
    if kept.chars != copy.chars:
        return f"it has more text ({kept.chars:,} characters against {copy.chars:,})"
    return "the two read alike, and it was there first (or its name sorts first)"


def choose(
    candidates: Iterable[Candidate], preferred: Collection[str] = ()
) -> tuple[list[Candidate], list[SetAside]]:
    """The files kept (one per report, in the order given) and the copies set aside.

    Of copies that are equally full, a ``preferred`` one is kept (the file already
    indexed, or already stored), else the name that sorts first."""
    items = list(candidates)
    groups: dict[str, list[Candidate]] = {}
    for c in items:
        groups.setdefault(c.id, []).append(c)
    kept_ids: dict[str, Candidate] = {}
    aside: list[SetAside] = []
    for report_id, group in groups.items():
        ranked = sorted(group, key=lambda c: _order(c, preferred))
        kept_ids[report_id] = ranked[0]
        aside += [SetAside(c, ranked[0], why_kept(ranked[0], c)) for c in ranked[1:]]
    return [c for c in items if kept_ids[c.id] is c], aside

"""Which reports a question is about: the forces, years and pillars it names.

A named force (year, pillar) scopes both the passages and the direct answer. A name that
no indexed report covers gets no answer and a message saying what is indexed, so the
service never answers about Kent from Lancashire's report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from corpus.records import Report
from qa.query import Query, unique

MAX_LISTED = 15  # forces named in a message before "..."


@dataclass(frozen=True)
class Scope:
    reports: tuple[Report, ...]  # the reports the question may be answered from
    named: bool  # the question (or the conversation) named a force, year or pillar
    uncovered: str | None = None  # why nothing indexed can answer, when that is so
    note: str | None = None  # something named was not indexed, but the rest was

    @property
    def report_ids(self) -> set[str]:
        return {r.id for r in self.reports}

    @property
    def forces(self) -> list[str]:
        return unique(r.force for r in self.reports)

    def latest(self) -> list[Report]:
        """The most recent report of each force and pillar in scope."""
        best: dict[tuple[str, str], Report] = {}
        for report in self.reports:
            key = (report.force, report.pillar)
            if key not in best or report_year(report) > report_year(best[key]):
                best[key] = report
        return list(best.values())


def coverage(reports: list[Report]) -> str:
    """'Lancashire (2017 Effectiveness, 2018 Effectiveness) and Durham (2018 Legitimacy)'."""
    by_force: dict[str, list[str]] = {}
    for report in sorted(reports, key=lambda r: (r.force, report_year(r), r.pillar or "")):
        by_force.setdefault(report.force, []).append(
            f"{report.year} {report.pillar}" if report.pillar else str(report.year)
        )
    parts = [f"{force} ({', '.join(items)})" for force, items in by_force.items()]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def resolve(
    query: Query,
    reports: list[Report],
    graded: Mapping[str, set[str]] | None = None,
    every: Sequence[Report] | None = None,
    filtered: str | None = None,
) -> Scope:
    """The reports in scope for a question, or why none is.

    ``graded``: the pillars each report grades (the account of grades: an overview page
    grades three pillars, though it is no pillar's page). ``every``: every indexed report,
    when ``reports`` are those a filter left (``filtered`` says which filter, for the
    message when the filter leaves out the force the question names)."""
    every = list(every) if every is not None else reports
    if not every:
        return Scope((), False, "No report is indexed yet.")
    named = bool(query.forces or query.unindexed_forces or query.years or query.pillars)
    note = None
    if query.unindexed_forces:
        missing = " or ".join(query.unindexed_forces)
        if not query.forces:
            return Scope((), True, f"No indexed report covers {missing}. {_forces(every)}")
        note = f"No indexed report covers {missing}."
    if not reports:
        return Scope((), named, "No indexed report matches these filters.")
    chosen = [r for r in reports if not query.forces or r.force in query.forces]
    if not chosen:  # the force named is indexed: the filter left it out
        asked = " or ".join(query.forces)
        picked = filtered or "the filter"
        return Scope(
            (),
            True,
            f"The question asks about {asked}, but the scope is set to {picked}: clear the "
            f"scope (or choose {asked}) to ask about {asked}.",
        )
    if query.years and query.intent != "trend":  # "since 2017" is where a change starts
        dated = [r for r in chosen if _covers_year(r, query.years)]
        if not dated:
            who = " or ".join(query.forces) if query.forces else "any force"
            years = " or ".join(str(y) for y in query.years)
            return Scope(
                (), True, f"No indexed report of {who} is from {years}. {_indexed(chosen, query)}"
            )
        chosen = dated
    if query.pillars:
        wanted = set(query.pillars)
        pillared = [
            r
            for r in chosen
            if r.pillar in wanted or (graded is not None and graded.get(r.id, set()) & wanted)
        ]
        if not pillared:
            who = " or ".join(query.forces) if query.forces else "any force"
            pillars = " or ".join(query.pillars)
            return Scope(
                (), True, f"No indexed report covers {who} for {pillars}. {_indexed(chosen, query)}"
            )
        chosen = pillared
    scope = Scope(tuple(chosen), named, None, note)
    if query.current and not query.years and query.intent != "trend":
        # "how long is the wait now?": the latest inspection of each force, not every one
        scope = Scope(tuple(scope.latest()), named, None, note)
    return scope


def _indexed(reports: Sequence[Report], query: Query) -> str:
    """What is indexed of the reports the question asked about (its forces'), said only
    when a question falls outside them: never every report of a large index."""
    if not query.forces:
        return _forces(reports)
    return f"The indexed reports cover {coverage(list(reports))}."


def _forces(reports: Sequence[Report]) -> str:
    """The forces indexed, by name only."""
    names = sorted({r.force for r in reports})
    shown = ", ".join(names[:MAX_LISTED]) + (", ..." if len(names) > MAX_LISTED else "")
    return f"The indexed reports cover {len(names)} force{'s' if len(names) != 1 else ''}: {shown}."


def _covers_year(report: Report, years: tuple[int, ...]) -> bool:
    """A report dated '2018' covers 2018; one dated '2021/22' or '2023-25' covers the span."""
    found = [int(y) for y in re.findall(r"20\d\d", str(report.year))]
    if not found:
        return False
    first = found[0]
    last = first
    tail = re.search(r"20\d\d\s*[/–-]\s*(\d{2,4})", str(report.year))
    if tail:
        end = int(tail.group(1))
        last = end if end > 100 else (first // 100) * 100 + end
    return any(first <= y <= last for y in years)


def report_year(report: Report) -> int:
    """The first year of a report's cycle ('2021/22' -> 2021), 0 when it names none."""
    match = re.search(r"20\d\d", str(report.year))
    return int(match.group(0)) if match else 0

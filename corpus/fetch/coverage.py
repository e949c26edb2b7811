"""Coverage: each force by cycle, what the service has of the published PEEL pages:
indexed, in the folder waiting to be indexed, fetched but refused (and why), not found
on the site, or not fetched yet. Made from the index's reports (any report of that force
and cycle counts, however it was added) and what `reports fetch` recorded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from common.errors import BadRequest, QAError
from corpus.fetch import state as st
from corpus.fetch.site import cycle_label, cycle_of_year, cycles, forces, resolve_force
from corpus.records import Report

INDEXED = "indexed"
WAITING = "waiting"  # in the reports folder (or staged), not in the index yet
REFUSED = "refused"
NOT_FOUND = "not_found"
NOT_FETCHED = "not_fetched"
STATES = (INDEXED, WAITING, REFUSED, NOT_FOUND, NOT_FETCHED)
SYMBOLS = {INDEXED: "#", WAITING: "+", REFUSED: "x", NOT_FOUND: "-", NOT_FETCHED: "."}
WORDS = {
    INDEXED: "indexed",
    WAITING: "fetched, waiting to be indexed",
    REFUSED: "fetched but refused",
    NOT_FOUND: "not found on the site",
    NOT_FETCHED: "not fetched yet",
}


@dataclass(frozen=True)
class PageNote:
    """One page fetch recorded for a cell."""

    file: str
    kind: str
    state: str  # the fetch record's state: added, staged, refused, not_found, failed, landing
    reason: str | None
    url: str


@dataclass(frozen=True)
class Cell:
    force: str
    cycle: str
    state: str  # one of STATES
    reason: str | None  # why refused, not found, or the last try failed
    indexed: tuple[str, ...]  # the indexed report files of this force and cycle
    pages: tuple[PageNote, ...]  # what fetch recorded, pages it fetched first
    checked: str | None  # when fetch last asked the site, if it has


@dataclass(frozen=True)
class Coverage:
    forces: tuple[str, ...]
    cycles: tuple[str, ...]
    cells: tuple[Cell, ...]  # force by force, cycle by cycle
    last_run: dict | None  # the last fetch run: started, finished, base_url

    def cell(self, force: str, cycle: str) -> Cell:
        return next(c for c in self.cells if c.force == force and c.cycle == cycle)

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for c in self.cells if c.state == s) for s in STATES}

    @property
    def refused_pages(self) -> list[tuple[Cell, PageNote]]:
        """Every page fetched but not added, with why (landing pages aside)."""
        return [(c, p) for c in self.cells for p in c.pages if p.state in (st.REFUSED, st.FAILED)]


def _force_of(name: str) -> str | None:
    try:
        return resolve_force(name)
    except BadRequest:
        return None


def coverage(reports_dir: str | Path, indexed: Iterable[Report]) -> Coverage:
    """The coverage table, from the index's reports and the fetch records of the folder."""
    try:
        state = st.FetchState.load(reports_dir)
    except QAError:  # unreadable records: show what the index has
        state = st.FetchState(Path(reports_dir))
    held: dict[tuple[str, str], list[str]] = {}
    for report in indexed:
        force, cycle = _force_of(report.force), cycle_of_year(report.year)
        if force and cycle:
            held.setdefault((force, cycle), []).append(report.file)
    index_files = {f for files in held.values() for f in files}
    pages: dict[tuple[str, str], list[st.PageRecord]] = {}
    for record in state.pages.values():
        pages.setdefault((record.force, record.cycle), []).append(record)
    cells = []
    for force in forces():
        for cycle in cycles():
            records = sorted(pages.get((force, cycle), []), key=lambda r: r.file)
            target = state.targets.get(f"{force} {cycle}")
            files = held.get((force, cycle), [])
            cells.append(_cell(force, cycle, files, records, target, index_files, state))
    return Coverage(forces(), cycles(), tuple(cells), state.run)


def _cell(
    force: str,
    cycle: str,
    indexed: list[str],
    records: list[st.PageRecord],
    target: st.TargetRecord | None,
    index_files: set[str],
    state: st.FetchState,
) -> Cell:
    notes = tuple(
        PageNote(r.file, r.kind, r.state, r.note or r.reason, r.source_url or r.url)
        for r in records
    )
    checked = target.checked if target else None
    waiting = [
        r
        for r in records
        if r.file not in index_files
        and (r.state == st.STAGED or (r.state == st.ADDED and state.in_folder(r)))
    ]
    refused = [r for r in records if r.state == st.REFUSED]
    failed = [r for r in records if r.state == st.FAILED]
    if indexed:
        cell_state, reason = INDEXED, None
    elif waiting:
        cell_state, reason = WAITING, None
    elif refused:
        cell_state, reason = REFUSED, refused[0].reason
    elif target and target.state == st.NOT_FOUND:
        cell_state, reason = NOT_FOUND, target.reason
    elif target and target.state == st.FAILED:
        cell_state, reason = NOT_FETCHED, f"the last try failed: {target.reason}"
    elif failed:
        cell_state, reason = NOT_FETCHED, f"the last try failed: {failed[0].reason}"
    elif target and target.state == st.REFUSED:
        cell_state, reason = REFUSED, target.reason
    else:
        cell_state, reason = NOT_FETCHED, None
    return Cell(force, cycle, cell_state, reason, tuple(sorted(indexed)), notes, checked)


def label(cycle: str) -> str:
    """A cycle as the table heads it: '2018', '2021/22', '2023-25'."""
    return cycle_label(cycle).replace("-22", "/22")

"""Fetched pages into the reports folder: every staged page goes in one batch through the
reports folder's own add (corpus/reports.py), with its published address recorded as
`reports add --source` records it, and each page's outcome is written back to the fetch
record. Adding is safe to repeat: a run killed half-way through adds the same files, under
the same names, again."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from common.errors import QAError
from corpus.fetch import state as st
from corpus.parser import parse_report
from corpus.reports import NewReport, add_reports, list_report_files, read_sources

ADDED = "added"
COPY = "copy"  # the same report is already in the folder under another name
REFUSED = "refused"


@dataclass(frozen=True)
class AddOutcome:
    """What became of one staged page when it was added."""

    file: str
    state: str  # ADDED, COPY or REFUSED
    reason: str | None = None
    replaced: bool = False  # it replaced an older download of the same page


def add_staged(state: st.FetchState) -> list[AddOutcome]:
    """Add every staged page to the folder in one batch; record and return each outcome."""
    staged = [r for r in state.pages.values() if r.state == st.STAGED]
    ready: list[tuple[st.PageRecord, bytes]] = []
    outcomes: list[AddOutcome] = []
    for record in sorted(staged, key=lambda r: r.file):
        data = state.staged_bytes(record)
        if data is None:  # lost from staging: ask for it again next run
            record.state, record.reason = st.FAILED, "the download was lost from staging"
            outcomes.append(AddOutcome(record.file, REFUSED, record.reason))
            continue
        ready.append((record, data))
    if not ready:
        state.save()
        return outcomes
    foreign = _names_not_ours(state, [r for r, _ in ready])
    batch = []
    for record, data in ready:
        if record.file in foreign:
            why = (
                f"a file named {record.file} is already in the reports folder and did not "
                "come from this address: remove or rename it to fetch this page"
            )
            outcomes.append(_refuse(state, record, why))
        else:
            source = str(state.staging / record.file)
            batch.append(NewReport(record.file, data, source, record.source_url))
    outcomes += _add(state, batch)
    state.save()
    return outcomes


def _names_not_ours(state: st.FetchState, records: list[st.PageRecord]) -> set[str]:
    """Names of staged pages already taken in the folder by a file that did not come from
    the same site (its recorded address, if any, is on another host) and is not this very
    download (put there by an add that was killed before it recorded the address)."""
    sources = read_sources(state.folder)
    out = set()
    for record in records:
        if not (state.folder / record.file).exists() or state.in_folder(record):
            continue
        recorded = urlsplit(sources.get(record.file) or "").netloc.lower()
        hosts = {urlsplit(u or "").netloc.lower() for u in (record.source_url, record.url)}
        if recorded not in hosts:
            out.add(record.file)
    return out


def _add(state: st.FetchState, batch: list[NewReport]) -> list[AddOutcome]:
    """Add the batch, setting aside pages that are copies of a report already there."""
    if not batch:
        return []
    folder = Path(state.folder)
    names = {n.name for n in batch}
    held = {
        f.report.id: f.name for f in list_report_files(folder) if f.report and f.name not in names
    }
    outcomes, keep, seen = [], [], {}
    for new in batch:
        record = state.pages[new.name]
        try:
            report, _ = parse_report(new.data, new.name)
        except QAError as exc:
            outcomes.append(_refuse(state, record, exc.message))
            continue
        other = held.get(report.id) or seen.get(report.id)
        if other:
            why = f"a copy of {other}, which holds the same report ({report.title})"
            outcomes.append(_refuse(state, record, why, COPY))
            continue
        seen[report.id] = new.name
        keep.append(new)
    existed = {n.name for n in keep if (folder / n.name).exists()}
    try:
        add_reports(folder, keep, replace=True)
    except QAError as exc:
        if len(keep) == 1:
            return outcomes + [_refuse(state, state.pages[keep[0].name], exc.message)]
        # one file spoils the batch: add them one by one, so the others still go in
        for new in keep:
            outcomes += _add(state, [new])
        return outcomes
    for new in keep:
        record = state.pages[new.name]
        record.state, record.reason = st.ADDED, None
        state.unstage(new.name)
        outcomes.append(AddOutcome(new.name, ADDED, None, new.name in existed))
    return outcomes


def _refuse(
    state: st.FetchState, record: st.PageRecord, reason: str, kind: str = REFUSED
) -> AddOutcome:
    record.state, record.reason = st.REFUSED, reason
    state.unstage(record.file)
    return AddOutcome(record.file, kind, reason)

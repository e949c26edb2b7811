"""Fetched pages into the reports folder: every staged page goes in one batch through the
reports folder's own add (corpus/reports.py ``add_reports``), with its published address
recorded as `reports add --source` records it, so fetch and add say the same of each file
(added; a copy of the same page as another file, and which is kept and why; or refused,
and why). Each outcome is written back to the fetch record. Adding is safe to repeat: a
run killed half-way through adds the same files, under the same names, again."""

from __future__ import annotations

from urllib.parse import urlsplit

from common.errors import ReportExists
from corpus.fetch import state as st
from corpus.reports import ADDED, REFUSED, NewReport, Outcome, add_reports, read_sources


def add_staged(state: st.FetchState) -> tuple[list[Outcome], frozenset[str]]:
    """Add every staged page to the folder in one batch; record each outcome. Returns the
    outcomes and the names of the files added over an earlier download of the same page."""
    staged = [r for r in state.pages.values() if r.state == st.STAGED]
    staged.sort(key=lambda r: r.file)
    outcomes: list[Outcome] = []
    batch: list[NewReport] = []
    foreign = _names_not_ours(state, staged)
    for record in staged:
        source = str(state.staging / record.file)
        data = state.staged_bytes(record)
        if data is None:  # lost from staging: ask for it again next run
            why = "the download was lost from staging; it is asked for again next run"
            outcomes.append(_refused(state, record, source, why, None, st.FAILED))
        elif record.file in foreign:
            why = (
                f"a file named {record.file} is already in the reports folder and did not "
                "come from this site: remove or rename it to fetch this page"
            )
            outcomes.append(_refused(state, record, source, why, ReportExists(why)))
        else:
            batch.append(NewReport(record.file, data, source, record.source_url))
    existed = frozenset(n.name for n in batch if (state.folder / n.name).exists())
    if batch:
        # replace: a page fetched again replaces the earlier download of itself
        for outcome in add_reports(state.folder, batch, replace=True):
            outcomes.append(outcome)
            record = state.pages[outcome.file]
            if outcome.status == ADDED:
                record.state, record.reason = st.ADDED, None
            else:
                record.state, record.reason = st.REFUSED, outcome.message
            state.unstage(outcome.file)
    state.save()
    replaced = frozenset(o.file for o in outcomes if o.status == ADDED) & existed
    return sorted(outcomes, key=lambda o: o.file), replaced


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


def _refused(
    state: st.FetchState,
    record: st.PageRecord,
    source: str,
    why: str,
    error: ReportExists | None,
    to: str = st.REFUSED,
) -> Outcome:
    record.state, record.reason = to, why
    state.unstage(record.file)
    return Outcome(record.file, source, REFUSED, None, 0, why, error=error)

"""`reports fetch`: the published PEEL reports, by force and cycle, fetched politely and
resumably from the inspectorate's site (or a mirror) into the reports folder.

    site.py      where each force's pages of each cycle are; file names
    client.py    the polite HTTP client (delay, robots.txt, back-off, limits, redirects)
    classify.py  is a downloaded page the report it should be?
    crawl.py     one run: discover, download into staging, record
    state.py     the records kept between runs, staging, the fetch lock (.fetch/)
    add.py       staged pages into the reports folder, in one batch
    coverage.py  each force by cycle: indexed, refused (why), not found, not fetched yet

It imports nothing above corpus/: the command line (web/cli.py) rebuilds the index once
after a run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from corpus.fetch.add import add_staged
from corpus.fetch.crawl import Fetcher, FetchResult, FetchSettings, Progress
from corpus.fetch.site import Target
from corpus.fetch.state import FetchState, fetch_lock, remove_if_unused
from corpus.reports import Outcome


@dataclass(frozen=True)
class FetchReport:
    """What one `reports fetch` did: the pages it asked for, and what adding them did."""

    result: FetchResult
    added: list[Outcome]  # what `reports add` said of each page fetched (this run or before)
    replaced: frozenset[str]  # files added over an earlier download of the same page


def fetch_reports(
    reports_dir: str | Path,
    targets: list[Target],
    settings: FetchSettings,
    progress: Progress | None = None,
    fresh: bool = False,
) -> FetchReport:
    """Fetch the targets' pages and add every page fetched (this run or a killed one) to
    the reports folder in one batch. Raises SiteUnreachable, having changed nothing, when
    the site cannot be reached at all."""
    with fetch_lock(reports_dir) as made:
        state = FetchState.load(reports_dir)
        fetcher = Fetcher(state, settings, progress)
        fetcher.fresh = fresh
        try:
            result = fetcher.run(targets)
        except BaseException:
            if made:
                remove_if_unused(reports_dir)
            raise
        added, replaced = add_staged(state)
    return FetchReport(result, added, replaced)


__all__ = ["FetchReport", "FetchSettings", "Target", "fetch_reports"]

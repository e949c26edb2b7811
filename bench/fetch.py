"""How long `reports fetch --all` takes and how much disk it needs: measured on the test
mirror (bench/peel_mirror.py, on 127.0.0.1) and extrapolated to the whole archive.

    .venv/bin/python -m bench.fetch

The mirror holds the real page openings (about 2,000 characters each) of 11 forces, so
what it measures is the fetcher's own cost per request and per page; the extrapolation
scales that to every force and cycle, with the shipped report's full page for the size of
a real page, and says which figures are assumptions. Nothing here reaches the internet.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.peel_mirror import Mirror
from bench.synthetic import REAL_REPORT
from corpus.fetch import FetchSettings, fetch_reports
from corpus.fetch.client import Politeness, user_agent
from corpus.fetch.site import Target, cycles, forces, site

DEFAULT_DELAY = 1.0
ASSUMED_SERVER_SECONDS = 0.5  # the live site's time to answer one page: an assumption
ASSUMED_EXTRA_REQUESTS = 0.1  # redirects, misses and robots.txt per page found: an assumption
BUILD_PASSAGES_PER_SECOND = 60  # bench/RESULTS.md: the real report's build rate, idle


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())


def pages_per_force() -> int:
    """Report pages one force has over every cycle: an overview and one page a pillar
    (its detailed findings, where the era has them) to 2018, one report from 2021."""
    total = 0
    for era in site()["cycles"].values():
        total += 1 if "report" in era else 1 + len(era["pillars"])
    return total


def main() -> None:
    mirror = Mirror()
    targets = [Target(f, c) for f in forces() for c in cycles()]
    with tempfile.TemporaryDirectory() as tmp, mirror.serving():
        reports = Path(tmp) / "reports"
        reports.mkdir()
        politeness = Politeness(user_agent("bench@example.org"), delay=0.0)
        settings = FetchSettings(mirror.base_url, frozenset(mirror.hosts), politeness)
        started = time.monotonic()
        first = fetch_reports(reports, targets, settings)
        first_seconds = time.monotonic() - started
        waits = 1.0 + 1.2  # the mirror's Retry-After and its slow page: not the fetcher's
        added = [a for a in first.added if a.state == "added"]
        on_disk = folder_bytes(reports)
        fetched_bytes = first.result.bytes
        started = time.monotonic()
        second = fetch_reports(reports, targets, settings)
        second_seconds = time.monotonic() - started
    requests = first.result.requests
    per_request = max(first_seconds - waits, 0.0) / requests
    text_chars = sum(
        len((mirror.fragments / mirror.pages[p].fragment).read_text()) for p in mirror.reports()
    )
    html_bytes = sum(len(mirror.body(p)) for p in mirror.reports())
    ratio = html_bytes / text_chars
    real_page = REAL_REPORT.stat().st_size * ratio
    archive_pages = pages_per_force() * len(forces())
    archive_requests = round(archive_pages * (1 + ASSUMED_EXTRA_REQUESTS))
    hours = archive_requests * (DEFAULT_DELAY + ASSUMED_SERVER_SECONDS + per_request) / 3600
    passages = archive_pages * 94  # the shipped full page's 94 passages, as a typical page
    print("Measured on the mirror (--all, 43 forces x 7 cycles, delay 0):")
    print(
        f"  first run: {requests} requests, {len(added)} pages added, {fetched_bytes:,} bytes "
        f"downloaded, {on_disk:,} bytes in the reports folder, {first_seconds:.1f} s "
        f"({waits:.1f} s of it the mirror's own waits; {per_request * 1000:.1f} ms a request)"
    )
    print(
        f"  second run (nothing changed): {second.result.requests} requests, "
        f"{second.result.bytes:,} bytes downloaded, {second_seconds:.1f} s"
    )
    print(
        f"  mirror pages: {html_bytes:,} bytes of HTML for {text_chars:,} characters of text "
        f"(x{ratio:.2f})"
    )
    print("Extrapolated to the whole archive:")
    print(
        f"  {archive_pages} report pages ({pages_per_force()} a force), about "
        f"{archive_requests} requests (assuming {ASSUMED_EXTRA_REQUESTS:.0%} more for "
        "redirects, misses and robots.txt)"
    )
    print(
        f"  time at the default 1 s delay, assuming the site answers in "
        f"{ASSUMED_SERVER_SECONDS} s: {hours:.1f} h"
    )
    print(
        f"  disk: {archive_pages} pages x {real_page / 1024:.0f} KB (the shipped page's text "
        f"x{ratio:.2f}) = {archive_pages * real_page / 1024 / 1024:.0f} MB of report files"
    )
    print(
        f"  index: about {passages:,} passages, {passages / BUILD_PASSAGES_PER_SECOND / 60:.0f} "
        f"min to embed at {BUILD_PASSAGES_PER_SECOND} passages/s"
    )


if __name__ == "__main__":
    main()

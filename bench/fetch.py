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
from dataclasses import dataclass
from pathlib import Path

from bench.peel_mirror import RATE_LIMITED, SLOW, SLOW_SECONDS, Mirror
from bench.synthetic import REAL_REPORT
from corpus.fetch import FetchSettings, fetch_reports
from corpus.fetch.client import Politeness, user_agent
from corpus.fetch.site import Target, cycles, forces, site
from corpus.reports import ADDED

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


@dataclass(frozen=True)
class Measured:
    targets: int
    requests: int
    added: int
    downloaded: int  # bytes over the wire, first run
    on_disk: int  # bytes in the reports folder after the first run
    seconds: float
    waits: float  # seconds of it the mirror's own waits (Retry-After, the slow page)
    again_requests: int  # the second run, nothing changed
    again_downloaded: int
    again_seconds: float
    html_bytes: int  # the mirror's report pages
    text_chars: int  # the fragments they are made from


def measure(targets: list[Target]) -> Measured:
    """Fetch ``targets`` from a fresh mirror twice (the second time nothing has changed)."""
    mirror = Mirror()
    with tempfile.TemporaryDirectory() as tmp, mirror.serving():
        reports = Path(tmp) / "reports"
        reports.mkdir()
        politeness = Politeness(user_agent("bench@example.org"), delay=0.0)
        settings = FetchSettings(mirror.base_url, frozenset(mirror.hosts), politeness)
        started = time.monotonic()
        first = fetch_reports(reports, targets, settings)
        seconds = time.monotonic() - started
        on_disk = folder_bytes(reports)
        started = time.monotonic()
        second = fetch_reports(reports, targets, settings)
        again_seconds = time.monotonic() - started
    asked = {h.path for h in mirror.hits}
    waits = (1.0 if RATE_LIMITED in asked else 0.0) + (SLOW_SECONDS if SLOW in asked else 0.0)
    pages = mirror.reports()
    return Measured(
        targets=len(targets),
        requests=first.result.requests,
        added=sum(1 for a in first.added if a.status == ADDED),
        downloaded=first.result.bytes,
        on_disk=on_disk,
        seconds=seconds,
        waits=waits,
        again_requests=second.result.requests,
        again_downloaded=second.result.bytes,
        again_seconds=again_seconds,
        html_bytes=sum(len(mirror.body(p)) for p in pages),
        text_chars=sum(len((mirror.fragments / pages[p].fragment).read_text()) for p in pages),
    )


def main() -> None:
    m = measure([Target(f, c) for f in forces() for c in cycles()])
    per_request = max(m.seconds - m.waits, 0.0) / m.requests
    ratio = m.html_bytes / m.text_chars
    real_page = REAL_REPORT.stat().st_size * ratio
    archive_pages = pages_per_force() * len(forces())
    archive_requests = round(archive_pages * (1 + ASSUMED_EXTRA_REQUESTS))
    hours = archive_requests * (DEFAULT_DELAY + ASSUMED_SERVER_SECONDS + per_request) / 3600
    passages = archive_pages * 94  # the shipped full page's 94 passages, as a typical page
    print(f"Measured on the mirror (--all, {m.targets} force-cycles, delay 0):")
    print(
        f"  first run: {m.requests} requests, {m.added} pages added, {m.downloaded:,} bytes "
        f"downloaded, {m.on_disk:,} bytes in the reports folder, {m.seconds:.1f} s "
        f"({m.waits:.1f} s of it the mirror's own waits; {per_request * 1000:.1f} ms a request)"
    )
    print(
        f"  second run (nothing changed): {m.again_requests} requests, "
        f"{m.again_downloaded:,} bytes downloaded, {m.again_seconds:.1f} s"
    )
    print(
        f"  mirror pages: {m.html_bytes:,} bytes of HTML for {m.text_chars:,} characters of "
        f"text (x{ratio:.2f})"
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

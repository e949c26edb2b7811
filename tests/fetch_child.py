"""A `reports fetch` run in a process of its own, so a test can SIGKILL it mid-way.

    python -m tests.fetch_child REPORTS_DIR BASE_URL OLD_HOST DELAY FORCE...

It fetches every cycle of the forces named from the mirror at BASE_URL (OLD_HOST is the
mirror's stand-in for the older host layout) into REPORTS_DIR, adds what it fetched, and
prints ``DONE`` (no rebuild: the test rebuilds, or does not need to).
"""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

from corpus.fetch import FetchSettings, fetch_reports
from corpus.fetch.client import Politeness, user_agent
from corpus.fetch.site import Target, cycles


def main(reports_dir: str, base_url: str, old_host: str, delay: str, *forces: str) -> None:
    politeness = Politeness(user_agent("fetch-child@example.org"), delay=float(delay), timeout=5)
    hosts = frozenset({urlsplit(base_url).netloc, old_host})
    settings = FetchSettings(base_url, hosts, politeness)
    targets = [Target(f, c) for f in forces for c in cycles()]
    report = fetch_reports(reports_dir, targets, settings)
    print(f"DONE {len(report.result.outcomes)} {len(report.added)}", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])

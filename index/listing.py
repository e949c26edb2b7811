"""`reports list`: each report file of the folder beside what the current build indexed;
the current build's reports for `reports coverage`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from corpus.records import Report
from corpus.reports import ReportFile, list_report_files
from index.manifest import REPORTS_FILE, manifest_problem
from index.store import current_build, read_manifest


@dataclass(frozen=True)
class Listing:
    files: list[tuple[ReportFile, str]]  # each file with "indexed", "changed since indexed" ...
    removed: list[str]  # files no longer in the folder that the current build still has


def list_reports(reports_dir: str | Path, index_dir: str | Path) -> Listing:
    """Every report file with whether the current index has it (in this version)."""
    manifest = read_manifest(index_dir) or {}
    if manifest_problem(manifest):  # a damaged manifest indexes nothing
        manifest = {}
    indexed = {n: e.get("sha256") for n, e in manifest.get("reports", {}).items()}
    files = list_report_files(reports_dir, set(indexed))

    def state(f: ReportFile) -> str:
        if f.report is None:
            return "does not parse"
        if f.copy_of:
            return (
                f"not indexed: a copy of the same page as {f.copy_of}, which is kept ({f.reason})"
            )
        if indexed.get(f.name) == f.sha256:
            return "indexed"
        return "changed since indexed" if f.name in indexed else "not indexed yet"

    removed = sorted(set(indexed) - {f.name for f in files})
    return Listing([(f, state(f)) for f in files], removed)


def indexed_reports(index_dir: str | Path) -> list[Report]:
    """The reports the current build indexed, read from its reports.json alone (no
    vectors, no model): what `reports coverage` needs."""
    folder = current_build(index_dir)
    if folder is None:
        return []
    try:
        data = json.loads((folder / REPORTS_FILE).read_text("utf-8"))
        return [Report.from_dict(r) for r in data]
    except (OSError, ValueError, TypeError, KeyError):
        return []

"""The reports folder: which files are reports, and parsing all of them."""

from __future__ import annotations

from pathlib import Path

from corpus.errors import ReportParseError
from corpus.parser import parse_file
from corpus.records import Passage, Report

REPORT_SUFFIX = ".txt"


def report_files(reports_dir: str | Path) -> list[Path]:
    """The report files in a folder, sorted by name (hidden files are ignored)."""
    folder = Path(reports_dir)
    if not folder.is_dir():
        raise ReportParseError(str(folder), 0, "the reports folder does not exist")
    return sorted(
        p for p in folder.iterdir() if p.suffix == REPORT_SUFFIX and not p.name.startswith(".")
    )


def load_reports(reports_dir: str | Path) -> list[tuple[Report, list[Passage]]]:
    """Parse every report in the folder; any bad file stops everything with its name and line."""
    parsed: list[tuple[Report, list[Passage]]] = []
    seen: dict[str, str] = {}
    for path in report_files(reports_dir):
        report, passages = parse_file(path)
        if report.id in seen:
            raise ReportParseError(
                str(path),
                1,
                f"the same report ({report.force} PEEL {report.year} {report.pillar}) "
                f"is already in {seen[report.id]}",
            )
        seen[report.id] = path.name
        parsed.append((report, passages))
    if not parsed:
        raise ReportParseError(str(reports_dir), 0, f"no report files (*{REPORT_SUFFIX}) found")
    return parsed

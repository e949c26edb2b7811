"""Report files in, typed Report and Passage records out."""

from corpus.parser import parse_file, parse_report
from corpus.records import Passage, Question, Report
from corpus.reports import load_reports, report_files

__all__ = [
    "Passage",
    "Question",
    "Report",
    "load_reports",
    "parse_file",
    "parse_report",
    "report_files",
]

"""bench/synthetic.py, the one writer of synthetic reports, and bench/'s own dependencies."""

from __future__ import annotations

import ast
from pathlib import Path

from bench.synthetic import report_name, write_corpus
from corpus import load_reports

ROOT = Path(__file__).resolve().parents[1]


def test_the_scale_corpus_has_exactly_the_passages_asked_for(tmp_path):
    out = tmp_path / "corpus"
    files = write_corpus(250, out)
    parsed = load_reports(out)
    assert sum(len(passages) for _, passages in parsed) == 250
    assert files == len(parsed) == 3  # pages of 100 passages, the last one short
    assert len({report.force for report, _ in parsed}) == 3  # made-up forces, one a page


def test_every_scale_page_says_it_is_synthetic_and_the_same_seed_writes_the_same(tmp_path):
    write_corpus(120, tmp_path / "a")
    write_corpus(120, tmp_path / "b")
    for number in range(2):
        text = (tmp_path / "a" / report_name(number)).read_text("utf-8")
        assert "SYNTHETIC benchmark report" in text
        assert text == (tmp_path / "b" / report_name(number)).read_text("utf-8")


def test_bench_imports_nothing_from_tests_and_leaves_sys_path_alone():
    for path in sorted((ROOT / "bench").glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                names = []
            assert not any(n == "tests" or n.startswith("tests.") for n in names), path.name
        assert "sys.path" not in path.read_text("utf-8"), path.name

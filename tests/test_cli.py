"""`flask index rebuild`: builds, skips when current, refuses bad reports without damage."""

from __future__ import annotations

from index.store import MANIFEST_FILE, load_index
from tests.synthetic import report_text, write_report


def test_rebuild_builds_and_if_stale_skips(runner, index_dir, reports_dir, encoder):
    result = runner.invoke(args=["index", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Indexed" in result.output and "2 report(s)" in result.output
    built = (index_dir / MANIFEST_FILE).read_text()
    result = runner.invoke(args=["index", "rebuild", "--if-stale"])
    assert result.exit_code == 0 and "up to date" in result.output
    assert (index_dir / MANIFEST_FILE).read_text() == built

    write_report(reports_dir, "another.txt", report_text(force="Otherton"))
    result = runner.invoke(args=["index", "rebuild", "--if-stale"])
    assert result.exit_code == 0 and "reports have changed" in result.output
    assert any(r.force == "Otherton" for r in load_index(index_dir).reports)


def test_bad_report_stops_the_rebuild(runner, index_dir, reports_dir):
    before = (index_dir / MANIFEST_FILE).read_text()
    bad = write_report(reports_dir, "broken.txt", "Minutes of the parish council\nItem 1\n")
    result = runner.invoke(args=["index", "rebuild"])
    assert result.exit_code != 0
    assert f"{bad}, line 1:" in result.output
    assert (index_dir / MANIFEST_FILE).read_text() == before
    assert load_index(index_dir).manifest["passages"] > 0


def test_duplicate_report_is_refused(runner, index_dir, reports_dir):
    write_report(
        reports_dir, "copy.txt", (reports_dir / "testshire-2018-legitimacy.txt").read_text()
    )
    result = runner.invoke(args=["index", "rebuild"])
    assert result.exit_code != 0 and "already in" in result.output

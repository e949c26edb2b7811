"""`flask index rebuild` and `flask reports ...`: what a user types and reads."""

from __future__ import annotations

import os
import re

import pytest

from bench.synthetic import (
    CANAL_REPORT,
    canal_report_text,
    embedded_texts,
    report_text,
    write_report,
)
from index.load import load_index
from index.manifest import MANIFEST_FILE
from index.store import CURRENT, build_lock, current_build_id


def test_rebuild_reports_what_it_did(runner, index_dir, reports_dir, encoder):
    result = runner.invoke(args=["index", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Index up to date: 2 report(s)" in result.output
    built = (index_dir / CURRENT / MANIFEST_FILE).read_text()
    result = runner.invoke(args=["index", "rebuild", "--if-stale"])
    assert result.exit_code == 0 and "up to date" in result.output
    assert (index_dir / CURRENT / MANIFEST_FILE).read_text() == built

    write_report(reports_dir, "another.txt", report_text(force="Otherton"))
    result = runner.invoke(args=["index", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Rebuilt: the reports have changed." in result.output
    assert "Reports: 1 added, 0 changed, 0 removed, 2 unchanged." in result.output
    assert "Passages: 1 embedded afresh, 99 reused from the cache (and" in result.output
    assert "Embedding passages" in result.output  # the progress bar's label
    assert any(r.force == "Otherton" for r in load_index(index_dir).reports)

    result = runner.invoke(args=["index", "rebuild", "--full"])
    assert result.exit_code == 0, result.output
    assert "Passages: 100 embedded afresh, 0 reused from the cache (and" in result.output


def test_bad_report_stops_the_rebuild(runner, index_dir, reports_dir):
    before = (index_dir / CURRENT / MANIFEST_FILE).read_text()
    bad = write_report(reports_dir, "broken.txt", "Minutes of the parish council\nItem 1\n")
    result = runner.invoke(args=["index", "rebuild"])
    assert result.exit_code != 0
    assert f"{bad}, line 1:" in result.output
    assert (index_dir / CURRENT / MANIFEST_FILE).read_text() == before
    assert load_index(index_dir).manifest["passages"] > 0


def test_a_copy_in_the_folder_is_set_aside_and_the_rebuild_goes_on(
    app, runner, index_dir, reports_dir
):
    """Two copies of one page (here the same bytes under two names) never fail a rebuild:
    the one indexed stays, the other is named, and the index is not behind for it."""
    write_report(
        reports_dir, "copy.txt", (reports_dir / "testshire-2018-legitimacy.txt").read_text()
    )
    result = runner.invoke(args=["index", "rebuild"])
    assert result.exit_code == 0, result.output
    assert (
        "not indexed: copy.txt, a copy of the same page as testshire-2018-legitimacy.txt, "
        "which is kept: the two files are the same, byte for byte"
    ) in result.output
    files = {r.file for r in load_index(index_dir).reports}
    assert files == {"testshire-2018-legitimacy.txt", "lancashire-2018-effectiveness.txt"}
    assert app.extensions["rebuilder"].behind() is None
    listed = runner.invoke(args=["reports", "list"]).output
    assert re.search(r"copy\.txt +.*not indexed: a copy of the same page as testshire", listed)
    again = runner.invoke(args=["index", "rebuild"])
    assert "Index up to date" in again.output and "not indexed: copy.txt" in again.output


def test_a_second_rebuild_is_refused_with_a_clear_message(runner, index_dir, reports_dir):
    write_report(reports_dir, "another.txt", report_text(force="Otherton"))
    build = current_build_id(index_dir)
    with build_lock(index_dir).hold():
        result = runner.invoke(args=["index", "rebuild"])
    assert result.exit_code == 1
    assert f"a rebuild of the index is already in progress (held by process {os.getpid()}" in (
        result.output
    )
    assert "--wait SECONDS" in result.output
    assert current_build_id(index_dir) == build


def test_reports_add_list_remove(runner, index_dir, reports_dir, tmp_path, encoder):
    source = write_report(tmp_path / "downloads", CANAL_REPORT, canal_report_text())
    before = len(encoder.encoded)
    result = runner.invoke(args=["reports", "add", str(source)])
    assert result.exit_code == 0, result.output
    assert f"Added {CANAL_REPORT}: Northmoor PEEL 2019 Efficiency, 4 passages." in result.output
    assert "Passages: 4 embedded afresh" in result.output
    assert set(encoder.encoded[before:]) <= embedded_texts(canal_report_text())
    assert (reports_dir / CANAL_REPORT).read_bytes() == source.read_bytes()

    result = runner.invoke(args=["reports", "list"])
    assert result.exit_code == 0, result.output
    assert re.search(
        rf"{CANAL_REPORT} +Northmoor PEEL 2019 Efficiency, 4 passages, indexed\n", (result.output)
    )
    assert "3 report file(s)" in result.output

    result = runner.invoke(args=["reports", "remove", CANAL_REPORT])
    assert result.exit_code == 0, result.output
    assert "Removed northmoor-2019-efficiency.txt." in result.output
    assert "Reports: 0 added, 0 changed, 1 removed, 2 unchanged." in result.output
    assert "Northmoor" not in {r.force for r in load_index(index_dir).reports}


def test_reports_add_refuses_what_does_not_parse(runner, index_dir, reports_dir, tmp_path):
    build = current_build_id(index_dir)
    bad = write_report(tmp_path, "minutes.txt", "Minutes of the parish council\n")
    result = runner.invoke(args=["reports", "add", str(bad)])
    assert result.exit_code == 1
    assert f"Refused: {bad}, line 1: no paragraphs of text" in result.output
    assert "0 added, 0 copies of a fuller file, not added, 1 refused." in result.output
    assert not (reports_dir / "minutes.txt").exists()
    assert current_build_id(index_dir) == build  # nothing added: no rebuild


def test_reports_add_adds_what_it_can_and_names_each_refusal(
    runner, index_dir, reports_dir, tmp_path
):
    bad = write_report(tmp_path, "minutes.txt", "Minutes of the parish council\n")
    good = write_report(tmp_path, CANAL_REPORT, canal_report_text())
    taken = write_report(tmp_path, "testshire-2018-legitimacy.txt", report_text(force="Otherton"))
    result = runner.invoke(args=["reports", "add", str(bad), str(good), str(taken)])
    assert result.exit_code == 1  # not everything was added
    assert f"Refused: {bad}, line 1: no paragraphs of text" in result.output
    assert f"Added {CANAL_REPORT}: Northmoor PEEL 2019 Efficiency, 4 passages." in result.output
    assert "Refused testshire-2018-legitimacy.txt: testshire-2018-legitimacy.txt is already" in (
        result.output
    )
    assert "1 added, 0 copies of a fuller file, not added, 2 refused." in result.output
    assert "Reports: 1 added, 0 changed, 0 removed, 2 unchanged." in result.output
    assert "Northmoor" in {r.force for r in load_index(index_dir).reports}


def test_reports_list_says_what_is_not_indexed_yet(runner, index_dir, reports_dir):
    write_report(reports_dir, CANAL_REPORT, canal_report_text())
    (reports_dir / "broken.txt").write_text("Minutes of the parish council\n")
    output = runner.invoke(args=["reports", "list"]).output
    assert re.search(
        rf"{CANAL_REPORT} +Northmoor PEEL 2019 Efficiency, 4 passages, not indexed", (output)
    )
    assert "broken.txt" in output and "does not parse" in output and "line 1" in output


def test_reports_check_says_what_each_file_is_and_writes_nothing(runner, reports_dir, tmp_path):
    before = sorted(p.name for p in reports_dir.iterdir())
    landing = write_report(
        tmp_path,
        "landing.txt",
        "PEEL 2021/22 – An inspection of Testshire Constabulary\nGet the report\n"
        "Read the report online\nTestshire PEEL assessment 2021/22 (PDF document)\n",
    )
    report = reports_dir / "lancashire-2018-effectiveness.txt"
    result = runner.invoke(args=["reports", "check", str(report), str(landing)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == (
        f"{report}: peel-2014-2019-pillar (text), Lancashire, 2018, pillar Effectiveness, "
        "94 passages"
    )
    q2 = "How effective is the force at investigating crime and reducing re-offending?"
    assert f"  Q2: {q2} (Requires improvement)" in lines
    q4 = "How effective is the force at tackling serious and organised crime?"
    assert f"  Q4: {q4} (Good, carried over)" in lines
    assert f"{landing}: REFUSED: {landing}, line 2: a publication landing page" in result.output
    assert lines[-1] == "1 read, 0 copies, 1 refused."
    assert sorted(p.name for p in reports_dir.iterdir()) == before
    assert runner.invoke(args=["reports", "check", str(report)]).exit_code == 0


PUBLISHED = "https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/northmoor-2019/"


def test_reports_add_records_the_published_address(runner, index_dir, reports_dir, tmp_path):
    source = write_report(tmp_path / "downloads", CANAL_REPORT, canal_report_text())
    result = runner.invoke(args=["reports", "add", str(source), "--source", PUBLISHED])
    assert result.exit_code == 0, result.output
    assert f"published at {PUBLISHED}" in result.output
    assert (reports_dir / CANAL_REPORT).read_bytes() == source.read_bytes()
    indexed = {r.file: r.source_url for r in load_index(index_dir).reports}
    assert indexed[CANAL_REPORT] == PUBLISHED

    listed = runner.invoke(args=["reports", "list"]).output
    assert re.search(rf"{CANAL_REPORT} .*indexed\n +published at {re.escape(PUBLISHED)}\n", listed)
    assert "3 report file(s)" in listed  # the addresses file is no report

    result = runner.invoke(args=["reports", "remove", CANAL_REPORT])
    assert result.exit_code == 0, result.output
    assert PUBLISHED not in runner.invoke(args=["reports", "list"]).output
    assert PUBLISHED not in (reports_dir / ".sources.json").read_text()


@pytest.mark.parametrize(
    ("sources", "words"),
    [
        (["javascript:alert(1)"], "is not a usable address for northmoor-2019-efficiency.txt"),
        (["www.example.org/northmoor"], "full http:// or https:// address"),
        ([PUBLISHED, PUBLISHED], "1 report file(s) and 2 source address(es)"),
    ],
)
def test_reports_add_refuses_a_bad_address_and_writes_nothing(
    runner, index_dir, reports_dir, tmp_path, sources, words
):
    build = current_build_id(index_dir)
    before = sorted(p.name for p in reports_dir.iterdir())
    source = write_report(tmp_path / "downloads", CANAL_REPORT, canal_report_text())
    args = ["reports", "add", str(source)] + [a for s in sources for a in ("--source", s)]
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert words in result.output and "nothing was added" in result.output
    assert sorted(p.name for p in reports_dir.iterdir()) == before
    assert current_build_id(index_dir) == build

"""The reports folder: adding and removing report files safely, listing them."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from bench.synthetic import REAL_REPORT, copied_as_variant_b, report_text
from common.durable import TEMP_PREFIX
from common.errors import (
    BadFileName,
    BadSourceUrl,
    Conflict,
    NotFound,
    RebuildBusy,
    ReportExists,
    ReportNotText,
    ReportParseError,
    UnsupportedMediaType,
)
from common.locks import FileLock
from corpus import reports
from corpus.reports import (
    ADDED,
    COPY,
    REFUSED,
    NewReport,
    add_reports,
    list_report_files,
    load_reports,
    remove_report,
    reports_lock,
)


def folder_state(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}


def new(name, text, source=None):
    return NewReport(name=name, data=text.encode(), source=source or name)


def test_add_copies_a_report_that_parses(reports_dir):
    added = add_reports(reports_dir, [new("otherton-2019-legitimacy.txt", report_text("Otherton"))])
    assert [(o.status, o.report.force, o.file, o.passages) for o in added] == [
        (ADDED, "Otherton", "otherton-2019-legitimacy.txt", 3)
    ]
    assert (reports_dir / "otherton-2019-legitimacy.txt").read_text() == report_text("Otherton")
    assert "Otherton" in {r.force for r, _ in load_reports(reports_dir)}
    assert [p.name for p in reports_dir.iterdir() if p.name.startswith(".")] == []


def test_a_file_left_half_written_by_a_killed_add_is_ignored_then_cleared(reports_dir):
    (reports_dir / f"{TEMP_PREFIX}1a2b3c4d-otherton.txt").write_text("Otherton PEEL 20")
    assert len(load_reports(reports_dir)) == 2
    add_reports(reports_dir, [new("otherton.txt", report_text("Otherton"))])
    assert [p.name for p in reports_dir.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize(
    "name",
    [
        "../escaped.txt",
        "../../etc/cron.d/evil.txt",
        "/etc/passwd.txt",
        "sub/dir.txt",
        "..\\windows.txt",
        "nul\x00byte.txt",
        ".hidden.txt",
        "",
        "..",
        "spaces in name.txt",
    ],
)
def test_names_that_would_escape_or_hide_are_refused(reports_dir, name):
    before = folder_state(reports_dir)
    [outcome] = add_reports(reports_dir, [new(name, report_text("Otherton"))])
    assert outcome.status == REFUSED and isinstance(outcome.error, BadFileName)
    assert folder_state(reports_dir) == before
    assert not (reports_dir.parent / "escaped.txt").exists()


def test_only_text_web_page_and_pdf_files_are_reports(reports_dir):
    [outcome] = add_reports(reports_dir, [new("report.docx", report_text("Otherton"))])
    assert isinstance(outcome.error, UnsupportedMediaType)
    assert re.search(r"not a report file: .*\(\.pdf\)", outcome.message)


def test_a_batch_with_a_bad_file_adds_the_good_ones_and_names_the_refusal(reports_dir):
    before = folder_state(reports_dir)
    good = new("otherton.txt", report_text("Otherton"))
    bad = new("minutes.txt", "Minutes of the parish council\n", source="/home/me/minutes.txt")
    also = new("northmoor.txt", report_text("Northmoor"))
    outcomes = add_reports(reports_dir, [good, bad, also])
    assert [o.status for o in outcomes] == [ADDED, REFUSED, ADDED]
    assert isinstance(outcomes[1].error, ReportParseError)
    assert re.match(r"^/home/me/minutes\.txt, line 1: no paragraphs of text", outcomes[1].message)
    assert folder_state(reports_dir) == {
        **before,
        "otherton.txt": good.data,
        "northmoor.txt": also.data,
    }  # the bad one not at all, the good ones whole
    assert {r.force for r, _ in load_reports(reports_dir)} >= {"Otherton", "Northmoor"}


def test_binary_upload_is_not_text(reports_dir):
    [outcome] = add_reports(
        reports_dir, [NewReport("image.txt", b"\x89PNG\r\n\x00\x00", "image.txt")]
    )
    assert isinstance(outcome.error, ReportNotText)
    assert outcome.error.code == "unsupported_media_type"


def test_the_same_file_under_another_name_is_not_added(reports_dir):
    before = folder_state(reports_dir)
    copy = (reports_dir / "testshire-2018-legitimacy.txt").read_text()
    [outcome] = add_reports(reports_dir, [new("copy.txt", copy)])
    assert (outcome.status, outcome.copy_of) == (COPY, "testshire-2018-legitimacy.txt")
    assert "byte for byte" in outcome.message
    assert folder_state(reports_dir) == before


def test_an_existing_name_needs_replace(reports_dir):
    name = "testshire-2018-legitimacy.txt"
    changed = report_text(grade="Outstanding")
    [outcome] = add_reports(reports_dir, [new(name, changed)])
    assert isinstance(outcome.error, ReportExists) and "--replace" in outcome.message
    assert (reports_dir / name).read_text() != changed
    add_reports(reports_dir, [new(name, changed)], replace=True)
    assert (reports_dir / name).read_text() == changed


def test_remove(reports_dir):
    removed = remove_report(reports_dir, "testshire-2018-legitimacy")
    assert removed == "testshire-2018-legitimacy.txt"
    assert [p.name for p in reports_dir.glob("*.txt")] == ["lancashire-2018-effectiveness.txt"]
    with pytest.raises(NotFound, match="reports list"):
        remove_report(reports_dir, "testshire-2018-legitimacy.txt")
    with pytest.raises(Conflict, match="only report"):
        remove_report(reports_dir, "lancashire-2018-effectiveness.txt")
    with pytest.raises(BadFileName):
        remove_report(reports_dir, "../reports/lancashire-2018-effectiveness.txt")
    assert (reports_dir / "lancashire-2018-effectiveness.txt").is_file()


def test_list_shows_what_each_file_is(reports_dir):
    (reports_dir / "broken.txt").write_text("Minutes of the parish council\n")
    files = {f.name: f for f in list_report_files(reports_dir)}
    assert files["testshire-2018-legitimacy.txt"].report.force == "Testshire"
    assert files["testshire-2018-legitimacy.txt"].passages == 3
    assert files["broken.txt"].report is None and "line 1" in files["broken.txt"].error


def test_changes_to_the_folder_take_turns(reports_dir, monkeypatch):
    monkeypatch.setattr(reports, "LOCK_WAIT_SECONDS", 0.1)
    before = folder_state(reports_dir)
    with reports_lock(reports_dir):
        with pytest.raises(RebuildBusy, match="a change to the reports folder"):
            add_reports(reports_dir, [new("otherton.txt", report_text("Otherton"))])
        with pytest.raises(RebuildBusy):
            remove_report(reports_dir, "testshire-2018-legitimacy.txt")
    assert folder_state(reports_dir) == before
    assert [p.name for p in reports_dir.iterdir() if p.name.startswith(".")] == []


def test_two_force_names_that_make_the_same_id_are_refused_naming_both_files(reports_dir):
    """ "St. Helens" and "St Helens" are different names but one id: the message names both
    files and says what to do, rather than calling them the same report."""
    before = folder_state(reports_dir)
    (reports_dir / "st-helens.txt").write_text(report_text(force="St. Helens"))
    [outcome] = add_reports(reports_dir, [new("sthelens.txt", report_text(force="St Helens"))])
    assert isinstance(outcome.error, ReportParseError)
    message = outcome.message
    assert "sthelens.txt" in message and "st-helens.txt" in message
    assert "St Helens" in message and "St. Helens" in message
    assert "same report" not in message
    (reports_dir / "st-helens.txt").unlink()
    assert folder_state(reports_dir) == before


PUBLISHED = "https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/otherton-2019/"


def everything_in(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_a_published_address_is_kept_beside_the_report_not_in_it(reports_dir):
    name = "otherton-2019-legitimacy.txt"
    added = add_reports(
        reports_dir, [replace(new(name, report_text("Otherton")), source_url=PUBLISHED)]
    )
    assert added[0].report.source_url == PUBLISHED
    assert (reports_dir / name).read_text() == report_text("Otherton")  # byte for byte
    by_file = {r.file: r for r, _ in load_reports(reports_dir)}
    assert by_file[name].source_url == PUBLISHED
    assert {r.source_url for f, r in by_file.items() if f != name} == {None}
    assert len(by_file) == 3  # the addresses file is not read as a report
    listed = {f.name: f.source_url for f in list_report_files(reports_dir)}
    assert listed[name] == PUBLISHED and listed[REAL_REPORT.name] is None

    remove_report(reports_dir, name)
    assert reports.read_sources(reports_dir) == {}
    add_reports(reports_dir, [new(name, report_text("Otherton"))])  # same name, no address
    assert {r.file: r.source_url for r, _ in load_reports(reports_dir)}[name] is None


def test_replacing_a_report_without_an_address_drops_the_old_one(reports_dir):
    name = "otherton-2019-legitimacy.txt"
    add_reports(reports_dir, [replace(new(name, report_text("Otherton")), source_url=PUBLISHED)])
    add_reports(reports_dir, [new(name, report_text("Otherton"))], replace=True)
    assert reports.read_sources(reports_dir) == {}


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://example.org/report.pdf",
        "www.justiceinspectorates.gov.uk/report",
        "https://",
        "https://exa mple.org/",
        "https://example.org/\nreport",
        "http://example.org:port/",
        "",
        "https://example.org/" + "a" * 2000,
    ],
)
def test_an_address_that_is_not_http_is_refused_and_nothing_is_written(reports_dir, url):
    before = everything_in(reports_dir)
    report = replace(new("otherton.txt", report_text("Otherton")), source_url=url)
    with pytest.raises(BadSourceUrl) as caught:
        add_reports(reports_dir, [report])
    assert "http:// or https://" in caught.value.message and "otherton.txt" in caught.value.message
    assert everything_in(reports_dir) == before


def test_addresses_are_given_one_per_file_or_not_at_all():
    files = [new("a.txt", "x"), new("b.txt", "y")]
    assert reports.with_source_urls(files, ()) == files
    paired = reports.with_source_urls(files, [PUBLISHED, ""])
    assert [f.source_url for f in paired] == [PUBLISHED, None]
    with pytest.raises(BadSourceUrl, match="2 report file.* and 1 source address"):
        reports.with_source_urls(files, [PUBLISHED])
    with pytest.raises(BadSourceUrl, match="a.txt"):
        reports.with_source_urls(files, ["file:///etc/passwd", PUBLISHED])


def test_a_damaged_addresses_file_is_named(reports_dir):
    (reports_dir / reports.SOURCES_FILE).write_text('{"a.txt": "javascript:alert(1)"}')
    with pytest.raises(ReportParseError, match=r"\.sources\.json.*fix or delete it"):
        load_reports(reports_dir)


def test_an_add_parses_without_holding_the_folders_lock(reports_dir, monkeypatch):
    """Reading the new file and the stored ones happens outside the lock, so adds (and
    a rebuild's reading) never queue behind another's parsing."""
    held = []
    parse = reports._parse

    def watching(data, path):
        held.append(FileLock(reports_dir, "a check").held())
        return parse(data, path)

    monkeypatch.setattr(reports, "_parse", watching)
    monkeypatch.setattr(reports, "_KNOWN", {})  # nothing parsed before
    [outcome] = add_reports(reports_dir, [new("otherton.txt", report_text("Otherton"))])
    assert outcome.status == ADDED
    assert len(load_reports(reports_dir)) == 3
    assert len(held) == 1 + 2 + 3 and not any(held)


def test_twenty_adds_at_once_all_land(reports_dir):
    forces = [f"Place{chr(65 + i)}ton" for i in range(20)]
    barrier = threading.Barrier(len(forces))

    def add(force):
        barrier.wait()
        report = replace(new(f"{force.lower()}.txt", report_text(force)), source_url=PUBLISHED)
        return add_reports(reports_dir, [report])[0]

    with ThreadPoolExecutor(len(forces)) as pool:
        outcomes = list(pool.map(add, forces))
    assert [o.status for o in outcomes] == [ADDED] * len(forces)
    assert {r.force for r, _ in load_reports(reports_dir)} >= set(forces)
    assert set(reports.read_sources(reports_dir)) == {f"{f.lower()}.txt" for f in forces}


def test_copies_added_one_by_one_keep_the_fuller_whichever_came_first(reports_dir):
    full = report_text("Otherton")
    thin = copied_as_variant_b(full)
    [first] = add_reports(reports_dir, [new("otherton-full.txt", full)])
    [second] = add_reports(reports_dir, [new("otherton-thin.txt", thin)])
    assert (first.status, second.status, second.copy_of) == (ADDED, COPY, "otherton-full.txt")
    assert "is kept, it has more units graded (2 against 0)" in second.message
    assert not (reports_dir / "otherton-thin.txt").exists()

    remove_report(reports_dir, "otherton-full.txt")
    add_reports(reports_dir, [new("otherton-thin.txt", thin)])
    [fuller] = add_reports(reports_dir, [new("otherton-full.txt", full)])
    assert fuller.status == ADDED
    assert [a.copy.name for a in fuller.kept_over] == ["otherton-thin.txt"]
    assert "otherton-thin.txt (stored, it stays in the folder but is no longer indexed)" in (
        fuller.message
    )
    folder = reports.read_folder(reports_dir)
    assert "otherton-full.txt" in {r.file for r, _ in folder.parsed}
    assert [(a.copy.name, a.kept.name) for a in folder.copies] == [
        ("otherton-thin.txt", "otherton-full.txt")
    ]


def test_a_2023_25_report_is_no_copy_of_the_2021_22_one(reports_dir):
    from bench.synthetic import areas_report_text

    older = areas_report_text("Otherton")
    newer = older.replace("in 3 areas", "in three areas").replace(
        "2 of these 3", "two of these three"
    )
    outcomes = add_reports(
        reports_dir, [new("otherton-2021-22.txt", older), new("otherton-2023-25.txt", newer)]
    )
    assert [(o.status, o.report.year) for o in outcomes] == [
        (ADDED, "2021/22"),
        (ADDED, "2023-25"),
    ]

"""Every real page opening in shared/corpus/fragments is read with the layout, force, year,
pillar and grades it shows, or refused with a message saying why (only the landing page)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from common.errors import ReportParseError
from corpus import parse_file, parse_report
from corpus.reports import check_report_file
from index.load import load_index

# CI has a copy of shared/ beside the clone, as the developers do.
FRAGMENTS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "fragments"
PILLAR, OVERVIEW = "peel-2014-2019-pillar", "peel-2014-2019-overview"
PEEL2021, GENERIC = "peel-2021-onwards", "generic"

# file -> (layout, force, year, pillar, {unit key: grade} for every graded unit)
EXPECTED = {
    # 2014: Efficiency graded as a whole; Effectiveness only through its first three
    # questions, which one sentence of the opening grades ("good at reducing crime and
    # preventing offending, good at investigating offending and good at tackling ...").
    "avon-and-somerset-2014-overview.txt": (
        OVERVIEW,
        "Avon and Somerset",
        "2014",
        None,
        {
            "effectiveness": "Ungraded",
            "effectiveness-q1": "Good",
            "effectiveness-q2": "Good",
            "effectiveness-q3": "Good",
            "efficiency": "Outstanding",
            "legitimacy": "Ungraded",
        },
    ),
    "avon-and-somerset-2016-overview-b.txt": (GENERIC, "Avon and Somerset", "2016", None, {}),
    "avon-and-somerset-2018-effectiveness-summary-c.txt": (
        PILLAR,
        "Avon and Somerset",
        "2018",
        "Effectiveness",
        # Q1 from "In 2017/18, we judged ... good at preventing crime and tackling" (cut)
        {"overview": "Good", "q1": "Good", "q3": "Good"},
    ),
    "avon-and-somerset-2018-overview.txt": (
        OVERVIEW,
        "Avon and Somerset",
        "2018/19",
        None,
        {"effectiveness": "Good", "efficiency": "Outstanding", "legitimacy": "Good"},
    ),
    "bedfordshire-2018-efficiency-detailed-findings-b.txt": (
        PILLAR,
        "Bedfordshire",
        "2018",
        "Efficiency",
        {"q1": "Good"},
    ),
    "cumbria-2018-19-pdf-opening.txt": (GENERIC, "Cumbria", "2018/19", None, {}),
    "cumbria-2018-effectiveness-summary-b.txt": (
        PILLAR,
        "Cumbria",
        "2018",
        "Effectiveness",
        {"q3": "Good", "q5": "Ungraded"},
    ),
    # The questions carried over are graded in the summary's last paragraph: "In 2016 we
    # judged the constabulary as being good at preventing crime and tackling anti-social
    # behaviour. In 2017 we judged the constabulary to be good at investigating crime and
    # tackling serious and organised crime."
    "cumbria-2018-effectiveness-summary-c.txt": (
        PILLAR,
        "Cumbria",
        "2018",
        "Effectiveness",
        {"overview": "Good", "q1": "Good", "q2": "Good", "q3": "Good", "q4": "Good"},
    ),
    "cumbria-2018-efficiency-summary-c.txt": (
        PILLAR,
        "Cumbria",
        "2018",
        "Efficiency",
        {"overview": "Good", "q1": "Good"},
    ),
    "cumbria-2018-legitimacy-summary-c.txt": (
        PILLAR,
        "Cumbria",
        "2018",
        "Legitimacy",
        {"overview": "Good", "q3": "Good"},
    ),
    "cumbria-2018-overview.txt": (
        OVERVIEW,
        "Cumbria",
        "2018/19",
        None,
        {"effectiveness": "Good", "efficiency": "Good", "legitimacy": "Good"},
    ),
    "cumbria-2021-22.txt": (PEEL2021, "Cumbria", "2021/22", None, {}),
    "cumbria-2023-25.txt": (PEEL2021, "Cumbria", "2023-25", None, {}),
    # "Durham Constabulary is good at reducing crime and preventing offending. The force is
    # outstanding at investigating offending. It is outstanding at tackling anti-social
    # behaviour.": three questions' grades (two of them past this copy), the pillar ungraded.
    "durham-2014-effectiveness-summary-c.txt": (
        PILLAR,
        "Durham",
        "2014",
        "Effectiveness",
        {"overview": "Ungraded", "q1": "Good", "q2": "Outstanding", "q3": "Outstanding"},
    ),
    "durham-2015-effectiveness-summary-b.txt": (PILLAR, "Durham", "2015", "Effectiveness", {}),
    "durham-2015-overview.txt": (
        OVERVIEW,
        "Durham",
        "2015",
        None,
        {"effectiveness": "Outstanding", "efficiency": "Outstanding", "legitimacy": "Good"},
    ),
    "durham-2016-overview-interim.txt": (
        OVERVIEW,
        "Durham",
        "2016",
        None,
        {"effectiveness": "Not yet graded", "efficiency": "Outstanding", "legitimacy": "Good"},
    ),
    "durham-2016-overview.txt": (
        OVERVIEW,
        "Durham",
        "2016",
        None,
        {"effectiveness": "Outstanding", "efficiency": "Outstanding", "legitimacy": "Good"},
    ),
    "durham-2017-overview.txt": (
        OVERVIEW,
        "Durham",
        "2017",
        None,
        {"effectiveness": "Outstanding", "efficiency": "Outstanding", "legitimacy": "Good"},
    ),
    "durham-2018-effectiveness-detailed-findings-a.txt": (
        PILLAR,
        "Durham",
        "2018",
        "Effectiveness",
        # the questions graded in prose under the pillar's grade line: "The constabulary is
        # good at investigating crime." "... is good at protecting vulnerable people ..."
        {"overview": "Outstanding", "q2": "Good", "q3": "Good"},
    ),
    "durham-2018-overview.txt": (
        OVERVIEW,
        "Durham",
        "2018/19",
        None,
        {"effectiveness": "Outstanding", "efficiency": "Outstanding", "legitimacy": "Good"},
    ),
    "durham-2021-22.txt": (PEEL2021, "Durham", "2021/22", None, {}),
    "durham-2023-25.txt": (PEEL2021, "Durham", "2023-25", None, {}),
    "greater-manchester-2017-effectiveness-pdf-opening.txt": (
        GENERIC,
        "Greater Manchester",
        "2017",
        "Effectiveness",
        {},
    ),
    "greater-manchester-2018-efficiency-detailed-findings-b.txt": (
        PILLAR,
        "Greater Manchester",
        "2018",
        "Efficiency",
        {},
    ),
    # The efficiency block: "The force’s understanding of current demand for its services is
    # outstanding, ... It is good at using its resources to manage current demand ..."
    "kent-2016-overview-interim.txt": (
        OVERVIEW,
        "Kent",
        "2016",
        None,
        {
            "effectiveness": "Not yet graded",
            "efficiency": "Good",
            "efficiency-q1": "Outstanding",
            "efficiency-q2": "Good",
            "legitimacy": "Outstanding",
        },
    ),
    "kent-2018-efficiency-summary-b.txt": (
        PILLAR,
        "Kent",
        "2018",
        "Efficiency",
        {"q2": "Outstanding"},
    ),
    # No sentence grades the pillar as a whole ("Kent Police operates efficiently and ...");
    # "The force is outstanding at future planning." is Q2's.
    "kent-2018-efficiency-summary-c.txt": (
        PILLAR,
        "Kent",
        "2018",
        "Efficiency",
        {"q1": "Outstanding", "q2": "Outstanding"},
    ),
    "kent-2018-overview.txt": (
        OVERVIEW,
        "Kent",
        "2018/19",
        None,
        {"effectiveness": "Good", "efficiency": "Outstanding", "legitimacy": "Outstanding"},
    ),
    "lancashire-2016-legitimacy-summary-b.txt": (PILLAR, "Lancashire", "2016", "Legitimacy", {}),
    "lancashire-2016-legitimacy-summary-c.txt": (
        PILLAR,
        "Lancashire",
        "2016",
        "Legitimacy",
        {"overview": "Good"},
    ),
    # "The constabulary is judged to be good at treating all of the people it serves with
    # fairness and respect and ensuring that its workforce behaves ethically and lawfully but
    # is judged to require improvement in some aspects of how it treats its workforce with
    # fairness and respect.": three questions in one sentence.
    "lancashire-2017-legitimacy-summary-c.txt": (
        PILLAR,
        "Lancashire",
        "2017",
        "Legitimacy",
        {"overview": "Good", "q1": "Good", "q2": "Good", "q3": "Requires improvement"},
    ),
    "lancashire-2017-overview.txt": (
        OVERVIEW,
        "Lancashire",
        "2017",
        None,
        {"effectiveness": "Good", "efficiency": "Good", "legitimacy": "Good"},
    ),
    "lancashire-2018-19-pdf-opening-a.txt": (GENERIC, "Lancashire", "2018/19", None, {}),
    "lancashire-2018-effectiveness-detailed-findings-b.txt": (
        PILLAR,
        "Lancashire",
        "2018",
        "Effectiveness",
        {"q1": "Good"},
    ),
    "lancashire-2018-efficiency-detailed-findings-c.txt": (
        PILLAR,
        "Lancashire",
        "2018",
        "Efficiency",
        # Q2: "The constabulary is outstanding in how it is planning for the future."
        {"overview": "Outstanding", "q1": "Good", "q2": "Outstanding"},
    ),
    "lancashire-2018-efficiency-summary-b.txt": (
        PILLAR,
        "Lancashire",
        "2018",
        "Efficiency",
        {"q2": "Outstanding"},
    ),
    "lancashire-2018-legitimacy-detailed-findings-a.txt": (
        PILLAR,
        "Lancashire",
        "2018",
        "Legitimacy",
        # "It is good at ensuring that the workforce behaves ethically and lawfully." (Q2)
        # "The constabulary is good at treating the workforce fairly." (Q3)
        {"overview": "Good", "q2": "Good", "q3": "Good"},
    ),
    "lancashire-2018-legitimacy-detailed-findings-b.txt": (
        PILLAR,
        "Lancashire",
        "2018",
        "Legitimacy",
        {},
    ),
    "lancashire-2018-legitimacy-summary-b.txt": (
        PILLAR,
        "Lancashire",
        "2018",
        "Legitimacy",
        {"q2": "Good"},
    ),
    "lancashire-2021-22.txt": (PEEL2021, "Lancashire", "2021/22", None, {}),
    "lancashire-2023-25.txt": (PEEL2021, "Lancashire", "2023-25", None, {}),
    "lincolnshire-2018-legitimacy-detailed-findings-b.txt": (
        PILLAR,
        "Lincolnshire",
        "2018",
        "Legitimacy",
        {},
    ),
    "merseyside-2015-overview.txt": (
        OVERVIEW,
        "Merseyside",
        "2015",
        None,
        {"effectiveness": "Good", "efficiency": "Good", "legitimacy": "Good"},
    ),
    "merseyside-2021-22.txt": (PEEL2021, "Merseyside", "2021/22", None, {}),
    "merseyside-2023-25.txt": (PEEL2021, "Merseyside", "2023-25", None, {}),
    "northumbria-2017-overview.txt": (
        OVERVIEW,
        "Northumbria",
        "2017",
        None,
        {"effectiveness": "Good", "efficiency": "Good", "legitimacy": "Good"},
    ),
    "northumbria-2018-overview.txt": (
        OVERVIEW,
        "Northumbria",
        "2018/19",
        None,
        {
            "effectiveness": "Requires improvement",
            "efficiency": "Requires improvement",
            "legitimacy": "Good",
        },
    ),
    "northumbria-2021-22.txt": (PEEL2021, "Northumbria", "2021/22", None, {}),
    # "The force’s understanding of demand is judged to require improvement; its use of
    # resources to manage demand is assessed as good; and its planning for future demand is
    # judged to be outstanding."
    "west-midlands-2017-overview-interim.txt": (
        OVERVIEW,
        "West Midlands",
        "2017",
        None,
        {
            "effectiveness": "Not yet graded",
            "efficiency": "Good",
            "efficiency-q1": "Requires improvement",
            "efficiency-q2": "Good",
            "efficiency-q3": "Outstanding",
            "legitimacy": "Requires improvement",
        },
    ),
    "west-midlands-2017-overview.txt": (
        OVERVIEW,
        "West Midlands",
        "2017",
        None,
        {
            "effectiveness": "Requires improvement",
            "efficiency": "Good",
            "legitimacy": "Requires improvement",
        },
    ),
    "west-midlands-2018-overview.txt": (
        OVERVIEW,
        "West Midlands",
        "2018/19",
        None,
        {"effectiveness": "Good", "efficiency": "Good", "legitimacy": "Good"},
    ),
    "west-midlands-2021-22.txt": (PEEL2021, "West Midlands", "2021/22", None, {}),
    "west-midlands-2023-25.txt": (PEEL2021, "West Midlands", "2023-25", None, {}),
}
REFUSED = {"lancashire-2021-22-landing-page.txt": "a publication landing page, not a report"}


def test_the_fragments_are_all_here():
    names = {p.name for p in FRAGMENTS.glob("*.txt")}
    assert len(names) == 55, f"expected the 55 fragments in {FRAGMENTS}"
    assert names == set(EXPECTED) | set(REFUSED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_fragment_is_read(name):
    layout, force, year, pillar, grades = EXPECTED[name]
    report, passages = parse_file(FRAGMENTS / name)
    assert (report.layout, report.force, report.year, report.pillar) == (
        layout,
        force,
        year,
        pillar,
    )
    assert {u.key: u.grade for u in report.units if u.grade} == grades
    source = (FRAGMENTS / name).read_text("utf-8")
    assert passages and all(p.text in source for p in passages)
    assert len({p.id for p in passages}) == len(passages)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_the_landing_page_is_refused_saying_what_it_is(name):
    with pytest.raises(ReportParseError) as caught:
        parse_file(FRAGMENTS / name)
    assert REFUSED[name] in caught.value.message


# Copies of one page (same force, cycle and page) among the fragments and the shipped
# report: each with the file kept in its place, the fuller one (more units graded, a later
# "Last updated" date). The interim pages, saved before the grades were given, give way.
COPIES = {
    "cumbria-2018-effectiveness-summary-b.txt": "cumbria-2018-effectiveness-summary-c.txt",
    "durham-2016-overview-interim.txt": "durham-2016-overview.txt",
    "kent-2018-efficiency-summary-b.txt": "kent-2018-efficiency-summary-c.txt",
    "lancashire-2016-legitimacy-summary-b.txt": "lancashire-2016-legitimacy-summary-c.txt",
    "lancashire-2018-efficiency-summary-b.txt": (
        "lancashire-2018-efficiency-detailed-findings-c.txt"
    ),
    "lancashire-2018-legitimacy-detailed-findings-b.txt": (
        "lancashire-2018-legitimacy-detailed-findings-a.txt"
    ),
    "lancashire-2018-legitimacy-summary-b.txt": (
        "lancashire-2018-legitimacy-detailed-findings-a.txt"
    ),
    "west-midlands-2017-overview-interim.txt": "west-midlands-2017-overview.txt",
    # the shipped report, in the reports folder, is the variant-a copy of this page
    "lancashire-2018-effectiveness-detailed-findings-b.txt": "lancashire-2018-effectiveness.txt",
}


def test_check_command_reads_every_file_and_names_copies_and_refusals(runner):
    files = sorted(str(p) for p in FRAGMENTS.glob("*.txt"))
    result = runner.invoke(args=["reports", "check", "--json", *files])
    assert result.exit_code == 1
    items = json.loads(result.output)
    assert [Path(i["file"]).name for i in items if not i["ok"]] == list(REFUSED)
    copies = {Path(i["file"]).name: i["copy_of"] for i in items if i["status"] == "copy"}
    assert copies == COPIES
    assert sum(1 for i in items if i["status"] == "read") == 55 - len(COPIES) - len(REFUSED)
    durham = next(i for i in items if i["file"].endswith("durham-2016-overview.txt"))
    assert durham["kept_over"] == [
        {
            "file": "durham-2016-overview-interim.txt",
            "reason": "the other is an earlier copy, saved before its grades were given "
            "(1 not yet graded against 0)",
        }
    ]
    text = runner.invoke(args=["reports", "check", *files]).output
    assert text.splitlines()[-1] == "45 read, 9 copies, 1 refused."
    kent = next(i for i in items if i["file"].endswith("kent-2018-efficiency-summary-b.txt"))
    assert kent["layout"] == PILLAR and kent["passages"] == 3
    assert [(u["key"], u["title"], u["grade"]) for u in kent["units"]][1:] == [
        ("q1", "How well does the force use its resources to meet the demand it faces?", None),
        ("q2", "How well does the force plan for the future?", "Outstanding"),
    ]
    assert check_report_file(FRAGMENTS / "kent-2018-overview.txt").report.force == "Kent"


def test_a_folder_given_to_check_stands_for_the_report_files_in_it(runner, tmp_path):
    files = sorted(str(p) for p in FRAGMENTS.glob("*.txt"))
    by_file = runner.invoke(args=["reports", "check", "--json", *files])
    by_folder = runner.invoke(args=["reports", "check", "--json", str(FRAGMENTS)])
    # the folder's README.md is no report file: the same 55 pages, the same outcomes
    assert json.loads(by_folder.output) == json.loads(by_file.output)
    assert by_folder.exit_code == by_file.exit_code == 1
    (tmp_path / "notes.md").write_text("not a report")
    empty = runner.invoke(args=["reports", "add", str(tmp_path)])
    assert empty.exit_code == 1
    assert "is a folder with no report files (.txt, .html, .htm, .pdf) in it" in empty.output


def test_adding_the_whole_folder_in_one_call_adds_every_readable_page(runner, index_dir):
    """One `reports add` of the folder of 55 files: every page that reads is added, each
    copy and the refusal are named, and the rebuild that follows succeeds."""
    result = runner.invoke(args=["reports", "add", str(FRAGMENTS)])  # the folder itself
    assert result.exit_code == 1, result.output  # one file refused
    lines = result.output.splitlines()
    for name, kept in COPIES.items():
        assert any(
            line.startswith(f"Not added {name}: a copy of ") and f": {kept}" in line
            for line in lines
        ), name
    assert any(
        line.startswith("Refused: ") and "lancashire-2021-22-landing-page.txt, line 4" in line
        for line in lines
    )
    assert "45 added, 9 copies of a fuller file, not added, 1 refused." in lines
    assert "Reports: 45 added, 0 changed, 0 removed, 2 unchanged." in lines
    indexed = {r.file for r in load_index(index_dir).reports}
    assert len(indexed) == 47 and not indexed & set(COPIES)


def test_every_grade_read_from_prose_names_its_sentence_verbatim():
    """A grade no grade line gives comes with the report's own sentence stating it."""
    for name in EXPECTED:
        report, _ = parse_file(FRAGMENTS / name)
        source = (FRAGMENTS / name).read_text("utf-8")
        for unit in report.units:
            if unit.grade_sentence is not None:
                assert unit.grade_sentence in source, (name, unit.key)
                assert unit.grade and unit.grade not in ("Ungraded",), (name, unit.key)
    durham, _ = parse_file(FRAGMENTS / "durham-2014-effectiveness-summary-c.txt")
    assert (
        durham.unit("q2").grade_sentence == "The force is outstanding at investigating offending."
    )
    assert (
        durham.unit("q3").title == "How effective is the force at tackling anti-social behaviour?"
    )


def test_a_grade_judged_in_an_earlier_year_is_carried_over():
    report, _ = parse_file(FRAGMENTS / "cumbria-2018-effectiveness-summary-c.txt")
    assert [u.key for u in report.units if u.carried_over] == ["q1", "q2", "q4"]
    assert not report.unit("q3").carried_over  # "It is good at protecting vulnerable people."


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n.endswith("-2023-25.txt")))
def test_a_2023_25_report_is_never_read_as_2021_22(name):
    """However it counts its areas (the stored copies use words; a report using digits, as
    2021/22 ones do, must not become its force's 2021/22 report) and whatever its name."""
    text = (FRAGMENTS / name).read_text("utf-8")
    digits = text
    for word, digit in (("ten", "10"), ("nine", "9"), ("eight", "8")):
        digits = (
            digits.replace(f" {word} areas", f" {digit} areas")
            .replace(f" {word} of these", f" {digit} of these")
            .replace(f"these {word} as", f"these {digit} as")
        )
    assert digits != text
    for variant in (digits, digits.replace("PEEL 2023–2025\n", "")):
        report, _ = parse_report(variant.encode(), "report.txt")
        assert report.year == "2023-25", name
        assert report.id.endswith("-2023-25")  # never a copy of the 2021/22 report


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n.endswith("-2021-22.txt")))
def test_a_2021_22_report_counted_in_words_stays_2021_22(name):
    text = (FRAGMENTS / name).read_text("utf-8")
    words = re.sub(r" in (\d+) areas", lambda m: f" in {NUMBER_WORDS[int(m[1])]} areas", text)
    assert words != text
    assert parse_report(words.encode(), "report.txt")[0].year == "2021/22"


NUMBER_WORDS = {10: "ten", 11: "eleven", 12: "twelve", 13: "thirteen"}


def test_a_2014_overview_page_headed_with_peel_is_read_as_an_overview():
    """A copy of a force overview page headed "<Force> PEEL 2014" (as pillar pages are), with
    no pillar named: an overview page, not a pillar page whose pillar is unknown."""
    text = (FRAGMENTS / "avon-and-somerset-2014-overview.txt").read_text("utf-8")
    text = text.replace("Skip to content\n\n", "").replace(
        "Avon and Somerset 2014", "Avon and Somerset PEEL 2014"
    )
    report, _ = parse_report(text.encode(), "page.txt")
    assert (report.layout, report.force, report.year) == (OVERVIEW, "Avon and Somerset", "2014")
    assert {u.key: u.grade for u in report.units if u.grade} == EXPECTED[
        "avon-and-somerset-2014-overview.txt"
    ][4]


# Openings cut in the middle of a word or sentence, and what their last passage was.
CUT = {
    "cumbria-2018-efficiency-summary-c.txt": "Cumb",
    "durham-2015-effectiveness-summary-b.txt": "Good r",
    "cumbria-2023-25.txt": "HM In",
    "northumbria-2018-overview.txt": "La",
    "kent-2018-overview.txt": "I am confiden",
}


def test_no_passage_is_a_stub_the_copy_was_cut_in():
    """Where a copy stops mid-sentence its last passage ends at its last whole sentence, or
    is left out when it has none; passages stay verbatim slices of the text."""
    for name in EXPECTED:
        _, passages = parse_file(FRAGMENTS / name)
        texts = [p.text for p in passages]
        if name in CUT:
            assert CUT[name] not in texts, name
        if len(texts) > 1:  # at least one whole sentence
            assert re.search(r"[.!?:;…][”’\"')\]]*(?:\s|$)", texts[-1]), (name, texts[-1])
    _, passages = parse_file(FRAGMENTS / "cumbria-2018-effectiveness-summary-c.txt")
    assert passages[-1].text.endswith("The constabulary is using the law well to support victims.")

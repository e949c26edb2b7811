"""Every real page opening in shared/corpus/fragments is read with the layout, force, year,
pillar and grades it shows, or refused with a message saying why (only the landing page)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from common.errors import ReportParseError
from corpus import parse_file
from corpus.reports import check_report_file

# CI has a copy of shared/ beside the clone, as the developers do.
FRAGMENTS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "fragments"
PILLAR, OVERVIEW = "peel-2014-2019-pillar", "peel-2014-2019-overview"
PEEL2021, GENERIC = "peel-2021-onwards", "generic"

# file -> (layout, force, year, pillar, {unit key: grade} for every graded unit)
EXPECTED = {
    "avon-and-somerset-2014-overview.txt": (
        OVERVIEW,
        "Avon and Somerset",
        "2014",
        None,
        {"efficiency": "Outstanding"},
    ),
    "avon-and-somerset-2016-overview-b.txt": (GENERIC, "Avon and Somerset", "2016", None, {}),
    "avon-and-somerset-2018-effectiveness-summary-c.txt": (
        PILLAR,
        "Avon and Somerset",
        "2018",
        "Effectiveness",
        {"overview": "Good"},
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
    "cumbria-2018-effectiveness-summary-c.txt": (
        PILLAR,
        "Cumbria",
        "2018",
        "Effectiveness",
        {"overview": "Good", "q3": "Good"},
    ),
    "cumbria-2018-efficiency-summary-c.txt": (
        PILLAR,
        "Cumbria",
        "2018",
        "Efficiency",
        {"overview": "Good"},
    ),
    "cumbria-2018-legitimacy-summary-c.txt": (
        PILLAR,
        "Cumbria",
        "2018",
        "Legitimacy",
        {"overview": "Good"},
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
    "durham-2014-effectiveness-summary-c.txt": (
        PILLAR,
        "Durham",
        "2014",
        "Effectiveness",
        {"overview": "Good"},
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
        {"overview": "Outstanding"},
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
    "kent-2016-overview-interim.txt": (
        OVERVIEW,
        "Kent",
        "2016",
        None,
        {"effectiveness": "Not yet graded", "efficiency": "Good", "legitimacy": "Outstanding"},
    ),
    "kent-2018-efficiency-summary-b.txt": (
        PILLAR,
        "Kent",
        "2018",
        "Efficiency",
        {"q2": "Outstanding"},
    ),
    "kent-2018-efficiency-summary-c.txt": (
        PILLAR,
        "Kent",
        "2018",
        "Efficiency",
        {"overview": "Outstanding", "q1": "Outstanding", "q2": "Outstanding"},
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
    "lancashire-2017-legitimacy-summary-c.txt": (
        PILLAR,
        "Lancashire",
        "2017",
        "Legitimacy",
        {"overview": "Good"},
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
        {"overview": "Outstanding", "q1": "Good"},
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
        {"overview": "Good"},
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
    "west-midlands-2017-overview-interim.txt": (
        OVERVIEW,
        "West Midlands",
        "2017",
        None,
        {
            "effectiveness": "Not yet graded",
            "efficiency": "Good",
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


def test_check_command_reads_54_and_refuses_the_landing_page(runner):
    files = sorted(str(p) for p in FRAGMENTS.glob("*.txt"))
    result = runner.invoke(args=["reports", "check", "--json", *files])
    assert result.exit_code == 1
    items = json.loads(result.output)
    assert [Path(i["file"]).name for i in items if not i["ok"]] == list(REFUSED)
    kent = next(i for i in items if i["file"].endswith("kent-2018-efficiency-summary-b.txt"))
    assert kent["layout"] == PILLAR and kent["passages"] == 3
    assert [(u["key"], u["title"], u["grade"]) for u in kent["units"]][1:] == [
        ("q1", "How well does the force use its resources to meet the demand it faces?", None),
        ("q2", "How well does the force plan for the future?", "Outstanding"),
    ]
    assert check_report_file(FRAGMENTS / "kent-2018-overview.txt").report.force == "Kent"

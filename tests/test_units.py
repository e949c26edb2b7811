"""Reports made of units other than numbered questions (here 2021+ graded areas): what a
user sees of them in the API, the citations, the filters and the passage page."""

from __future__ import annotations

import pytest

from bench.synthetic import AREAS_REPORT, areas_report_text, as_html, write_report
from common.errors import ReportParseError
from corpus import parse_report
from tests.conftest import indexed_app

AREA_IDS = [
    "testshire-2021-22-overview-p1",
    "testshire-2021-22-overview-p2",
    "testshire-2021-22-overview-p3",
    "testshire-2021-22-investigating-crime-p1",
]


def test_areas_are_units_with_grades_improvements_and_concerns():
    report, passages = parse_report(areas_report_text().encode(), AREAS_REPORT)
    assert (report.layout, report.force, report.year, report.pillar) == (
        "peel-2021-onwards",
        "Testshire",
        "2021/22",
        None,
    )
    assert [(u.key, u.kind, u.grade) for u in report.units] == [
        ("overview", "overview", None),
        ("investigating-crime", "area", "Adequate"),
        ("protecting-vulnerable-people", "area", "Good"),
    ]
    crime, vulnerable = report.units[1:]
    assert crime.areas_for_improvement == (
        "The force should improve its SYNTHETIC lantern supply.",
    )
    assert vulnerable.causes_of_concern == (
        "SYNTHETIC. The force does not answer calls from the lighthouse promptly.",
    )
    assert report.grade_scale == "five-tier" and report.questions == ()
    assert [p.id for p in passages][:4] == AREA_IDS
    chest = next(p for p in passages if "sea chest" in p.text)
    assert chest.text.count("•") == 2 and chest.paragraph == 2
    assert (chest.unit, chest.unit_label, chest.grade, chest.question_number) == (
        "investigating-crime",
        "Investigating crime",
        "Adequate",
        None,
    )


@pytest.fixture
def areas_client(tmp_path, reports_dir, encoder):
    write_report(reports_dir, AREAS_REPORT, areas_report_text())
    app = indexed_app(reports_dir, encoder, tmp_path / "areas-index", INDEX_CHECK_SECONDS=0)
    return app.test_client()


def test_an_area_passage_is_cited_filtered_and_shown_by_its_area(areas_client):
    res = areas_client.post(
        "/api/ask",
        json={
            "question": "lantern-bearers investigate burglaries",
            "k": 3,
            "filters": {"unit": "investigating-crime"},
        },
    )
    assert res.status_code == 200, res.get_json()
    top = res.get_json()["passages"][0]
    assert "lantern-bearers" in top["text"]
    assert top["cite"] == "Testshire PEEL 2021/22 › Investigating crime (Adequate) › ¶1"
    assert {p["citation"]["unit"] for p in res.get_json()["passages"]} == {"investigating-crime"}
    page = areas_client.get(f"/passages/{top['id']}").get_data(as_text=True)
    assert "<h1>Investigating crime</h1>" in page
    assert "sea chest" in page and "harbour cottages" not in page  # only its own area
    reports = areas_client.get("/api/reports").get_json()
    ours = next(r for r in reports["reports"] if r["file"] == AREAS_REPORT)
    assert [(u["key"], u["grade"]) for u in ours["units"]][1:] == [
        ("investigating-crime", "Adequate"),
        ("protecting-vulnerable-people", "Good"),
    ]
    assert ours["questions"] == [] and ours["layout"] == "peel-2021-onwards"
    assert "investigating-crime" in reports["filters"]["unit"]


def test_an_area_is_answered_from_its_grade_improvements_and_concerns(areas_client):
    def answer(question):
        res = areas_client.post("/api/ask", json={"question": question})
        assert res.status_code == 200, res.get_json()
        return res.get_json()["answer"]

    grade = answer("What grade did Testshire get for investigating crime?")
    assert (grade["kind"], grade["grade"]) == ("grade", "Adequate")
    assert grade["citation"]["unit"] == "investigating-crime"
    assert grade["cite"] == "Testshire PEEL 2021/22 › Investigating crime (Adequate)"
    fixes = answer("What must Testshire improve about protecting vulnerable people?")
    assert fixes["kind"] == "improvements"
    assert fixes["items"][0].startswith("SYNTHETIC. The force does not answer calls")
    assert fixes["text"].startswith("Causes of concern (Testshire PEEL 2021/22")


def test_grade_questions_work_with_a_report_that_has_no_pillar(areas_client):
    for question in (
        "What grade did the force get for investigating crime?",
        "What should the force improve in protecting vulnerable people?",
    ):
        res = areas_client.post("/api/ask", json={"question": question})
        assert res.status_code == 200, res.get_json()
        assert res.get_json()["passages"]


def test_the_judgments_table_of_a_saved_page_grades_the_areas():
    table = (
        "<table><tr><th>Area of policing</th><th>Grade</th></tr>"
        "<tr><td>Investigating crime</td><td>Adequate</td></tr>"
        "<tr><td>Responding to the public</td><td>Requires improvement</td></tr></table>"
    )
    page = as_html(areas_report_text()).replace(
        b"as follows:</p>", b"as follows:</p>" + table.encode()
    )
    report, passages = parse_report(page, "testshire-2021-22.html")
    assert [(u.key, u.grade) for u in report.units] == [
        ("overview", None),
        ("investigating-crime", "Adequate"),
        ("protecting-vulnerable-people", "Good"),
        ("responding-to-the-public", "Requires improvement"),  # graded, not in this copy
    ]
    assert not [p for p in passages if "|" in p.text]


def test_a_2021_report_that_names_no_force_takes_it_and_the_cycle_from_its_file_name():
    text = areas_report_text().replace(
        "how good Testshire Constabulary is in 3", "how good it is in 3"
    )
    text = text.replace("in 3 areas of policing. We make graded judgments in 2 of these 3", "")
    report, passages = parse_report(text.encode(), "cumbria-2023-25.txt")
    assert (report.force, report.year, report.layout) == ("Cumbria", "2023-25", "peel-2021-onwards")
    assert "the force (Cumbria) is taken from the file name" in report.warnings
    assert passages[0].id.startswith("cumbria-2023-25-overview-p")
    with pytest.raises(ReportParseError, match="name it like cumbria-2023-25.txt"):
        parse_report(text.encode(), "report.txt")


def test_a_forces_latest_grades_are_its_2021_areas(areas_client):
    """'How did they do' of a force whose latest report grades areas: a table of its areas
    (each with its area and no pillar), cited, from the account of grades."""
    data = areas_client.post(
        "/api/ask", json={"question": "how did testshire do in their latest inspection?"}
    ).get_json()
    answer = data["answer"]
    assert answer["kind"] == "overall", data.get("message")
    assert {(r["area"], r["grade"]) for r in answer["rows"]} == {
        ("Investigating crime", "Adequate"),
        ("Protecting vulnerable people", "Good"),
    }
    assert all(r["pillar"] is None and r["year"] == "2021/22" for r in answer["rows"])
    assert all(r["passage_id"] for r in answer["rows"])

"""web/shapes.py: the JSON and CSV made from hand-made records (no index, no model)."""

from __future__ import annotations

import csv
import io
import json

from corpus.records import Report, Unit
from index.rebuild import RebuildSummary
from qa.answers import DirectAnswer, Row
from qa.grades import GradeCell, Stated
from web import shapes

LANCS = Report(
    id="lancashire-2018-effectiveness",
    file="lancashire-2018-effectiveness.txt",
    sha256="0" * 64,
    force="Lancashire",
    year="2018",
    pillar="Effectiveness",
    headline="Lancashire is good",
    grade="Good",
    updated=None,
    units=(Unit("q2", "Q2", "How effective is it?", "Requires improvement", "question", 2),),
)


def test_a_direct_answer_has_only_the_fields_of_its_kind():
    grade = DirectAnswer("grade", "Good.", None, "Lancashire PEEL 2018", "p1", grade="Good")
    assert shapes.direct_answer(grade) == {
        "kind": "grade",
        "text": "Good.",
        "passage_id": "p1",
        "citation": None,
        "cite": "Lancashire PEEL 2018",
        "grade": "Good",
    }
    items = ("Improve the IMU.", "Train staff.")
    improvements = DirectAnswer("improvements", "Two.", None, None, None, items=items)
    assert shapes.direct_answer(improvements)["items"] == list(items)
    assert "grade" not in shapes.direct_answer(improvements)
    sentence = DirectAnswer("sentence", "It is.", None, None, "p1", score=0.123456)
    assert shapes.direct_answer(sentence)["score"] == 0.1235


def test_a_table_row_cites_its_unit_or_the_whole_report():
    unit_row, report_row = (
        shapes.row(Row(LANCS, LANCS.units[0], "Requires improvement", "p2")),
        shapes.row(Row(LANCS, None, "Good", None)),
    )
    assert unit_row["question_number"] == 2 and unit_row["question"] == "How effective is it?"
    assert unit_row["cite"].endswith("Q2 How effective is it? (Requires improvement)")
    assert report_row["unit"] == "overview" and report_row["unit_title"] == "Lancashire is good"
    assert report_row["cite"] == "Lancashire PEEL 2018 › Effectiveness (Good)"


def test_grades_csv_has_a_header_and_a_cited_row_per_cell():
    cells = [
        GradeCell(LANCS, None, "Good", Stated("p1", (0, 40))),
        GradeCell(LANCS, LANCS.units[0], "Requires improvement", Stated("p2")),
    ]
    rows = list(csv.DictReader(io.StringIO(shapes.grades_csv(cells))))
    assert [(r["unit"], r["grade"], r["passage_id"]) for r in rows] == [
        ("overview", "Good", "p1"),
        ("q2", "Requires improvement", "p2"),
    ]
    assert rows[0]["unit_label"] == "Effectiveness overall" and rows[0]["kind"] == "report"
    assert rows[1]["cite"].startswith("Lancashire PEEL 2018 › Effectiveness › Q2")
    assert shapes.grade_cell(cells[0])["span"] == [0, 40]


def test_a_rebuild_status_is_json_with_its_summary():
    summary = RebuildSummary(up_to_date=False, reason="new reports", added=["a.txt"], passages=9)
    status = shapes.rebuild_status({"state": "done", "summary": summary, "build_id": "b1"})
    assert json.loads(json.dumps(status))["summary"]["added"] == ["a.txt"]
    assert shapes.rebuild_status({"state": "idle"}) == {"state": "idle"}


def test_a_report_lists_its_units_and_questions():
    body = json.loads(json.dumps(shapes.report(LANCS)))
    assert body["units"][0]["key"] == "q2"
    assert body["questions"] == [
        {
            "number": 2,
            "text": "How effective is it?",
            "grade": "Requires improvement",
            "carried_over": False,
            "areas_for_improvement": [],
        }
    ]

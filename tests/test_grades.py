"""The grades of every indexed report: /api/grades (JSON and CSV) and the /grades table,
on the shipped report beside the three clearly synthetic ones of tests/data/multi."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from bench.synthetic import REAL_REPORT
from tests.conftest import MULTI, HashEncoder, indexed_app


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """Structure only, so the hashing encoder: grades come from the parsed reports."""
    folder = tmp_path_factory.mktemp("grades")
    reports = folder / "reports"
    reports.mkdir()
    shutil.copy(REAL_REPORT, reports / REAL_REPORT.name)
    for path in sorted(Path(MULTI).glob("synthetic-*.txt")):
        shutil.copy(path, reports / path.name)
    encoder = HashEncoder()
    return indexed_app(reports, encoder, folder / "index").test_client()


def cells(client, **args) -> list[dict]:
    response = client.get("/api/grades", query_string=args)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["grades"]


def test_every_graded_unit_of_every_report_is_there(client):
    found = {(c["force"], c["cycle"], c["unit"]): c["grade"] for c in cells(client)}
    # The grades tests/data/multi/README.md lists, and the pillar grades.
    assert found[("Lancashire", "2018", "q2")] == "Requires improvement"
    assert found[("Lancashire", "2017", "q3")] == "Inadequate"
    assert found[("Cumbria", "2018", "q3")] == "Requires improvement"
    assert found[("Durham", "2018", "q3")] == "Inadequate"
    assert found[("Lancashire", "2017", "overview")] == "Requires improvement"
    assert found[("Lancashire", "2018", "q5")] == "Ungraded"
    assert len([k for k in found if k[0] == "Lancashire" and k[1] == "2018"]) == 6
    assert len(found) == 6 + 5 + 6 + 4


def test_each_cell_cites_the_sentence_that_states_its_grade(client):
    for cell in cells(client):
        assert cell["passage_id"], cell
        assert cell["cite"].startswith(f"{cell['force']} PEEL {cell['cycle']}")
        assert cell["cite"].endswith(f"({cell['grade']})")
        if cell["span"] is None:
            continue
        assert client.get(f"/passages/{cell['passage_id']}").status_code == 200
    lancs = next(c for c in cells(client, force="Lancashire", cycle="2017") if c["unit"] == "q3")
    text = client.get(f"/passages/{lancs['passage_id']}").get_data(as_text=True)
    assert lancs["span"] is not None and "inadequate" in text.lower()
    assert lancs["passage_id"].startswith("lancashire-2017-effectiveness-q3-")


def test_filters_by_grade_cycle_and_pillar(client):
    inadequate = cells(client, grade="inadequate")  # any case
    assert {(c["force"], c["cycle"], c["unit"]) for c in inadequate} == {
        ("Lancashire", "2017", "q3"),
        ("Durham", "2018", "q3"),
    }
    assert {c["force"] for c in cells(client, pillar="Legitimacy")} == {"Durham"}
    assert {c["cycle"] for c in cells(client, cycle="2017")} == {"2017"}


def test_csv_has_the_same_cells_with_their_citations(client):
    response = client.get("/api/grades?format=csv&force=Cumbria")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    as_json = cells(client, force="Cumbria")
    assert [(r["unit"], r["grade"], r["passage_id"], r["cite"]) for r in rows] == [
        (c["unit"], c["grade"], c["passage_id"], c["cite"]) for c in as_json
    ]
    assert rows[0].keys() >= {"force", "cycle", "pillar", "unit_label", "unit_title"}


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("?colour=red", "'colour'"),
        ("?force=Kent", "Lancashire"),  # says which forces there are
        ("?format=xml", "json or csv"),
        ("?sort=grade", "cannot sort by 'grade'"),  # names what a sort can be
        ("?sort=2018-effectiveness-q9", "2018-effectiveness-q1"),
    ],
)
def test_a_bad_argument_is_a_400_that_says_what_to_send(client, query, named):
    for path in ("/api/grades", "/grades"):
        response = client.get(path + query)
        assert response.status_code == 400
        if path.startswith("/api"):
            error = response.get_json()["error"]
            assert error["code"] == "bad_filter"
            assert named in error["message"]
        else:
            assert named in response.get_data(as_text=True).replace("&#39;", "'")


def test_the_page_lists_forces_down_the_side_and_units_across(client):
    html = client.get("/grades").get_data(as_text=True)
    assert html.index(">Cumbria<") < html.index(">Durham<") < html.index(">Lancashire<")
    assert "PEEL 2017" in html and "PEEL 2018" in html
    assert 'href="/passages/lancashire-2017-effectiveness-q3-' in html
    only = client.get("/grades?pillar=Legitimacy").get_data(as_text=True)
    assert ">Durham<" in only and ">Lancashire<" not in only

"""One force over time (/forces/<force>, /api/forces/<force>) on a clearly synthetic force:
two 2018/19-layout Effectiveness reports whose areas for improvement are partly reworded,
and a 2021/22-layout report that does not line up with them. Real model: the areas for
improvement are matched by meaning with the index's encoder."""

from __future__ import annotations

import pytest

from bench.synthetic import areas_report_text, report_text, write_report
from tests.conftest import indexed_app

pytestmark = pytest.mark.real_model

Q1 = (
    "How effective is the force at preventing crime, tackling anti-social behaviour and "
    "keeping people safe?"
)
Q2 = "How effective is the force at investigating crime and reducing re-offending?"
BACKLOG_2017 = (
    "The constabulary should reduce the backlog of crimes awaiting quality assurance to "
    "reduce delays."
)
BACKLOG_2018 = (  # the same recommendation in other words
    "The force needs to clear the queue of crime reports waiting to be quality-assured, so "
    "that investigations are not delayed."
)
FOREIGN = (
    "The constabulary should improve its processes for the management of foreign national "
    "offenders."
)
FRAUD = (
    "The force should make sure that fraud offences are allocated to officers with the right "
    "skills."
)


def effectiveness(year: str, q1: str, q2: str, areas: list[str]) -> str:
    return report_text(
        force="Testshire",
        year=year,
        pillar="Effectiveness",
        grade="Good",
        questions=(
            (1, Q1, q1, [f"SYNTHETIC. In {year} the force patrols its lantern-lit lanes."]),
            (
                2,
                Q2,
                q2,
                [
                    f"SYNTHETIC. In {year} investigators keep their case files in a sea chest.",
                    "Areas for improvement",
                    *[f"  • {area}" for area in areas],
                ],
            ),
        ),
    )


@pytest.fixture(scope="module")
def client(tmp_path_factory, real_encoder):
    folder = tmp_path_factory.mktemp("history")
    reports = folder / "reports"
    write_report(
        reports,
        "testshire-2017-effectiveness.txt",
        effectiveness("2017", "Requires improvement", "Good", [BACKLOG_2017, FOREIGN]),
    )
    write_report(
        reports,
        "testshire-2018-effectiveness.txt",
        effectiveness("2018", "Good", "Requires improvement", [BACKLOG_2018, FRAUD]),
    )
    write_report(reports, "testshire-2021-22.txt", areas_report_text("Testshire"))
    return indexed_app(reports, real_encoder, folder / "index").test_client()


def history(client, force: str = "testshire") -> dict:
    response = client.get(f"/api/forces/{force}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_reports_come_oldest_first(client):
    body = history(client)
    assert body["force"] == "Testshire"  # any case in the address
    assert [r["year"] for r in body["reports"]] == ["2017", "2018", "2021/22"]


def test_each_grade_change_says_which_way_and_cites_both_reports(client):
    step = history(client)["steps"][0]
    assert (step["before"], step["after"]) == (
        "testshire-2017-effectiveness",
        "testshire-2018-effectiveness",
    )
    units = {u["unit"]: u for u in step["units"]}
    assert units["q1"]["movement"] == "up"
    assert units["q2"]["movement"] == "down"
    assert units["overview"]["movement"] == "same"
    q2 = units["q2"]
    assert (q2["before"]["grade"], q2["after"]["grade"]) == ("Good", "Requires improvement")
    assert q2["before"]["cite"].startswith("Testshire PEEL 2017")
    assert q2["after"]["cite"].startswith("Testshire PEEL 2018")
    assert q2["before"]["passage_id"].startswith("testshire-2017-effectiveness-q2-")


def test_areas_for_improvement_are_matched_by_meaning(client):
    areas = history(client)["steps"][0]["areas_for_improvement"]
    status = {a["text"]: a["status"] for a in areas}
    assert status == {BACKLOG_2018: "repeated", FRAUD: "new", FOREIGN: "no longer listed"}
    repeated = next(a for a in areas if a["status"] == "repeated")
    assert repeated["earlier_text"] == BACKLOG_2017
    assert repeated["similarity"] >= 0.70
    for area in areas:  # every claim cites both reports
        assert area["before"]["report"] == "testshire-2017-effectiveness"
        assert area["after"]["report"] == "testshire-2018-effectiveness"
    assert repeated["before"]["passage_id"].startswith("testshire-2017-effectiveness-q2-")
    assert repeated["after"]["passage_id"].startswith("testshire-2018-effectiveness-q2-")


def test_frameworks_that_do_not_line_up_are_not_matched(client):
    step = history(client)["steps"][1]
    assert step["after"].startswith("testshire-2021")
    assert step["compared"] is False
    assert step["units"] == [] and step["areas_for_improvement"] == []
    assert "not matched" in step["note"]
    page = client.get("/forces/Testshire").get_data(as_text=True)
    assert "frameworks grade different things" in page


def test_an_unknown_force_is_a_404_in_both_shapes(client):
    response = client.get("/api/forces/Kent")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert "Testshire" in response.get_json()["error"]["message"]
    page = client.get("/forces/Kent")
    assert page.status_code == 404
    assert page.mimetype == "text/html"
    assert "Testshire" in page.get_data(as_text=True)


def test_the_page_marks_each_area_and_links_both_reports(client):
    page = client.get("/forces/Testshire").get_data(as_text=True)
    assert "Repeated:</span> " + BACKLOG_2018 in page
    assert "New:</span> " + FRAUD in page
    assert "No longer listed:</span> " + FOREIGN in page
    assert page.count('href="/passages/testshire-2017-effectiveness-q2-') >= 3
    assert "went down" in page and "went up" in page

"""The one account of grades over the real page openings: every page type's grades reach the
chat's answers, /grades and /forces/<force>, each citing the sentence that states it.

Structure, not retrieval: the hashing encoder (the grade answers are read from the account,
whatever passages a question finds)."""

from __future__ import annotations

import re

import pytest

from qa.account import account, cycle_of
from qa.history import force_key


@pytest.fixture(scope="module")
def client(fragment_hash_app):
    return fragment_hash_app.test_client()


@pytest.fixture(scope="module")
def records(fragment_hash_app):
    with fragment_hash_app.app_context():
        from web.pages import _engine

        return account(_engine().index)


def ask(client, question: str, **body) -> dict:
    response = client.post("/api/ask", json={"question": question, **body})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def find(records, force, cycle, pillar, key="overview"):
    return [
        r
        for r in records
        if r.force == force
        and r.cycle == cycle_of(cycle)
        and r.pillar == pillar
        and r.column_key == key
    ]


def stating_sentence(app, record) -> str:
    """The text of the sentence the record's link marks (the passage page's own look-up)."""
    with app.app_context():
        from web.pages import _engine

        text = _engine().passage_in_context(record.stated.passage_id).passage.text
    a, b = record.stated.span
    return text[a:b]


def test_an_overview_page_grades_three_pillars_each_with_its_sentence(fragment_hash_app, records):
    (efficiency,) = find(records, "Durham", "2017", "Efficiency")
    assert efficiency.grade == "Outstanding"
    assert efficiency.level == "pillar" and efficiency.report.pillar is None
    assert "efficient" in stating_sentence(fragment_hash_app, efficiency)
    assert "outstanding" in stating_sentence(fragment_hash_app, efficiency)


def test_2018_and_2018_19_are_one_cycle(records):
    """Lancashire's 2018 Efficiency page and its 2018/19 overview page both grade Efficiency
    in one cycle; they agree, so no record carries a disagreement."""
    both = find(records, "Lancashire", "2018", "Efficiency")
    assert {r.report.year for r in both} <= {"2018", "2018/19"}
    assert all(r.grade == "Outstanding" and r.conflict is None for r in both)


def test_prose_grades_of_2014_sit_on_their_questions_and_the_pillar_stays_ungraded(
    fragment_hash_app, records
):
    """Durham 2014 Effectiveness: no pillar grade; the questions graded in prose, each from
    its own sentence."""
    (pillar,) = find(records, "Durham", "2014", "Effectiveness")
    assert pillar.grade == "Ungraded"
    (q2,) = find(records, "Durham", "2014", "Effectiveness", "q2")
    assert q2.grade == "Outstanding"
    assert "investigating offending" in stating_sentence(fragment_hash_app, q2)
    (q3,) = find(records, "Durham", "2014", "Effectiveness", "q3")
    assert "anti-social behaviour" in stating_sentence(fragment_hash_app, q3)


def test_a_grade_stated_on_an_overview_page_answers_the_chat(client):
    data = ask(client, "how did durham do on efficiency in 2017?")
    answer = data["answer"]
    assert answer["kind"] == "grade" and answer["grade"] == "Outstanding"
    assert answer["citation"]["force"] == "Durham" and answer["citation"]["year"] == "2017"
    assert answer["citation"]["pillar"] == "Efficiency"


def test_overall_is_every_pillar_of_the_latest_graded_cycle(client):
    answer = ask(client, "how good is avon and somerset police overall?")["answer"]
    assert answer["kind"] == "overall"
    assert {(r["pillar"], r["grade"]) for r in answer["rows"]} == {
        ("Effectiveness", "Good"),
        ("Efficiency", "Outstanding"),
        ("Legitimacy", "Good"),
    }
    assert {cycle_of(r["year"]) for r in answer["rows"]} == {"2018/19"}
    assert all(r["passage_id"] for r in answer["rows"])


def test_a_list_finds_overview_grades_one_row_per_force(client):
    answer = ask(client, "which forces got outstanding for efficiency in 2018?")["answer"]
    assert answer["kind"] == "list"
    forces = [r["force"] for r in answer["rows"]]
    assert sorted(forces) == sorted(set(forces))  # a force graded by two pages: one row
    assert {"Durham", "Kent", "Lancashire"} <= set(forces)
    assert all(r["grade"] == "Outstanding" for r in answer["rows"])


def test_a_trend_follows_one_pillar_and_never_mixes_pillars(client):
    answer = ask(client, "how has lancashire's efficiency grade changed since 2017?")["answer"]
    assert answer["kind"] == "trend"
    assert {r["pillar"] for r in answer["rows"]} == {"Efficiency"}
    assert "2018→2018" not in answer["text"]
    assert "up" in answer["text"]  # Good in 2017, Outstanding in 2018


def test_which_of_a_forces_questions_got_a_grade_is_a_table_of_its_units(client):
    answer = ask(client, "which of lancashire's questions were rated requires improvement?")[
        "answer"
    ]
    assert answer["kind"] == "list"
    assert answer["rows"] and all(r["force"] == "Lancashire" for r in answer["rows"])
    assert all(r["grade"] == "Requires improvement" for r in answer["rows"])
    assert all(r["question_number"] for r in answer["rows"])


def test_a_pillar_not_yet_graded_gets_no_grade_and_says_so(client):
    data = ask(client, "what did kent get for effectiveness in 2016?")
    assert data["answer"] is None
    assert "not yet graded" in data["message"]


def test_a_misspelt_force_is_read(client):
    for question in ("durhum effectiveness 2015", "Northumbira efficiency 2018"):
        data = ask(client, question)
        assert data["answer"] and data["answer"]["kind"] == "grade", data.get("message")
    assert ask(client, "durhum effectiveness 2015")["answer"]["citation"]["force"] == "Durham"


def test_the_picker_and_the_question_naming_other_forces_is_said(client):
    data = ask(client, "how did durham do on efficiency?", filters={"force": "Kent"})
    assert data["answer"] is None
    assert "Durham" in data["message"] and "Kent" in data["message"]
    assert "scope" in data["message"]
    assert "  " not in data["message"]  # no blank name


def test_an_unindexed_force_is_told_without_every_report(client):
    data = ask(client, "surrey police peel grade 2018")
    assert data["answer"] is None
    assert "Surrey" in data["message"]
    assert "PEEL" not in data["message"]  # forces named, not each of the 48 reports


def test_a_year_not_indexed_names_only_that_forces_reports(client):
    data = ask(client, "merseyside legitimacy 2018")
    assert data["answer"] is None
    assert "Merseyside" in data["message"] and "Durham" not in data["message"]


@pytest.fixture(scope="module")
def forces(client):
    return sorted({c["force"] for c in client.get("/api/grades").get_json()["grades"]})


def test_every_indexed_force_has_a_page(client, fragment_hash_app):
    with fragment_hash_app.app_context():
        from web.pages import _engine

        every = sorted({r.force for r in _engine().index.reports})
    assert len(every) >= 11
    for force in every:
        assert client.get(f"/forces/{force}").status_code == 200, force
        assert client.get(f"/api/forces/{force}").status_code == 200, force


@pytest.mark.parametrize(
    ("spelling", "force"),
    [
        ("west-midlands", "West Midlands"),
        ("WEST MIDLANDS", "West Midlands"),
        ("avon & somerset", "Avon and Somerset"),
        ("avon-and-somerset", "Avon and Somerset"),
    ],
)
def test_a_force_page_takes_any_spelling_of_its_name(client, spelling, force):
    response = client.get(f"/forces/{spelling}")
    assert response.status_code == 200
    assert f"{force} over time" in response.get_data(as_text=True)
    assert force_key(spelling) == force_key(force)


def test_a_force_page_sets_pillar_grades_side_by_side_across_cycles(client):
    html = client.get("/forces/durham").get_data(as_text=True)
    table = html[html.index("Grades by cycle") :]
    table = table[: table.index("</table>")]
    heads = re.findall(r'<th scope="col">([^<]+)</th>', table)
    assert heads[1:] == ["2014", "2015", "2016", "2017", "2018/19"]
    row = re.search(r'<tr data-line="Efficiency">(.*?)</tr>', table, re.S).group(1)
    assert row.count(">Outstanding</a>") == 4  # 2015, 2016, 2017 overviews and 2018/19


def test_every_grades_cell_links_to_the_sentence_stating_it(client):
    html = client.get("/grades").get_data(as_text=True)
    cells = re.findall(r'<td class="grade-cell grade-[^"]*"[^>]*>(.*?)</td>', html, re.S)
    assert len(cells) > 60
    for cell in cells:
        assert "<a " in cell or "no indexed passage states it" in cell, cell
    linked = [c for c in cells if "<a " in c]
    assert len(linked) == len(cells)  # every grade of these pages has its passage


def test_grades_columns_one_cycle_group_for_2018_and_no_duplicates(client):
    html = client.get("/grades").get_data(as_text=True)
    ids = re.findall(r'class="unit-head" id="col-([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert not any(i.startswith("2018-19-") for i in ids)
    legitimacy_2017 = [i for i in ids if i.startswith("2017-legitimacy-overview")]
    assert len(legitimacy_2017) == 1


def test_no_passage_is_a_stub_shorter_than_a_sentence(fragment_hash_app):
    with fragment_hash_app.app_context():
        from web.pages import _engine

        passages = _engine().index.passages
        texts = [passages[i].text for i in range(len(passages))]
    stubs = [t for t in texts if len(t.split()) < 3 and not re.search(r"[.?!:]$", t)]
    assert not stubs


def test_two_pages_of_one_cycle_that_disagree_each_say_what_the_other_says():
    """A pillar page and the force's overview page grading one pillar of one cycle: where
    they differ, each record (and so each answer and cell built from it) names the other."""
    from corpus.records import Report, Unit
    from qa.account import GradeCell, Stated, _with_conflicts

    page = Report(
        "k-2018-legitimacy", "a.txt", "0", "Kent", "2018", "Legitimacy", None, "Good", None
    )
    overview = Report(
        "k-2018-19-overview",
        "b.txt",
        "1",
        "Kent",
        "2018/19",
        None,
        None,
        None,
        None,
        units=(Unit("legitimacy", "Legitimacy", None, "Outstanding", kind="pillar"),),
        layout="peel-2014-2019-overview",
    )
    cells = _with_conflicts(
        [
            GradeCell(page, None, "Good", Stated("p1")),
            GradeCell(overview, overview.units[0], "Outstanding", Stated("p2")),
        ]
    )
    assert cells[0].conflict == "Kent PEEL 2018/19 overview says Outstanding"
    assert cells[1].conflict == "Kent PEEL 2018 Legitimacy says Good"


def test_the_best_force_for_a_pillar_is_read_from_every_page_type(client):
    answer = ask(client, "which force had the best legitimacy grade in 2017")["answer"]
    assert answer["kind"] == "list"
    rows = answer["rows"]
    assert rows and {r["grade"] for r in rows} == {"Good"}  # none Outstanding in 2017
    assert "West Midlands" not in {r["force"] for r in rows}  # Requires improvement
    assert {r["pillar"] for r in rows} == {"Legitimacy"}


def test_overall_rows_are_the_graded_pillars_and_the_text_names_the_ungraded(client):
    """Kent 2016 (an interim overview page): Effectiveness not yet graded is no row."""
    answer = ask(client, "how did kent do in 2016")["answer"]
    assert answer["kind"] == "overall"
    assert {(r["pillar"], r["grade"]) for r in answer["rows"]} == {
        ("Efficiency", "Good"),
        ("Legitimacy", "Outstanding"),
    }
    assert "Effectiveness (not yet graded)" in answer["text"]

"""The JSON API contract and every error a caller can cause."""

from __future__ import annotations

import pytest


def ask(client, **body):
    return client.post("/api/ask", json=body)


def test_ask_returns_cited_passages(client):
    res = ask(client, question="lantern-maker scheme for stop and search", k=3)
    assert res.status_code == 200
    data = res.get_json()
    assert data["question"] == "lantern-maker scheme for stop and search"
    assert len(data["passages"]) == 3
    scores = [p["score"] for p in data["passages"]]
    assert scores == sorted(scores, reverse=True)
    top = data["passages"][0]
    assert "lantern-maker" in top["text"]
    assert top["citation"] == {
        "force": "Testshire",
        "year": "2018",
        "pillar": "Legitimacy",
        "question_number": 1,
        "question": "To what extent does the force treat all of the people it serves with "
        "fairness and respect?",
        "grade": "Good",
        "section": "Fair treatment",
        "paragraph": 1,
        "unit": "q1",
        "unit_label": "Q1",
        "unit_title": "To what extent does the force treat all of the people it serves with "
        "fairness and respect?",
        "page": None,
    }
    assert top["cite"] == (
        "Testshire PEEL 2018 › Legitimacy › Q1 To what extent does the force treat all of the "
        "people it serves with fairness and respect? (Good) › Fair treatment › ¶1"
    )


def test_default_k_is_five(client):
    assert len(ask(client, question="crime").get_json()["passages"]) == 5


def test_overview_citation_has_no_question(client):
    res = ask(
        client,
        question="Lancashire Constabulary is good at reducing crime and keeping people safe.",
        k=1,
    )
    top = res.get_json()["passages"][0]
    assert top["citation"]["question_number"] is None and top["citation"]["question"] is None
    assert top["cite"] == "Lancashire PEEL 2018 › Effectiveness (Good) › Overview › ¶1"


def test_reports_lists_grades(client):
    reports = client.get("/api/reports").get_json()["reports"]
    lancs = next(r for r in reports if r["force"] == "Lancashire")
    assert lancs["grade"] == "Good" and lancs["pillar"] == "Effectiveness"
    assert [(q["number"], q["grade"]) for q in lancs["questions"]][:2] == [
        (1, "Good"),
        (2, "Requires improvement"),
    ]
    assert lancs["questions"][0]["text"].startswith("How effective is the force at preventing")


def test_health(client):
    data = client.get("/api/health").get_json()
    assert data["status"] == "ok" and data["reports"] == 2 and data["model"] == "hash-test-encoder"
    assert data["passages"] > 90


def test_health_without_index_is_503(tmp_path, encoder):
    from app import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "none"), "ENCODER": encoder})
    res = app.test_client().get("/api/health")
    assert res.status_code == 503
    assert res.get_json()["error"]["code"] == "index_not_ready"
    assert "make index" in res.get_json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        ({}, "bad_question", "missing"),
        ({"question": ""}, "bad_question", "empty"),
        ({"question": "   \n\t"}, "bad_question", "empty"),
        ({"question": 42}, "bad_question", "string"),
        ({"question": "x" * 1001}, "bad_question", "1000"),
        ({"question": "ok", "k": 0}, "bad_k", "1 to 20"),
        ({"question": "ok", "k": 21}, "bad_k", "1 to 20"),
        ({"question": "ok", "k": 2.5}, "bad_k", "whole number"),
        ({"question": "ok", "k": "5"}, "bad_k", "whole number"),
        ({"question": "ok", "k": True}, "bad_k", "whole number"),
        (["question"], "bad_body", "JSON object"),
    ],
)
def test_bad_ask_bodies(client, body, code, words):
    res = client.post("/api/ask", json=body)
    assert res.status_code == 400
    error = res.get_json()["error"]
    assert error["code"] == code and words in error["message"]


@pytest.mark.parametrize("raw", [b"not json", b'{"question": "unterminated', b"\xff\xfe", b""])
def test_body_not_json(client, raw):
    res = client.post("/api/ask", data=raw, content_type="application/json")
    assert res.status_code == 400
    assert res.get_json()["error"]["code"] == "bad_body"


def test_question_at_the_limit_is_fine(client):
    assert ask(client, question="x" * 1000).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("get", "/api/nothing-here", 404, "not_found"),
        ("get", "/api/ask", 405, "method_not_allowed"),
        ("delete", "/api/reports", 405, "method_not_allowed"),
    ],
)
def test_route_errors_are_json(client, method, path, status, code):
    res = getattr(client, method)(path)
    assert res.status_code == status
    assert res.is_json
    assert res.get_json()["error"]["code"] == code
    assert set(res.get_json()) == {"error"} and set(res.get_json()["error"]) == {"code", "message"}


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [("get", "/api/ask", {"POST"}), ("delete", "/api/reports", {"GET", "HEAD", "POST"})],
)
def test_405_says_which_methods_are_allowed(client, method, path, allowed):
    res = getattr(client, method)(path)
    assert res.status_code == 405
    assert allowed <= {m.strip() for m in res.headers.get("Allow", "").split(",")}

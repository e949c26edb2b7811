"""The described API: /api/openapi.json is a valid OpenAPI document, real responses match it,
the reference page loads nothing from elsewhere, and the README's examples fit it."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from qa.request import AskBody
from web.openapi import (
    MAX_SCORE,
    AskResponse,
    ForceHistory,
    GradesResponse,
    Health,
    RebuildStatus,
    ReportsResponse,
    UploadResponse,
)

README = Path(__file__).resolve().parents[1] / "README.md"
QUESTIONS = [
    "who checks crime reports are filled in properly?",  # a sentence
    "what grade did Lancashire get for investigating crime?",  # a grade
    "what does Lancashire need to improve in investigating crime?",  # improvements
    "why?",  # reasons, after the grade
    "compare Lancashire and Testshire overall",  # a table
    "how good are Kent police at investigating crime?",  # no answer
]


@pytest.fixture
def doc(client) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def schema_check(doc: dict, name: str, body: object) -> None:
    """Validate a body against a component of the served document (not only the model)."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": doc["components"]}
    errors = sorted(Draft202012Validator(schema).iter_errors(body), key=str)
    assert not errors, [e.message for e in errors[:3]]


def test_the_document_is_valid_openapi(doc):
    validate(doc)  # raises on an invalid document
    assert doc["openapi"].startswith("3.")
    assert {"/api/ask", "/api/grades", "/api/forces/{force}", "/api/reports"} <= set(doc["paths"])


def test_real_answers_match_the_documented_shape(client, doc):
    history = []
    for question in QUESTIONS:
        body = {"question": question, "history": history[-10:]}
        response = client.post("/api/ask", json=body)
        assert response.status_code == 200, response.get_json()
        answer = response.get_json()
        AskResponse.model_validate(answer)  # no undocumented key, every type as described
        schema_check(doc, "AskResponse", answer)
        history.append({"question": question, "passage_ids": [p["id"] for p in answer["passages"]]})
        assert all(0 < p["score"] <= MAX_SCORE for p in answer["passages"])


def test_the_other_endpoints_match_too(client, doc):
    for path, model, name in [
        ("/api/grades", GradesResponse, "GradesResponse"),
        ("/api/forces/Lancashire", ForceHistory, "ForceHistory"),
        ("/api/health", Health, "Health"),
        ("/api/reports", ReportsResponse, "ReportsResponse"),  # every report key described
    ]:
        body = client.get(path).get_json()
        model.model_validate(body)
        schema_check(doc, name, body)
    schema_check(doc, "ErrorBody", client.post("/api/ask", json={"question": ""}).get_json())


def test_unknown_fields_are_a_400_naming_them(client):
    response = client.post("/api/ask", json={"question": "who checks?", "top_k": 3, "lang": "en"})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "unknown_field"
    assert "'lang', 'top_k'" in error["message"]
    response = client.post("/api/ask", json={"question": "q", "filters": {"region": "north"}})
    assert response.status_code == 400
    assert "'region'" in response.get_json()["error"]["message"]
    turn = {"question": "earlier", "passage_ids": [], "answer": "Good"}
    response = client.post("/api/ask", json={"question": "q", "history": [turn]})
    assert response.status_code == 400
    assert "'answer'" in response.get_json()["error"]["message"]


def test_a_year_may_be_a_number_or_a_string(client):
    def ids(year):
        body = {"question": "who checks crime reports?", "filters": {"year": year}}
        response = client.post("/api/ask", json=body)
        assert response.status_code == 200, response.get_json()
        return [p["id"] for p in response.get_json()["passages"]]

    assert ids(2018) == ids("2018") != []
    response = client.post("/api/ask", json={"question": "q", "filters": {"year": 2031}})
    assert response.status_code == 400
    assert "'2031'" in response.get_json()["error"]["message"]  # names the year and what exists


def test_the_reference_page_lists_every_endpoint_and_loads_nothing_from_elsewhere(client, doc):
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for path in doc["paths"]:
        assert path in html
    assert "AskResponse" in html and "unknown_field" in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert "<script" not in html


def test_every_ask_body_in_the_readme_is_valid(doc):
    text = README.read_text(encoding="utf-8")
    bodies = re.findall(r"curl -s localhost:5000/api/ask[^\n]*\\\n\s*-d '(\{.*?\})'", text)
    assert bodies
    for raw in bodies:
        AskBody.model_validate_json(raw)
    for path in re.findall(r"localhost:5000(/api/[a-z/]+)", text):
        assert path in doc["paths"], path


def test_every_api_route_and_method_the_app_serves_is_described(app, doc):
    """Before, POST /api/reports/rebuild was served but not described."""
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = rule.rule.replace("<force>", "{force}")
            served |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    described = {(path, method) for path, item in doc["paths"].items() for method in item}
    assert served == described


def test_the_admin_answers_match_the_documented_shape(app, doc):
    app.config["ADMIN_TOKEN"] = "shape-token"
    client, auth = app.test_client(), {"Authorization": "Bearer shape-token"}
    from bench.synthetic import CANAL_REPORT, canal_report_text

    data = {"file": (io.BytesIO(canal_report_text().encode()), CANAL_REPORT, "text/plain")}
    res = client.post("/api/reports", data=data, headers=auth)
    assert res.status_code == 202
    UploadResponse.model_validate(res.get_json())
    schema_check(doc, "UploadResponse", res.get_json())
    app.extensions["rebuild_job"].wait(timeout=120)
    for method in ("get", "post"):
        res = getattr(client, method)("/api/reports/rebuild", headers=auth)
        assert res.status_code in (200, 202), res.get_json()
        RebuildStatus.model_validate(res.get_json())  # a done one carries its summary
        schema_check(doc, "RebuildStatus", res.get_json())


def test_the_document_names_the_filter_values_the_index_has(client, doc):
    """What a filter may name is what the index served holds, in any case and with white
    space around it; /api/ask takes exactly those."""
    import re

    force = doc["components"]["schemas"]["FiltersBody"]["properties"]["force"]["anyOf"][0]
    pattern = re.compile(force["pattern"])
    for value, accepted in [("Lancashire", True), (" testSHIRE\u3000", True), ("Kent", False)]:
        assert bool(pattern.search(value)) is accepted
        res = client.post("/api/ask", json={"question": "who checks?", "filters": {"force": value}})
        assert (res.status_code == 200) is accepted, res.get_json()

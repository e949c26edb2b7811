"""The JSON API under /api/ (the admin endpoints are in web/admin.py)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from index.jobs import RebuildJob
from index.rebuild import Rebuilder
from qa.engine import Engine
from qa.examples import example_questions
from qa.grades import filter_cells, grade_cells, parse_grade_query
from qa.history import force_history
from qa.request import decode_json, parse_ask
from web import shapes
from web.openapi import openapi_document

api = Blueprint("api", __name__, url_prefix="/api")


def _engine() -> Engine:
    return current_app.extensions["qa"]


@api.post("/ask")
def ask():
    # Any content type: curl -d sends form-encoded, and the body is read as JSON anyway.
    ask_request = parse_ask(decode_json(request.get_data(cache=False)))
    return jsonify(shapes.answer(_engine().ask(ask_request)))


@api.get("/reports")
def reports():
    loaded = _engine().loaded
    return jsonify(
        {
            "reports": [shapes.report(r) for r in loaded.index.reports],
            "filters": loaded.retriever.filters.values,
            "examples": example_questions(loaded.index.reports),
        }
    )


@api.get("/grades")
def grades_data():
    every = grade_cells(_engine().index)
    asked = parse_grade_query(request.args.to_dict(), every)
    cells = filter_cells(every, **asked.filters)
    if asked.format == "csv":
        return Response(
            shapes.grades_csv(cells),
            mimetype="text/csv",
            headers={"Content-Disposition": "inline; filename=grades.csv"},
        )
    return jsonify({"filters": asked.filters, "grades": [shapes.grade_cell(c) for c in cells]})


@api.get("/forces/<force>")
def force_data(force: str):
    loaded = _engine().loaded
    return jsonify(shapes.force_history(force_history(loaded.index, loaded.encoder, force)))


@api.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@api.get("/health")
def health():
    engine = _engine()
    rebuilder: Rebuilder = current_app.extensions["rebuilder"]
    job: RebuildJob = current_app.extensions["rebuild_job"]
    index = engine.index
    body = {
        "status": "ok",
        "passages": len(index.passages),
        "reports": len(index.reports),
        "model": index.manifest["model"]["name"],
        "build_id": index.manifest["build_id"],
    }
    if behind := rebuilder.behind():
        body.update(status="behind", behind=behind, rebuild=job.status()["state"])
    if engine.damage_on_disk:
        body.update(status="damaged", damaged=engine.damage_on_disk)
    return jsonify(body)

"""The HTML pages: the chat page, the API reference, the grades table, a force over time
and a passage in context. Errors on them are HTML pages (web/errors.py)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import Blueprint, current_app, render_template, request

from common.errors import IndexNotReady
from corpus.fetch.coverage import SYMBOLS, coverage
from corpus.reports import is_web_address
from qa.engine import Engine
from qa.grades import grade_cells, grade_slug, grade_table, page_cells, parse_grade_query
from qa.history import force_history
from qa.marks import parse_spans, segments
from web import shapes
from web.openapi import openapi_document

pages = Blueprint("pages", __name__)


def _engine() -> Engine:
    return current_app.extensions["qa"]


@pages.get("/")
def chat():
    return render_template("chat.html")


@pages.get("/docs")
def api_docs():
    return render_template("docs.html", doc=openapi_document())


@pages.app_template_filter("pretty_json")
def pretty_json(value: object) -> str:
    """JSON to read on a page: indented, each character as itself (``tojson`` writes ' as
    \\u0027, which is right inside a script but not in text); the template escapes it."""
    return json.dumps(value, indent=2, ensure_ascii=False)


@pages.get("/grades")
def grades():
    every = grade_cells(_engine().index)
    asked = parse_grade_query(request.args.to_dict(), every)
    table = grade_table(page_cells(every, asked), every, asked.sort, asked.descending)
    return render_template(
        "grades.html",
        table=table,
        asked=asked,
        chosen={k: v for k, v in asked.filters.items() if v},
        slug=grade_slug,
    )


@pages.get("/forces/<force>")
def force_page(force: str):
    loaded = _engine().loaded
    history = force_history(loaded.index, loaded.encoder, force)
    return render_template("force.html", history=history, slug=grade_slug)


@pages.get("/passages/<passage_id>")
def passage(passage_id: str):
    found = _engine().passage_in_context(passage_id)
    spans = parse_spans(request.args.get("span"), len(found.passage.text))
    url = found.report.source_url if found.report else None
    return render_template(
        "passage.html",
        found=found,
        cited_text=segments(found.passage.text, spans),
        # only an http(s) address becomes a link, whatever a hand-edited build holds
        source_url=url if is_web_address(url) else None,
        source_host=urlsplit(url).hostname if is_web_address(url) else None,
    )


@pages.get("/coverage")
def coverage_page():
    """Each force by cycle: indexed, waiting, refused (why), not found, not fetched yet."""
    try:
        indexed, not_ready = _engine().index.reports, None
    except IndexNotReady as exc:  # the table still says what was fetched
        indexed, not_ready = [], exc.message
    table = coverage(current_app.config["REPORTS_DIR"], indexed)
    return render_template(
        "coverage.html", data=shapes.coverage(table), symbols=SYMBOLS, not_ready=not_ready
    )

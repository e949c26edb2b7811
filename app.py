"""HTTP routes and the chat page for the PEEL report question-answering service.

No business logic here: /api/* answers JSON (errors included); the HTML pages render
templates/ and errors on them are HTML pages.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask, Response, jsonify, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from corpus.errors import IndexNotReady, QAError
from corpus.reports import add_reports
from index.adapt import ModelChoice
from index.cli import index_cli, reports_cli
from index.jobs import RebuildJob
from index.rebuild import Rebuilder
from qa.admin import UPLOAD_FIELD, added_reports, read_uploads, require_admin
from qa.engine import Engine
from qa.examples import example_questions
from qa.grades import (
    cells_csv,
    filter_cells,
    grade_cells,
    grade_slug,
    grade_table,
    page_cells,
    parse_grade_query,
)
from qa.history import force_history
from qa.marks import parse_spans, segments
from qa.openapi import openapi_document
from qa.request import decode_json, parse_ask

ROOT = Path(__file__).resolve().parent
log = logging.getLogger(__name__)

# Sent on every response: only our own files may run or style the page, so report text
# or a question that smuggles in markup can never execute.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    # Browsers must take a JSON answer or a text file as what it says it is, never sniff
    # it into HTML or script.
    "X-Content-Type-Options": "nosniff",
    # The intranet's address and passage ids are in our URLs: tell no other site, even
    # one a report's text links to, which page a visitor came from.
    "Referrer-Policy": "no-referrer",
}


def create_app(config: dict | None = None) -> Flask:
    """App factory: defaults, then QA_* environment variables, then ``config``."""
    app = Flask(__name__)
    app.config.from_mapping(
        INDEX_DIR=str(ROOT / "var" / "index"),
        REPORTS_DIR=str(ROOT / "corpus" / "reports"),
        MODEL=None,  # a local sentence-transformers folder; None = the packaged model
        ADAPT_MODEL=True,  # adapt the model to the reports' language at the first build
        MODELS_DIR=str(ROOT / "var" / "models"),  # where adapted models are kept
        ENCODER=None,  # tests may hand in any object with encode(list[str])
        ONNX=True,  # encode through onnxruntime (exported once from the model) rather than torch
        PRELOAD=False,  # load model and index at start-up rather than on first request
        EXACT_INDEX_LIMIT=None,  # most passages searched exactly; None = index.store's default
        INDEX_CHECK_SECONDS=1.0,  # how often a request looks for a newer index build
        ADMIN_TOKEN=None,  # bearer token for the admin endpoints; None switches them off
        REBUILD_IN_CHILD=True,  # background rebuilds in a process of their own
        MAX_CONTENT_LENGTH=4 * 1024 * 1024,  # bytes per request, uploads included
    )
    app.config.from_prefixed_env("QA")
    if "QA_ADMIN_TOKEN" in os.environ:  # verbatim: from_prefixed_env would make "123" a number
        app.config["ADMIN_TOKEN"] = os.environ["QA_ADMIN_TOKEN"]
    if config:
        app.config.update(config)
    app.json.sort_keys = False
    app.json.ensure_ascii = False

    models = ModelChoice(
        app.config["MODEL"],
        app.config["MODELS_DIR"],
        adapt=bool(app.config["ADAPT_MODEL"]),
        override=app.config["ENCODER"],
        onnx=bool(app.config["ONNX"]),
    )
    engine = Engine(
        app.config["INDEX_DIR"], models, check_seconds=float(app.config["INDEX_CHECK_SECONDS"])
    )
    rebuilder = Rebuilder(
        app.config["REPORTS_DIR"],
        app.config["INDEX_DIR"],
        models,
        exact_limit=app.config["EXACT_INDEX_LIMIT"],
    )
    job = RebuildJob(rebuilder, after=engine.reload, in_child=bool(app.config["REBUILD_IN_CHILD"]))
    app.extensions.update(qa=engine, rebuilder=rebuilder, rebuild_job=job)
    app.cli.add_command(index_cli)
    app.cli.add_command(reports_cli)
    _register_errors(app)
    _register_routes(app, engine, rebuilder, job)
    _register_pages(app, engine)
    _register_admin_routes(app, job)

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.update(SECURITY_HEADERS)
        return response

    if app.config["PRELOAD"]:
        try:
            engine.reload()
        except IndexNotReady as exc:  # serve anyway; /api/health says what is wrong
            log.error("index not loaded: %s", exc.message)
        job.catch_up()  # reports stored but not indexed when the server last stopped
    return app


def _register_routes(app: Flask, engine: Engine, rebuilder: Rebuilder, job: RebuildJob) -> None:
    @app.post("/api/ask")
    def ask():
        # Any content type: curl -d sends form-encoded, and the body is read as JSON anyway.
        ask_request = parse_ask(decode_json(request.get_data(cache=False)))
        return jsonify(engine.ask(ask_request).to_dict())

    @app.get("/api/reports")
    def reports():
        loaded = engine.loaded
        return jsonify(
            {
                "reports": [r.to_dict() for r in loaded.index.reports],
                "filters": loaded.retriever.filters.values,
                "examples": example_questions(loaded.index.reports),
            }
        )

    @app.get("/api/grades")
    def grades_data():
        every = grade_cells(engine.index)
        asked = parse_grade_query(request.args.to_dict(), every)
        cells = filter_cells(every, **asked.filters)
        if asked.format == "csv":
            return Response(
                cells_csv(cells),
                mimetype="text/csv",
                headers={"Content-Disposition": "inline; filename=grades.csv"},
            )
        return jsonify({"filters": asked.filters, "grades": [c.to_dict() for c in cells]})

    @app.get("/api/forces/<force>")
    def force_data(force: str):
        loaded = engine.loaded
        return jsonify(force_history(loaded.index, loaded.encoder, force).to_dict())

    @app.get("/api/openapi.json")
    def openapi():
        return jsonify(openapi_document())

    @app.get("/api/health")
    def health():
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


def _register_pages(app: Flask, engine: Engine) -> None:
    @app.get("/")
    def chat():
        return render_template("chat.html")

    @app.get("/docs")
    def api_docs():
        return render_template("docs.html", doc=openapi_document())

    @app.get("/grades")
    def grades():
        every = grade_cells(engine.index)
        asked = parse_grade_query(request.args.to_dict(), every)
        table = grade_table(page_cells(every, asked), every, asked.sort, asked.descending)
        return render_template(
            "grades.html",
            table=table,
            asked=asked,
            chosen={k: v for k, v in asked.filters.items() if v},
            slug=grade_slug,
        )

    @app.get("/forces/<force>")
    def force_page(force: str):
        loaded = engine.loaded
        history = force_history(loaded.index, loaded.encoder, force)
        return render_template("force.html", history=history, slug=grade_slug)

    @app.get("/passages/<passage_id>")
    def passage(passage_id: str):
        found = engine.passage_in_context(passage_id)
        spans = parse_spans(request.args.get("span"), len(found.passage.text))
        return render_template(
            "passage.html", found=found, cited_text=segments(found.passage.text, spans)
        )


def _register_admin_routes(app: Flask, job: RebuildJob) -> None:
    def admin() -> None:
        require_admin(app.config["ADMIN_TOKEN"], request.headers.get("Authorization"))

    @app.post("/api/reports")
    def add_report_files():
        admin()
        uploads = read_uploads(request.mimetype, request.files.getlist(UPLOAD_FIELD))
        added = add_reports(app.config["REPORTS_DIR"], uploads)
        body = {"added": added_reports(added), "rebuild": job.start()}
        return jsonify(body), 202, {"Location": url_for("rebuild_status")}

    @app.get("/api/reports/rebuild")
    def rebuild_status():
        admin()
        return jsonify(job.status())

    @app.post("/api/reports/rebuild")
    def start_rebuild():
        admin()  # e.g. to retry one that failed, once the disk has room again
        # refused (409) while one runs, here or in another worker: uploads queue instead
        return jsonify(job.start(queue=False)), 202, {"Location": url_for("rebuild_status")}


def _error(status: int, code: str, message: str, headers: dict | None = None):
    """One error shape: JSON under /api/, a plain HTML page everywhere else."""
    if request.path == "/api" or request.path.startswith("/api/"):
        return jsonify({"error": {"code": code, "message": message}}), status, headers or {}
    page = render_template("error.html", status=status, message=message)
    return page, status, headers or {}


def _register_errors(app: Flask) -> None:
    @app.errorhandler(QAError)
    def qa_error(exc: QAError):
        return _error(exc.status, exc.code, exc.message, exc.headers)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        message = exc.description or exc.name
        if exc.code == 405:
            message = f"{request.method} is not allowed on {request.path}"
        elif exc.code == 404:
            message = f"no such page: {request.path}"
        elif exc.code == 413:
            limit = request.max_content_length or 0
            message = f"the request is over the limit of {limit:,} bytes (QA_MAX_CONTENT_LENGTH)"
            if request.content_length is not None and request.content_length <= limit:
                parts = request.max_form_parts or 0
                message = f"the multipart body has more than {parts:,} parts"
        allow = {k: v for k, v in exc.get_headers() if k == "Allow"}  # 405 says what is
        return _error(exc.code or 500, code, message, allow)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unexpected error")
        return _error(500, "internal", "internal error; see the server log")

"""The PEEL report question-answering service: ``create_app`` wires the layers together.

The routes are blueprints in web/ (web/api.py, web/pages.py, web/admin.py), errors are
mapped to HTTP in web/errors.py, and the Flask CLI commands are in web/cli.py.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask, Response

from common.errors import IndexNotReady
from index.adapt import ModelChoice
from index.jobs import RebuildJob
from index.rebuild import Rebuilder
from qa.engine import Engine
from web import feedback
from web.admin import admin
from web.api import api
from web.cli import index_cli, reports_cli
from web.errors import register_errors
from web.mcp_http import mcp_http
from web.mcp_tools import mcp_command
from web.pages import pages

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
        ADAPT_MODEL=True,  # adapt the model to the reports (make run: in the background)
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

    app.register_blueprint(api)
    app.register_blueprint(admin)
    app.register_blueprint(pages)
    app.register_blueprint(mcp_http)
    feedback.init_app(app)  # POST /api/feedback, `flask --app app feedback export`
    register_errors(app)
    app.cli.add_command(index_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(mcp_command)

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

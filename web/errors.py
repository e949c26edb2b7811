"""What each error of the hierarchy means over HTTP, and the one JSON error shape.

Under /api/ every error is ``{"error": {"code": ..., "message": ...}}``; everywhere else it
is a plain HTML page with the same message.
"""

from __future__ import annotations

import logging
import math
import re

from flask import Flask, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from common.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    IndexNotReady,
    NotFound,
    QAError,
    ReportNotText,
    ReportParseError,
    SiteUnreachable,
    StorageError,
    TooManyRequests,
    Unauthorized,
    UnsupportedMediaType,
)
from web import shapes

log = logging.getLogger(__name__)
# The command line's way to put an index right, as the errors below index/ say it, and what
# an HTTP client is told instead: the same, plus what the HTTP API itself offers.
_CLI_REBUILD = re.compile(r"run `make index`(?: \(or `flask --app app index rebuild`\))?")
HTTP_REBUILD = "run `make index` on the server (or POST /api/reports/rebuild with the admin token)"

# Looked up along the class's ancestry, most specific first: ReportNotText is a
# ReportParseError (422) but is refused as the wrong kind of file (415).
STATUS: dict[type[QAError], int] = {
    BadRequest: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    UnsupportedMediaType: 415,
    ReportNotText: 415,
    ReportParseError: 422,
    TooManyRequests: 429,
    IndexNotReady: 503,
    StorageError: 507,
    SiteUnreachable: 502,
}
HEADERS: dict[type[QAError], dict[str, str]] = {
    Unauthorized: {"WWW-Authenticate": 'Bearer realm="peel-qa admin"'},
}


def status_of(exc: QAError) -> int:
    """The HTTP status of an error: that of its nearest class with one, else 500."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def headers_of(exc: QAError) -> dict[str, str]:
    """Extra response headers an error needs (the auth scheme of a 401, when to retry)."""
    if isinstance(exc, TooManyRequests):
        return {"Retry-After": str(max(1, math.ceil(exc.retry_after)))}
    for cls in type(exc).__mro__:
        if cls in HEADERS:
            return HEADERS[cls]
    return {}


def http_message(exc: QAError) -> str:
    """An error's message for an HTTP client: what to do in terms HTTP offers."""
    if isinstance(exc, IndexNotReady):
        return _CLI_REBUILD.sub(HTTP_REBUILD, exc.message)
    return exc.message


def error_response(status: int, code: str, message: str, headers: dict | None = None):
    """JSON under /api/, a plain HTML page everywhere else."""
    if request.path in ("/api", "/mcp") or request.path.startswith("/api/"):
        return jsonify(shapes.error(code, message)), status, headers or {}
    page = render_template("error.html", status=status, message=message)
    return page, status, headers or {}


def register_errors(app: Flask) -> None:
    """Turn our errors, Flask's and unexpected ones into the error shape."""

    @app.errorhandler(QAError)
    def qa_error(exc: QAError):
        return error_response(status_of(exc), exc.code, http_message(exc), headers_of(exc))

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
            setting = g.get("limit_setting", "QA_MAX_CONTENT_LENGTH")  # a route's own limit
            message = f"the request is over the limit of {limit:,} bytes ({setting})"
            if request.content_length is not None and request.content_length <= limit:
                parts = request.max_form_parts or 0
                message = f"the multipart body has more than {parts:,} parts"
        allow = {k: v for k, v in exc.get_headers() if k == "Allow"}  # 405 says what is
        return error_response(exc.code or 500, code, message, allow)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unexpected error")
        return error_response(500, "internal", "internal error; see the server log")

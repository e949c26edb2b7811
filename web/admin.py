"""The admin endpoints: upload report files and rebuild, behind a bearer token."""

from __future__ import annotations

import hmac
from collections.abc import Sequence

from flask import Blueprint, current_app, jsonify, request, url_for
from werkzeug.datastructures import FileStorage

from common.errors import (
    BadFileName,
    BadRequest,
    Forbidden,
    QAError,
    Unauthorized,
    UnsupportedMediaType,
)
from corpus.reports import (
    ADDED,
    REFUSED,
    NewReport,
    Outcome,
    add_reports,
    check_report_name,
    refusal,
    with_source_urls,
)
from index.jobs import RebuildJob
from web import shapes

admin = Blueprint("admin", __name__)

# What browsers and curl send for a .txt, .html or .pdf file, and what clients send when
# they do not say. The parser tells the three apart by their bytes.
REPORT_TYPES = (
    "text/plain",
    "text/html",
    "application/xhtml+xml",
    "application/pdf",
    "application/octet-stream",
    "",
)
UPLOAD_FIELD = "file"
SOURCE_FIELD = "source"  # the published report's address: none, or one per file in order


def require_admin(token: str | None, authorization: str | None) -> None:
    """Pass when the Authorization header carries the configured admin token."""
    if not token:
        raise Forbidden(
            "the admin endpoints are switched off: set QA_ADMIN_TOKEN to a long random secret "
            "(for example the output of "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(32))') and restart the server"
        )
    scheme, _, given = (authorization or "").strip().partition(" ")
    given = given.strip()
    if scheme.lower() != "bearer" or not given:
        raise Unauthorized("send the admin token in the header 'Authorization: Bearer <token>'")
    # Constant time, so the answer's timing does not reveal how much of a guess was right.
    if not hmac.compare_digest(given.encode("utf-8"), str(token).encode("utf-8")):
        raise Unauthorized("the admin token is not the one configured in QA_ADMIN_TOKEN")


def read_uploads(
    mimetype: str, files: Sequence[FileStorage], sources: Sequence[str] = ()
) -> tuple[list[NewReport], list[Outcome]]:
    """The report files of a multipart upload, each with the published address ``sources``
    gives it (none, or one per file in order): those with a plain name and a report type,
    and the refusals of the others."""
    if mimetype != "multipart/form-data":
        raise UnsupportedMediaType(
            f"send the report files as multipart/form-data in the field '{UPLOAD_FIELD}' "
            f"(curl -F {UPLOAD_FIELD}=@report.txt), not {mimetype or 'an untyped body'}"
        )
    if not files:
        raise BadRequest(
            f"no report file: send one or more files in the multipart field '{UPLOAD_FIELD}'",
            "no_file",
        )
    given = [
        NewReport(name=u.filename or "", data=u.read(), source=u.filename or "") for u in files
    ]
    given = with_source_urls(given, sources)
    uploads, refused = [], []
    for upload, report in zip(files, given, strict=True):
        try:
            if not upload.filename:
                raise BadFileName(f"a file in the field '{UPLOAD_FIELD}' has no file name")
            name = check_report_name(upload.filename)
            if upload.mimetype not in REPORT_TYPES:
                raise UnsupportedMediaType(
                    f"{name} was sent as {upload.mimetype}: reports are text (text/plain), a "
                    "saved web page (text/html) or a PDF (application/pdf)"
                )
        except QAError as exc:
            refused.append(refusal(report.name, report.source, exc))
        else:
            uploads.append(report)
    return uploads, refused


def refused_error(refused: Sequence[Outcome]) -> QAError:
    """The error an upload of which nothing was added answers with: the refusal itself,
    or, for several, the first's kind with every refusal named."""
    first = refused[0].error
    if len(refused) == 1:
        return first
    message = f"no report was added; {len(refused)} files were refused: " + "; ".join(
        o.message if o.message.startswith(o.file) else f"{o.file}: {o.message}" for o in refused
    )
    # The first refusal's class (its status and code) with this message; made without
    # __init__, whose arguments differ from class to class.
    error = type(first).__new__(type(first), message)
    error.__dict__.update(first.__dict__, message=message)
    return error


@admin.before_request
def _check_token() -> None:
    require_admin(current_app.config["ADMIN_TOKEN"], request.headers.get("Authorization"))


def _job() -> RebuildJob:
    return current_app.extensions["rebuild_job"]


def _status(status: dict):
    return jsonify(shapes.rebuild_status(status))


@admin.post("/api/reports")
def add_report_files():
    uploads, refused = read_uploads(
        request.mimetype,
        request.files.getlist(UPLOAD_FIELD),
        request.form.getlist(SOURCE_FIELD),
    )
    outcomes = refused + (
        add_reports(current_app.config["REPORTS_DIR"], uploads) if uploads else []
    )
    added = any(o.status == ADDED for o in outcomes)
    refusals = [o for o in outcomes if o.status == REFUSED]
    if not added and refusals:
        raise refused_error(refusals)
    # Every file added is stored: a rebuild indexes them. Nothing added (copies only of
    # fuller files): nothing to rebuild, the answer says which file is kept instead.
    status = _job().start() if added else _job().status()
    body = {
        "added": shapes.added_reports(outcomes),
        "copies": shapes.copies_not_added(outcomes),
        "refused": shapes.refused_files(outcomes),
        "rebuild": shapes.rebuild_status(status),
    }
    if not added:
        return jsonify(body), 200
    return jsonify(body), 202, {"Location": url_for("admin.rebuild_status")}


@admin.get("/api/reports/rebuild")
def rebuild_status():
    return _status(_job().status())


@admin.post("/api/reports/rebuild")
def start_rebuild():
    # e.g. to retry one that failed, once the disk has room again; refused (409) while one
    # runs, here or in another worker: uploads queue instead
    return _status(_job().start(queue=False)), 202, {"Location": url_for("admin.rebuild_status")}

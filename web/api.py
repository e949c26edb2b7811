"""The JSON API under /api/ (the admin endpoints are in web/admin.py)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from common.errors import IndexNotReady
from corpus.fetch.coverage import coverage
from index.jobs import RebuildJob
from index.rebuild import Rebuilder
from qa.engine import Engine
from qa.examples import example_questions
from qa.grades import filter_cells, grade_cells, parse_grade_query
from qa.history import force_history
from qa.request import decode_json, parse_ask
from web import shapes
from web.openapi import index_values, openapi_document

api = Blueprint("api", __name__, url_prefix="/api")


# Said while a first run serves a build of the base model and adapts it in the background.
MODEL_NOTE = (
    "Answers come from the general {model} model for now: it is being adapted to the "
    "language of these reports in the background (a few minutes), and the adapted index "
    "takes over without a restart. Until then answers may be less precise."
)
# Said instead once that background rebuild has failed (the server's latest rebuild).
MODEL_FAILED_NOTE = (
    "Answers come from the general {model} model: adapting it to the language of these "
    "reports failed: {reason}. It is tried again at the next rebuild or when the server "
    "next starts; until then answers may be less precise."
)
REASON_CHARS = 200  # the failure's message is cut to its first clause, at most this long
WAITING_NAMES = 5  # the waiting note names this many files, then counts the rest


def _waiting() -> list[str]:
    """The report files added to the folder (or changed) that no build holds yet (the
    current one, which every worker serves within a second of its making)."""
    rebuilder: Rebuilder = current_app.extensions["rebuilder"]
    behind = rebuilder.behind() or {}
    return sorted({*behind.get("added", ()), *behind.get("changed", ())})


def _waiting_note(names: list[str]) -> str | None:
    """What the chat page says while reports wait to be indexed."""
    if not names:
        return None
    job: RebuildJob = current_app.extensions["rebuild_job"]
    shown = ", ".join(names[:WAITING_NAMES])
    if len(names) > WAITING_NAMES:
        shown += f" and {len(names) - WAITING_NAMES} more"
    one = len(names) == 1
    note = (
        f"{len(names)} report file{'' if one else 's'} added to the reports folder "
        f"{'is' if one else 'are'} waiting to be indexed ({shown}): answers do not draw on "
        f"{'it' if one else 'them'} yet."
    )
    state = job.state()
    if state == "failed":
        return note + " The last rebuild failed; an administrator can see why."
    if state not in ("idle", "done"):
        return note + " The index is being rebuilt."
    return note


def _engine() -> Engine:
    return current_app.extensions["qa"]


def _adapting(manifest: dict) -> tuple[str, str, str] | None:
    """(health status, note, rebuild state) while the build served was made with the base
    model and the adapted one is still to come (index.adapt.ModelChoice.model_pending):
    "adapting" with MODEL_NOTE, or "adapting_failed" with MODEL_FAILED_NOTE when the
    server's latest rebuild, the one that adapts, failed. None otherwise."""
    rebuilder: Rebuilder = current_app.extensions["rebuilder"]
    if rebuilder.model.model_pending(manifest["model"]) is None:
        return None
    job: RebuildJob = current_app.extensions["rebuild_job"]
    rebuild = job.status()
    model = manifest["model"]["name"]
    if rebuild["state"] == "failed":
        reason = _short_reason(rebuild.get("message"))
        return "adapting_failed", MODEL_FAILED_NOTE.format(model=model, reason=reason), "failed"
    return "adapting", MODEL_NOTE.format(model=model), rebuild["state"]


def _model_note(manifest: dict) -> str | None:
    adapting = _adapting(manifest)
    return adapting[1] if adapting else None


def _short_reason(message: object) -> str:
    """A failed rebuild's message up to its first clause (it goes on to say the previous
    index is still served), cut to REASON_CHARS."""
    reason = str(message or "no reason was given").split("; ")[0].strip().rstrip(".")
    if len(reason) > REASON_CHARS:
        reason = reason[: REASON_CHARS - 1].rstrip() + "\u2026"
    return reason


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
            "model_note": _model_note(loaded.index.manifest),
            "waiting_note": _waiting_note(_waiting()),
            "coverage": shapes.coverage(
                coverage(current_app.config["REPORTS_DIR"], loaded.index.reports)
            ),
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
    try:  # the values the index served lets a request name (none while it is not ready)
        values = index_values(_engine().loaded)
    except IndexNotReady:
        values = None
    return jsonify(openapi_document(values))


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
    if adapting := _adapting(index.manifest):
        status, note, rebuild = adapting
        body.update(status=status, model_note=note, rebuild=rebuild)
    if behind := rebuilder.behind():
        body.update(status="behind", behind=behind, rebuild=job.state())
        if waiting := sorted({*behind["added"], *behind["changed"]}):
            body["waiting"] = waiting  # added to the folder, in no build yet
    if engine.damage_on_disk:
        body.update(status="damaged", damaged=engine.damage_on_disk)
    return jsonify(body)

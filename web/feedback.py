"""Readers' verdicts on answers: POST /api/feedback (stored by index/feedback.py) and
`flask --app app feedback export` (CSV).

Limits: a body of at most QA_FEEDBACK_MAX_BYTES; per client (its address, held in this
process's memory only, never stored) QA_FEEDBACK_BURST verdicts at once, then
QA_FEEDBACK_PER_MINUTE; across every client QA_FEEDBACK_TOTAL_PER_MINUTE (with a burst of
as many). Over a limit is 429 in the JSON error shape, with Retry-After; nothing else the
service does is slowed by it.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import click
from flask import Blueprint, Flask, current_app, g, jsonify, request
from flask.cli import AppGroup

from common.errors import IndexNotReady, QAError, TooManyRequests
from common.ratelimit import TokenBuckets
from index.feedback import COLUMNS, FeedbackStore, Verdict
from qa.feedback import FeedbackBody
from qa.request import decode_json

feedback = Blueprint("feedback", __name__)
feedback_cli = AppGroup("feedback", help="What readers said about answers.")

DEFAULTS = {
    "FEEDBACK_DB": None,  # None: feedback.sqlite beside the index folder (var/)
    "FEEDBACK_MAX_BYTES": 16 * 1024,
    "FEEDBACK_PER_MINUTE": 10,
    "FEEDBACK_BURST": 20,
    "FEEDBACK_TOTAL_PER_MINUTE": 300,
}
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def init_app(app: Flask) -> None:
    """Settings (QA_FEEDBACK_* override them), the store, the limits, the route, the CLI."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    path = app.config["FEEDBACK_DB"] or Path(app.config["INDEX_DIR"]).parent / "feedback.sqlite"
    per_client = float(app.config["FEEDBACK_PER_MINUTE"]) / 60
    total = float(app.config["FEEDBACK_TOTAL_PER_MINUTE"])
    app.extensions.update(
        feedback=FeedbackStore(path),
        feedback_limits=(
            TokenBuckets(per_client, float(app.config["FEEDBACK_BURST"])),
            TokenBuckets(total / 60, max(1.0, total)),
        ),
    )
    app.register_blueprint(feedback)
    app.cli.add_command(feedback_cli)


def _limited() -> None:
    """TooManyRequests when this client, or every client together, is over its limit."""
    per_client, everyone = current_app.extensions["feedback_limits"]
    wait = per_client.take(request.remote_addr or "unknown")
    if wait:
        raise TooManyRequests(
            f"too much feedback from this client: try again in {wait:.0f} s", wait
        )
    wait = everyone.take("*")
    if wait:
        raise TooManyRequests(f"too much feedback just now: try again in {wait:.0f} s", wait)


def _build_id() -> str | None:
    try:
        return current_app.extensions["qa"].index.manifest["build_id"]
    except IndexNotReady:
        return None


@feedback.post("/api/feedback")
def post_feedback():
    _limited()  # before the body is read: a flood costs next to nothing
    g.limit_setting = "QA_FEEDBACK_MAX_BYTES"
    request.max_content_length = int(current_app.config["FEEDBACK_MAX_BYTES"])
    body = FeedbackBody.model_validate(decode_json(request.get_data(cache=False)))
    stored = current_app.extensions["feedback"].add(
        Verdict(
            question=body.question,
            verdict=body.verdict,
            passage_ids=tuple(body.passage_ids),
            answer=body.answer,
            note=body.note,
            build_id=_build_id(),
        )
    )  # committed to disk: only now is it acknowledged
    return jsonify({"id": stored.id, "verdict": stored.verdict, "received": stored.received}), 201


def csv_cell(value: object) -> str:
    """A value as a CSV cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


@feedback_cli.command("export")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (default: standard output).",
)
@click.option("--verdict", type=click.Choice(["right", "wrong"]), help="Only these verdicts.")
def export(output: Path | None, verdict: str | None) -> None:
    """Write every stored verdict as CSV: id, received (day), verdict, question, answer,
    passage_ids (space-separated), note, build_id. A cell starting with = + - @ is
    written with a leading ' so that a spreadsheet shows it rather than running it."""
    store: FeedbackStore = current_app.extensions["feedback"]
    try:
        handle = output.open("w", newline="", encoding="utf-8") if output else sys.stdout
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}") from None
    count = 0
    try:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in store.rows(verdict):
            values = [getattr(row, c) for c in COLUMNS]
            values[COLUMNS.index("passage_ids")] = " ".join(row.passage_ids)
            writer.writerow([csv_cell(v) for v in values])
            count += 1
    except QAError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        if output:
            handle.close()
    if output:
        click.echo(f"{count} verdict(s) written to {output}.", err=True)

"""`flask --app app index ...`: build the index from the reports folder."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from corpus.errors import QAError
from corpus.reports import load_reports, report_files
from index.encoder import file_sha256, model_fingerprint
from index.store import build_index, stale_reason

index_cli = AppGroup("index", help="Build the search index from the reports folder.")


@index_cli.command("rebuild")
@click.option("--if-stale", is_flag=True, help="Only rebuild when reports or model changed.")
def rebuild(if_stale: bool) -> None:
    """Parse every report, embed its paragraphs and write a fresh index."""
    config = current_app.config
    engine = current_app.extensions["qa"]
    try:
        if if_stale:
            checksum = (
                engine.encoder.checksum
                if config["ENCODER"] is not None
                else model_fingerprint(config["MODEL"])[1]
            )
            files = {p.name: file_sha256(p) for p in report_files(config["REPORTS_DIR"])}
            reason = stale_reason(config["INDEX_DIR"], files, checksum)
            if reason is None:
                click.echo(f"Index up to date ({config['INDEX_DIR']}).")
                return
            click.echo(f"Rebuilding: {reason}.")
        start = time.perf_counter()
        # Every report parses before anything is written.
        parsed = load_reports(config["REPORTS_DIR"])
        total = sum(len(ps) for _, ps in parsed)
        encoder = engine.encoder
        with click.progressbar(length=total, label="Embedding passages", file=None) as bar:
            manifest = build_index(parsed, encoder, config["INDEX_DIR"], progress=bar.update)
    except QAError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(
        f"Indexed {manifest['passages']} passages from {len(parsed)} report(s) "
        f"in {time.perf_counter() - start:.1f} s into {config['INDEX_DIR']}."
    )

"""`flask --app app index ...`: build the index from the reports folder."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from corpus.errors import QAError
from corpus.reports import load_reports, report_files
from corpus.sentences import sentence_spans
from index.adapt import adapted_encoder
from index.encoder import Encoder, SentenceEncoder, file_sha256, model_fingerprint
from index.store import build_index, read_manifest, stale_reason


def build_encoder(config, passages, readapt: bool) -> Encoder:
    """The encoder to build with: the test seam, the adapted model, or the base model."""
    if config["ENCODER"] is not None:
        return config["ENCODER"]
    if not config["ADAPT_MODEL"]:
        return SentenceEncoder(config["MODEL"])
    previous = read_manifest(config["INDEX_DIR"])
    return adapted_encoder(
        config["MODEL"],
        config["MODELS_DIR"],
        passages,
        previous=previous["model"] if previous else None,
        retrain=readapt,
        progress_factory=lambda n: click.progressbar(
            length=n, label="Adapting the model to the reports (once)"
        ),
    )


index_cli = AppGroup("index", help="Build the search index from the reports folder.")


@index_cli.command("rebuild")
@click.option("--if-stale", is_flag=True, help="Only rebuild when reports or model changed.")
@click.option("--readapt", is_flag=True, help="Adapt the model to the reports afresh.")
def rebuild(if_stale: bool, readapt: bool) -> None:
    """Parse every report, embed its paragraphs and write a fresh index."""
    config = current_app.config
    engine = current_app.extensions["qa"]
    try:
        if if_stale:
            checksum = (
                config["ENCODER"].checksum
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
        encoder = build_encoder(config, [p for _, ps in parsed for p in ps], readapt)
        total = sum(len(ps) + sum(len(sentence_spans(p.text)) for p in ps) for _, ps in parsed)
        with click.progressbar(length=total, label="Embedding passages and sentences") as bar:
            manifest = build_index(parsed, encoder, config["INDEX_DIR"], progress=bar.update)
        engine.reload()
    except QAError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(
        f"Indexed {manifest['passages']} passages from {len(parsed)} report(s) "
        f"in {time.perf_counter() - start:.1f} s into {config['INDEX_DIR']}."
    )

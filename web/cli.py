"""`flask --app app index ...` and `flask --app app reports ...`: the Flask CLI wiring of
the reports folder (corpus/) and the index built from it (index/)."""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from common.errors import QAError, RebuildBusy
from corpus.fetch import fetch_reports
from corpus.fetch.coverage import coverage
from corpus.fetch.state import FetchState
from corpus.reports import (
    ADDED,
    COPY,
    READ,
    REFUSED,
    REPORT_SUFFIXES,
    NewReport,
    Outcome,
    add_reports,
    check_reports,
    remove_report,
    report_files,
    with_source_urls,
)
from index.encoder import steps
from index.listing import indexed_reports, list_reports
from index.rebuild import STEPS, Rebuilder, RebuildSummary
from index.store import build_lock, check_current, restore_build
from web import fetch_cli, shapes

index_cli = AppGroup("index", help="Build the search index from the reports folder.")
reports_cli = AppGroup("reports", help="Add, list and remove report files (and rebuild).")

WAIT_HELP = "Seconds to wait for a rebuild already running to finish."
BUSY_POLL_SECONDS = 1.0  # waiting for another rebuild: how often to look again
BUSY_REPORT_SECONDS = 15.0  # and how often to say how far it has got, within one step


def errors_as_exit(command: Callable) -> Callable:
    """Our errors become their message and exit status 1 (click.ClickException)."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except QAError as exc:
            raise click.ClickException(exc.message) from None

    return run


class _ProgressBar:
    """Click progress bars that appear when adapting or embedding starts (not if there is
    nothing to do); a line for each other step ("Reading the reports...")."""

    LABELS = {
        "adapting": "Adapting the model to the reports (once)",
        "embedding": "Embedding passages and sentences",
    }

    def __init__(self) -> None:
        self._bar = None
        self._stage: str | None = None
        self._shown = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.LABELS:
            if stage != self._stage and stage in STEPS:
                self.say(STEPS[stage])
            self._stage = stage
            return
        if stage != self._stage:
            self.close()
            self._bar = click.progressbar(length=total, label=self.LABELS[stage])
            self._bar.__enter__()
            self._stage, self._shown = stage, 0
        self._bar.update(done - self._shown)
        self._shown = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None

    def say(self, step: str) -> None:
        """One step as a line of its own ("Loading the model ..."), after any bar."""
        self.close()
        click.echo(f"{step[:1].upper()}{step[1:]}...")


class _StepLines(logging.Handler):
    """The model's steps (index.encoder.steps) as lines of the command's output."""

    def __init__(self, bar: _ProgressBar) -> None:
        super().__init__(logging.INFO)
        self.bar = bar

    def emit(self, record: logging.LogRecord) -> None:
        self.bar.say(record.getMessage())


@contextlib.contextmanager
def _steps_shown(bar: _ProgressBar) -> Iterator[None]:
    handler = _StepLines(bar)
    level, steps.level = steps.level, logging.INFO
    steps.addHandler(handler)
    try:
        yield
    finally:
        steps.removeHandler(handler)
        steps.setLevel(level)


def _rebuild(
    full: bool = False, wait: float | None = 0.0, readapt: bool = False, adapt_later: bool = False
) -> None:
    """Run one rebuild, printing its progress and summary."""
    rebuilder: Rebuilder = current_app.extensions["rebuilder"]
    bar = _ProgressBar()
    options = {"full": full, "progress": bar, "readapt": readapt, "adapt_later": adapt_later}
    try:
        with _steps_shown(bar):
            try:
                summary = rebuilder.run(wait=0, **options)
            except RebuildBusy as exc:
                if wait == 0:
                    raise RebuildBusy(
                        f"{exc.message}; try again when it has finished, or pass --wait SECONDS"
                    ) from None
                summary = _run_when_free(rebuilder, wait, options)
    finally:
        bar.close()
    for line in summary.lines(rebuilder.index_dir):
        click.echo(line)


def _run_when_free(rebuilder: Rebuilder, wait: float | None, options: dict) -> RebuildSummary:
    """Wait for the rebuild running elsewhere (up to ``wait`` seconds; None: as long as it
    takes), saying what it is doing and how far it has got, then run this one."""
    lock = build_lock(rebuilder.index_dir)
    deadline = None if wait is None else time.monotonic() + wait
    said: tuple[object, float] = (object(), float("-inf"))  # the step last told, and when
    while True:
        info = lock.holder_info() or {}
        step, now = info.get("doing"), time.monotonic()
        if step != said[0] or now - said[1] >= BUSY_REPORT_SECONDS:
            click.echo(f"Waiting for the rebuild already running ({lock.holder()}).")
            said = (step, now)
        poll = BUSY_POLL_SECONDS if deadline is None else max(0.0, deadline - now)
        try:
            return rebuilder.run(wait=min(poll, BUSY_POLL_SECONDS), **options)
        except RebuildBusy:
            if deadline is not None and time.monotonic() >= deadline:
                raise


@index_cli.command("rebuild")
@click.option("--full", is_flag=True, help="Embed every passage afresh, ignoring the cache.")
@click.option(
    "--if-stale",
    is_flag=True,
    help="Kept for old scripts: every rebuild now does nothing when nothing changed.",
)
@click.option("--readapt", is_flag=True, help="Adapt the model to the reports afresh.")
@click.option(
    "--adapt-later",
    is_flag=True,
    help="If the model is not adapted to the reports yet, build with the base model now and "
    "leave adapting to the server, which does it in the background (make run).",
)
@click.option("--wait", type=float, default=0.0, show_default=True, help=WAIT_HELP)
@errors_as_exit
def rebuild(full: bool, if_stale: bool, readapt: bool, adapt_later: bool, wait: float) -> None:
    """Parse every report, embed the paragraphs not embedded before, swap the new index in."""
    _rebuild(full=full, wait=wait, readapt=readapt, adapt_later=adapt_later)


@index_cli.command("restore")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--wait", type=float, default=0.0, show_default=True, help=WAIT_HELP)
@errors_as_exit
def restore(folder: Path, wait: float) -> None:
    """Put a backed-up build folder back and make it the current index.

    Every file is checked against the backup's manifest first; a damaged backup changes
    nothing. A running server switches to it within a second.
    """
    index_dir = current_app.config["INDEX_DIR"]
    manifest = restore_build(index_dir, folder, wait=wait)
    click.echo(
        f"Restored {folder}: build {manifest['build_id']} is now current in {index_dir} "
        f"({manifest['passages']} passages, {len(manifest['reports'])} report(s))."
    )


@index_cli.command("verify")
@errors_as_exit
def verify() -> None:
    """Check every file of the current build against its manifest's checksums.

    Start-up checks only sizes and the manifest's own checksum; this reads every file.
    """
    index_dir = current_app.config["INDEX_DIR"]
    folder, manifest = check_current(index_dir, verify_files=True)
    click.echo(
        f"Build {manifest['build_id']} in {folder} is whole: {len(manifest['files'])} files "
        "match their checksums."
    )


@reports_cli.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--replace", is_flag=True, help="Overwrite a report file of the same name.")
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="URL",
    help="The http(s) address of the published report; once per file, in the same order.",
)
@click.option("--wait", type=float, default=None, help=WAIT_HELP + "  [default: no limit]")
@errors_as_exit
def add(
    files: tuple[Path, ...], replace: bool, sources: tuple[str, ...], wait: float | None
) -> None:
    """Copy report files into the reports folder, then rebuild the index.

    A folder given stands for the report files in it (.txt, .html, .htm, .pdf; not its
    subfolders).

    Says what became of each file: added; a copy of the same page as another file (given
    or already stored), and which is kept and why; or refused, and why. Every file that
    can be added is; the rest are not copied. Exits non-zero when any file was refused.
    The passage page links to the published report when --source gives its address (one
    --source per file, in order); a file replaced without --source has none.
    """
    files = _in_folders(files)
    new = [NewReport(name=path.name, data=_read(path), source=str(path)) for path in files]
    new = with_source_urls(new, sources)
    outcomes = add_reports(current_app.config["REPORTS_DIR"], new, replace=replace)
    for outcome in outcomes:
        _print_outcome(outcome)
        if outcome.status == ADDED and outcome.report.source_url:
            click.echo(f"  published at {outcome.report.source_url}")
    click.echo(_tally(outcomes))
    if any(o.status == ADDED for o in outcomes):
        _rebuild(wait=wait)
    if any(o.status == REFUSED for o in outcomes):
        raise SystemExit(1)


def _print_outcome(outcome: Outcome) -> None:
    if outcome.status == ADDED:
        click.echo(f"Added {outcome.file}: {outcome.message}.")
    elif outcome.status == COPY:
        click.echo(f"Not added {outcome.file}: {outcome.message}.")
    elif outcome.message.startswith(outcome.source):  # the parser names the file and line
        click.echo(f"Refused: {outcome.message}")
    else:
        click.echo(f"Refused {outcome.file}: {outcome.message}")


def _tally(outcomes: list[Outcome], done: str = ADDED) -> str:
    count = {s: sum(1 for o in outcomes if o.status == s) for s in (done, COPY, REFUSED)}
    copies = "copies of a fuller file, not added" if done == ADDED else "copies"
    return f"{count[done]} {done}, {count[COPY]} {copies}, {count[REFUSED]} refused."


def _in_folders(files: tuple[Path, ...]) -> tuple[Path, ...]:
    """The paths given, a folder among them replaced by the report files in it, in name
    order: adding or checking a whole folder of saved pages is one command."""
    out: list[Path] = []
    for path in files:
        if not path.is_dir():
            out.append(path)
            continue
        found = report_files(path)
        if not found:
            raise click.ClickException(
                f"{path} is a folder with no report files ({', '.join(REPORT_SUFFIXES)}) in it"
            )
        out.extend(found)
    return tuple(out)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror}") from None


@reports_cli.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file, in a list.")
def check(files: tuple[Path, ...], as_json: bool) -> None:
    """Parse report files and say what each is; writes nothing, builds nothing.

    Each file is read (layout, force, cycle, page, units and grades), a copy of the same
    page as another file given or already in the reports folder (which one `reports add`
    would keep, and why), or refused (why). Exits non-zero when any file is refused. A
    folder given stands for the report files in it, as for `reports add`.
    """
    outcomes = check_reports(_in_folders(files), current_app.config["REPORTS_DIR"])
    results = [shapes.checked_report(o) for o in outcomes]
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=1))
    else:
        for outcome, result in zip(outcomes, results, strict=True):
            _print_check(outcome, result)
        click.echo(_tally(outcomes, READ))
    if any(o.status == REFUSED for o in outcomes):
        raise SystemExit(1)


def _print_check(outcome: Outcome, item: dict) -> None:
    if outcome.status == REFUSED:
        click.echo(f"{item['file']}: REFUSED: {item['message']}")
        return
    pillar = item["pillar"] or "-"
    click.echo(
        f"{item['file']}: {item['layout']} ({item['format']}), {item['force']}, "
        f"{item['year']}, pillar {pillar}, {item['passages']} passages"
    )
    if outcome.status == COPY:
        click.echo(f"  COPY: {outcome.message}")
    for aside in outcome.kept_over:
        click.echo(f"  kept over its copy {aside.copy.name}: {aside.reason}")
    for unit in item["units"]:
        grade = unit["grade"] or "no grade"
        if unit["carried_over"]:
            grade += ", carried over"
        title = f" {unit['title']}" if unit["title"] and unit["title"] != unit["label"] else ""
        click.echo(f"  {unit['label']}:{title} ({grade})")
    for warning in item["warnings"]:
        click.echo(f"  warning: {warning}")


@reports_cli.command("remove")
@click.argument("name")
@click.option("--wait", type=float, default=None, help=WAIT_HELP + "  [default: no limit]")
@errors_as_exit
def remove(name: str, wait: float | None) -> None:
    """Delete one report file (by its file name) from the reports folder, then rebuild."""
    removed = remove_report(current_app.config["REPORTS_DIR"], name)
    click.echo(f"Removed {removed}.")
    _rebuild(wait=wait)


@reports_cli.command("list")
@errors_as_exit
def list_command() -> None:
    """The report files, what each is, and whether the current index has it."""
    config = current_app.config
    listing = list_reports(config["REPORTS_DIR"], config["INDEX_DIR"])
    width = max((len(f.name) for f, _ in listing.files), default=0)
    for f, state in listing.files:
        if f.report is None:
            click.echo(f"{f.name:<{width}}  does not parse: {f.error}")
        else:
            click.echo(f"{f.name:<{width}}  {f.report.title}, {f.passages} passages, {state}")
        if f.source_url:
            click.echo(f"{'':<{width}}  published at {f.source_url}")
    for name in listing.removed:
        click.echo(f"{name:<{width}}  removed from the folder but still indexed")
    click.echo(f"{len(listing.files)} report file(s) in {config['REPORTS_DIR']}.")


@reports_cli.command("fetch")
@click.option(
    "--force",
    "force_names",
    multiple=True,
    metavar="NAME",
    help="A force, any spelling the force list knows (repeatable).",
)
@click.option(
    "--cycle",
    "asked_cycles",
    multiple=True,
    metavar="YEAR",
    help="2014, 2015, 2016, 2017, 2018, 2021 or 2023 (repeatable).",
)
@click.option(
    "--all", "every", is_flag=True, help="Every force (of the cycles given, or of every cycle)."
)
@click.option("--dry-run", is_flag=True, help="List what would be asked for; make no request.")
@click.option(
    "--base-url",
    metavar="URL",
    help="The site, or a mirror  [default: QA_FETCH_BASE_URL, else the inspectorate's site]",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="HOST[:PORT]",
    help="Another host redirects may lead to (repeatable).",
)
@click.option(
    "--delay",
    type=float,
    help="Seconds between requests  [default: QA_FETCH_DELAY, else 1; at least 1 unless "
    "the server is on this machine]",
)
@click.option(
    "--contact",
    metavar="E-MAIL|URL",
    help="How the site's operators can reach you, sent in the User-Agent  "
    "[default: QA_FETCH_CONTACT]",
)
@click.option(
    "--max-bytes",
    "max_page_bytes",
    type=int,
    help="Largest page or PDF, in bytes  [default: 25 MB]",
)
@click.option(
    "--max-total-bytes",
    "max_total_bytes",
    type=int,
    help="Most bytes one run downloads  [default: 2 GB]",
)
@click.option("--page-seconds", type=float, help="Longest one answer may take  [default: 120]")
@click.option(
    "--timeout", type=float, help="Longest wait to connect or for the next bytes  [default: 30]"
)
@click.option(
    "--fresh",
    is_flag=True,
    help="Ask for every page in full, as if never fetched, and again for force-cycles the "
    "site did not have (otherwise asked again after a week).",
)
@click.option("--wait", type=float, default=None, help=WAIT_HELP + "  [default: no limit]")
@errors_as_exit
def fetch(
    force_names,
    asked_cycles,
    every,
    dry_run,
    base_url,
    allow_hosts,
    delay,
    contact,
    max_page_bytes,
    max_total_bytes,
    page_seconds,
    timeout,
    fresh,
    wait,
) -> None:
    """Fetch published PEEL reports by force and cycle, add them, and rebuild once.

    Politely: one request at a time with a delay, robots.txt obeyed, 429 and 503 retried
    after the wait asked for, and only what changed since the last run downloaded again.
    A run that is stopped (even killed) carries on where it stopped when run again.
    """
    config = current_app.config
    targets = fetch_cli.targets_of(force_names, asked_cycles, every)
    limits = {
        "max_page_bytes": max_page_bytes,
        "max_total_bytes": max_total_bytes,
        "page_seconds": page_seconds,
        "timeout": timeout,
    }
    settings = fetch_cli.fetch_settings(config, base_url, allow_hosts, delay, contact, limits)
    reports_dir = config["REPORTS_DIR"]
    if dry_run:
        fetch_cli.show_plan(targets, settings, FetchState.load(reports_dir))
        return
    click.echo(f"Fetching {len(targets)} force-cycle(s) from {settings.base_url}:")
    report = fetch_reports(reports_dir, targets, settings, fetch_cli.show_outcome, fresh=fresh)
    if report.added:  # said as `reports add` says it
        for outcome in report.added:
            _print_outcome(outcome)
        click.echo(_tally(report.added))
    try:
        if any(o.status == ADDED for o in report.added):
            _rebuild(wait=wait)  # one rebuild for the whole batch
        else:
            click.echo("Nothing new to index.")
    finally:
        fetch_cli.show_summary(report, FetchState.load(reports_dir), targets)
    if report.result.stopped:
        raise SystemExit(1)


@reports_cli.command("coverage")
@click.option(
    "--json", "as_json", is_flag=True, help="The table as JSON, as /api/reports gives it."
)
@errors_as_exit
def coverage_command(as_json: bool) -> None:
    """Each force by cycle: indexed, fetched but refused (why), not found, not fetched yet."""
    config = current_app.config
    table = coverage(config["REPORTS_DIR"], indexed_reports(config["INDEX_DIR"]))
    if as_json:
        click.echo(json.dumps(shapes.coverage(table), ensure_ascii=False, indent=1))
    else:
        fetch_cli.show_coverage(table)

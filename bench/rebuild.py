"""Measure rebuild times with the real model on a synthetic corpus (not a test: figures only).

    .venv/bin/python -m bench.rebuild [--reports 100] [--paragraphs 100]

Writes ``--reports`` made-up reports of ``--paragraphs`` paragraphs each (bench/synthetic.py:
sentences of the shipped report recombined, every page marked SYNTHETIC) into a temporary
folder, then times, in one process with the model already loaded:

1. the first build (nothing cached: a full rebuild),
2. a rebuild with nothing changed,
3. a rebuild after adding one more report,
4. ``--full`` (every passage afresh, cache ignored),

and, as separate ``flask`` processes (start-up included), the no-change rebuild and
another one-report addition.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import tempfile
import time
from pathlib import Path

from bench.synthetic import report_name, report_page, sentence_pool
from corpus.reports import report_files
from index.encoder import SentenceEncoder
from index.rebuild import LoadedModel, Rebuilder

ROOT = Path(__file__).resolve().parents[1]


def timed(label: str, action) -> float:
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    extra = ""
    if result is not None and hasattr(result, "embedded"):
        extra = f" (embedded {result.embedded}, reused {result.reused}, {result.passages} passages)"
    print(f"{label:<52} {seconds:8.2f} s{extra}", flush=True)
    return seconds


def flask(reports: Path, index: Path, *args: str) -> None:
    env = dict(os.environ, QA_REPORTS_DIR=str(reports), QA_INDEX_DIR=str(index))
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "flask"), "--app", "app", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100)
    parser.add_argument("--paragraphs", type=int, default=100)
    args = parser.parse_args()
    rng = random.Random(0)
    pool = sentence_pool()
    with tempfile.TemporaryDirectory(prefix="bench-rebuild-") as tmp:
        reports, index = Path(tmp) / "reports", Path(tmp) / "index"
        reports.mkdir()
        for n in range(args.reports):
            page = report_page(n, args.paragraphs, pool, rng)
            (reports / report_name(n)).write_text(page, "utf-8")
        print(f"{len(report_files(reports))} reports x {args.paragraphs} paragraphs", flush=True)
        rebuilder = Rebuilder(reports, index, LoadedModel(SentenceEncoder()))

        def add_report(n: int) -> None:
            page = report_page(n, args.paragraphs, pool, rng)
            (reports / report_name(n)).write_text(page, "utf-8")

        full = timed("first build (nothing cached)", rebuilder.run)
        timed("rebuild, nothing changed", rebuilder.run)
        add_report(args.reports)
        one = timed("rebuild after adding one report", rebuilder.run)
        timed("rebuild --full", lambda: rebuilder.run(full=True))
        timed(
            "`flask index rebuild`, nothing changed (process)",
            lambda: flask(reports, index, "index", "rebuild"),
        )
        add_report(args.reports + 1)
        timed(
            "`flask index rebuild` after adding one (process)",
            lambda: flask(reports, index, "index", "rebuild"),
        )
        print(f"adding one report costs {100 * one / full:.1f}% of the first build")


if __name__ == "__main__":
    main()

"""Measure rebuild times with the real model on a synthetic corpus (not a test: figures only).

    .venv/bin/python bench/rebuild.py [--reports 100] [--paragraphs 100]

Writes ``--reports`` made-up reports of ``--paragraphs`` paragraphs each (sentences
recombined from the shipped report, every paragraph marked SYNTHETIC) into a temporary
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
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus.reports import report_files  # noqa: E402
from index.encoder import SentenceEncoder  # noqa: E402
from index.rebuild import LoadedModel, Rebuilder  # noqa: E402

SOURCE = ROOT / "corpus" / "reports" / "lancashire-2018-effectiveness.txt"


def sentences() -> list[str]:
    text = SOURCE.read_text("utf-8")
    found = re.findall(r"[A-Z][^.?!\n]{40,300}[.]", text)
    return sorted(set(found))


def report_page(number: int, paragraphs: int, pool: list[str], rng: random.Random) -> str:
    force = f"Benchshire {number:03d}"
    lines = [f"{force} PEEL 2019", "Effectiveness", "How effective is the force?"]
    lines += ["Last updated 01/02/2020", "Good"]
    per_question = max(1, (paragraphs - 1) // 3)
    bodies = [f"SYNTHETIC bench paragraph {number}-0. {rng.choice(pool)}"]
    for q in range(1, 4):
        count = per_question if q < 3 else paragraphs - 1 - 2 * per_question
        lines_q = [str(q), f"How well does the force do thing {q}?", "Good"]
        for p in range(count):
            body = " ".join(rng.sample(pool, rng.randint(2, 4)))
            lines_q.append(f"SYNTHETIC bench paragraph {number}-{q}-{p}. {body}")
        bodies.append(lines_q)
    out = lines + [bodies[0]]
    for block in bodies[1:]:
        out += block
    return "\n\n".join(out) + "\n"


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
    pool = sentences()
    with tempfile.TemporaryDirectory(prefix="bench-rebuild-") as tmp:
        reports, index = Path(tmp) / "reports", Path(tmp) / "index"
        reports.mkdir()
        for n in range(args.reports):
            page = report_page(n, args.paragraphs, pool, rng)
            (reports / f"bench-{n:03d}.txt").write_text(page, "utf-8")
        print(f"{len(report_files(reports))} reports x {args.paragraphs} paragraphs", flush=True)
        rebuilder = Rebuilder(reports, index, LoadedModel(SentenceEncoder()))

        def add_report(n: int) -> None:
            page = report_page(n, args.paragraphs, pool, rng)
            (reports / f"bench-{n:03d}.txt").write_text(page, "utf-8")

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

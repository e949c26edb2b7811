"""Write a synthetic scale corpus: report pages built from the real report's sentences.

    .venv/bin/python -m bench.corpus --passages 10000 [--out var/bench/corpus-10000]

Every page is well formed in the 2018/19 layout the parser reads (header, pillar,
headline question, date, grade, overview, numbered questions with grades and
sub-headings), for made-up forces over several years and all three pillars. Each
paragraph is two to five sentences of the shipped Lancashire report, verbatim but
recombined at random, so the text reads like a report and embeds like one, while the
overview of every page says in words that the report is SYNTHETIC. Not for answers:
only for measuring speed at scale. Writes exactly ``--passages`` passages.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

from corpus.parser import parse_report
from corpus.sentences import sentences

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "corpus" / "reports" / "lancashire-2018-effectiveness.txt"
DEFAULT_OUT = ROOT / "var" / "bench"
PER_REPORT = 100  # passages per page, about the size of a real PEEL pillar page
FORCES = [
    "Ashmoor", "Benchshire", "Calderwick", "Dunmere", "Eastvale", "Fenwold", "Greyhaven",
    "Harrowfield", "Ironbridge Vale", "Kestrel Downs", "Longmarsh", "Mireford", "Northwold",
    "Oakhollow", "Pennmoor", "Queensmere", "Redcastle", "Saltmarsh", "Thornbury Vale",
    "Upperdale", "Westmere", "Yarrowford",
]  # fmt: skip
YEARS = ["2017", "2018", "2019"]
GRADES = ["Outstanding", "Good", "Requires improvement", "Inadequate"]
PILLARS = {
    "Effectiveness": [
        "How effective is the force at preventing crime, tackling anti-social behaviour and "
        "keeping people safe?",
        "How effective is the force at investigating crime and reducing re-offending?",
        "How effective is the force at protecting those who are vulnerable from harm, and "
        "supporting victims?",
    ],
    "Efficiency": [
        "How well does the force assess and respond to current demand?",
        "How well does the force use its resources?",
        "How well is the force planning for the future?",
    ],
    "Legitimacy": [
        "To what extent does the force treat all of the people it serves with fairness and "
        "respect?",
        "How well does the force ensure that its workforce behaves ethically and lawfully?",
        "To what extent does the force treat its workforce with fairness and respect?",
    ],
}
SECTIONS = ["Findings", "Working with partners", "Understanding demand", "Leadership"]


def sentence_pool(source: Path = SOURCE) -> list[str]:
    """Distinct full sentences of the real report's paragraphs (no list items)."""
    _, passages = parse_report(source.read_bytes(), source.name)
    pool = {
        s
        for p in passages
        if "\n" not in p.text
        for s in sentences(p.text)
        if 40 <= len(s) <= 400 and s[0].isupper() and s.endswith(".")
    }
    return sorted(pool)


def report_page(number: int, paragraphs: int, pool: list[str], rng: random.Random) -> str:
    """One synthetic page of ``paragraphs`` passages (one overview paragraph included)."""
    combo = number % (len(FORCES) * len(YEARS) * len(PILLARS))
    force = FORCES[combo % len(FORCES)]
    year = YEARS[(combo // len(FORCES)) % len(YEARS)]
    pillar = list(PILLARS)[combo // (len(FORCES) * len(YEARS))]
    if number >= len(FORCES) * len(YEARS) * len(PILLARS):  # report ids must stay unique
        force = f"{force} {number}"
    lines = [
        f"{force} PEEL {year}",
        pillar,
        f"How {pillar.lower()[:-3] if pillar != 'Legitimacy' else 'legitimate'} is {force}?",
        "Last updated 01/02/2020",
        rng.choice(GRADES),
        f"SYNTHETIC benchmark report {number}: {force} is a made-up force, and every other "
        "paragraph of this page is sentences of a real report recombined at random.",
        f"Questions for {pillar}",
    ]
    body = paragraphs - 1
    counts = [body // 3 + (1 if q < body % 3 else 0) for q in range(3)]
    for q, (question, count) in enumerate(zip(PILLARS[pillar], counts, strict=True), start=1):
        lines += [str(q), question, rng.choice(GRADES)]
        for p in range(count):
            if p % 12 == 0:
                lines.append(SECTIONS[(p // 12) % len(SECTIONS)])
            lines.append(" ".join(rng.sample(pool, rng.randint(2, 5))))
        lines.append(f"Summary for question {q}")
    return "\n\n".join(lines) + "\n"


def report_name(number: int) -> str:
    return f"synthetic-{number:05d}.txt"


def write_corpus(passages: int, out: Path, seed: int = 0) -> int:
    """Replace ``out`` with synthetic report files holding exactly ``passages`` passages;
    returns the number of files."""
    if passages < 1:
        raise ValueError("--passages must be at least 1")
    pool = sentence_pool()
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / "README.synthetic").write_text(
        "SYNTHETIC: benchmark corpus written by `python -m bench.corpus`; not real reports.\n",
        "utf-8",
    )
    written, number = 0, 0
    while written < passages:
        want = min(PER_REPORT, passages - written)
        while True:  # a page of n paragraphs parses to n passages; check, never assume
            text = report_page(number, want, pool, rng)
            _, parsed = parse_report(text.encode("utf-8"), report_name(number))
            if len(parsed) <= passages - written or want == 1:
                break
            want -= len(parsed) - (passages - written)
        (out / report_name(number)).write_text(text, "utf-8")
        written += len(parsed)
        number += 1
    return number


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, required=True)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    out = args.out or DEFAULT_OUT / f"corpus-{args.passages}"
    files = write_corpus(args.passages, out, args.seed)
    print(f"Wrote {args.passages:,} passages in {files:,} synthetic report files to {out}")


if __name__ == "__main__":
    main()

"""The judging rule on its own: which report sentences say how well something works.

``python -m bench.judgements tests/data/round10a/judgements.jsonl`` reads lines of
``{"id", "question", "force", "year", "sentences": [{"text", "judges"}, ...]}``, written
blind from the reports (see that folder's README), and asks `qa.evaluation.judges` of
every sentence, as `pick_judgement` asks it: a report summary's sentence without the
findings words (a summary's shortcomings are of a whole question, not of one scheme).
It prints precision, recall and accuracy against the writer's marks, and with
``--show`` each sentence marked otherwise. Lines of ``{"text", "judges", "page"}``
(``tests/data/judging-real/sentences.jsonl``: sentences of real pages, marked alone) are
read as a detailed page's sentences.

No model and no index: the reports are parsed to know which sentences are a summary's.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.evaluate import _collapse
from corpus.parser import parse_file
from corpus.records import OVERVIEW, Passage
from qa.evaluation import judges

ROOT = Path(__file__).resolve().parents[1]
REPORTS = (ROOT / "corpus" / "reports", ROOT / "tests" / "data" / "multi")


@dataclass
class Tally:
    true_pos: int = 0
    false_pos: int = 0
    false_neg: int = 0
    true_neg: int = 0

    def add(self, got: bool, want: bool) -> None:
        if got and want:
            self.true_pos += 1
        elif got:
            self.false_pos += 1
        elif want:
            self.false_neg += 1
        else:
            self.true_neg += 1

    def figures(self) -> dict[str, float | int]:
        total = self.true_pos + self.false_pos + self.false_neg + self.true_neg
        return {
            "sentences": total,
            "precision": round(self.true_pos / max(1, self.true_pos + self.false_pos), 3),
            "recall": round(self.true_pos / max(1, self.true_pos + self.false_neg), 3),
            "accuracy": round((self.true_pos + self.true_neg) / max(1, total), 3),
        }


def _passages(force: str, year: str, folders=REPORTS) -> list[Passage]:
    """The passages of the one report of this force and year among the test reports."""
    for folder in folders:
        for path in sorted(folder.glob("*.txt")):
            name = path.name.lower()
            if force.lower() in name and year in name:
                return parse_file(path)[1]
    raise SystemExit(f"no report of {force} {year} in {', '.join(map(str, folders))}")


def read_marks(path: Path) -> list[dict]:
    """The marked lines of a JSON Lines file (either shape above), blank lines skipped."""
    items = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except ValueError as exc:
            raise SystemExit(f"{path}, line {number}: not JSON ({exc})") from None
    return items


def measure(items: list[dict], show=None) -> dict[str, float | int]:
    """Precision, recall and accuracy of `judges` against the writer's marks; ``show``
    is called with (item id, sentence, got, wanted) for each sentence marked otherwise."""
    tally = Tally()
    cache: dict[tuple[str, str], list[Passage]] = {}
    for item in items:
        if "sentences" not in item:  # a sentence of a real page, marked alone
            got = judges(item["text"])
            tally.add(got, bool(item["judges"]))
            if show is not None and got != bool(item["judges"]):
                show(item.get("page", ""), _collapse(item["text"]), got, bool(item["judges"]))
            continue
        key = (item["force"], str(item["year"]))
        if key not in cache:
            cache[key] = _passages(*key)
        for sentence in item["sentences"]:
            text = _collapse(sentence["text"])
            where = next((p for p in cache[key] if text in _collapse(p.text)), None)
            if where is None:
                raise SystemExit(f"{item['id']}: sentence not in the report: {text[:80]}")
            got = judges(sentence["text"], where.unit != OVERVIEW)
            tally.add(got, bool(sentence["judges"]))
            if show is not None and got != bool(sentence["judges"]):
                show(item["id"], text, got, bool(sentence["judges"]))
    return tally.figures()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--ids", help="only these ids, a regular expression")
    parser.add_argument("--show", action="store_true", help="print each sentence marked otherwise")
    args = parser.parse_args(argv)
    items = read_marks(args.path)
    if args.ids:
        items = [i for i in items if re.fullmatch(args.ids, i.get("id", ""))]

    def show(item_id: str, text: str, got: bool, wanted: bool) -> None:
        print(f"{item_id}: judges {got}, marked {wanted}: {text}")

    print(json.dumps(measure(items, show if args.show else None)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

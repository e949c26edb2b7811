"""Check the answer sets (tests/data/answers-*.jsonl) against the reports they are about.

Run from the repository root: .venv/bin/python tests/data/multi/check_sets.py
Reads only report files and the sets; runs no retrieval. Exits non-zero on an error;
prints gold strings found in more than one paragraph as warnings.
"""

import collections
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
from corpus import parse_file  # noqa: E402

REPORTS = [
    ROOT / "corpus" / "reports" / "lancashire-2018-effectiveness.txt",
    *sorted(Path(__file__).resolve().parent.glob("*.txt")),
]
SETS = sorted((ROOT / "tests" / "data").glob("answers-*.jsonl"))
INTENTS = {
    "grade",
    "improvements",
    "reasons",
    "figure",
    "fact",
    "compare",
    "list",
    "trend",
    "not_indexed",
    "offtopic",
}


def norm(text):
    return re.sub(r"\s+", " ", text).strip()


reports = {}  # (force, year) -> (Report, [paragraph text])
# (force, year, question number) -> texts of its areas for improvement and recommendations
asked = {}
for path in REPORTS:
    report, passages = parse_file(path)
    reports[(report.force, report.year)] = (report, [norm(p.text) for p in passages])
    for q in report.questions:
        asked[(report.force, report.year, q.number)] = [norm(a) for a in q.areas_for_improvement]
    for p in passages:
        if p.section == "Recommendations":
            asked[(report.force, report.year, p.question_number)].append(norm(p.text))


def grade_of(force, year, number):
    report = reports[(force, year)][0]
    if number is None:
        return report.grade
    return next(q.grade for q in report.questions if q.number == number)


def where(s):
    """(force, year) of every paragraph containing s."""
    s = norm(s)
    return [key for key, (_, paras) in reports.items() for p in paras if s in p]


errors, warnings = [], []
for path in SETS:
    counts = collections.Counter()
    prefix = path.stem.split("-")[1][0] + "-"
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        item = json.loads(line)
        tag = f"{path.name}:{n} {item['id']}"
        intent, expect, gold = item["intent"], item["expect"], item["gold"]
        counts[intent] += 1
        if not item["id"].startswith(prefix):
            errors.append(f"{tag}: id should start {prefix}")
        if intent not in INTENTS:
            errors.append(f"{tag}: unknown intent {intent}")
        for h in item.get("history", []):
            if set(h) != {"question"}:
                errors.append(f"{tag}: bad history turn {h}")
        if intent in ("not_indexed", "offtopic"):
            if expect != {"answer": None} or gold:
                errors.append(f"{tag}: expects no answer, must have answer null and empty gold")
            continue
        if "rows" in expect:
            keys = [(r["force"], r["year"]) for r in expect["rows"]]
            for r in expect["rows"]:
                got = grade_of(r["force"], r["year"], r["question_number"])
                if got != r["grade"] or reports[(r["force"], r["year"])][0].pillar != r["pillar"]:
                    errors.append(f"{tag}: row {r} but parsed grade {got}")
        elif expect.get("force") is None:  # the same text in every report that has it
            keys = sorted({k for s in expect["contains"] for k in where(s)})
            if not keys:
                errors.append(f"{tag}: contains found in no report")
                continue
        else:
            keys = [(expect["force"], expect["year"])]
            if "grade" in expect:
                got = grade_of(expect["force"], expect["year"], expect["question_number"])
                if got != expect["grade"]:
                    errors.append(f"{tag}: expects {expect['grade']}, parsed {got}")
        for s in expect.get("contains", []):
            if keys[0] not in where(s):
                errors.append(f"{tag}: contains {s!r} not in {keys[0]}")
        if intent == "improvements":
            aifs = [
                a
                for (f, y, number), texts in asked.items()
                for a in texts
                if (f, y) == keys[0] and expect["question_number"] in (None, number)
            ]
            for s in expect["contains"]:
                if not any(norm(s) in a for a in aifs):
                    errors.append(f"{tag}: {s!r} is not an AFI or recommendation of that question")
        for s in gold:
            found = where(s)
            if not found:
                errors.append(f"{tag}: gold {s!r} not found")
            elif not set(found) & set(keys):
                errors.append(f"{tag}: gold {s!r} only in {found}, not in {keys}")
            elif len(found) > 1:
                warnings.append(f"{tag}: gold in {len(found)} paragraphs {found}: {s[:60]!r}")
    print(path.name, sum(counts.values()), dict(sorted(counts.items())))

for w in warnings:
    print("warning:", w)
for e in errors:
    print("ERROR:", e)
print(f"{len(errors)} errors, {len(warnings)} warnings")
sys.exit(1 if errors else 0)

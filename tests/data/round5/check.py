"""Checks the round-5 question sets against the four reports (no service code used).

Each contains/gold string must be verbatim (white space collapsed) inside ONE paragraph
(line / bullet) of the report named by expect.force + expect.year; no SYNTHETIC marker text;
ids unique across all files; required fields present; expected counts.
Prints as warnings strings that also occur in another report (shared Lancashire/Cumbria text).
Run: python3 check.py   -> exit status = number of errors (capped at 1).
"""

import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

HERE = os.path.dirname(os.path.abspath(__file__))
MULTI = str(ROOT / "tests" / "data" / "multi") + "/"
REPORTS = {
    ("Lancashire", "2018"): (
        str(ROOT / "corpus" / "reports" / "lancashire-2018-effectiveness.txt"),
        "Effectiveness",
    ),
    ("Lancashire", "2017"): (
        MULTI + "synthetic-lancashire-2017-effectiveness.txt",
        "Effectiveness",
    ),
    ("Cumbria", "2018"): (MULTI + "synthetic-cumbria-2018-effectiveness.txt", "Effectiveness"),
    ("Durham", "2018"): (MULTI + "synthetic-durham-2018-legitimacy.txt", "Legitimacy"),
}
COUNTS = {
    "figure-dev": 16,
    "figure-holdout": 8,
    "named-dev": 16,
    "named-holdout": 8,
    "reasons-dev": 12,
    "reasons-holdout": 6,
    "fact-dev": 12,
    "fact-holdout": 6,
}


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


_cache = {}


def paragraphs(key):
    """Blank-line blocks, with each bullet line as its own paragraph."""
    if key not in _cache:
        text = open(REPORTS[key][0], encoding="utf-8").read()
        paras = []
        for block in re.split(r"\n\s*\n", text):
            cur = []
            for line in block.split("\n"):
                if line.strip().startswith("•"):
                    if cur:
                        paras.append(norm(" ".join(cur)))
                    cur = [line.strip()[1:]]
                else:
                    cur.append(line)
            if cur:
                paras.append(norm(" ".join(cur)))
        _cache[key] = [p for p in paras if p]
    return _cache[key]


def main():
    errors, warnings, ids = [], [], {}
    total = notl18 = 0
    for name, n in COUNTS.items():
        path = os.path.join(HERE, name + ".jsonl")
        intent = name.split("-")[0]
        if not os.path.exists(path):
            errors.append(f"{name}: missing file")
            continue
        rows = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
        if len(rows) != n:
            errors.append(f"{name}: {len(rows)} rows, expected {n}")
        for r in rows:
            rid = r.get("id")
            total += 1
            where = f"{name}:{rid}"
            if rid in ids:
                errors.append(f"{where}: duplicate id (also in {ids[rid]})")
            ids[rid] = name
            for k in ("id", "question", "intent", "expect", "gold"):
                if k not in r:
                    errors.append(f"{where}: missing {k}")
            if r.get("intent") != intent:
                errors.append(f"{where}: intent {r.get('intent')!r} != {intent}")
            if not str(r.get("question", "")).strip():
                errors.append(f"{where}: empty question")
            e = r.get("expect", {})
            need = ["force", "year", "contains"] + (
                ["pillar", "question_number"] if intent == "reasons" else []
            )
            for k in need:
                if k not in e:
                    errors.append(f"{where}: expect.{k} missing")
            key = (e.get("force"), e.get("year"))
            if key not in REPORTS:
                errors.append(f"{where}: no report for {key}")
                continue
            if key != ("Lancashire", "2018"):
                notl18 += 1
            if intent == "reasons":
                if e.get("pillar") != REPORTS[key][1]:
                    errors.append(f"{where}: pillar {e.get('pillar')!r} != {REPORTS[key][1]}")
                qn = e.get("question_number")
                if not (qn is None or (isinstance(qn, int) and not isinstance(qn, bool))):
                    errors.append(f"{where}: question_number must be int or null")
            if not e.get("contains"):
                errors.append(f"{where}: empty contains")
            if not r.get("gold"):
                errors.append(f"{where}: empty gold")
            paras = paragraphs(key)
            for field, strings in (
                ("contains", e.get("contains", [])),
                ("gold", r.get("gold", [])),
            ):
                for s in strings:
                    ns = norm(s)
                    if not ns:
                        errors.append(f"{where}: empty {field} string")
                        continue
                    if "SYNTHETIC" in ns:
                        errors.append(f"{where}: {field} has SYNTHETIC marker: {s[:50]!r}")
                    if not any(ns in p for p in paras):
                        errors.append(
                            f"{where}: {field} not verbatim in one paragraph of {key}: {s[:70]!r}"
                        )
                    others = [
                        k for k in REPORTS if k != key and any(ns in p for p in paragraphs(k))
                    ]
                    if others and field == "contains":
                        warnings.append(f"{where}: contains also in {others}: {s[:60]!r}")
    for w in warnings:
        print("WARN", w)
    for er in errors:
        print("ERROR", er)
    print(
        f"{total} questions, {notl18} not Lancashire 2018 ({notl18 / max(total, 1):.0%}); "
        f"{len(errors)} errors, {len(warnings)} warnings"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

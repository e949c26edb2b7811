#!/usr/bin/env python3
"""Checker for the round-4 evaluation sets (reads only the four report texts).

Checks: ids unique across all files; required fields per intent; every `contains`/`gold`
string occurs verbatim (white space collapsed) inside ONE paragraph (blank-line separated block,
or a single bullet line) of the intended report and has no SYNTHETIC marker; expected grades
(gradelist rows, reasons question numbers, grade turns) agree with the report's grade lines;
gradelist rows are complete for the grades they list. Warns (not an error) when a string also
occurs in another report (text the Cumbria copy shares with Lancashire 2018).
"""

import glob
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

HERE = os.path.dirname(os.path.abspath(__file__))
REPORTS = {
    ("Lancashire", "2018"): str(ROOT / "corpus" / "reports" / "lancashire-2018-effectiveness.txt"),
    ("Lancashire", "2017"): str(
        ROOT / "tests" / "data" / "multi" / "synthetic-lancashire-2017-effectiveness.txt"
    ),
    ("Cumbria", "2018"): str(
        ROOT / "tests" / "data" / "multi" / "synthetic-cumbria-2018-effectiveness.txt"
    ),
    ("Durham", "2018"): str(
        ROOT / "tests" / "data" / "multi" / "synthetic-durham-2018-legitimacy.txt"
    ),
}
GRADES = {"Outstanding", "Good", "Requires improvement", "Inadequate", "Ungraded"}
INTENTS = {"evaluation", "gradelist", "reasons", "figure", "named", "grade"}


def ws(s):
    return re.sub(r"\s+", " ", s).strip()


def paragraphs(text):
    out = []
    for block in re.split(r"\n\s*\n", text):
        plain = []
        for line in block.split("\n"):
            if line.strip().startswith("•"):
                out.append(ws(line.strip()[1:]))
            else:
                plain.append(line)
        if ws(" ".join(plain)):
            out.append(ws(" ".join(plain)))
    return out


def parse_grades(text):
    lines = [l.strip() for l in text.split("\n") if l.strip()]
    pillar = lines[2]
    pillar_grade = None
    for i, l in enumerate(lines):
        if l.startswith("Last updated"):
            pillar_grade = lines[i + 1]
            break
    q = {}
    for i, l in enumerate(lines[:-2]):
        if re.fullmatch(r"\d+", l) and lines[i + 2] in GRADES:
            q[int(l)] = lines[i + 2]
    return pillar, pillar_grade, q


TEXT = {k: open(v, encoding="utf-8").read() for k, v in REPORTS.items()}
PARAS = {k: paragraphs(t) for k, t in TEXT.items()}
GR = {k: parse_grades(t) for k, t in TEXT.items()}

errors, warnings = [], []


def err(i, m):
    errors.append(f"{i}: {m}")


def check_string(iid, key, s):
    if not isinstance(s, str) or not s.strip():
        err(iid, "empty/non-string text")
        return
    if "SYNTHETIC" in s.upper():
        err(iid, f"contains SYNTHETIC marker: {s!r}")
    if key not in PARAS:
        err(iid, f"unknown report {key}")
        return
    n = ws(s)
    if not any(n in p for p in PARAS[key]):
        err(iid, f"not verbatim in one paragraph of {key}: {s!r}")
    others = [k for k in PARAS if k != key and any(n in p for p in PARAS[k])]
    if others:
        warnings.append(f"{iid}: also in {others}: {s[:60]!r}")


def report_key(iid, e):
    f, y = e.get("force"), e.get("year")
    if not f or not y:
        err(iid, "expect lacks force/year")
        return None
    if (f, str(y)) not in REPORTS:
        err(iid, f"no report for {f} {y}")
        return None
    return (f, str(y))


def check_pillar_q(iid, key, e, grade=None):
    pillar, pgrade, q = GR[key]
    if "pillar" in e and e["pillar"] != pillar:
        err(iid, f"pillar {e['pillar']} != {pillar}")
    n = e.get("question_number", "missing")
    if n == "missing":
        err(iid, "question_number missing")
        return
    actual = pgrade if n is None else q.get(n)
    if actual is None:
        err(iid, f"no question {n} in {key}")
    elif grade is not None and actual != grade:
        err(iid, f"grade {grade} != report {actual} for q{n}")


seen = set()
counts = {}
for path in sorted(glob.glob(os.path.join(HERE, "*.jsonl"))):
    name = os.path.basename(path)
    for ln, line in enumerate(open(path, encoding="utf-8"), 1):
        if not line.strip():
            continue
        try:
            it = json.loads(line)
        except Exception as ex:
            err(f"{name}:{ln}", f"bad JSON {ex}")
            continue
        iid = it.get("id") or f"{name}:{ln}"
        counts[name] = counts.get(name, 0) + 1
        if iid in seen:
            err(iid, "duplicate id")
        seen.add(iid)
        intent, e = it.get("intent"), it.get("expect")
        if intent not in INTENTS:
            err(iid, f"bad intent {intent}")
        if not isinstance(e, dict):
            err(iid, "expect missing")
            continue
        if "turns" in it:
            t = it["turns"]
            if not (
                isinstance(t, list)
                and len(t) == 3
                and all(isinstance(x, str) and x.strip() for x in t)
            ):
                err(iid, "turns must be 3 non-empty strings")
        elif not (isinstance(it.get("question"), str) and it["question"].strip()):
            err(iid, "question missing")
        if "gold" not in it or not isinstance(it["gold"], list):
            err(iid, "gold missing")
            continue
        if intent == "gradelist":
            rows = e.get("rows")
            if not isinstance(rows, list):
                err(iid, "rows missing")
                continue
            if it["gold"]:
                err(iid, "gradelist gold should be []")
            groups = {}
            for r in rows:
                key = report_key(iid, r)
                if key is None:
                    continue
                if r.get("grade") not in GRADES:
                    err(iid, f"bad grade {r.get('grade')}")
                check_pillar_q(iid, key, r, r.get("grade"))
                groups.setdefault(key, set()).add(r.get("grade"))
            for key, grades in groups.items():
                want = {n for n, g in GR[key][2].items() if g in grades}
                got = {r["question_number"] for r in rows if (r["force"], r["year"]) == key}
                if want != got:
                    err(
                        iid,
                        f"rows for {key} {sorted(grades)} incomplete: want {sorted(want)} got {sorted(got)}",
                    )
            continue
        key = report_key(iid, e)
        if key is None:
            continue
        if intent == "evaluation":
            if e.get("unjudged") is True:
                if "contains" in e:
                    err(iid, "unjudged item should have no contains")
            elif not e.get("contains"):
                err(iid, "evaluation needs contains or unjudged")
        elif intent in ("reasons", "figure", "named"):
            if not e.get("contains"):
                err(iid, "contains missing")
            if intent == "reasons":
                check_pillar_q(iid, key, e)
        elif intent == "grade":
            if e.get("grade") not in GRADES:
                err(iid, "bad grade")
            check_pillar_q(iid, key, e, e.get("grade"))
        if not it["gold"]:
            err(iid, "gold empty")
        for s in e.get("contains", []) + it["gold"]:
            check_string(iid, key, s)

for k, v in sorted(counts.items()):
    print(f"{k}: {v} items")
for w in warnings:
    print("WARN", w)
for x in errors:
    print("ERROR", x)
print(f"{len(errors)} errors, {len(warnings)} warnings")
sys.exit(1 if errors else 0)

#!/usr/bin/env python3
"""Check the round7c question sets (retrieval-dev, retrieval-holdout, mixed-holdout).

Verifies fields, counts, unique ids, and that every gold/contains string is verbatim
(white space collapsed) inside ONE paragraph of the intended report, 8-25 words, without
"SYNTHETIC". Also checks question numbers / grades / pillars against the parsed reports.

ROOT is the repository root (this folder is meant to live at tests/data/round7x/);
set ROUND7_ROOT=/work/main to run it from elsewhere.
Run: ROUND7_ROOT=/work/main python3 check.py
"""

import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = (
    Path(os.environ["ROUND7_ROOT"])
    if os.environ.get("ROUND7_ROOT")
    else Path(__file__).resolve().parents[3]
)

REPORTS = {
    ("Lancashire", "2018"): ("corpus/reports/lancashire-2018-effectiveness.txt", "Effectiveness"),
    ("Cumbria", "2018"): (
        "tests/data/multi/synthetic-cumbria-2018-effectiveness.txt",
        "Effectiveness",
    ),
    ("Lancashire", "2017"): (
        "tests/data/multi/synthetic-lancashire-2017-effectiveness.txt",
        "Effectiveness",
    ),
    ("Durham", "2018"): ("tests/data/multi/synthetic-durham-2018-legitimacy.txt", "Legitimacy"),
}
GRADES = {"Good", "Requires improvement", "Inadequate", "Outstanding"}
INTENTS = {"evaluation", "reasons", "figure", "named", "fact", "grade"}
FILES = {
    "retrieval-dev.jsonl": ("r7c-rt-d", 24),
    "retrieval-holdout.jsonl": ("r7c-rt-h", 12),
    "mixed-holdout.jsonl": ("r7c-mx-h", 24),
}


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def parse(path):
    """Return (paragraphs, grades): paragraphs = [(question_number or None, text)],
    grades = {question_number: grade line}. Each bullet line is its own paragraph."""
    lines = path.read_text(encoding="utf-8").splitlines()
    qn_of_line = []
    grades = {}
    qn = None
    nonempty = [j for j, l in enumerate(lines) if l.strip()]
    pos = {j: k for k, j in enumerate(nonempty)}
    for j, l in enumerate(lines):
        s = l.strip()
        if s.isdigit() and j in pos:
            k = pos[j]
            if k + 2 < len(nonempty) and lines[nonempty[k + 1]].strip().endswith("?"):
                qn = int(s)
                grades[qn] = lines[nonempty[k + 2]].strip()
        qn_of_line.append(qn)
    paras = []
    block, block_qn = [], None

    def flush():
        if block:
            paras.append((block_qn, norm(" ".join(block))))

    for j, l in enumerate(lines):
        s = l.strip()
        if not s:
            flush()
            block, block_qn = [], None
            continue
        if s.startswith("•"):
            flush()
            paras.append((qn_of_line[j], norm(s.lstrip("•"))))
            block, block_qn = [], None
            continue
        if not block:
            block_qn = qn_of_line[j]
        block.append(s)
    flush()
    return paras, grades


def main():
    errors, warnings = [], []
    parsed = {}
    for key, (rel, _pillar) in REPORTS.items():
        p = ROOT / rel
        if not p.exists():
            print(f"ERROR: report missing: {p}")
            return 1
        parsed[key] = parse(p)
    lanc18 = [t for _, t in parsed[("Lancashire", "2018")][0]]
    cumb18 = [t for _, t in parsed[("Cumbria", "2018")][0]]
    alltext = " ".join(t for k in parsed for _, t in parsed[k][0]).lower()

    def verbatim(item_id, s, key, qn=None, label="gold"):
        if not isinstance(s, str):
            errors.append(f"{item_id}: {label} not a string")
            return
        n = len(s.split())
        if not 8 <= n <= 25:
            errors.append(f"{item_id}: {label} has {n} words: {s[:60]!r}")
        if "SYNTHETIC" in s:
            errors.append(f"{item_id}: {label} contains SYNTHETIC")
        ns = norm(s)
        hits = [(q, t) for q, t in parsed[key][0] if ns in t]
        if not hits:
            errors.append(f"{item_id}: {label} not verbatim in one paragraph of {key}: {s[:70]!r}")
            return
        if qn is not None and not any(q == qn for q, _ in hits):
            errors.append(f"{item_id}: {label} not in question {qn} of {key}: {s[:60]!r}")
        if key == ("Cumbria", "2018") and any(ns in t for t in lanc18):
            errors.append(
                f"{item_id}: Cumbria {label} also occurs in Lancashire 2018 (use changed text): {s[:60]!r}"
            )
        if key == ("Lancashire", "2018") and any(ns in t for t in cumb18):
            warnings.append(
                f"{item_id}: {label} also occurs in Cumbria 2018 (force named in question): {s[:50]!r}"
            )

    def key_of(item_id, force, year):
        if not isinstance(year, str):
            errors.append(f"{item_id}: year must be a string")
        k = (force, year)
        if k not in REPORTS:
            errors.append(f"{item_id}: unknown report {k}")
            return None
        return k

    def question_checks(item_id, q, key):
        words = q.split()
        ql = q.lower()
        if not q.strip():
            errors.append(f"{item_id}: empty question")
        # no copying of report sentences: no 8-word run of the question occurs in any report
        for i in range(len(words) - 7):
            run = " ".join(words[i : i + 8]).lower()
            if run in alltext:
                warnings.append(f"{item_id}: question shares an 8-word run with a report: {run!r}")
                break
        forces = [f for f in ("lancashire", "cumbria", "durham") if f in ql]
        if forces and key and key[0].lower() not in forces:
            errors.append(f"{item_id}: question names {forces} but report is {key}")
        if not forces:
            if key not in (("Durham", "2018"), ("Lancashire", "2017")):
                errors.append(
                    f"{item_id}: no force named but report {key} shares topics with another report"
                )
            else:
                warnings.append(
                    f"{item_id}: no force named (topic only in {key[0]} {key[1]}) -- check by hand"
                )
        elif key == ("Lancashire", "2017") and "2017" not in q:
            errors.append(f"{item_id}: Lancashire 2017 item should say 2017")

    seen = set()
    for fname, (prefix, count) in FILES.items():
        path = HERE / fname
        if not path.exists():
            errors.append(f"{fname}: missing")
            continue
        items = []
        for ln, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as e:
                errors.append(f"{fname}:{ln}: bad JSON {e}")
        if len(items) != count:
            errors.append(f"{fname}: {len(items)} items, expected {count}")
        for n, it in enumerate(items, 1):
            iid = it.get("id", f"{fname}:{n}")
            if iid != f"{prefix}{n:02d}":
                errors.append(f"{iid}: expected id {prefix}{n:02d}")
            if iid in seen:
                errors.append(f"{iid}: duplicate id")
            seen.add(iid)
            gold = it.get("gold")
            if not isinstance(gold, list) or not gold:
                errors.append(f"{iid}: gold must be a non-empty list")
                gold = []
            if fname.startswith("retrieval"):
                want = {"id", "question", "gold", "kind", "force", "year"}
                if set(it) != want:
                    errors.append(f"{iid}: fields {sorted(it)} != {sorted(want)}")
                if it.get("kind") != "everyday":
                    errors.append(f"{iid}: kind must be 'everyday'")
                key = key_of(iid, it.get("force"), it.get("year"))
                if key:
                    question_checks(iid, it.get("question", ""), key)
                    for g in gold:
                        verbatim(iid, g, key)
            else:
                want = {"id", "question", "intent", "expect", "gold"}
                if set(it) != want:
                    errors.append(f"{iid}: fields {sorted(it)} != {sorted(want)}")
                intent = it.get("intent")
                if intent not in INTENTS:
                    errors.append(f"{iid}: bad intent {intent}")
                    continue
                ex = it.get("expect", {})
                key = key_of(iid, ex.get("force"), ex.get("year"))
                if not key:
                    continue
                question_checks(iid, it.get("question", ""), key)
                paras, grades = parsed[key]
                qn = None
                if intent == "evaluation":
                    if ex.get("unjudged") is True:
                        if set(ex) != {"force", "year", "unjudged"}:
                            errors.append(f"{iid}: unjudged expect fields {sorted(ex)}")
                    else:
                        if set(ex) != {"force", "year", "contains"}:
                            errors.append(f"{iid}: expect fields {sorted(ex)}")
                elif intent == "reasons":
                    if set(ex) != {"force", "year", "pillar", "question_number", "contains"}:
                        errors.append(f"{iid}: expect fields {sorted(ex)}")
                    if ex.get("pillar") != REPORTS[key][1]:
                        errors.append(f"{iid}: pillar {ex.get('pillar')} != {REPORTS[key][1]}")
                    qn = ex.get("question_number")
                    if qn not in grades:
                        errors.append(f"{iid}: no question {qn} in {key}")
                    if not 3 <= len(ex.get("contains", [])) <= 8:
                        errors.append(f"{iid}: reasons needs 3-8 contains")
                elif intent == "grade":
                    if set(ex) != {"force", "year", "question_number", "grade"}:
                        errors.append(f"{iid}: expect fields {sorted(ex)}")
                    if ex.get("grade") not in GRADES:
                        errors.append(f"{iid}: bad grade spelling {ex.get('grade')}")
                    qn = ex.get("question_number")
                    if grades.get(qn) != ex.get("grade"):
                        errors.append(
                            f"{iid}: grade {ex.get('grade')} != parsed {grades.get(qn)} (q{qn} of {key})"
                        )
                else:
                    if set(ex) != {"force", "year", "contains"}:
                        errors.append(f"{iid}: expect fields {sorted(ex)}")
                for c in ex.get("contains", []):
                    verbatim(iid, c, key, qn, "contains")
                for g in gold:
                    verbatim(iid, g, key, qn if intent in ("reasons", "grade") else None)
        if fname == "mixed-holdout.jsonl":
            c = Counter(it.get("intent") for it in items)
            for intent in INTENTS:
                if c[intent] != 4:
                    errors.append(f"{fname}: {c[intent]} {intent} items, expected 4")
            unj = sum(
                1
                for it in items
                if it.get("intent") == "evaluation" and it["expect"].get("unjudged")
            )
            if unj != 1:
                errors.append(f"{fname}: {unj} unjudged evaluation items, expected 1")
        rep = Counter()
        for it in items:
            ex = it.get("expect", it)
            rep[f"{ex.get('force')} {ex.get('year')}"] += 1
        l18 = rep.get("Lancashire 2018", 0)
        print(f"{fname}: {len(items)} items; by report {dict(rep)}")
        if items and (len(items) - l18) * 3 < len(items):
            errors.append(f"{fname}: fewer than a third of items are not Lancashire 2018")

    for w in warnings:
        print("warning:", w)
    for e in errors:
        print("ERROR:", e)
    print(f"{len(errors)} errors, {len(warnings)} warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Checks the round4b question sets: ids unique, fields present, every gold string a verbatim
(white-space collapsed) substring of exactly one paragraph (blank-line block or bullet) of the
intended report, no SYNTHETIC marker in gold, followup question_number matches the section."""

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
ws = lambda s: re.sub(r"\s+", " ", s).strip()


def paragraphs(path):
    """Return list of (question_number or None, paragraph text)."""
    out, q, seen_questions = [], None, False
    blocks = re.split(r"\n\s*\n", open(path, encoding="utf-8").read())
    for b in blocks:
        lines = [l for l in b.split("\n") if l.strip()]
        if not lines:
            continue
        if lines[0].startswith("Questions for"):
            seen_questions = True
        # a block holding a bare number line starts a question section ("Summary for question 1\n2")
        for l in lines:
            if seen_questions and re.fullmatch(r"\s*[1-9]\s*", l):
                q = int(l.strip())
        # bullets are separate paragraphs
        cur = []
        for l in lines:
            if l.lstrip().startswith("•"):
                if cur:
                    out.append((q, ws(" ".join(cur))))
                    cur = []
                out.append((q, ws(l.lstrip()[1:])))
            else:
                cur.append(l)
        if cur:
            out.append((q, ws(" ".join(cur))))
    return out


PARAS = {k: paragraphs(v) for k, v in REPORTS.items()}
errors, warnings = [], []
ids = set()
SPEC = {
    "followups": ["id", "first", "followup", "gold", "question_number", "force", "year"],
    "retrieval": ["id", "question", "kind", "force", "year", "gold"],
}
counts = {}
for fn in sorted(os.listdir(HERE)):
    if not fn.endswith(".jsonl"):
        continue
    kind = fn.split("-")[0]
    counts[fn] = 0
    for n, line in enumerate(open(os.path.join(HERE, fn), encoding="utf-8"), 1):
        if not line.strip():
            continue
        counts[fn] += 1
        where = f"{fn}:{n}"
        try:
            r = json.loads(line)
        except Exception as e:
            errors.append(f"{where}: bad JSON {e}")
            continue
        for k in SPEC[kind]:
            if k not in r:
                errors.append(f"{where}: missing field {k}")
        rid = r.get("id")
        if rid in ids:
            errors.append(f"{where}: duplicate id {rid}")
        ids.add(rid)
        key = (r.get("force"), r.get("year"))
        if key not in PARAS:
            errors.append(f"{where}: unknown report {key}")
            continue
        gold = r.get("gold")
        if not isinstance(gold, list) or not gold:
            errors.append(f"{where}: gold must be a non-empty list")
            continue
        qtext = ws(r.get("question") or r.get("followup") or "")
        for g in gold:
            g2 = ws(g)
            if "SYNTHETIC" in g2:
                errors.append(f"{where}: gold contains SYNTHETIC marker")
            hits = [(q, p) for q, p in PARAS[key] if g2 in p]
            if not hits:
                errors.append(f"{where} {rid}: gold not found in {key}: {g2[:70]}")
                continue
            if len(hits) > 1:
                errors.append(f"{where} {rid}: gold occurs in {len(hits)} paragraphs of {key}")
            if kind == "followups" and r.get("question_number") != hits[0][0]:
                errors.append(
                    f"{where} {rid}: question_number {r.get('question_number')} but gold is in section {hits[0][0]}"
                )
            others = [k for k in PARAS if k != key and any(g2 in p for _, p in PARAS[k])]
            if others:
                warnings.append(f"{where} {rid}: gold also occurs in {others}")
            if len(g2) > 40 and g2.lower()[:40] in qtext.lower():
                warnings.append(f"{where} {rid}: question seems to copy the gold text")
        if kind == "retrieval" and r.get("kind") != "everyday":
            errors.append(f"{where}: kind should be 'everyday'")
for fn, c in counts.items():
    print(f"{fn}: {c} lines")
for w in warnings:
    print("WARNING", w)
for e in errors:
    print("ERROR", e)
print(f"{len(errors)} errors, {len(warnings)} warnings")
sys.exit(1 if errors else 0)

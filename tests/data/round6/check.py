#!/usr/bin/env python3
"""Check evaluation-dev.jsonl: fields, unique ids, verbatim fragments within one paragraph."""

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
norm = lambda t: re.sub(r"\s+", " ", t).strip()


def paragraphs(path):
    out = []
    for block in re.split(r"\n\s*\n", open(path, encoding="utf-8").read()):
        cur = []
        for line in block.split("\n"):
            if line.strip().startswith("•"):  # each bullet is its own paragraph
                if cur:
                    out.append(norm(" ".join(cur)))
                cur = [line.strip().lstrip("•")]
            else:
                cur.append(line)
        if cur:
            out.append(norm(" ".join(cur)))
    return [p for p in out if p]


PARAS = {k: paragraphs(v) for k, v in REPORTS.items()}
errors = []


def err(i, m):
    errors.append(f"{i}: {m}")


def check_frag(iid, key, frag, what):
    if not isinstance(frag, str) or not frag.strip():
        return err(iid, f"{what} empty/non-string")
    if "SYNTHETIC" in frag.upper():
        err(iid, f"{what} contains SYNTHETIC marker")
    f = norm(frag)
    hits = [p for p in PARAS[key] if f in p]
    if not hits:
        err(iid, f"{what} not verbatim in one paragraph of {key}: {frag[:70]!r}")


ids = set()
n = 0
unj = 0
forces = {}
for ln, line in enumerate(open(os.path.join(HERE, "evaluation-dev.jsonl"), encoding="utf-8"), 1):
    if not line.strip():
        continue
    n += 1
    try:
        d = json.loads(line)
    except Exception as e:
        err(f"line{ln}", f"bad json {e}")
        continue
    iid = d.get("id", f"line{ln}")
    for k in ("id", "question", "intent", "expect", "gold"):
        if k not in d:
            err(iid, f"missing {k}")
    if iid in ids:
        err(iid, "duplicate id")
    ids.add(iid)
    if not re.fullmatch(r"eval6-d\d\d", str(iid)):
        err(iid, "bad id format")
    if d.get("intent") != "evaluation":
        err(iid, "intent != evaluation")
    if not str(d.get("question", "")).strip():
        err(iid, "empty question")
    e = d.get("expect", {})
    key = (e.get("force"), e.get("year"))
    if key not in REPORTS:
        err(iid, f"unknown force/year {key}")
        continue
    forces[key] = forces.get(key, 0) + 1
    if e.get("unjudged") is True:
        unj += 1
        if "contains" in e:
            err(iid, "unjudged item has contains")
    else:
        c = e.get("contains")
        if not isinstance(c, list) or not c:
            err(iid, "contains missing/empty")
        else:
            for fr in c:
                check_frag(iid, key, fr, "contains")
    g = d.get("gold")
    if not isinstance(g, list) or not g:
        err(iid, "gold missing/empty")
    else:
        for fr in g:
            check_frag(iid, key, fr, "gold")

for x in errors:
    print("ERROR", x)
print(f"items={n} unjudged={unj} by_report={ {f'{k[0]} {k[1]}': v for k, v in forces.items()} }")
print(f"{len(errors)} errors")
sys.exit(1 if errors else 0)

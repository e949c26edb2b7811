#!/usr/bin/env python3
"""Check the round 9a evaluation question sets.

Verifies required fields, unique ids, counts, the unjudged share, and that every gold/contains
string is a verbatim (white space collapsed) substring of ONE paragraph of the intended report,
8-25 words long, without "SYNTHETIC".

ROOT defaults to the repository root (this file lives in ROOT/tests/data/round9x/); set
ROUND9_ROOT=/work/main to run it from elsewhere.
"""

import json
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = (
    Path(os.environ["ROUND9_ROOT"])
    if os.environ.get("ROUND9_ROOT")
    else Path(__file__).resolve().parents[3]
)

REPORTS = {
    ("Lancashire", "2018"): ROOT / "corpus/reports/lancashire-2018-effectiveness.txt",
    ("Cumbria", "2018"): ROOT / "tests/data/multi/synthetic-cumbria-2018-effectiveness.txt",
    ("Lancashire", "2017"): ROOT / "tests/data/multi/synthetic-lancashire-2017-effectiveness.txt",
    ("Durham", "2018"): ROOT / "tests/data/multi/synthetic-durham-2018-legitimacy.txt",
}
FILES = {"evaluation-dev.jsonl": 24, "evaluation-holdout.jsonl": 12}
INTENTS = {"evaluation", "reasons", "figure", "named", "fact", "grade"}


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def paragraphs(path):
    """Blank-line blocks; every bullet line is its own paragraph."""
    out = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        cur = []
        for line in block.splitlines():
            if line.strip().startswith("•"):
                if cur:
                    out.append(norm(" ".join(cur)))
                    cur = []
                out.append(norm(line.strip().lstrip("•")))
            else:
                cur.append(line)
        if cur:
            out.append(norm(" ".join(cur)))
    return [p for p in out if p]


PARAS = {k: paragraphs(p) for k, p in REPORTS.items()}


def check_string(s, key, where, errors):
    if not isinstance(s, str) or not s.strip():
        errors.append(f"{where}: empty or non-string verbatim entry")
        return
    n = len(norm(s).split(" "))
    if not 8 <= n <= 25:
        errors.append(f"{where}: {n} words (want 8-25): {s!r}")
    if "SYNTHETIC" in s:
        errors.append(f"{where}: contains SYNTHETIC: {s!r}")
    if not any(norm(s) in p for p in PARAS[key]):
        errors.append(f"{where}: not verbatim inside one paragraph of {key}: {s!r}")


def check_item(it, where, errors):
    for f in ("id", "gold"):
        if f not in it:
            errors.append(f"{where}: missing {f}")
    if "followup" in it:  # format 1
        for f in ("first", "force", "year", "question_number"):
            if f not in it:
                errors.append(f"{where}: missing {f}")
        key = (it.get("force"), it.get("year"))
        verb = it.get("gold", [])
    else:  # formats 2 and 3
        if "turns" not in it and not isinstance(it.get("question"), str):
            errors.append(f"{where}: missing question")
        if it.get("intent") not in INTENTS:
            errors.append(f"{where}: bad intent {it.get('intent')!r}")
        exp = it.get("expect") or {}
        key = (exp.get("force"), exp.get("year"))
        verb = list(it.get("gold", []))
        if it.get("intent") == "evaluation":
            if exp.get("unjudged") is True:
                if "contains" in exp:
                    errors.append(f"{where}: unjudged item must not have contains")
            else:
                if not exp.get("contains"):
                    errors.append(f"{where}: judged evaluation item needs contains")
                if "unjudged" in exp:
                    errors.append(f"{where}: unjudged must be true or absent")
            extra = set(exp) - {"force", "year", "contains", "unjudged"}
            if extra:
                errors.append(f"{where}: unexpected expect keys {sorted(extra)}")
        verb += exp.get("contains", [])
    if not isinstance(key[1], str):
        errors.append(f"{where}: year must be a string")
    if key not in PARAS:
        errors.append(f"{where}: unknown report {key}")
        return key
    if not it.get("gold"):
        errors.append(f"{where}: empty gold")
    for s in verb:
        check_string(s, key, where, errors)
    return key


def main():
    errors, ids = [], set()
    for name, want in FILES.items():
        path = HERE / name
        if not path.exists():
            errors.append(f"{name}: missing")
            continue
        items = []
        for ln, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                items.append((ln, json.loads(line)))
            except json.JSONDecodeError as e:
                errors.append(f"{name}:{ln}: bad JSON {e}")
        if len(items) != want:
            errors.append(f"{name}: {len(items)} items, want {want}")
        unjudged = other = 0
        for ln, it in items:
            where = f"{name}:{ln}:{it.get('id')}"
            if it.get("id") in ids:
                errors.append(f"{where}: duplicate id")
            ids.add(it.get("id"))
            key = check_item(it, where, errors)
            if it.get("intent") != "evaluation":
                errors.append(f"{where}: intent should be evaluation")
            unjudged += bool((it.get("expect") or {}).get("unjudged"))
            other += key != ("Lancashire", "2018")
        n = len(items) or 1
        if not 0.2 <= unjudged / n <= 0.3:
            errors.append(f"{name}: unjudged share {unjudged}/{n} not about a quarter")
        if other * 3 < n:
            errors.append(f"{name}: only {other}/{n} items not from Lancashire 2018 (want >= 1/3)")
        print(f"{name}: {len(items)} items, {unjudged} unjudged, {other} not Lancashire 2018")
    for e in errors:
        print("ERROR", e)
    print(f"{len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

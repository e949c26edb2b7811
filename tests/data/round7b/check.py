#!/usr/bin/env python3
"""Check the round7b question sets (single judged questions, format 3).

Verifies fields, intents, unique ids, counts, and that every gold/contains string is a
verbatim (white-space collapsed) substring of ONE paragraph of the intended report, 8-25 words,
without "SYNTHETIC". For reasons items, every contains string must also lie in the section of
the named question (question_number null = overview before the first question) and the pillar
must match the report. Prints warnings for question text sharing 8+ consecutive words with the report.

Run from anywhere: python3 check.py   (set ROUND7_ROOT=/work/main to run outside the repository)
"""

import json
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = (
    Path(os.environ["ROUND7_ROOT"])
    if os.environ.get("ROUND7_ROOT")
    else Path(__file__).resolve().parents[3]
)

REPORTS = {
    ("Lancashire", "2018"): ROOT / "corpus/reports/lancashire-2018-effectiveness.txt",
    ("Cumbria", "2018"): ROOT / "tests/data/multi/synthetic-cumbria-2018-effectiveness.txt",
    ("Lancashire", "2017"): ROOT / "tests/data/multi/synthetic-lancashire-2017-effectiveness.txt",
    ("Durham", "2018"): ROOT / "tests/data/multi/synthetic-durham-2018-legitimacy.txt",
}

FILES = {
    # file: (id prefix, intent, expected count, expected unjudged count or None)
    "evaluation-dev.jsonl": ("r7b-ev-d", "evaluation", 20, 5),
    "evaluation-holdout.jsonl": ("r7b-ev-h", "evaluation", 10, 2),
    "reasons-dev.jsonl": ("r7b-re-d", "reasons", 12, None),
    "reasons-holdout.jsonl": ("r7b-re-h", "reasons", 6, None),
}

GRADES = {"Good", "Requires improvement", "Inadequate", "Outstanding", "Ungraded"}


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def parse(path):
    """Return (pillar, paragraphs[(text, section)], grades{section: grade})."""
    lines = path.read_text(encoding="utf-8").splitlines()
    pillar = None
    for ln in lines:
        if ln.strip() in ("Effectiveness", "Legitimacy", "Efficiency"):
            pillar = ln.strip()
            break
    paras, grades = [], {}
    section, in_questions, cur, cur_sec = None, False, [], None

    def flush():
        nonlocal cur
        if cur:
            paras.append((norm(" ".join(cur)), cur_sec))
        cur = []

    for ln in lines:
        s = ln.strip()
        if s.startswith("Questions for "):
            in_questions = True
        if in_questions and re.fullmatch(r"[1-9]", s):
            flush()
            section = int(s)
            cur_sec = section
            continue
        if in_questions and section is not None and section not in grades and s in GRADES:
            grades[section] = s
        if not s:
            flush()
            continue
        if s.startswith("•"):  # each bullet is its own paragraph
            flush()
            cur_sec = section
            cur.append(s.lstrip("•").strip())
            flush()
            continue
        if not cur:
            cur_sec = section
        cur.append(s)
    flush()
    return pillar, paras, grades


def main():
    errors, warnings = [], []
    reports = {}
    for key, p in REPORTS.items():
        if not p.exists():
            print(f"ERROR: missing report {p}")
            return 1
        reports[key] = parse(p)

    seen = set()
    for fn, (prefix, intent, count, n_unjudged) in FILES.items():
        path = HERE / fn
        if not path.exists():
            errors.append(f"{fn}: missing")
            continue
        items = []
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as e:
                errors.append(f"{fn}:{i}: bad JSON {e}")
        if len(items) != count:
            errors.append(f"{fn}: {len(items)} items, expected {count}")
        unj = 0
        for it in items:
            iid = it.get("id")
            where = f"{fn}:{iid}"
            if not isinstance(iid, str) or not re.fullmatch(re.escape(prefix) + r"\d{2}", iid):
                errors.append(f"{where}: bad id (want {prefix}NN)")
            if iid in seen:
                errors.append(f"{where}: duplicate id")
            seen.add(iid)
            allowed = {"id", "question", "intent", "expect", "gold"}
            if set(it) != allowed:
                errors.append(f"{where}: keys {sorted(it)} != {sorted(allowed)}")
            q = it.get("question")
            if not isinstance(q, str) or not q.strip():
                errors.append(f"{where}: empty question")
                q = ""
            if it.get("intent") != intent:
                errors.append(f"{where}: intent {it.get('intent')!r} != {intent!r}")
            ex = it.get("expect") or {}
            force, year = ex.get("force"), ex.get("year")
            if not isinstance(year, str):
                errors.append(f"{where}: year must be a string")
            key = (force, year)
            if key not in reports:
                errors.append(f"{where}: unknown report {key}")
                continue
            pillar, paras, grades = reports[key]
            if force and force.lower() not in q.lower():
                errors.append(f"{where}: question does not name the force {force}")

            if intent == "evaluation":
                if ex.get("unjudged") is True:
                    unj += 1
                    if set(ex) != {"force", "year", "unjudged"}:
                        errors.append(f"{where}: unjudged expect must be force/year/unjudged only")
                else:
                    if set(ex) != {"force", "year", "contains"}:
                        errors.append(f"{where}: expect keys {sorted(ex)}")
            else:
                want = {"force", "year", "pillar", "question_number", "contains"}
                if set(ex) != want:
                    errors.append(f"{where}: expect keys {sorted(ex)}")
                if ex.get("pillar") != pillar:
                    errors.append(
                        f"{where}: pillar {ex.get('pillar')!r} != report pillar {pillar!r}"
                    )
                qn = ex.get("question_number")
                if qn is not None:
                    if qn not in grades:
                        errors.append(f"{where}: report has no question {qn}")
                    elif grades[qn] == "Ungraded":
                        errors.append(f"{where}: question {qn} is ungraded")
                n = len(ex.get("contains") or [])
                if not 3 <= n <= 8:
                    errors.append(f"{where}: reasons contains has {n} strings (want 3-8)")

            strings = [("gold", s) for s in (it.get("gold") or [])]
            strings += [("contains", s) for s in (ex.get("contains") or [])]
            if not it.get("gold"):
                errors.append(f"{where}: empty gold")
            if "contains" in ex and not ex["contains"]:
                errors.append(f"{where}: empty contains")
            for kind, s in strings:
                ns = norm(s)
                if "SYNTHETIC" in ns:
                    errors.append(f"{where}: {kind} contains SYNTHETIC: {s[:60]}")
                nw = len(ns.split())
                if not 8 <= nw <= 25:
                    errors.append(f"{where}: {kind} has {nw} words (want 8-25): {s[:60]}")
                hits = [sec for (p, sec) in paras if ns in p]
                if not hits:
                    errors.append(f"{where}: {kind} not found in one paragraph of {key}: {s[:70]}")
                    continue
                if (
                    intent == "reasons"
                    and kind == "contains"
                    and ex.get("question_number") not in hits
                ):
                    errors.append(
                        f"{where}: contains not in question {ex.get('question_number')} section "
                        f"(found in {hits}): {s[:60]}"
                    )
            # copying guard: 8+ consecutive words of the question in the report
            words = re.findall(r"[\w’'-]+", q.lower())
            full = " ".join(re.findall(r"[\w’'-]+", " ".join(p for p, _ in paras).lower()))
            for k in range(len(words) - 7):
                if " ".join(words[k : k + 8]) in full:
                    warnings.append(
                        f"{where}: question shares 8+ words with the report: {' '.join(words[k : k + 8])}"
                    )
                    break
        if n_unjudged is not None and unj != n_unjudged:
            errors.append(f"{fn}: {unj} unjudged items, expected {n_unjudged}")

    for w in warnings:
        print("WARNING:", w)
    for e in errors:
        print("ERROR:", e)
    print(f"{len(seen)} items checked, {len(errors)} errors, {len(warnings)} warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Check the round-8 question sets in this folder (conversations + follow-ups).

Run from anywhere: python3 check.py   (or ROUND8_ROOT=/path/to/repo python3 check.py)
Exit status 1 if there are errors. Warnings are informational.
"""

import json
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = (
    Path(os.environ["ROUND8_ROOT"])
    if os.environ.get("ROUND8_ROOT")
    else Path(__file__).resolve().parents[3]
)

REPORTS = {
    ("Lancashire", "2018"): ROOT / "corpus/reports/lancashire-2018-effectiveness.txt",
    ("Cumbria", "2018"): ROOT / "tests/data/multi/synthetic-cumbria-2018-effectiveness.txt",
    ("Lancashire", "2017"): ROOT / "tests/data/multi/synthetic-lancashire-2017-effectiveness.txt",
    ("Durham", "2018"): ROOT / "tests/data/multi/synthetic-durham-2018-legitimacy.txt",
}
FORCES = ["Lancashire", "Cumbria", "Durham"]
GRADES = {"Good", "Requires improvement", "Inadequate", "Outstanding", "Ungraded"}
INTENTS = {"evaluation", "reasons", "figure", "named", "fact", "grade"}
EXPECTED_COUNTS = {
    "conversation-dev.jsonl": 16,
    "conversation-holdout.jsonl": 8,
    "followups-dev.jsonl": 16,
    "followups-holdout.jsonl": 8,
}

errors, warnings = [], []


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def parse(path):
    """Return (pillar, paragraphs [(text, question_number)], grades {q: grade})."""
    lines = path.read_text(encoding="utf-8").splitlines()
    pillar = lines[4].strip() if len(lines) > 4 else None
    paras, grades = [], {}
    q, cur, pending_q = None, [], None

    def flush():
        if cur:
            paras.append((norm(" ".join(cur)), q))
            cur.clear()

    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            flush()
            continue
        if re.fullmatch(r"\d", line):
            nxt = next((l.strip() for l in lines[i + 1 :] if l.strip()), "")
            if re.match(r"(How|To what extent)\b", nxt):
                flush()
                q = int(line)
                pending_q = q
                continue
        if pending_q is not None and line in GRADES:
            grades[pending_q] = line
            pending_q = None
        if line.startswith("•"):
            flush()
            paras.append((norm(line.lstrip("• ")), q))
            continue
        cur.append(line)
    flush()
    return pillar, paras, grades


PARSED = {k: parse(v) for k, v in REPORTS.items()}


def locate(s, key):
    """Question numbers of the paragraphs of report `key` holding s (collapsed white space)."""
    n = norm(s)
    return [q for text, q in PARSED[key][1] if n in text]


def check_string(where, s, key, kind):
    if not isinstance(s, str) or not s.strip():
        errors.append(f"{where}: empty {kind} string")
        return []
    if "SYNTHETIC" in s:
        errors.append(f"{where}: {kind} contains 'SYNTHETIC': {s!r}")
    nw = len(s.split())
    if not 8 <= nw <= 25:
        errors.append(f"{where}: {kind} has {nw} words (need 8-25): {s!r}")
    qs = locate(s, key)
    if not qs:
        errors.append(f"{where}: {kind} not found verbatim in one paragraph of {key}: {s!r}")
    if key == ("Cumbria", "2018") and locate(s, ("Lancashire", "2018")):
        errors.append(
            f"{where}: Cumbria {kind} also occurs in Lancashire 2018 (use a changed paragraph): {s!r}"
        )
    if key == ("Lancashire", "2018") and locate(s, ("Cumbria", "2018")):
        warnings.append(f"{where}: {kind} also occurs in Cumbria 2018 (shared text): {s[:60]!r}")
    return qs


def forces_in(text):
    return [f for f in FORCES if re.search(rf"\b{f}\b", text, re.I)]


def report_key(where, force, year):
    if not isinstance(year, str):
        errors.append(f"{where}: year must be a string")
    key = (force, year)
    if key not in REPORTS:
        errors.append(f"{where}: no report for force/year {key}")
        return None
    return key


def check_conversation(where, r):
    for k in ("id", "turns", "intent", "expect", "gold"):
        if k not in r:
            errors.append(f"{where}: missing field {k}")
            return
    turns, intent, exp = r["turns"], r["intent"], r["expect"]
    if not (
        isinstance(turns, list)
        and len(turns) == 3
        and all(isinstance(t, str) and t.strip() for t in turns)
    ):
        errors.append(f"{where}: turns must be 3 non-empty strings")
        return
    if intent not in INTENTS:
        errors.append(f"{where}: bad intent {intent!r}")
        return
    key = report_key(where, exp.get("force"), exp.get("year"))
    if key is None:
        return
    # force naming: turn 1 names a force; turn 2 names none; turn 3 names none or the judged force
    f1, f2, f3 = (forces_in(t) for t in turns)
    if not f1:
        errors.append(f"{where}: turn 1 names no force")
    if f2:
        errors.append(f"{where}: turn 2 names a force {f2}")
    if f3:
        if f3 != [exp["force"]]:
            errors.append(f"{where}: turn 3 names {f3} but expect.force is {exp['force']}")
    elif exp["force"] not in f1:
        errors.append(f"{where}: expect.force {exp['force']} not named in the conversation")
    allowed = {"force", "year"}
    if intent == "reasons":
        allowed |= {"pillar", "question_number", "contains"}
        if exp.get("pillar") != PARSED[key][0]:
            errors.append(
                f"{where}: pillar {exp.get('pillar')!r} != report pillar {PARSED[key][0]!r}"
            )
        cs = exp.get("contains") or []
        if not 3 <= len(cs) <= 8:
            errors.append(f"{where}: reasons needs 3-8 contains, has {len(cs)}")
        qn = exp.get("question_number")
        g = PARSED[key][2].get(qn)
        if g is None:
            errors.append(f"{where}: report {key} has no graded question {qn}")
        for c in cs:
            qs = check_string(where, c, key, "contains")
            if qs and not any(q in (qn, None) for q in qs):
                errors.append(f"{where}: contains not under question {qn} or overview: {c!r}")
    elif intent == "grade":
        allowed |= {"question_number", "grade"}
        qn, gr = exp.get("question_number"), exp.get("grade")
        if gr not in GRADES - {"Ungraded"}:
            errors.append(f"{where}: bad grade {gr!r}")
        if PARSED[key][2].get(qn) != gr:
            errors.append(
                f"{where}: grade {gr!r} != parsed grade {PARSED[key][2].get(qn)!r} for question {qn}"
            )
    elif intent == "evaluation" and exp.get("unjudged"):
        allowed |= {"unjudged"}
        if "contains" in exp:
            errors.append(f"{where}: unjudged evaluation must not have contains")
    else:
        allowed |= {"contains"}
        cs = exp.get("contains") or []
        if not cs:
            errors.append(f"{where}: {intent} needs contains")
        for c in cs:
            check_string(where, c, key, "contains")
    extra = set(exp) - allowed
    if extra:
        errors.append(f"{where}: unexpected expect keys {sorted(extra)}")
    if not r["gold"]:
        errors.append(f"{where}: empty gold")
    for g in r["gold"]:
        qs = check_string(where, g, key, "gold")
        if (
            intent == "grade"
            and qs
            and not any(q in (exp.get("question_number"), None) for q in qs)
        ):
            errors.append(
                f"{where}: grade gold not under question {exp.get('question_number')} or overview"
            )


def check_followup(where, r):
    for k in ("id", "first", "followup", "gold", "force", "year", "question_number"):
        if k not in r:
            errors.append(f"{where}: missing field {k}")
            return
    key = report_key(where, r["force"], r["year"])
    if key is None:
        return
    if r["force"] not in forces_in(r["first"]):
        errors.append(f"{where}: first turn does not name {r['force']}")
    if forces_in(r["followup"]):
        errors.append(f"{where}: follow-up names a force")
    qn = r["question_number"]
    if qn is not None and not isinstance(qn, int):
        errors.append(f"{where}: question_number must be int or null")
    if not r["gold"]:
        errors.append(f"{where}: empty gold")
    for g in r["gold"]:
        qs = check_string(where, g, key, "gold")
        if qs and qn not in qs:
            errors.append(f"{where}: gold lies under question {qs}, not {qn}")


def main():
    for p in REPORTS.values():
        if not p.exists():
            print(f"missing report {p} (set ROUND8_ROOT?)")
            return 2
    ids = set()
    for name, n in EXPECTED_COUNTS.items():
        path = HERE / name
        if not path.exists():
            errors.append(f"missing file {name}")
            continue
        rows = [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
        if len(rows) != n:
            errors.append(f"{name}: {len(rows)} rows, expected {n}")
        for i, r in enumerate(rows, 1):
            where = f"{name}:{i}:{r.get('id')}"
            if r.get("id") in ids:
                errors.append(f"{where}: duplicate id")
            ids.add(r.get("id"))
            (check_conversation if name.startswith("conversation") else check_followup)(where, r)
        if name == "conversation-dev.jsonl":
            for it in sorted(INTENTS):
                k = sum(r.get("intent") == it for r in rows)
                if k < 2:
                    errors.append(f"{name}: only {k} items with intent {it} (need >= 2)")
    for w in warnings:
        print("WARN", w)
    for e in errors:
        print("ERROR", e)
    print(f"{len(ids)} items, {len(errors)} errors, {len(warnings)} warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

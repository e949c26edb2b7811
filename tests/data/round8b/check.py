#!/usr/bin/env python3
"""Check the round-8b question sets (blind writer set).

Verifies fields, unique ids, and that every gold/contains string is verbatim (white space collapsed)
inside ONE paragraph (blank-line block; each "•" bullet its own paragraph) of the intended report,
is 8-25 words long and does not contain "SYNTHETIC". Grades are checked against the report's
question headings; "reasons" findings must come from the overview or the named question.

Run:  python3 check.py            (ROOT = three levels up: tests/data/round8b/ -> repo root)
      ROUND8_ROOT=/work/main python3 check.py
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
PILLAR = {
    ("Lancashire", "2018"): "Effectiveness",
    ("Cumbria", "2018"): "Effectiveness",
    ("Lancashire", "2017"): "Effectiveness",
    ("Durham", "2018"): "Legitimacy",
}
INTENTS = {"evaluation", "reasons", "figure", "named", "fact", "grade"}
GRADES = {"Good", "Requires improvement", "Inadequate", "Outstanding"}
FILES = {"evaluation-dev.jsonl": 16, "evaluation-holdout.jsonl": 8, "mixed-holdout.jsonl": 24}


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def parse(path):
    """Return (paragraphs as [(section, text)], {question_number: grade})."""
    lines = path.read_text(encoding="utf-8").splitlines()
    paras, grades, section, buf = [], {}, None, []

    def flush():
        if buf:
            paras.append((section, norm(" ".join(buf))))
            buf.clear()

    nonblank = [i for i, l in enumerate(lines) if l.strip()]
    for k, i in enumerate(nonblank):
        s = lines[i].strip()
        # question heading: a bare number followed by a question line and a grade line
        if (
            re.fullmatch(r"\d", s)
            and k + 2 < len(nonblank)
            and lines[nonblank[k + 1]].strip().endswith("?")
        ):
            section = int(s)
            grades[section] = lines[nonblank[k + 2]].strip()
    # second pass for paragraphs with sections
    section = None
    for k, line in enumerate(lines):
        s = line.strip()
        if re.fullmatch(r"\d", s) and s.isdigit() and int(s) in grades:
            flush()
            section = int(s)
            continue
        if not s:
            flush()
            continue
        if s.startswith("•"):
            flush()
            buf.append(s.lstrip("• ").strip())
            flush()
            continue
        buf.append(s)
    flush()
    return paras, grades


def main():
    errors, warnings = [], []
    reports = {}
    for key, p in REPORTS.items():
        if not p.exists():
            print(f"missing report {p}")
            return 2
        reports[key] = parse(p)
    ids = set()
    for fname, want in FILES.items():
        path = HERE / fname
        if not path.exists():
            errors.append(f"{fname}: missing")
            continue
        rows = [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
        if len(rows) != want:
            errors.append(f"{fname}: {len(rows)} rows, want {want}")
        if fname.startswith("evaluation") and any(r.get("intent") != "evaluation" for r in rows):
            errors.append(f"{fname}: non-evaluation intent present")
        for r in rows:
            rid = r.get("id")
            where = f"{fname}:{rid}"
            if not rid or rid in ids:
                errors.append(f"{where}: missing or duplicate id")
            ids.add(rid)
            # which format
            if "followup" in r:
                need = {"id", "first", "followup", "gold", "force", "year", "question_number"}
                fy = (r.get("force"), r.get("year"))
                exp = {}
            elif "turns" in r:
                need = {"id", "turns", "intent", "expect", "gold"}
                exp = r.get("expect", {})
                fy = (exp.get("force"), exp.get("year"))
                if not (isinstance(r.get("turns"), list) and len(r["turns"]) == 3):
                    errors.append(f"{where}: turns must be a list of 3")
            else:
                need = {"id", "question", "intent", "expect", "gold"}
                exp = r.get("expect", {})
                fy = (exp.get("force"), exp.get("year"))
            missing = need - set(r)
            if missing:
                errors.append(f"{where}: missing fields {sorted(missing)}")
            if fy not in reports:
                errors.append(f"{where}: unknown force/year {fy}")
                continue
            if not isinstance(fy[1], str):
                errors.append(f"{where}: year must be a string")
            paras, grades = reports[fy]
            intent = r.get("intent")
            if "followup" not in r and intent not in INTENTS:
                errors.append(f"{where}: bad intent {intent}")

            def check_str(s, label, sections=None):
                if "SYNTHETIC" in s:
                    errors.append(f"{where}: {label} contains SYNTHETIC: {s[:50]}")
                n = len(norm(s).split())
                if not 8 <= n <= 25:
                    errors.append(f"{where}: {label} has {n} words: {s[:60]}")
                hits = [sec for sec, t in paras if norm(s) in t]
                if not hits:
                    errors.append(
                        f"{where}: {label} not verbatim in one paragraph of {fy}: {s[:70]}"
                    )
                elif sections is not None and not any(h in sections for h in hits):
                    errors.append(f"{where}: {label} not in sections {sections}: {s[:60]}")
                for other, (op, _) in reports.items():
                    if other != fy and any(norm(s) in t for _, t in op):
                        warnings.append(f"{where}: {label} also in {other}: {s[:50]}")

            gold = r.get("gold")
            if not isinstance(gold, list) or not gold:
                errors.append(f"{where}: gold must be a non-empty list")
            else:
                for g in gold:
                    check_str(g, "gold")
            if intent == "evaluation":
                if exp.get("unjudged") is True:
                    if "contains" in exp:
                        errors.append(f"{where}: unjudged item must not have contains")
                elif not exp.get("contains"):
                    errors.append(f"{where}: evaluation needs contains or unjudged")
            if intent in {"figure", "named", "fact", "evaluation", "reasons"}:
                for c in exp.get("contains", []):
                    check_str(
                        c,
                        "contains",
                        sections={None, exp.get("question_number")}
                        if intent == "reasons"
                        else None,
                    )
            if intent == "reasons":
                for k in ("pillar", "question_number", "contains"):
                    if k not in exp:
                        errors.append(f"{where}: reasons expect missing {k}")
                if exp.get("pillar") != PILLAR[fy]:
                    errors.append(f"{where}: pillar {exp.get('pillar')} != {PILLAR[fy]}")
                if not 3 <= len(exp.get("contains", [])) <= 8:
                    errors.append(f"{where}: reasons needs 3-8 contains")
            if intent == "grade":
                qn, g = exp.get("question_number"), exp.get("grade")
                if g not in GRADES:
                    errors.append(f"{where}: bad grade {g}")
                elif grades.get(qn) != g:
                    errors.append(
                        f"{where}: grade {g} != report's {grades.get(qn)} for question {qn}"
                    )
    if "-v" in sys.argv:
        for w in warnings:
            print("WARNING", w)
    for e in errors:
        print("ERROR", e)
    print(
        f"{len(ids)} items, {len(errors)} errors, {len(warnings)} warnings (strings also found in another report; -v lists them)"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

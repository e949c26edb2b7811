#!/usr/bin/env python3
"""Check the round 9 (b) question sets against the four reports.

Run from anywhere:  python3 check.py      (ROUND9_ROOT=/path/to/repo overrides the root)
Exit status 0 when there are no errors; warnings are printed but do not fail.
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
    ("Lancashire", "2018"): (
        "Effectiveness",
        ROOT / "corpus/reports/lancashire-2018-effectiveness.txt",
    ),
    ("Cumbria", "2018"): (
        "Effectiveness",
        ROOT / "tests/data/multi/synthetic-cumbria-2018-effectiveness.txt",
    ),
    ("Lancashire", "2017"): (
        "Effectiveness",
        ROOT / "tests/data/multi/synthetic-lancashire-2017-effectiveness.txt",
    ),
    ("Durham", "2018"): (
        "Legitimacy",
        ROOT / "tests/data/multi/synthetic-durham-2018-legitimacy.txt",
    ),
}
FILES = {  # name: (format, expected count)
    "conversation-dev.jsonl": ("conv", 16),
    "conversation-holdout.jsonl": ("conv", 8),
    "followups-dev.jsonl": ("followup", 16),
    "followups-holdout.jsonl": ("followup", 8),
    "mixed-holdout.jsonl": ("single", 24),
}
INTENTS = ["evaluation", "reasons", "figure", "named", "fact", "grade"]
GRADES = {"Good", "Requires improvement", "Inadequate", "Outstanding"}
FORCES = ["Lancashire", "Cumbria", "Durham"]

errors, warnings = [], []


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def parse(path):
    """Return (paragraphs, grades). paragraphs: list of (text, question_number or None);
    every blank-line block is a paragraph, every "•" bullet its own paragraph."""
    lines = path.read_text(encoding="utf-8").splitlines()
    paras, grades = [], {}
    q, in_questions, cur = None, False, []
    pending_q = None

    def flush():
        if cur:
            paras.append((norm(" ".join(cur)), q))
            cur.clear()

    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("Questions for "):
            in_questions = True
        if in_questions and re.fullmatch(r"[1-9]", line):
            flush()
            q = int(line)
            pending_q = q
            continue
        if pending_q is not None and line in GRADES | {"Ungraded"}:
            grades[pending_q] = line
            pending_q = None
        if line.startswith("•"):
            flush()
            cur.append(line.lstrip("•").strip())
            flush()
            continue
        cur.append(line)
    flush()
    return paras, grades


DOCS = {}
for key, (pillar, path) in REPORTS.items():
    if not path.exists():
        sys.exit(f"missing report {path} (set ROUND9_ROOT)")
    paras, grades = parse(path)
    DOCS[key] = {
        "pillar": pillar,
        "paras": paras,
        "grades": grades,
        "all": norm(path.read_text(encoding="utf-8")),
    }


def where(key, s):
    """Question numbers of the paragraphs of report `key` containing s (white space collapsed)."""
    n = norm(s)
    return [q for text, q in DOCS[key]["paras"] if n in text]


def check_strings(rid, field, strings, key, qn=None, qn_strict=False, summary_ok=False):
    if not isinstance(strings, list) or not strings:
        errors.append(f"{rid}: {field} must be a non-empty list")
        return
    for s in strings:
        if not isinstance(s, str):
            errors.append(f"{rid}: {field} item not a string")
            continue
        if "SYNTHETIC" in s:
            errors.append(f"{rid}: {field} contains SYNTHETIC: {s!r}")
        nw = len(norm(s).split())
        if not 8 <= nw <= 25:
            errors.append(f"{rid}: {field} has {nw} words (8-25): {s!r}")
        qs = where(key, s)
        if not qs:
            errors.append(f"{rid}: {field} not verbatim in one paragraph of {key}: {s!r}")
            continue
        if qn_strict or qn is not None:
            ok = (qn in qs) or (summary_ok and None in qs)
            if not ok:
                errors.append(f"{rid}: {field} {s!r} is under question {qs}, expected {qn}")
        # text shared between reports
        for other in DOCS:
            if other != key and norm(s) in DOCS[other]["all"]:
                msg = f"{rid}: {field} {s!r} also occurs in {other}"
                if key == ("Cumbria", "2018"):
                    errors.append(
                        msg + " (Cumbria items must use text that differs from Lancashire 2018)"
                    )
                else:
                    warnings.append(msg)


def report_key(rid, force, year):
    if not isinstance(year, str):
        errors.append(f"{rid}: year must be a string")
    key = (force, year)
    if key not in DOCS:
        errors.append(f"{rid}: unknown report {key}")
        return None
    return key


def check_copy(rid, text, key):
    """Warn when a question copies 8+ consecutive words of a report sentence."""
    words = re.findall(r"[\w’']+", text.lower())
    body = " ".join(re.findall(r"[\w’']+", DOCS[key]["all"].lower()))
    for i in range(len(words) - 7):
        if " " + " ".join(words[i : i + 8]) + " " in " " + body + " ":
            warnings.append(
                f"{rid}: question copies report wording: {' '.join(words[i : i + 8])!r}"
            )
            return


def check_expect(rid, intent, expect, gold, text_for_copy):
    if intent not in INTENTS:
        errors.append(f"{rid}: bad intent {intent!r}")
        return
    if not isinstance(expect, dict):
        errors.append(f"{rid}: expect must be an object")
        return
    key = report_key(rid, expect.get("force"), expect.get("year"))
    if key is None:
        return
    allowed = {
        "evaluation": {"force", "year", "contains", "unjudged"},
        "reasons": {"force", "year", "pillar", "question_number", "contains"},
        "grade": {"force", "year", "question_number", "grade"},
    }.get(intent, {"force", "year", "contains"})
    extra = set(expect) - allowed
    if extra:
        errors.append(f"{rid}: unexpected expect fields {sorted(extra)}")
    if intent == "grade":
        qn, g = expect.get("question_number"), expect.get("grade")
        if g not in GRADES:
            errors.append(f"{rid}: bad grade {g!r}")
        elif DOCS[key]["grades"].get(qn) != g:
            errors.append(
                f"{rid}: grade {g!r} for q{qn} but report says {DOCS[key]['grades'].get(qn)!r}"
            )
        check_strings(rid, "gold", gold, key, qn=qn, summary_ok=True)
    elif intent == "evaluation":
        if expect.get("unjudged") is True:
            if "contains" in expect:
                errors.append(f"{rid}: unjudged item must not have contains")
        else:
            check_strings(rid, "contains", expect.get("contains"), key)
        check_strings(rid, "gold", gold, key)
    elif intent == "reasons":
        qn = expect.get("question_number")
        if expect.get("pillar") != DOCS[key]["pillar"]:
            errors.append(f"{rid}: pillar {expect.get('pillar')!r} != {DOCS[key]['pillar']!r}")
        if qn not in DOCS[key]["grades"]:
            errors.append(f"{rid}: no question {qn} in {key}")
        c = expect.get("contains") or []
        if not 3 <= len(c) <= 8:
            errors.append(f"{rid}: reasons needs 3-8 contains, has {len(c)}")
        check_strings(rid, "contains", c, key, qn=qn, summary_ok=True)
        check_strings(rid, "gold", gold, key, qn=qn, summary_ok=True)
    else:
        check_strings(rid, "contains", expect.get("contains"), key)
        check_strings(rid, "gold", gold, key)
    check_copy(rid, text_for_copy, key)


def main():
    ids = set()
    for name, (fmt, count) in FILES.items():
        path = HERE / name
        if not path.exists():
            errors.append(f"missing {name}")
            continue
        rows = []
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                errors.append(f"{name}:{n}: bad JSON {e}")
        if len(rows) != count:
            errors.append(f"{name}: {len(rows)} rows, expected {count}")
        intents = {}
        for r in rows:
            rid = r.get("id")
            if not rid or rid in ids:
                errors.append(f"{name}: missing or duplicate id {rid!r}")
            ids.add(rid)
            if fmt == "followup":
                need = {"id", "first", "followup", "gold", "force", "year", "question_number"}
                if set(r) != need:
                    errors.append(f"{rid}: fields {sorted(r)} != {sorted(need)}")
                    continue
                key = report_key(rid, r["force"], r["year"])
                if key is None:
                    continue
                if r["force"] not in r["first"]:
                    errors.append(f"{rid}: first turn must name the force")
                if any(f in r["followup"] for f in FORCES):
                    errors.append(f"{rid}: follow-up must not name a force")
                qn = r["question_number"]
                if qn is not None and qn not in DOCS[key]["grades"]:
                    errors.append(f"{rid}: no question {qn}")
                check_strings(rid, "gold", r["gold"], key, qn=qn, qn_strict=True)
                check_copy(rid, r["first"] + " . " + r["followup"], key)
            elif fmt == "conv":
                need = {"id", "turns", "intent", "expect", "gold"}
                if set(r) != need:
                    errors.append(f"{rid}: fields {sorted(r)} != {sorted(need)}")
                    continue
                t = r["turns"]
                if not (
                    isinstance(t, list)
                    and len(t) == 3
                    and all(isinstance(x, str) and x.strip() for x in t)
                ):
                    errors.append(f"{rid}: turns must be 3 non-empty strings")
                    continue
                if not any(f in t[0] for f in FORCES):
                    errors.append(f"{rid}: first turn must name a force")
                intents[r["intent"]] = intents.get(r["intent"], 0) + 1
                check_expect(rid, r["intent"], r["expect"], r["gold"], " . ".join(t))
            else:
                need = {"id", "question", "intent", "expect", "gold"}
                if set(r) != need:
                    errors.append(f"{rid}: fields {sorted(r)} != {sorted(need)}")
                    continue
                if not any(f.lower() in r["question"].lower() for f in FORCES):
                    errors.append(f"{rid}: question must name the force")
                intents[r["intent"]] = intents.get(r["intent"], 0) + 1
                check_expect(rid, r["intent"], r["expect"], r["gold"], r["question"])
        if fmt in ("conv", "single"):
            need_each = 2 if name == "conversation-dev.jsonl" else 1
            for i in INTENTS:
                if intents.get(i, 0) < need_each:
                    errors.append(
                        f"{name}: intent {i} has {intents.get(i, 0)} items, need {need_each}"
                    )
            print(f"{name}: {len(rows)} rows, intents {dict(sorted(intents.items()))}")
        else:
            print(f"{name}: {len(rows)} rows")
    for w in warnings:
        print("WARNING", w)
    for e in errors:
        print("ERROR", e)
    print(f"{len(errors)} errors, {len(warnings)} warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

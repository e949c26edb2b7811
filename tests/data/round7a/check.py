#!/usr/bin/env python3
"""Check the round7a question sets against the four PEEL report pages.

Run from anywhere:  python3 check.py
Reports are found under ROOT = Path(__file__).resolve().parents[3] (the repository root once this
folder sits at tests/data/round7x/), or under $ROUND7_ROOT if that is set (e.g. ROUND7_ROOT=/work/main).
Exit status 1 if there are errors; warnings are printed but do not fail.
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
FORCES = {"Lancashire", "Cumbria", "Durham"}
GRADES = {"Good", "Requires improvement", "Inadequate", "Outstanding", "Ungraded"}
INTENTS = {"evaluation", "reasons", "figure", "named", "fact", "grade"}
EXPECT_KEYS = {
    "evaluation": {"force", "year"},  # plus exactly one of contains / unjudged
    "reasons": {"force", "year", "pillar", "question_number", "contains"},
    "figure": {"force", "year", "contains"},
    "named": {"force", "year", "contains"},
    "fact": {"force", "year", "contains"},
    "grade": {"force", "year", "question_number", "grade"},
}
FILES = {
    "followups-dev.jsonl": ("fu", "r7a-fu-d", 24),
    "followups-holdout.jsonl": ("fu", "r7a-fu-h", 12),
    "conversation-dev.jsonl": ("cv", "r7a-cv-d", 12),
    "conversation-holdout.jsonl": ("cv", "r7a-cv-h", 6),
}


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def parse(path):
    """Paragraphs (blank-line blocks, each bullet its own) with their question number; grades."""
    paras, grades = [], {}
    qn, want_grade = None, False
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        lines = [l for l in block.split("\n") if l.strip()]
        cur = []
        for line in lines:
            s = line.strip()
            if re.fullmatch(r"\d", s):
                if cur:
                    paras.append((norm(" ".join(cur)), qn))
                    cur = []
                qn, want_grade = int(s), True
                continue
            if want_grade and qn is not None and s in GRADES:
                grades[qn] = s
                want_grade = False
            if s.startswith("•"):
                if cur:
                    paras.append((norm(" ".join(cur)), qn))
                paras.append((norm(s.lstrip("•").strip()), qn))
                cur = []
            else:
                cur.append(s)
        if cur:
            paras.append((norm(" ".join(cur)), qn))
    return paras, grades


def main():
    errors, warnings = [], []
    reports = {}
    for key, (rel, pillar) in REPORTS.items():
        p = ROOT / rel
        if not p.exists():
            print(f"missing report {p} (set ROUND7_ROOT?)")
            return 2
        paras, grades = parse(p)
        reports[key] = {
            "paras": paras,
            "grades": grades,
            "pillar": pillar,
            "text": norm(p.read_text(encoding="utf-8")),
        }
    lanc18_text = reports[("Lancashire", "2018")]["text"]

    def find(key, s):
        """Question numbers of the paragraphs of report `key` holding s."""
        s = norm(s)
        return [qn for text, qn in reports[key]["paras"] if s in text]

    def check_strings(where, key, strings, label, qn_required=None):
        if not isinstance(strings, list) or not strings:
            errors.append(f"{where}: {label} must be a non-empty list")
            return []
        found_qns = []
        for s in strings:
            if not isinstance(s, str):
                errors.append(f"{where}: {label} entry not a string")
                continue
            if "SYNTHETIC" in s:
                errors.append(f"{where}: {label} contains SYNTHETIC: {s!r}")
            n = len(norm(s).split())
            if not 8 <= n <= 25:
                errors.append(f"{where}: {label} has {n} words (8-25): {s!r}")
            qns = find(key, s)
            if not qns:
                errors.append(f"{where}: {label} not verbatim in one paragraph of {key}: {s!r}")
                continue
            if qn_required is not None and qn_required not in qns:
                errors.append(
                    f"{where}: {label} not under question {qn_required} (found under {qns}): {s!r}"
                )
            found_qns.append(qns)
            if key == ("Cumbria", "2018") and label == "gold" and norm(s) in lanc18_text:
                errors.append(
                    f"{where}: Cumbria gold also in Lancashire 2018 (pick changed text): {s!r}"
                )
            for other in reports:
                if (
                    other != key
                    and find(other, s)
                    and not (key == ("Cumbria", "2018") and label == "gold")
                ):
                    warnings.append(f"{where}: {label} also occurs in {other}: {s[:60]!r}")
        return found_qns

    def names_force(text):
        return {f for f in FORCES if f.lower() in text.lower()}

    stats = {}
    ids = Counter()
    for fname, (kind, prefix, count) in FILES.items():
        path = HERE / fname
        if not path.exists():
            errors.append(f"{fname}: missing")
            continue
        items = [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
        if len(items) != count:
            errors.append(f"{fname}: {len(items)} items, expected {count}")
        intents, per_report, bare = Counter(), Counter(), 0
        for i, it in enumerate(items, 1):
            iid = it.get("id", f"{fname}#{i}")
            where = f"{fname}:{iid}"
            ids[iid] += 1
            if iid != f"{prefix}{i:02d}":
                errors.append(f"{where}: id should be {prefix}{i:02d}")
            if kind == "fu":
                want = {"id", "first", "followup", "gold", "force", "year", "question_number"}
                if set(it) != want:
                    errors.append(f"{where}: keys {sorted(it)} != {sorted(want)}")
                    continue
                key = (it["force"], it["year"])
                if key not in reports:
                    errors.append(f"{where}: unknown report {key}")
                    continue
                per_report[key] += 1
                if it["force"] not in names_force(it["first"]):
                    errors.append(f"{where}: first turn does not name {it['force']}")
                if names_force(it["followup"]):
                    errors.append(f"{where}: follow-up names a force")
                if len(it["followup"].split()) <= 5:
                    bare += 1
                qn = it["question_number"]
                if qn is not None and not isinstance(qn, int):
                    errors.append(f"{where}: question_number must be int or null")
                found = check_strings(where, key, it["gold"], "gold")
                for qns in found:
                    if qn not in qns:
                        errors.append(f"{where}: gold lies under question {qns}, not {qn}")
            else:
                want = {"id", "turns", "intent", "expect", "gold"}
                if set(it) != want:
                    errors.append(f"{where}: keys {sorted(it)} != {sorted(want)}")
                    continue
                turns, intent, exp = it["turns"], it["intent"], it["expect"]
                if not (
                    isinstance(turns, list)
                    and len(turns) == 3
                    and all(isinstance(t, str) and t.strip() for t in turns)
                ):
                    errors.append(f"{where}: turns must be 3 non-empty strings")
                    continue
                if intent not in INTENTS:
                    errors.append(f"{where}: bad intent {intent}")
                    continue
                intents[intent] += 1
                key = (exp.get("force"), exp.get("year"))
                if key not in reports:
                    errors.append(f"{where}: unknown report {key}")
                    continue
                per_report[key] += 1
                if exp["force"] not in names_force(turns[0]):
                    errors.append(f"{where}: turn 1 does not name {exp['force']}")
                for t in turns[1:]:
                    if names_force(t):
                        errors.append(f"{where}: a later turn names a force: {t!r}")
                keys = set(exp)
                if intent == "evaluation":
                    extra = keys - EXPECT_KEYS["evaluation"]
                    if extra == {"contains"}:
                        check_strings(where, key, exp["contains"], "contains")
                    elif extra == {"unjudged"}:
                        if exp["unjudged"] is not True:
                            errors.append(f"{where}: unjudged must be true")
                    else:
                        errors.append(
                            f"{where}: evaluation expect needs exactly one of contains/unjudged, got {sorted(keys)}"
                        )
                elif keys != EXPECT_KEYS[intent]:
                    errors.append(
                        f"{where}: expect keys {sorted(keys)} != {sorted(EXPECT_KEYS[intent])}"
                    )
                    continue
                if intent == "reasons":
                    if exp["pillar"] != reports[key]["pillar"]:
                        errors.append(
                            f"{where}: pillar {exp['pillar']} != {reports[key]['pillar']}"
                        )
                    if not 3 <= len(exp["contains"]) <= 8:
                        errors.append(f"{where}: reasons needs 3-8 contains")
                    check_strings(
                        where, key, exp["contains"], "contains", qn_required=exp["question_number"]
                    )
                elif intent in ("figure", "named", "fact"):
                    check_strings(where, key, exp["contains"], "contains")
                elif intent == "grade":
                    got = reports[key]["grades"].get(exp["question_number"])
                    if got != exp["grade"]:
                        errors.append(f"{where}: grade {exp['grade']} != parsed {got}")
                check_strings(where, key, it["gold"], "gold")
        stats[fname] = (
            len(items),
            dict(intents),
            {f"{k[0]} {k[1]}": v for k, v in per_report.items()},
            bare,
        )
        if kind == "cv":
            missing = INTENTS - set(intents)
            if missing:
                errors.append(f"{fname}: intents missing {sorted(missing)}")
            if fname.endswith("dev.jsonl"):
                for need in ("evaluation", "reasons", "figure"):
                    if intents[need] < 2:
                        errors.append(f"{fname}: fewer than 2 {need} items")
        nonl18 = sum(v for k, v in per_report.items() if k != ("Lancashire", "2018"))
        if nonl18 * 3 < len(items):
            errors.append(f"{fname}: only {nonl18}/{len(items)} items outside Lancashire 2018")
    for iid, n in ids.items():
        if n > 1:
            errors.append(f"duplicate id {iid}")

    for fname, (n, intents, per, bare) in stats.items():
        extra = (
            f", bare follow-ups {bare}" if fname.startswith("followups") else f", intents {intents}"
        )
        print(f"{fname}: {n} items, reports {per}{extra}")
    for w in warnings:
        print("WARNING", w)
    for e in errors:
        print("ERROR", e)
    print(f"{len(errors)} errors, {len(warnings)} warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

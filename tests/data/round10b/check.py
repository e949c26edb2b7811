#!/usr/bin/env python3
"""Check the round-10b question sets (conversations + follow-ups).

Verifies fields, unique ids, counts, intent spread, that every gold/contains string is a verbatim
(white space collapsed) substring of ONE paragraph of the intended report, 8-25 words, no
"SYNTHETIC", question numbers / grades against the parsed report, and dev/holdout topic separation.
ROOT is the repository root (this file lives in tests/data/<folder>/); override with ROUND10_ROOT.
"""

import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = (
    Path(os.environ["ROUND10_ROOT"])
    if os.environ.get("ROUND10_ROOT")
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
FORCES = ["Lancashire", "Cumbria", "Durham"]
INTENTS = {"grade", "reasons", "figure", "named", "fact", "evaluation"}
GRADES = {"Good", "Requires improvement", "Inadequate", "Outstanding"}
FILES = {  # name: (kind, expected count)
    "conversation-dev.jsonl": ("conv", 24),
    "conversation-holdout.jsonl": ("conv", 12),
    "followups-dev.jsonl": ("fu", 16),
    "followups-holdout.jsonl": ("fu", 8),
}

errors, warnings = [], []


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def parse(path):
    """Return (paragraphs [(text, question_number)], grades {qn: grade})."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks, cur = [], []
    for ln in lines:
        if ln.strip():
            cur.append(ln.strip())
        elif cur:
            blocks.append(cur)
            cur = []
    if cur:
        blocks.append(cur)
    paras, grades, q, pending = [], {}, None, 0
    for block in blocks:
        # every paragraph in these pages is one line; multi-line blocks are heading/number/grade
        # lines ("Summary for question 1" + "2", "Last updated ..." + "Good") or "•" bullets,
        # each of which is its own unit
        units = block
        for u in units:
            if re.fullmatch(r"\d+", u):
                q, pending = int(u), 2
                continue
            if pending == 2:  # question heading
                pending = 1
            elif pending == 1:  # grade line
                grades[q] = u
                pending = 0
            paras.append((norm(u.lstrip("•").strip()), q))
    return paras, grades


PARSED = {k: parse(p) for k, (_, p) in REPORTS.items()}


def find(key, s, where):
    """Paragraph index holding s in report key, or None (error recorded)."""
    if "SYNTHETIC" in s:
        errors.append(f"{where}: contains 'SYNTHETIC': {s[:60]}")
    n = len(s.split())
    if not 8 <= n <= 25:
        errors.append(f"{where}: {n} words (need 8-25): {s[:60]}")
    paras = PARSED[key][0]
    hits = [i for i, (t, _) in enumerate(paras) if norm(s) in t]
    if not hits:
        errors.append(f"{where}: not verbatim in one paragraph of {key}: {s[:70]}")
        return None
    if key == ("Cumbria", "2018"):
        # Cumbria items must come from paragraphs that differ from the Lancashire 2018 original
        l18 = {t for t, _ in PARSED[("Lancashire", "2018")][0]}
        if paras[hits[0]][0].replace("Cumbria", "Lancashire") in l18:
            errors.append(f"{where}: Cumbria paragraph is unchanged from Lancashire 2018: {s[:60]}")
    elif key != ("Lancashire", "2018"):
        for other, (op, _) in PARSED.items():
            if other != key and any(norm(s) in t for t, _ in op):
                warnings.append(f"{where}: also occurs in {other}: {s[:60]}")
    return hits[0]


def key_of(obj, where):
    force, year = obj.get("force"), obj.get("year")
    if not isinstance(year, str):
        errors.append(f"{where}: year must be a string")
    k = (force, year)
    if k not in REPORTS:
        errors.append(f"{where}: unknown report {k}")
        return None
    return k


def names_force(text):
    return [f for f in FORCES if f.lower() in text.lower()]


ids, gold_paras, intents, non_l18, total, switches = set(), {}, Counter(), 0, 0, 0
for fname, (kind, want) in FILES.items():
    path = HERE / fname
    if not path.exists():
        errors.append(f"missing {fname}")
        continue
    rows = [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
    if len(rows) != want:
        errors.append(f"{fname}: {len(rows)} rows, want {want}")
    split = "dev" if "dev" in fname else "holdout"
    for r in rows:
        rid = r.get("id")
        where = f"{fname}:{rid}"
        if not rid or rid in ids:
            errors.append(f"{where}: missing or duplicate id")
        ids.add(rid)
        total += 1
        if kind == "fu":
            need = {"id", "first", "followup", "gold", "force", "year", "question_number"}
            if set(r) != need:
                errors.append(f"{where}: fields {sorted(r)} != {sorted(need)}")
            k = key_of(r, where)
            if names_force(r.get("followup", "")):
                errors.append(f"{where}: follow-up names a force")
            if r.get("force") and r["force"] not in r.get("first", ""):
                errors.append(f"{where}: first turn does not name the force")
            if r.get("year") == "2017" and "2017" not in r.get("first", ""):
                errors.append(f"{where}: 2017 item, first turn does not name the year")
            if not k:
                continue
            for g in r.get("gold") or errors.append(f"{where}: empty gold") or []:
                i = find(k, g, where + " gold")
                if i is not None:
                    gold_paras.setdefault((kind, k, i), set()).add(split)
                    qn = PARSED[k][0][i][1]
                    if qn != r.get("question_number"):
                        errors.append(
                            f"{where}: gold in question {qn}, item says {r.get('question_number')}"
                        )
        else:
            need = {"id", "turns", "intent", "expect", "gold"}
            if set(r) != need:
                errors.append(f"{where}: fields {sorted(r)} != {sorted(need)}")
            turns = r.get("turns", [])
            if len(turns) != 3 or not all(isinstance(t, str) and t.strip() for t in turns):
                errors.append(f"{where}: need 3 non-empty turns")
                continue
            intent = r.get("intent")
            if intent not in INTENTS:
                errors.append(f"{where}: bad intent {intent}")
            intents[intent] += 1
            e = r.get("expect", {})
            k = key_of(e, where + " expect")
            if not k:
                continue
            f1 = names_force(turns[0])
            if not f1:
                errors.append(f"{where}: turn 1 names no force")
            later = names_force(turns[1] + " " + turns[2])
            if set(later) & set(f1):
                errors.append(f"{where}: turn 2/3 repeats the force of turn 1")
            if later or re.search(r"20\d\d", turns[1] + turns[2]):
                switches += 1
            # the report answering turn 3 must be reachable: a switched force/year is named in turn 2 or 3
            if f1 and k[0] not in f1 and k[0] not in turns[1] + turns[2]:
                errors.append(f"{where}: answer force {k[0]} never named")
            said_years = re.findall(r"20\d\d", " ".join(turns))
            if k[1] == "2017" and "2017" not in said_years:
                errors.append(f"{where}: 2017 answer but year never named")
            allowed = {"force", "year"}
            if intent == "grade":
                allowed |= {"question_number", "grade"}
                if e.get("grade") not in GRADES:
                    errors.append(f"{where}: bad grade {e.get('grade')}")
                parsed = PARSED[k][1].get(e.get("question_number"))
                if parsed != e.get("grade"):
                    errors.append(f"{where}: grade {e.get('grade')} but report says {parsed}")
            elif intent == "reasons":
                allowed |= {"pillar", "question_number", "contains"}
                if e.get("pillar") != REPORTS[k][0]:
                    errors.append(f"{where}: pillar {e.get('pillar')} != {REPORTS[k][0]}")
                if not 3 <= len(e.get("contains", [])) <= 8:
                    errors.append(f"{where}: reasons need 3-8 contains")
                if e.get("question_number") not in PARSED[k][1]:
                    errors.append(f"{where}: no question {e.get('question_number')}")
            elif intent == "evaluation":
                allowed |= {"contains", "unjudged"}
                if bool(e.get("contains")) == bool(e.get("unjudged")):
                    errors.append(f"{where}: evaluation needs contains XOR unjudged")
                if "unjudged" in e and e["unjudged"] is not True:
                    errors.append(f"{where}: unjudged must be true")
            else:
                allowed |= {"contains"}
                if not e.get("contains"):
                    errors.append(f"{where}: missing contains")
            if set(e) - allowed or not {"force", "year"} <= set(e):
                errors.append(f"{where}: expect fields {sorted(e)}")
            for c in e.get("contains", []):
                i = find(k, c, where + " contains")
                if i is not None and intent == "reasons":
                    qn = PARSED[k][0][i][1]
                    if qn not in (None, e.get("question_number")):
                        errors.append(
                            f"{where}: reason from question {qn}, not {e.get('question_number')}"
                        )
            if not r.get("gold"):
                errors.append(f"{where}: empty gold")
            for g in r.get("gold", []):
                i = find(k, g, where + " gold")
                if i is not None:
                    gold_paras.setdefault((kind, k, i), set()).add(split)
        if k != ("Lancashire", "2018"):
            non_l18 += 1

for intent in sorted(INTENTS):
    if intents[intent] < 3:
        errors.append(f"conversations: intent {intent} used {intents[intent]} times (need >= 3)")
if total and non_l18 * 3 < total:
    errors.append(f"only {non_l18}/{total} items not from Lancashire 2018 (need a third)")
for (kind, k, i), splits in gold_paras.items():
    if len(splits) > 1:
        errors.append(f"{kind}: dev and holdout share a gold paragraph ({k}, paragraph {i})")
# cross-kind sharing is allowed but reported
seen = {}
for (kind, k, i), splits in gold_paras.items():
    for s in splits:
        seen.setdefault((k, i), set()).add((kind, s))
for (k, i), ks in seen.items():
    if len({s for _, s in ks}) > 1:
        warnings.append(
            f"gold paragraph {k}#{i} used in both dev and holdout (different kinds): {sorted(ks)}"
        )

print(
    f"items: {total}; not Lancashire 2018: {non_l18}; conversation intents: {dict(intents)}; "
    f"conversations switching force/year in turn 2-3: {switches}"
)
for w in warnings:
    print("WARNING", w)
for e in errors:
    print("ERROR", e)
print(f"{len(errors)} errors, {len(warnings)} warnings")
sys.exit(1 if errors else 0)

#!/usr/bin/env python3
"""Check mixed-holdout.jsonl (round 15) against the page fragments and AVOID.txt.

Pages are read from $FRAGMENTS_DIR (default /work/shared/corpus/fragments).
Prints every error and exits 1 if there are any, else prints "0 errors".
"""

import glob
import json
import os
import re
import sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
FRAG = os.environ.get("FRAGMENTS_DIR", "/work/shared/corpus/fragments")
QFILE = os.path.join(HERE, "mixed-holdout.jsonl")
AVOID = os.path.join(HERE, "AVOID.txt")
SKIP = {"lancashire-2021-22-landing-page.txt"}
INTENTS = {"figure": 8, "named": 8, "fact": 8}
NUMWORDS = set(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen
fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy
eighty ninety hundred thousand thousands million millions billion first second third fourth
fifth sixth seventh eighth ninth tenth half quarter dozen percent twice annually""".split()
)

errors = []


def err(msg):
    errors.append(msg)


def collapse(s):
    return re.sub(r"\s+", " ", s).strip()


def toks(s):
    s = s.lower().replace("\u2019", "'").replace("\u2018", "'")
    return re.findall(r"[a-z0-9]+(?:'[a-z0-9]+)*", s)


def grams(s, n=8):
    t = toks(s)
    return {tuple(t[i : i + n]) for i in range(len(t) - n + 1)}


def paragraphs(text):
    """Blank-line blocks; each bullet its own paragraph; a page with no blank
    lines at all is split into lines."""
    if re.search(r"\n[ \t]*\n", text):
        blocks = re.split(r"\n[ \t]*\n", text)
    else:
        blocks = text.split("\n")
    out = []
    for b in blocks:
        for part in b.split("\u2022"):
            p = collapse(part)
            if p:
                out.append(p)
    return out


def force_year(fname):
    m = re.match(r"(.+?)-(\d{4})", fname)
    slug, year = m.group(1), m.group(2)
    force = " ".join(w if w == "and" else w.capitalize() for w in slug.split("-"))
    return force, year


# ---- load pages
pages = {}  # fname -> (force, year, paragraphs, fulltext)
for path in sorted(glob.glob(os.path.join(FRAG, "*.txt"))):
    fn = os.path.basename(path)
    if fn in SKIP:
        continue
    text = open(path, encoding="utf-8").read()
    f, y = force_year(fn)
    pages[fn] = (f, y, paragraphs(text), collapse(text))
if not pages:
    print(f"no pages found in {FRAG}")
    sys.exit(1)
by_fy = defaultdict(list)
for fn, (f, y, _, _) in pages.items():
    by_fy[(f, y)].append(fn)

# ---- AVOID n-grams
avoid_lines = [l.strip() for l in open(AVOID, encoding="utf-8") if l.strip()]
AG = set()
for a in avoid_lines:
    AG |= grams(a)
avoid_collapsed = [collapse(a) for a in avoid_lines]


def sentence_around(par, start, end):
    """Expand [start, end) of a paragraph to the whole sentence(s) it touches."""
    bounds = [0] + [m.end() for m in re.finditer(r"[.!?;:]\s+", par)] + [len(par)]
    s = max(b for b in bounds if b <= start)
    e = min((b for b in bounds if b >= end), default=len(par))
    return par[s:e]


def find(fragment, fy):
    """Return list of (fname, paragraph, start) where fragment occurs in one paragraph."""
    frag = collapse(fragment)
    hits = []
    for fn in by_fy.get(fy, []):
        for p in pages[fn][2]:
            i = p.find(frag)
            if i >= 0:
                hits.append((fn, p, i))
    return hits


# ---- load questions
rows = []
with open(QFILE, encoding="utf-8") as fh:
    for ln, line in enumerate(fh, 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except Exception as e:  # noqa: BLE001
            err(f"line {ln}: bad JSON: {e}")

ids = [r.get("id") for r in rows]
for i, c in Counter(ids).items():
    if c > 1:
        err(f"duplicate id {i}")
want_ids = [f"r15-h{i:02d}" for i in range(1, 25)]
if sorted(i for i in ids if i) != want_ids:
    err(f"ids should be exactly r15-h01..r15-h24, got {ids}")
cnt = Counter(r.get("intent") for r in rows)
for k, v in INTENTS.items():
    if cnt.get(k, 0) != v:
        err(f"intent {k}: {cnt.get(k, 0)} questions, want {v}")
for k in cnt:
    if k not in INTENTS:
        err(f"unknown intent {k}")

page_use = Counter()
fys = set()
for r in rows:
    rid = r.get("id", "?")
    for key in ("id", "question", "intent", "expect", "gold"):
        if key not in r:
            err(f"{rid}: missing field {key}")
    exp = r.get("expect") or {}
    for key in ("force", "year", "contains"):
        if key not in exp:
            err(f"{rid}: expect missing {key}")
    if set(r) - {"id", "question", "intent", "expect", "gold"}:
        err(f"{rid}: extra fields {set(r) - {'id', 'question', 'intent', 'expect', 'gold'}}")
    force, year = exp.get("force"), exp.get("year")
    if not isinstance(year, str):
        err(f"{rid}: year must be a string")
    fy = (force, year)
    if fy not in by_fy:
        err(f"{rid}: no page for force/year {fy}")
        continue
    fys.add(fy)
    q = r.get("question", "")
    if not isinstance(q, str) or len(toks(q)) < 4:
        err(f"{rid}: question missing or too short")
    if force.lower() not in q.lower() and not (
        force == "Greater Manchester" and "manchester" in q.lower()
    ):
        err(f"{rid}: question does not name the force {force}")
    if year not in q:
        err(f"{rid}: question does not name the year {year}")
    # question must not copy 8+ consecutive words of its pages
    qg = grams(q)
    for fn in by_fy[fy]:
        if qg & grams(pages[fn][3]):
            err(f"{rid}: question copies 8+ consecutive words of {fn}")
    used_pages = set()
    for field in ("contains", "gold"):
        vals = exp.get("contains") if field == "contains" else r.get("gold")
        if not isinstance(vals, list) or not vals:
            err(f"{rid}: {field} must be a non-empty list")
            continue
        for s in vals:
            n = len(collapse(s).split(" "))
            if not 8 <= n <= 25:
                err(f"{rid}: {field} string has {n} words (want 8-25): {s[:60]}")
            hits = find(s, fy)
            if not hits:
                err(
                    f"{rid}: {field} string not verbatim inside one paragraph of a {fy} page: {s[:70]}"
                )
            if field == "contains":
                used_pages |= {h[0] for h in hits}
            if r.get("intent") == "figure":
                t = toks(s)
                if not any(re.search(r"\d", w) for w in t) and not any(w in NUMWORDS for w in t):
                    err(f"{rid}: figure {field} string holds no digit or number word: {s[:60]}")
            # AVOID: the string itself, and the whole sentence(s) it sits in
            if grams(s) & AG:
                err(f"{rid}: {field} string shares 8 consecutive words with AVOID.txt: {s[:60]}")
            for fn, p, i in hits:
                sent = sentence_around(p, i, i + len(collapse(s)))
                if grams(sent) & AG or any(collapse(sent) == a for a in avoid_collapsed):
                    err(
                        f"{rid}: {field} string sits in a sentence listed in AVOID.txt ({fn}): {sent[:70]}"
                    )
    for fn in used_pages:
        page_use[fn] += 1

for fn, c in page_use.items():
    if c > 3:
        err(f"page {fn} used by {c} questions (max 3)")
if len(fys) < 8:
    err(f"only {len(fys)} force-years (want >= 8)")

for e in errors:
    print("ERROR", e)
print(
    f"{len(rows)} questions; intents {dict(cnt)}; {len(fys)} force-years; "
    f"{len(page_use)} pages used (max per page {max(page_use.values()) if page_use else 0})"
)
print(f"{len(errors)} errors")
sys.exit(1 if errors else 0)

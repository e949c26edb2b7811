#!/usr/bin/env python3
"""Checks mixed-holdout.jsonl (round 14) against the real page fragments.

Pages are read from $FRAGMENTS_DIR (default /work/shared/corpus/fragments).
Prints every error found and exits 1 if there is any, else prints "0 errors".
"""

import json
import os
import re
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
QFILE = os.path.join(HERE, "mixed-holdout.jsonl")
AVOID = os.path.join(HERE, "AVOID.txt")
FRAG = os.environ.get("FRAGMENTS_DIR", "/work/shared/corpus/fragments")
SKIP = {"lancashire-2021-22-landing-page.txt"}
INTENTS = {"figure": 6, "named": 6, "fact": 6}
FORCES = {
    "avon-and-somerset": "Avon and Somerset",
    "greater-manchester": "Greater Manchester",
    "west-midlands": "West Midlands",
}
NUMBER_WORDS = set(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen
fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty
ninety hundred thousand million billion dozen half quarter third fourth fifth sixth seventh eighth
ninth tenth first second twice""".split()
)


def ws(s):
    return " ".join(s.split())


def tokens(s):
    s = (
        s.replace("\u2019", "'")
        .replace("\u2018", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
    )
    out = []
    for t in s.lower().split():
        t = t.strip(".,;:!?\"'()[]–—-•")
        if t:
            out.append(t)
    return out


def ngrams(toks, n=8):
    return {tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)}


def paragraphs(text):
    if re.search(r"\n[ \t]*\n", text):
        blocks = re.split(r"\n[ \t]*\n", text)
    else:
        blocks = text.split("\n")
    paras = []
    for b in blocks:
        for p in b.split("•"):
            p = ws(p)
            if p:
                paras.append(p)
    return paras


def load_pages():
    pages = {}
    for fn in sorted(os.listdir(FRAG)):
        if not fn.endswith(".txt") or fn in SKIP:
            continue
        m = re.match(r"(.+?)-(\d{4})", fn)
        slug, year = m.group(1), m.group(2)
        force = FORCES.get(slug, slug.replace("-", " ").title())
        with open(os.path.join(FRAG, fn), encoding="utf-8") as f:
            text = f.read()
        pages[fn] = {"force": force, "year": year, "text": text, "paras": paragraphs(text)}
    return pages


def main():
    errors = []
    err = errors.append
    pages = load_pages()
    with open(AVOID, encoding="utf-8") as f:
        avoid = [l.strip() for l in f if l.strip()]
    avoid_grams = set()
    for a in avoid:
        avoid_grams |= ngrams(tokens(a))

    rows = []
    with open(QFILE, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                err(f"line {i}: bad JSON: {e}")

    ids = [r.get("id") for r in rows]
    want_ids = [f"r14-h{n:02d}" for n in range(1, 19)]
    if sorted(i for i in ids if i) != want_ids:
        err(f"ids are not exactly r14-h01..r14-h18: {ids}")
    for i, c in Counter(ids).items():
        if c > 1:
            err(f"duplicate id {i}")
    counts = Counter(r.get("intent") for r in rows)
    for k, v in INTENTS.items():
        if counts.get(k, 0) != v:
            err(f"intent {k}: {counts.get(k, 0)} questions, want {v}")
    for k in counts:
        if k not in INTENTS:
            err(f"unknown intent {k}")

    page_use = Counter()
    force_years = set()
    for r in rows:
        rid = r.get("id", "?")
        if set(r) != {"id", "question", "intent", "expect", "gold"}:
            err(f"{rid}: fields {sorted(r)}")
            continue
        ex = r["expect"]
        if not isinstance(ex, dict) or set(ex) != {"force", "year", "contains"}:
            err(f"{rid}: expect fields {sorted(ex) if isinstance(ex, dict) else ex}")
            continue
        if not isinstance(ex["year"], str):
            err(f"{rid}: year must be a string")
        force, year = ex["force"], str(ex["year"])
        fy_pages = {fn: p for fn, p in pages.items() if p["force"] == force and p["year"] == year}
        if not fy_pages:
            err(f"{rid}: no page for force {force!r} year {year!r}")
            continue
        force_years.add((force, year))
        q = r["question"]
        if not isinstance(q, str) or len(q.split()) < 4:
            err(f"{rid}: question too short")
        if force.lower() not in q.lower():
            err(f"{rid}: question does not name the force {force!r}")
        years_of_force = {p["year"] for p in pages.values() if p["force"] == force}
        if len(years_of_force) > 1 and year not in q and year[2:] not in q:
            err(f"{rid}: force has several years but question lacks year {year}")
        # question must not copy 8+ consecutive words of any page of that force
        qg = ngrams(tokens(q))
        for fn, p in pages.items():
            if p["force"] == force and qg & ngrams(tokens(p["text"])):
                err(f"{rid}: question copies 8+ consecutive words of {fn}")
        strings = []
        for key in ("contains", "gold"):
            val = ex["contains"] if key == "contains" else r["gold"]
            if not isinstance(val, list) or not val or not all(isinstance(s, str) for s in val):
                err(f"{rid}: {key} must be a non-empty list of strings")
                continue
            strings += [(key, s) for s in val]
        used = set()
        for key, s in strings:
            n = len(s.split())
            if not 8 <= n <= 25:
                err(f"{rid}: {key} string has {n} words: {s!r}")
            hits = [fn for fn, p in fy_pages.items() if any(ws(s) in para for para in p["paras"])]
            if not hits:
                err(
                    f"{rid}: {key} string not verbatim inside one paragraph of a {force} {year} page: {s!r}"
                )
            if key == "contains":
                used.update(hits)
                if r["intent"] == "figure":
                    toks = tokens(s)
                    if not (re.search(r"\d", s) or any(t in NUMBER_WORDS for t in toks)):
                        err(f"{rid}: figure fragment holds no digit or number word: {s!r}")
            if ngrams(tokens(s)) & avoid_grams:
                err(f"{rid}: {key} string shares 8+ consecutive words with AVOID.txt: {s!r}")
        for fn in used:
            page_use[fn] += 1
    for fn, c in page_use.items():
        if c > 3:
            err(f"page {fn} answers {c} questions (max 3)")
    if len(force_years) < 8:
        err(f"only {len(force_years)} force-years (want at least 8)")

    for e in errors:
        print("ERROR:", e)
    print(
        f"{len(rows)} questions, intents {dict(counts)}, {len(force_years)} force-years, "
        f"{len(page_use)} pages used"
    )
    print(f"{len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

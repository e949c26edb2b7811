#!/usr/bin/env python3
"""Check mixed-dev.jsonl (round 13) against the page files.

Pages are read from $FRAGMENTS_DIR (default /work/shared/corpus/fragments).
Prints every error and exits 1 if there are any, else prints a summary and exits 0.
"""

import json
import os
import re
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
FRAG = os.environ.get("FRAGMENTS_DIR", "/work/shared/corpus/fragments")
QFILE = os.path.join(HERE, "mixed-dev.jsonl")
AVOID = os.path.join(HERE, "AVOID.txt")
SKIP = {"lancashire-2021-22-landing-page.txt"}
INTENTS = {"figure": 12, "named": 12, "fact": 12}
NUMBER_WORDS = {
    "zero",
    "no",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
    "billion",
    "half",
    "quarter",
    "third",
    "dozen",
    "dozens",
    "first",
    "second",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "single",
    "double",
    "twice",
    "once",
    "percent",
    "per cent",
    "four-tier",
}


def ws(s):
    return re.sub(r"\s+", " ", s).strip()


def tokens(s):
    return re.findall(r"\w+", s.lower().replace("’", "'"))


def ngrams(toks, n=8):
    return {tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)}


def paragraphs(text):
    if re.search(r"\n[ \t]*\n", text):
        blocks = re.split(r"\n[ \t]*\n", text)
    else:
        blocks = text.split("\n")
    out = []
    for b in blocks:
        for part in b.split("•"):
            p = ws(part)
            if p:
                out.append(p)
    return out


def force_year(fname):
    m = re.match(r"(.+?)-(\d{4})", fname)
    slug, year = m.group(1), m.group(2)
    force = " ".join(w.capitalize() if w != "and" else w for w in slug.split("-"))
    return force, year


def load_pages():
    pages = {}
    for fn in sorted(os.listdir(FRAG)):
        if not fn.endswith(".txt") or fn in SKIP:
            continue
        with open(os.path.join(FRAG, fn), encoding="utf-8") as f:
            text = f.read()
        force, year = force_year(fn)
        pages[fn] = {
            "force": force,
            "year": year,
            "text": text,
            "paras": paragraphs(text),
            "ngrams": ngrams(tokens(text)),
        }
    return pages


def main():
    errors = []
    pages = load_pages()
    with open(AVOID, encoding="utf-8") as f:
        avoid_ngrams = set()
        for line in f:
            if line.strip():
                avoid_ngrams |= ngrams(tokens(line))

    rows = []
    with open(QFILE, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                errors.append(f"line {n}: bad JSON: {e}")

    ids = [r.get("id") for r in rows]
    for i, c in Counter(ids).items():
        if c > 1:
            errors.append(f"duplicate id {i}")
    want_ids = [f"r13-d{i:02d}" for i in range(1, 37)]
    if sorted(i for i in ids if i) != want_ids:
        errors.append("ids are not exactly r13-d01..r13-d36")

    counts = Counter(r.get("intent") for r in rows)
    for intent, n in INTENTS.items():
        if counts[intent] != n:
            errors.append(f"intent {intent}: {counts[intent]} questions, want {n}")
    for intent in counts:
        if intent not in INTENTS:
            errors.append(f"unknown intent {intent!r}")

    page_use = Counter()
    force_years = set()
    for r in rows:
        rid = r.get("id", "?")
        for key in ("id", "question", "intent", "expect", "gold"):
            if key not in r:
                errors.append(f"{rid}: missing field {key}")
        exp = r.get("expect") or {}
        for key in ("force", "year", "contains"):
            if key not in exp:
                errors.append(f"{rid}: missing expect.{key}")
        force, year = exp.get("force"), exp.get("year")
        if not isinstance(year, str):
            errors.append(f"{rid}: year must be a string")
        contains, gold = exp.get("contains") or [], r.get("gold") or []
        if not contains or not gold:
            errors.append(f"{rid}: contains and gold must be non-empty lists")
        fy_pages = [fn for fn, p in pages.items() if p["force"] == force and p["year"] == year]
        if not fy_pages:
            errors.append(f"{rid}: no page for force={force!r} year={year!r}")
        force_years.add((force, year))
        q = r.get("question", "")
        if force and force.lower() not in q.lower():
            errors.append(f"{rid}: question does not name the force {force!r}")

        used_pages = set()
        for kind, frags in (("contains", contains), ("gold", gold)):
            for frag in frags:
                nw = len(frag.split())
                if not 8 <= nw <= 25:
                    errors.append(f"{rid}: {kind} has {nw} words (want 8-25): {frag!r}")
                wf = ws(frag)
                hits = [fn for fn in fy_pages if any(wf in para for para in pages[fn]["paras"])]
                if not hits:
                    errors.append(
                        f"{rid}: {kind} not verbatim in one paragraph of a "
                        f"{force} {year} page: {frag!r}"
                    )
                if kind == "contains":
                    used_pages.update(hits)
                if ngrams(tokens(frag)) & avoid_ngrams:
                    errors.append(f"{rid}: {kind} overlaps AVOID.txt (8 words): {frag!r}")
                if r.get("intent") == "figure" and kind == "contains":
                    low = frag.lower()
                    if not (
                        re.search(r"\d", frag)
                        or any(re.search(r"\b" + re.escape(w) + r"\b", low) for w in NUMBER_WORDS)
                    ):
                        errors.append(
                            f"{rid}: figure fragment has no digit or number word: {frag!r}"
                        )
        for fn in used_pages:
            page_use[fn] += 1
        qgrams = ngrams(tokens(q))
        for fn in fy_pages:
            if qgrams & pages[fn]["ngrams"]:
                errors.append(f"{rid}: question copies 8+ consecutive words of {fn}")

    for fn, c in page_use.items():
        if c > 3:
            errors.append(f"page {fn} used by {c} questions (max 3)")
    if len(force_years) < 10:
        errors.append(f"only {len(force_years)} force-years (want >= 10)")

    for e in errors:
        print("ERROR", e)
    print(
        f"{len(rows)} questions; intents {dict(counts)}; {len(force_years)} force-years; "
        f"{len(page_use)} pages used (max per page {max(page_use.values() or [0])}); "
        f"{len(errors)} errors"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

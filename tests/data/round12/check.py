#!/usr/bin/env python3
"""Check mixed-holdout.jsonl (round 12) against the real page files.

Pages are read from $FRAGMENTS_DIR (default /work/shared/corpus/fragments).
Prints every error and exits 1 if there are any, else prints a summary and exits 0.
"""

import json
import os
import re
import sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
QFILE = os.path.join(HERE, "mixed-holdout.jsonl")
FRAG = os.environ.get("FRAGMENTS_DIR", "/work/shared/corpus/fragments")
EXCLUDE = {"lancashire-2021-22-landing-page.txt"}
INTENTS = {"figure": 10, "named": 10, "fact": 10}
FORCES = [
    "avon-and-somerset",
    "greater-manchester",
    "west-midlands",
    "bedfordshire",
    "cumbria",
    "durham",
    "kent",
    "lancashire",
    "lincolnshire",
    "merseyside",
    "northumbria",
]
NUMBER_WORDS = set(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen
fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty
ninety hundred hundreds thousand thousands million millions billion billions half quarter third
dozen dozens once twice""".split()
)


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def words(s):
    return re.findall(r"[\w’'-]+", s.lower())


def paragraphs(text):
    blocks = re.split(r"\n[ \t]*\n", text) if re.search(r"\n[ \t]*\n", text) else text.split("\n")
    out = []
    for b in blocks:
        for piece in b.split("•"):  # each bullet is its own paragraph
            p = norm(piece)
            if p:
                out.append(p)
    return out


def load_pages():
    pages = {}
    for fn in sorted(os.listdir(FRAG)):
        if not fn.endswith(".txt") or fn in EXCLUDE:
            continue
        slug = next((f for f in FORCES if fn.startswith(f + "-")), None)
        if slug is None:
            slug = fn.split("-")[0]
        m = re.match(re.escape(slug) + r"-(\d{4})", fn)
        if not m:
            continue
        force = " ".join(w.capitalize() if w != "and" else w for w in slug.split("-"))
        with open(os.path.join(FRAG, fn), encoding="utf-8") as f:
            text = f.read()
        pages[fn] = {"force": force, "year": m.group(1), "text": text, "paras": paragraphs(text)}
    return pages


def main():
    errors = []
    pages = load_pages()
    if not pages:
        print(f"ERROR: no pages found in {FRAG}")
        return 1
    years_of = defaultdict(set)
    for p in pages.values():
        years_of[p["force"]].add(p["year"])

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
    want_ids = [f"r12-h{i:02d}" for i in range(1, 31)]
    if sorted(ids, key=str) != want_ids:
        errors.append(f"ids must be exactly r12-h01..r12-h30; got {ids}")
    for i, c in Counter(ids).items():
        if c > 1:
            errors.append(f"duplicate id {i}")

    intents = Counter(r.get("intent") for r in rows)
    for k, v in INTENTS.items():
        if intents.get(k, 0) != v:
            errors.append(f"intent {k}: {intents.get(k, 0)} questions, want {v}")
    for k in intents:
        if k not in INTENTS:
            errors.append(f"unknown intent {k!r}")

    page_use = Counter()
    force_years = set()
    for r in rows:
        rid = r.get("id")
        e = r.get("expect") or {}
        q = r.get("question")
        if set(r) != {"id", "question", "intent", "expect", "gold"}:
            errors.append(f"{rid}: top-level fields {sorted(r)}")
        if set(e) != {"force", "year", "contains"}:
            errors.append(f"{rid}: expect fields {sorted(e)}")
        if not isinstance(q, str) or not q.strip():
            errors.append(f"{rid}: empty question")
            continue
        force, year = e.get("force"), e.get("year")
        if not isinstance(year, str):
            errors.append(f"{rid}: year must be a string")
        cand = {fn: p for fn, p in pages.items() if p["force"] == force and p["year"] == year}
        if not cand:
            errors.append(f"{rid}: no page for force={force!r} year={year!r}")
            continue
        force_years.add((force, year))
        if force.lower() not in q.lower():
            errors.append(f"{rid}: question does not name the force {force!r}")
        if len(years_of[force]) > 1 and year not in q:
            errors.append(f"{rid}: {force} has several years but question lacks {year}")

        contains, gold = e.get("contains"), r.get("gold")
        for name, lst in (("contains", contains), ("gold", gold)):
            if not isinstance(lst, list) or not lst or not all(isinstance(s, str) for s in lst):
                errors.append(f"{rid}: {name} must be a non-empty list of strings")
        if errors and errors[-1].startswith(f"{rid}: ") and "must be a non-empty" in errors[-1]:
            continue

        hit_pages = set()
        contains_paras = set()
        for name, lst in (("contains", contains), ("gold", gold)):
            for s in lst:
                ns = norm(s)
                nw = len(ns.split())
                if not 8 <= nw <= 25:
                    errors.append(f"{rid}: {name} has {nw} words (want 8-25): {ns[:60]}")
                found = [
                    (fn, i)
                    for fn, p in cand.items()
                    for i, para in enumerate(p["paras"])
                    if ns in para
                ]
                if not found:
                    errors.append(
                        f"{rid}: {name} not verbatim in one paragraph of {force} {year}: {ns[:70]}"
                    )
                hit_pages.update(fn for fn, _ in found)
                if name == "contains":
                    contains_paras.update(found)
                    if r.get("intent") == "figure" and not (
                        re.search(r"\d", ns) or NUMBER_WORDS & set(words(ns))
                    ):
                        errors.append(f"{rid}: figure fragment holds no figure: {ns[:60]}")
                else:
                    if found and not (set(found) & contains_paras):
                        errors.append(
                            f"{rid}: gold not in the same paragraph as any contains fragment: {ns[:60]}"
                        )
        for fn in hit_pages:
            page_use[fn] += 1

        qw = words(q)
        grams = {tuple(qw[i : i + 8]) for i in range(len(qw) - 7)}
        for fn, p in cand.items():
            pw = words(p["text"])
            pg = {tuple(pw[i : i + 8]) for i in range(len(pw) - 7)}
            common = grams & pg
            if common:
                errors.append(
                    f"{rid}: question copies 8+ words of {fn}: {' '.join(next(iter(common)))}"
                )

    for fn, c in page_use.items():
        if c > 3:
            errors.append(f"page {fn} used by {c} questions (max 3)")
    if len(force_years) < 10:
        errors.append(f"only {len(force_years)} force-years (want >= 10)")

    for m in errors:
        print("ERROR:", m)
    print(
        f"{len(rows)} questions; intents {dict(intents)}; {len(force_years)} force-years; "
        f"{len(page_use)} pages used (max per page {max(page_use.values()) if page_use else 0}); "
        f"{len(errors)} errors"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

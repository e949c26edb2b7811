#!/usr/bin/env python3
"""Check evaluation question files in this folder against the round-11 brief.

Usage: python3 check.py [file.jsonl ...]   (default: every *.jsonl next to this script)
Pages are read from $FRAGMENTS_DIR (default /work/shared/corpus/fragments).
Exit code 0 and "0 errors" when everything passes.
"""

import json
import os
import re
import sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
FRAG = os.environ.get("FRAGMENTS_DIR", "/work/shared/corpus/fragments")
EXCLUDE = {"lancashire-2021-22-landing-page.txt", "README.md"}
EXPECTED = {"evaluation-holdout.jsonl": (24, "r11b-ev-h")}
MIN_WORDS, MAX_WORDS = 8, 25
UNJUDGED_SHARE = (0.15, 0.35)  # "about a quarter"
MAX_PER_PAGE = 3
MIN_FORCE_YEARS = 12
COPY_RUN = 8  # a question may not share this many consecutive words with a page

errors = []


def err(msg):
    errors.append(msg)
    print("ERROR:", msg)


def ws(s):
    return re.sub(r"\s+", " ", s).strip()


def words(s):
    return ws(s).split(" ") if ws(s) else []


def norm_words(s):
    return re.findall(r"[a-z0-9]+", s.lower().replace("’", "'"))


def paragraphs(text):
    """Blank-line blocks; each '•' bullet its own paragraph. Stricter still: each line
    is treated as its own paragraph (a fragment must not cross a line break), which
    also keeps fragments safe on pages whose text has no blank lines at all."""
    out = []
    for block in re.split(r"\n\s*\n", text):
        for bullet in block.split("•"):
            for line in bullet.split("\n"):
                if line.strip():
                    out.append(ws(line))
    return out


def page_key(fname):
    m = re.match(r"^(.*?)-(\d{4})(?:-\d{2})?(?:-|\.txt)", fname)
    return (m.group(1), m.group(2)) if m else (None, None)


def load_pages():
    pages = {}
    for f in sorted(os.listdir(FRAG)):
        if not f.endswith(".txt") or f in EXCLUDE:
            continue
        with open(os.path.join(FRAG, f), encoding="utf-8") as fh:
            text = fh.read()
        slug, year = page_key(f)
        if slug is None:
            err(f"cannot parse force/year from page name {f}")
            continue
        pages[f] = {"slug": slug, "year": year, "paras": paragraphs(text), "text": text}
    return pages


def load_avoid():
    path = os.path.join(HERE, "AVOID.md")
    items = []
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            m = re.match(r"^- ([^:]+?) (\d{4}): (.+)$", line.strip())
            if m:
                items.append((m.group(1), m.group(2), ws(m.group(3))))
    return items


def slug_of(force):
    return re.sub(r"[^a-z0-9]+", "-", force.lower()).strip("-")


def check_file(path, pages, avoid, years_by_slug):
    name = os.path.basename(path)
    rows = []
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as e:
            err(f"{name}:{n} bad JSON: {e}")
    exp_n, prefix = EXPECTED.get(name, (None, None))
    if exp_n is not None and len(rows) != exp_n:
        err(f"{name}: {len(rows)} questions, expected {exp_n}")
    ids = Counter(r.get("id") for r in rows)
    for i, c in ids.items():
        if c > 1:
            err(f"{name}: duplicate id {i}")
    page_use = Counter()
    force_years = set()
    unjudged = 0
    for r in rows:
        rid = r.get("id", "?")
        allowed = {"id", "question", "intent", "expect", "gold"}
        if set(r) != allowed:
            err(f"{rid}: fields {sorted(r)} != {sorted(allowed)}")
        if prefix and not re.fullmatch(re.escape(prefix) + r"\d{2}", str(rid)):
            err(f"{rid}: id does not match {prefix}NN")
        q = r.get("question", "")
        if not isinstance(q, str) or len(q.strip()) < 10:
            err(f"{rid}: question missing/too short")
        if r.get("intent") != "evaluation":
            err(f"{rid}: intent must be 'evaluation'")
        exp = r.get("expect") or {}
        force, year = exp.get("force"), exp.get("year")
        if (
            not isinstance(force, str)
            or not isinstance(year, str)
            or not re.fullmatch(r"\d{4}", year or "")
        ):
            err(f"{rid}: expect.force / expect.year (4-digit string) missing")
            continue
        is_unj = exp.get("unjudged") is True
        if is_unj:
            unjudged += 1
            if set(exp) != {"force", "year", "unjudged"}:
                err(f"{rid}: unjudged expect must hold only force, year, unjudged")
        else:
            if set(exp) != {"force", "year", "contains"}:
                err(f"{rid}: judged expect must hold only force, year, contains")
            if not isinstance(exp.get("contains"), list) or not exp.get("contains"):
                err(f"{rid}: judged question needs a non-empty contains list")
        gold = r.get("gold")
        if not isinstance(gold, list) or not gold:
            err(f"{rid}: gold must be a non-empty list")
            gold = []
        slug = slug_of(force)
        fy_pages = {f: p for f, p in pages.items() if p["slug"] == slug and p["year"] == year}
        if not fy_pages:
            err(f"{rid}: no page for force {force!r} year {year}")
            continue
        force_years.add((slug, year))
        # force named in question; year named when the force has pages from several years
        if force.lower() not in q.lower():
            err(f"{rid}: question does not name the force {force!r}")
        if len(years_by_slug[slug]) > 1 and year not in q:
            err(
                f"{rid}: force has several years {sorted(years_by_slug[slug])} but question lacks {year}"
            )
        used_pages = set()
        strings = [("gold", s) for s in gold] + [
            ("contains", s) for s in (exp.get("contains") or [])
        ]
        for kind, s in strings:
            if not isinstance(s, str):
                err(f"{rid}: {kind} entry not a string")
                continue
            nw = len(words(s))
            if not (MIN_WORDS <= nw <= MAX_WORDS):
                err(f"{rid}: {kind} has {nw} words (need {MIN_WORDS}-{MAX_WORDS}): {s!r}")
            hits = [f for f, p in fy_pages.items() if any(ws(s) in para for para in p["paras"])]
            if not hits:
                err(
                    f"{rid}: {kind} not verbatim inside one paragraph of a {force} {year} page: {s!r}"
                )
            used_pages.update(hits)
            for af, ay, atext in avoid:
                if slug_of(af) == slug and ay == year:
                    a, b = ws(s), atext
                    if a in b or b in a:
                        err(f"{rid}: {kind} overlaps AVOID topic {atext!r}")
        for f in used_pages:
            page_use[f] += 1
        # no copied report sentence in the question
        qw = norm_words(q)
        for f, p in fy_pages.items():
            pw = " " + " ".join(norm_words(p["text"])) + " "
            for i in range(len(qw) - COPY_RUN + 1):
                if " " + " ".join(qw[i : i + COPY_RUN]) + " " in pw:
                    err(
                        f"{rid}: question copies {COPY_RUN}+ words from {f}: {' '.join(qw[i : i + COPY_RUN])!r}"
                    )
                    break
    for f, c in page_use.items():
        if c > MAX_PER_PAGE:
            err(f"{name}: page {f} used by {c} questions (max {MAX_PER_PAGE})")
    if rows:
        share = unjudged / len(rows)
        if not (UNJUDGED_SHARE[0] <= share <= UNJUDGED_SHARE[1]):
            err(f"{name}: unjudged share {share:.2f} not about a quarter")
    if len(force_years) < MIN_FORCE_YEARS:
        err(f"{name}: only {len(force_years)} force-years (need {MIN_FORCE_YEARS})")
    forces = {s for s, _ in force_years}
    print(
        f"{name}: {len(rows)} questions, {len(rows) - unjudged} judged, {unjudged} unjudged "
        f"({unjudged / max(len(rows), 1):.0%}), {len(forces)} forces, {len(force_years)} force-years, "
        f"{len(page_use)} pages, max per page {max(page_use.values()) if page_use else 0}"
    )


def main():
    pages = load_pages()
    years_by_slug = defaultdict(set)
    for p in pages.values():
        years_by_slug[p["slug"]].add(p["year"])
    avoid = load_avoid()
    files = sys.argv[1:] or sorted(
        os.path.join(HERE, f) for f in os.listdir(HERE) if f.endswith(".jsonl")
    )
    if not files:
        err("no .jsonl files to check")
    for path in files:
        check_file(path, pages, avoid, years_by_slug)
    print(f"{len(errors)} errors")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Check the round-11 "is it working?" (evaluation) question sets.

Reads pages from $FRAGMENTS_DIR (default /work/shared/corpus/fragments) and checks
evaluation-dev.jsonl / evaluation-holdout.jsonl next to this script. Prints every error
and exits 1 if there is any, else prints a summary and exits 0.

Paragraphs: the brief defines a paragraph as a blank-line block, each "•" bullet its own
paragraph. Some page files (the -b extractions and the 2021+ reports) have no blank lines at
all and put one paragraph per line, so this script uses the STRICTER unit: one line, further
split at "•" bullets. A string inside such a unit is inside one paragraph under either reading.
"""

import glob
import json
import os
import re
import sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
FRAG = os.environ.get("FRAGMENTS_DIR", "/work/shared/corpus/fragments")
FILES = {"evaluation-dev.jsonl": ("d", 24), "evaluation-holdout.jsonl": ("h", 12)}
EXCLUDE = {"lancashire-2021-22-landing-page.txt"}
UNJUDGED_SHARE = (0.20, 0.30)  # "about a quarter"
MAX_PER_PAGE = 3
MIN_FORCE_YEARS = 12
COPY_RUN = 7  # a question may not share this many consecutive words with a page

errors = []


def err(msg):
    errors.append(msg)


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def words(s):
    return norm(s).split(" ") if norm(s) else []


def lower_words(s):
    return re.findall(r"[a-z0-9’']+", s.lower().replace("’", "'"))


def paragraphs(text):
    out = []
    for line in text.split("\n"):
        for part in line.split("•"):
            p = norm(part)
            if p:
                out.append(p)
    return out


# ---- pages -----------------------------------------------------------------
pages = {}  # file -> (force_slug, year, [paragraphs], full normalised text)
for path in sorted(glob.glob(os.path.join(FRAG, "*.txt"))):
    name = os.path.basename(path)
    if name in EXCLUDE:
        continue
    m = re.match(r"^(.*?)-(\d{4})(?:-\d{2})?-?", name)
    if not m:
        err(f"cannot parse force/year from page file name {name}")
        continue
    text = open(path, encoding="utf-8").read()
    pages[name] = (m.group(1), m.group(2), paragraphs(text), norm(text))
if not pages:
    sys.exit(f"no pages found in {FRAG}")
years_of_force = defaultdict(set)
for slug, year, _, _ in pages.values():
    years_of_force[slug].add(year)


def slug_of(force):
    return re.sub(r"[^a-z0-9]+", "-", force.lower()).strip("-")


def locate(s, force, year):
    """[(page, paragraph)] where s (white space collapsed) occurs inside one paragraph."""
    s = norm(s)
    hits = []
    for name, (slug, y, paras, _) in pages.items():
        if slug == slug_of(force) and y == year:
            for p in paras:
                if s in p:
                    hits.append((name, p))
    return hits


# ---- question files --------------------------------------------------------
all_ids = Counter()
page_use = Counter()
force_years = set()
gold_paras = {}  # file -> set of paragraphs holding gold strings
summary = {}
for fname, (letter, want) in FILES.items():
    path = os.path.join(HERE, fname)
    if not os.path.exists(path):
        err(f"{fname}: missing")
        continue
    rows = []
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as e:
            err(f"{fname}:{n}: bad JSON ({e})")
    if len(rows) != want:
        err(f"{fname}: {len(rows)} questions, want {want}")
    gold_paras[fname] = set()
    unjudged = 0
    for k, r in enumerate(rows, 1):
        rid = r.get("id", f"{fname}#{k}")
        all_ids[rid] += 1
        if rid != f"r11-ev-{letter}{k:02d}":
            err(f"{rid}: id out of sequence, expected r11-ev-{letter}{k:02d}")
        extra = set(r) - {"id", "question", "intent", "expect", "gold"}
        if extra:
            err(f"{rid}: unexpected fields {sorted(extra)}")
        q = r.get("question")
        if not isinstance(q, str) or len(words(q)) < 4:
            err(f"{rid}: question missing or too short")
            q = ""
        if r.get("intent") != "evaluation":
            err(f"{rid}: intent must be 'evaluation'")
        ex = r.get("expect")
        if not isinstance(ex, dict):
            err(f"{rid}: expect missing")
            continue
        force, year = ex.get("force"), ex.get("year")
        if (
            not isinstance(force, str)
            or not isinstance(year, str)
            or not re.fullmatch(r"\d{4}", year or "")
        ):
            err(f"{rid}: expect.force / expect.year (4-digit string) missing or malformed")
            continue
        if not any(slug_of(force) == v[0] and year == v[1] for v in pages.values()):
            err(f"{rid}: no page for force {force!r} year {year}")
            continue
        force_years.add((force, year))
        # question names the force, and the year when the force has several years
        if force.lower() not in q.lower():
            err(f"{rid}: question does not name the force {force!r}")
        if len(years_of_force[slug_of(force)]) > 1 and year not in q:
            err(f"{rid}: force has pages from several years but question lacks {year}")
        ekeys = set(ex) - {"force", "year"}
        is_unj = ex.get("unjudged") is True
        if is_unj:
            unjudged += 1
            if ekeys != {"unjudged"}:
                err(
                    f"{rid}: unjudged question must have only force, year, unjudged (got {sorted(ekeys)})"
                )
            contains = []
        else:
            if ekeys != {"contains"}:
                err(f"{rid}: judged question must have force, year, contains (got {sorted(ekeys)})")
            contains = ex.get("contains")
            if (
                not isinstance(contains, list)
                or not contains
                or not all(isinstance(c, str) for c in contains)
            ):
                err(f"{rid}: contains must be a non-empty list of strings")
                contains = []
        gold = r.get("gold")
        if not isinstance(gold, list) or not gold or not all(isinstance(g, str) for g in gold):
            err(f"{rid}: gold must be a non-empty list of strings")
            gold = []
        q_pages = set()
        contain_paras = set()
        for kind, strings in (("contains", contains), ("gold", gold)):
            for s in strings:
                nw = len(words(s))
                if not 8 <= nw <= 25:
                    err(f"{rid}: {kind} string has {nw} words (8-25): {s!r}")
                hits = locate(s, force, year)
                if not hits:
                    err(
                        f"{rid}: {kind} string not verbatim inside one paragraph of a {force} {year} page: {s!r}"
                    )
                for page, para in hits:
                    q_pages.add(page)
                    if kind == "contains":
                        contain_paras.add(para)
                    else:
                        gold_paras[fname].add(para)
        if not is_unj:
            for g in gold:
                if not any(p in contain_paras for _, p in locate(g, force, year)):
                    err(
                        f"{rid}: gold string is not in a paragraph that holds a contains string: {g!r}"
                    )
        for p in q_pages:
            page_use[p] += 1
        # the question must not copy a report sentence
        qw = lower_words(q)
        for i in range(len(qw) - COPY_RUN + 1):
            run = " ".join(qw[i : i + COPY_RUN])
            for name, (_, _, _, full) in pages.items():
                if run in " ".join(lower_words(full)):
                    err(f"{rid}: question copies {COPY_RUN}+ words from {name}: {run!r}")
                    break
    share = unjudged / len(rows) if rows else 0
    if not UNJUDGED_SHARE[0] <= share <= UNJUDGED_SHARE[1]:
        err(f"{fname}: unjudged share {share:.2f} not about a quarter")
    summary[fname] = (len(rows), len(rows) - unjudged, unjudged)

for rid, c in all_ids.items():
    if c > 1:
        err(f"{rid}: duplicate id")
for p, c in sorted(page_use.items()):
    if c > MAX_PER_PAGE:
        err(f"page {p}: used by {c} questions (max {MAX_PER_PAGE})")
if len(force_years) < MIN_FORCE_YEARS:
    err(f"only {len(force_years)} different force/year pairs (want >= {MIN_FORCE_YEARS})")
shared = gold_paras.get("evaluation-dev.jsonl", set()) & gold_paras.get(
    "evaluation-holdout.jsonl", set()
)
for p in shared:
    err(f"dev and holdout share a gold paragraph: {p[:80]!r}")

if errors:
    for e in errors:
        print("ERROR", e)
    print(f"{len(errors)} errors")
    sys.exit(1)
for f, (n, j, u) in summary.items():
    print(f"{f}: {n} questions ({j} judged, {u} unjudged = {u / n:.0%})")
print(
    f"{len(force_years)} force/year pairs, {len({f for f, _ in force_years})} forces, "
    f"{len(page_use)} pages used, max {max(page_use.values())} questions per page"
)
print("0 errors")

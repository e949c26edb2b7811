#!/usr/bin/env python3
"""Check the round-10a evaluation-intent sets and the sentence-judgement file.

Run: ROUND10_ROOT=/work/main python3 check.py   (or, once the folder sits at
tests/data/round10x/, just python3 check.py). Prints errors/warnings; exit 1 on errors.
"""

import json
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = (
    Path(os.environ["ROUND10_ROOT"])
    if os.environ.get("ROUND10_ROOT")
    else Path(__file__).resolve().parents[3]
)

REPORTS = {
    ("Lancashire", "2018"): ROOT / "corpus/reports/lancashire-2018-effectiveness.txt",
    ("Cumbria", "2018"): ROOT / "tests/data/multi/synthetic-cumbria-2018-effectiveness.txt",
    ("Lancashire", "2017"): ROOT / "tests/data/multi/synthetic-lancashire-2017-effectiveness.txt",
    ("Durham", "2018"): ROOT / "tests/data/multi/synthetic-durham-2018-legitimacy.txt",
}
EXPECTED_COUNTS = {
    "evaluation-dev.jsonl": 24,
    "evaluation-holdout.jsonl": 12,
    "judgements.jsonl": 30,
}

errors, warnings = [], []


def err(msg):
    errors.append(msg)


def warn(msg):
    warnings.append(msg)


def ws(s):
    return re.sub(r"\s+", " ", s).strip()


def paragraphs(path):
    """Blank-line blocks; every bullet line is its own paragraph (bullet sign dropped)."""
    out = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        plain = []
        for line in block.splitlines():
            s = line.strip()
            if s.startswith("•"):
                out.append(ws(s[1:]))
            elif s:
                plain.append(s)
        if plain:
            out.append(ws(" ".join(plain)))
    return out


PARAS = {k: paragraphs(p) for k, p in REPORTS.items()}


def find_para(key, text):
    """Index of the paragraph holding text (white space collapsed), or None."""
    t = ws(text)
    for i, p in enumerate(PARAS[key]):
        if t in p:
            return i
    return None


def check_verbatim(where, key, text, min_words=8, max_words=25):
    if not isinstance(text, str) or not text.strip():
        err(f"{where}: empty or non-string verbatim entry")
        return None
    if "SYNTHETIC" in text:
        err(f"{where}: contains SYNTHETIC: {text!r}")
    n = len(ws(text).split())
    if min_words and not (min_words <= n <= max_words):
        err(f"{where}: {n} words (want {min_words}-{max_words}): {text!r}")
    idx = find_para(key, text)
    if idx is None:
        err(f"{where}: not verbatim in one paragraph of {key}: {text!r}")
    return idx


def load(name):
    path = HERE / name
    rows = []
    if not path.exists():
        err(f"{name}: missing")
        return rows
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as e:
            err(f"{name}:{n}: bad JSON: {e}")
    if len(rows) != EXPECTED_COUNTS[name]:
        err(f"{name}: {len(rows)} rows, expected {EXPECTED_COUNTS[name]}")
    return rows


def report_key(where, force, year):
    if not isinstance(year, str):
        err(f"{where}: year must be a string")
    key = (force, year)
    if key not in REPORTS:
        err(f"{where}: unknown force/year {key}")
        return None
    return key


def copied_words(question, key, n=8):
    """Warn if the question shares an n-word run with the report (copying)."""
    words = re.findall(r"[\w’'-]+", question.lower())
    text = " ".join(re.findall(r"[\w’'-]+", " ".join(PARAS[key]).lower()))
    for i in range(len(words) - n + 1):
        if " ".join(words[i : i + n]) in text:
            return " ".join(words[i : i + n])
    return None


all_ids = set()


def check_eval_file(name):
    rows = load(name)
    gold_paras = set()
    unjudged = 0
    non_l18 = 0
    seen_q = set()
    for r in rows:
        rid = r.get("id", "?")
        where = f"{name}:{rid}"
        if rid in all_ids:
            err(f"{where}: duplicate id")
        all_ids.add(rid)
        if set(r) != {"id", "question", "intent", "expect", "gold"}:
            err(f"{where}: fields {sorted(r)}")
        if r.get("intent") != "evaluation":
            err(f"{where}: intent must be 'evaluation'")
        q = r.get("question", "")
        if not isinstance(q, str) or len(q.split()) < 3:
            err(f"{where}: question too short/missing")
        if q.lower() in seen_q:
            err(f"{where}: duplicate question")
        seen_q.add(q.lower())
        exp = r.get("expect") or {}
        key = report_key(where, exp.get("force"), exp.get("year"))
        if key is None:
            continue
        if key != ("Lancashire", "2018"):
            non_l18 += 1
        if key[0].lower() not in q.lower():
            err(f"{where}: question does not name the force {key[0]}")
        if exp.get("unjudged") is True:
            unjudged += 1
            if set(exp) != {"force", "year", "unjudged"}:
                err(f"{where}: unjudged expect must have only force, year, unjudged")
        else:
            if set(exp) != {"force", "year", "contains"}:
                err(f"{where}: judged expect must have force, year, contains")
            cs = exp.get("contains")
            if not isinstance(cs, list) or not cs:
                err(f"{where}: contains must be a non-empty list")
            else:
                for c in cs:
                    check_verbatim(where + " contains", key, c)
        gold = r.get("gold")
        if not isinstance(gold, list) or not gold:
            err(f"{where}: gold must be a non-empty list")
        else:
            for g in gold:
                idx = check_verbatim(where + " gold", key, g)
                if idx is not None:
                    gold_paras.add((key, idx))
        cp = copied_words(q, key)
        if cp:
            warn(f"{where}: question shares 8 words with the report: {cp!r}")
    if rows:
        share = unjudged / len(rows)
        if not 0.18 <= share <= 0.34:
            err(f"{name}: {unjudged}/{len(rows)} unjudged, want about a quarter")
        if non_l18 * 3 < len(rows):
            err(f"{name}: only {non_l18}/{len(rows)} items not from Lancashire 2018")
    return gold_paras, unjudged


SENT_START = re.compile(r"^[A-Z0-9£]")


def whole_sentence(key, text):
    """True if text is a whole sentence inside one paragraph of the report."""
    t = ws(text)
    if not SENT_START.match(t) or not t.endswith("."):
        return False
    if re.search(r"[.!?] [A-Z]", t[:-1]):  # two sentences glued together
        return False
    for p in PARAS[key]:
        start = 0
        while True:
            i = p.find(t, start)
            if i < 0:
                break
            before = p[:i].rstrip()
            after = p[i + len(t) :]
            if (before == "" or before.endswith((".", ":"))) and (after == "" or after[0] == " "):
                return True
            start = i + 1
    return False


def check_judgements(name="judgements.jsonl"):
    rows = load(name)
    no_true = 0
    non_l18 = 0
    for r in rows:
        rid = r.get("id", "?")
        where = f"{name}:{rid}"
        if rid in all_ids:
            err(f"{where}: duplicate id")
        all_ids.add(rid)
        if set(r) != {"id", "question", "force", "year", "sentences"}:
            err(f"{where}: fields {sorted(r)}")
        key = report_key(where, r.get("force"), r.get("year"))
        if key is None:
            continue
        if key != ("Lancashire", "2018"):
            non_l18 += 1
        q = r.get("question", "")
        if not isinstance(q, str) or key[0].lower() not in q.lower():
            err(f"{where}: question missing or does not name the force")
        sents = r.get("sentences")
        if not isinstance(sents, list) or not 3 <= len(sents) <= 6:
            err(f"{where}: need 3-6 sentences")
            continue
        texts = set()
        for k, s in enumerate(sents):
            sw = f"{where} sentence {k + 1}"
            if set(s) != {"text", "judges"} or not isinstance(s.get("judges"), bool):
                err(f"{sw}: needs text and boolean judges")
                continue
            t = s["text"]
            if ws(t) in texts:
                err(f"{sw}: duplicate sentence")
            texts.add(ws(t))
            if "SYNTHETIC" in t:
                err(f"{sw}: contains SYNTHETIC")
            if find_para(key, t) is None:
                err(f"{sw}: not verbatim in one paragraph of {key}: {t!r}")
            elif not whole_sentence(key, t):
                err(f"{sw}: not a whole sentence in {key}: {t!r}")
        flags = [s.get("judges") for s in sents]
        if False not in flags:
            err(f"{where}: needs at least one judges=false sentence")
        if True not in flags:
            no_true += 1
    if rows:
        if not 0.12 * len(rows) <= no_true <= 0.28 * len(rows):
            err(f"{name}: {no_true}/{len(rows)} topics without a true sentence, want about a fifth")
        if non_l18 * 3 < len(rows):
            err(f"{name}: only {non_l18}/{len(rows)} topics not from Lancashire 2018")
    return len(rows), no_true


def main():
    for k, p in REPORTS.items():
        if not p.exists():
            print(f"ERROR: report missing: {p}")
            return 1
    dev_paras, dev_unj = check_eval_file("evaluation-dev.jsonl")
    hold_paras, hold_unj = check_eval_file("evaluation-holdout.jsonl")
    for key, idx in sorted(dev_paras & hold_paras):
        err(f"dev and holdout share a gold paragraph ({key}, paragraph {idx}): topics must differ")
    nj, nt = check_judgements()
    for w in warnings:
        print("WARNING:", w)
    for e in errors:
        print("ERROR:", e)
    print(
        f"dev unjudged={dev_unj}, holdout unjudged={hold_unj}, judgement topics={nj} (no true sentence: {nt})"
    )
    print(f"{len(errors)} errors, {len(warnings)} warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

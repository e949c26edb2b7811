"""The judging rule of "is it working?" answers on its own: report sentences a blind writer
marked as saying how well something works, or not (tests/data/round10a/judgements.jsonl;
topics j21-j30 held out, never tuned on). No model: `bench.judgements` parses the reports.
The floors are the figures reached (README "Tenth round") less about one sentence."""

from __future__ import annotations

import re
from pathlib import Path

from bench.judgements import measure, read_marks

JUDGEMENTS = Path(__file__).resolve().parent / "data" / "round10a" / "judgements.jsonl"
REAL_PAGES = Path(__file__).resolve().parent / "data" / "judging-real" / "sentences.jsonl"
HELD_OUT = re.compile(r"j2[1-9]|j30")


def _items(held_out: bool) -> list[dict]:
    return [i for i in read_marks(JUDGEMENTS) if bool(HELD_OUT.fullmatch(i["id"])) is held_out]


def test_the_sentences_that_judge_are_found_and_the_rest_left():
    # 101 sentences of 20 topics, tuned on: precision 0.905, recall 0.776 (0.86 and 0.63
    # before the tenth round)
    figures = measure(_items(held_out=False))
    assert figures["precision"] >= 0.88 and figures["recall"] >= 0.75, figures


def test_the_judging_rule_on_held_out_sentences():
    # 43 sentences of 10 topics: accuracy 0.674 (precision 0.625, recall 0.31), the same
    # before and after the tenth round's words: far from good, and guarded only against
    # getting worse
    figures = measure(_items(held_out=True))
    assert figures["accuracy"] >= 0.65, figures


def test_the_judging_rule_on_sentences_of_real_pages():
    # 580 sentences of 55 real page openings, 2014-2025, marked alone by two helpers
    # (tests/data/judging-real): precision 0.60, recall 0.66 reached (0.30 and 0.26
    # before: the words had been grown from the shipped report and the synthetic ones);
    # tuned on, so a floor against losing what was gained
    figures = measure(read_marks(REAL_PAGES))
    assert figures["precision"] >= 0.55 and figures["recall"] >= 0.6, figures

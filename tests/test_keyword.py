"""The keyword (BM25) tokenizer for questions gives the tokens the index was built with."""

from __future__ import annotations

import bm25s

from corpus import load_reports
from index.keyword import _stemmer, tokenize
from tests.synthetic import REAL_REPORT


def test_questions_are_tokenized_as_bm25s_tokenizes_the_passages():
    texts = [p.text for _, ps in load_reports(REAL_REPORT.parent) for p in ps]
    texts += [
        "How long do DIGITAL devices wait for examination?",
        "what's the force's grade for 2018/19 – and why?",
        "Crime-recording: is it accurate (HMICFRS)?",
        "the and of a",
        "",
    ]
    theirs = bm25s.tokenize(
        texts, stopwords="en", stemmer=_stemmer(), show_progress=False, return_ids=False
    )
    assert tokenize(texts) == theirs
    assert tokenize(["the and of a"]) == [[]]
    assert "examin" in tokenize(["How long do devices wait for examination?"])[0]

"""index/keyword.py: BM25 over passages, with stemming and without stop words, saved and
loaded beside the dense index."""

from __future__ import annotations

import bm25s
import numpy as np
import pytest

from bench.synthetic import REAL_REPORT
from corpus import load_reports
from index.keyword import KeywordIndex, _stemmer, tokenize

PARAGRAPHS = [
    "The force keeps eleven canal boats for river patrols along the towpaths.",
    "Officers attend domestic abuse incidents promptly and record risk assessments.",
    "Neighbourhood teams work with the council to tackle anti-social behaviour.",
    "Investigators review crime reports every morning and allocate them to teams.",
]


def test_the_paragraph_with_the_exact_term_ranks_first():
    index = KeywordIndex.build(PARAGRAPHS)
    scores = index.scores(tokenize(["how many canal boats are there?"])[0])
    assert int(np.argmax(scores)) == 0
    assert scores[0] > 0 and np.all(scores[1:] == 0)


def test_word_forms_match_through_the_stemmer():
    index = KeywordIndex.build(PARAGRAPHS)
    scores = index.scores(tokenize(["investigating reported crimes"])[0])
    assert int(np.argmax(scores)) == 3  # "Investigators review crime reports"


def test_stop_words_do_not_count():
    index = KeywordIndex.build(PARAGRAPHS)
    assert tokenize(["is the and of it"])[0] == []
    np.testing.assert_allclose(
        index.scores(tokenize(["and the canal of the force"])[0]),
        index.scores(tokenize(["canal force"])[0]),
    )


def test_unknown_words_score_zero_for_every_passage():
    index = KeywordIndex.build(PARAGRAPHS)
    scores = index.scores(tokenize(["helicopter drones"])[0])
    assert scores.shape == (len(PARAGRAPHS),) and np.all(scores == 0)


def test_a_rarer_term_weighs_more_than_a_common_one():
    texts = [
        "teams teams patrols",
        "teams work late",
        "teams meet daily",
        "teams and towpaths",
    ]
    index = KeywordIndex.build(texts)
    scores = index.scores(tokenize(["teams towpaths"])[0])
    assert int(np.argmax(scores)) == 3  # the only paragraph with the rare word


def test_a_saved_index_loads_with_the_same_scores(tmp_path):
    index = KeywordIndex.build(PARAGRAPHS)
    index.save(tmp_path)
    loaded = KeywordIndex.load(tmp_path)
    tokens = tokenize(["council anti-social behaviour teams"])[0]
    np.testing.assert_allclose(loaded.scores(tokens), index.scores(tokens))
    assert int(np.argmax(loaded.scores(tokens))) == 2


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


def test_a_loaded_index_scores_exactly_as_bm25s_scores_it(tmp_path):
    """Serving reads the saved matrix itself (no bm25s, no scipy): every question gets
    bm25s's own scores, to the bit, so the ranking is the same."""
    texts = [p.text for _, ps in load_reports(REAL_REPORT.parent) for p in ps]
    KeywordIndex.build(texts).save(tmp_path)
    ours = KeywordIndex.load(tmp_path)
    theirs = bm25s.BM25.load(str(tmp_path / "keyword"), mmap=False)
    questions = [
        "How well does the force protect vulnerable people?",
        "crime recording accuracy and the crime data integrity audit",
        "missing children missing children",  # a token asked twice counts twice
        "canal boats",  # nothing known
        "digital forensics backlog examination",
    ]
    for question in questions:
        tokens = tokenize([question])[0]
        known = [t for t in tokens if t in theirs.vocab_dict]
        expected = theirs.get_scores(known) if known else np.zeros(len(texts), dtype=np.float32)
        got = ours.scores(tokens)
        assert got.dtype == expected.dtype and np.array_equal(got, expected), question


def test_the_stop_words_are_bm25s_own():
    from bm25s.stopwords import STOPWORDS_EN

    from index.keyword import STOPWORDS

    assert STOPWORDS == frozenset(STOPWORDS_EN)


def test_a_damaged_keyword_index_is_a_clear_error(tmp_path):
    KeywordIndex.build(PARAGRAPHS).save(tmp_path)
    indptr = tmp_path / "keyword" / "indptr.csc.index.npy"
    np.save(indptr, np.load(indptr)[:-1])  # the last column's end lost
    with pytest.raises(ValueError, match="do not cover"):
        KeywordIndex.load(tmp_path)

"""The passage page marks the sentences its link names (?span=start-end), and ignores a
malformed or out-of-range span rather than failing."""

from __future__ import annotations

import re

import pytest

from qa.marks import parse_spans, segments

PASSAGE = "lancashire-2018-effectiveness-q2-p11"


def marked(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html, flags=re.S)


def test_the_linked_sentence_is_marked_in_the_cited_paragraph(client):
    answer = client.post("/api/ask", json={"question": "who checks crime reports?"}).get_json()
    hit = next(p for p in answer["passages"] if p["highlights"])
    start, end = hit["highlights"][0]
    html = client.get(f"/passages/{hit['id']}?span={start}-{end}").get_data(as_text=True)
    sentence = hit["text"][start:end]
    assert [m.replace("&#39;", "'").replace("&amp;", "&") for m in marked(html)] == [sentence]
    assert 'id="passage"' in html


@pytest.mark.parametrize("span", ["", "abc", "10-5", "0-999999", "-1-4", "5"])
def test_a_bad_span_opens_the_passage_without_a_mark(client, span):
    response = client.get(f"/passages/{PASSAGE}?span={span}")
    assert response.status_code == 200
    assert marked(response.get_data(as_text=True)) == []


def test_spans_are_merged_and_cut_in_order():
    assert parse_spans("8-12,0-4,3-6", 20) == ((0, 6), (8, 12))
    assert segments("abcdefghij", ((2, 4),)) == [("ab", False), ("cd", True), ("efghij", False)]
    assert segments("", ()) == [("", False)]

"""qa/request.py: what /api/ask accepts, and the error that names what to fix (no model)."""

from __future__ import annotations

import pytest

from common.errors import BadRequest
from qa.request import AskRequest, Turn, decode_json, parse_ask


def refused(payload: object) -> BadRequest:
    with pytest.raises(BadRequest) as caught:
        parse_ask(payload)
    return caught.value


def test_a_plain_question_gets_the_defaults():
    assert parse_ask({"question": "  who checks crime records?\n"}) == AskRequest(
        question="who checks crime records?", k=5, history=(), filters=()
    )


def test_unknown_fields_are_refused_by_name():
    error = refused({"question": "q", "top_k": 3, "filter": {}})
    assert error.code == "unknown_field"
    assert "'filter'" in error.message and "'top_k'" in error.message
    assert "question, k, history, filters" in error.message


def test_unknown_filter_keys_are_refused_by_name():
    error = refused({"question": "q", "filters": {"force": "Kent", "region": "south"}})
    assert error.code == "bad_filter" and "'region'" in error.message


def test_unknown_keys_in_a_history_turn_are_refused_by_name():
    turn = {"question": "earlier", "passage_ids": [], "answer": "Good", "at": 1}
    error = refused({"question": "q", "history": [{"question": "first"}, turn]})
    assert error.code == "bad_history"
    assert "turn 2" in error.message and "'answer', 'at'" in error.message


@pytest.mark.parametrize("year", [2018, "2018", " 2018 "])
def test_a_year_may_be_a_number_or_a_string(year):
    assert parse_ask({"question": "q", "filters": {"year": year}}).filters == (("year", "2018"),)


def test_a_cycle_keeps_its_printed_form():
    asked = parse_ask({"question": "q", "filters": {"year": "2021/22", "force": " Kent "}})
    assert dict(asked.filters) == {"force": "Kent", "year": "2021/22"}


@pytest.mark.parametrize(
    ("payload", "code", "words"),
    [
        ([], "bad_body", "JSON object"),
        ({}, "bad_question", "missing"),
        ({"question": 7}, "bad_question", "must be a string"),
        ({"question": "   "}, "bad_question", "empty"),
        ({"question": "x" * 1001}, "bad_question", "1001 characters"),
        ({"question": "q", "k": 0}, "bad_k", "1 to 20"),
        ({"question": "q", "k": 21}, "bad_k", "1 to 20"),
        ({"question": "q", "k": True}, "bad_k", "whole number"),
        ({"question": "q", "k": "5"}, "bad_k", "whole number"),
        ({"question": "q", "filters": {"year": True}}, "bad_filter", '"year"'),
        ({"question": "q", "filters": {"question_number": "2"}}, "bad_filter", "whole number"),
        ({"question": "q", "filters": {"force": ""}}, "bad_filter", '"force"'),
        ({"question": "q", "filters": ["force"]}, "bad_filter", "object"),
        ({"question": "q", "history": "before"}, "bad_history", "list"),
        ({"question": "q", "history": [{"question": "a"}] * 11}, "bad_history", "at most 10"),
        ({"question": "q", "history": [{"passage_ids": []}]}, "bad_history", "turn 1"),
        (
            {"question": "q", "history": [{"question": "a", "passage_ids": [1]}]},
            "bad_history",
            "passage id strings",
        ),
    ],
)
def test_bad_values_are_refused_with_what_to_fix(payload, code, words):
    error = refused(payload)
    assert error.code == code
    assert words in error.message


def test_history_is_kept_in_order_and_a_question_over_the_limit_is_refused():
    """A turn's question has the limit of a question, which the API declares: one longer
    is refused, where it used to be cut short silently."""
    first = {"question": "first", "passage_ids": ["a", "b"]}
    asked = parse_ask({"question": "and why?", "history": [first, {"question": "y" * 1000}]})
    assert asked.history == (Turn("first", ("a", "b")), Turn("y" * 1000, ()))
    error = refused({"question": "and why?", "history": [first, {"question": "y" * 1001}]})
    assert error.code == "bad_history"
    assert 'turn 2: "question" is 1001 characters long; the limit is 1000' in error.message


def test_whole_numbers_may_be_written_with_a_point_as_json_schema_counts_them():
    """k: 3.0 is the integer 3 to JSON Schema, which the API's description is written in."""
    asked = parse_ask(
        {"question": "q", "k": 3.0, "filters": {"question_number": 2.0, "year": 2018.0}}
    )
    assert asked.k == 3 and dict(asked.filters) == {"question_number": 2, "year": "2018"}
    assert refused({"question": "q", "k": 3.5}).code == "bad_k"
    assert refused({"question": "q", "filters": {"question_number": 2.5}}).code == "bad_filter"


def test_the_question_limit_counts_the_question_as_sent():
    assert parse_ask({"question": " " + "x" * 999}).question == "x" * 999
    error = refused({"question": "x" * 999 + "  "})  # 1,001 as sent, 999 once stripped
    assert error.code == "bad_question" and "1001 characters" in error.message


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"question": "\\ud800"}', "not valid Unicode"),
    ],
)
def test_bodies_json_accepts_but_the_service_cannot_use_are_refused(body, words):
    with pytest.raises(BadRequest, match=words) as caught:
        decode_json(body)
    assert caught.value.code == "bad_body"


def test_a_body_that_is_not_json_is_left_for_parse_ask_to_explain():
    assert decode_json(b"question=who") is None
    assert refused(None).code == "bad_body"

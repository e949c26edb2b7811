"""Validate what a caller sends to /api/ask, with messages that say what to fix.

``AskBody`` (pydantic) is both the validator and the request's OpenAPI schema: its "before"
validator checks the body in a fixed order and raises our own errors with their codes and
messages (pydantic lets exceptions other than ValueError through unchanged), then pydantic
checks the fields against the same constraints the schema states.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from common.errors import BadQuestion, BadRequest

MAX_QUESTION_CHARS = 1000
MIN_K, MAX_K, DEFAULT_K = 1, 20, 5
MAX_HISTORY = 10
MAX_HISTORY_IDS = 20
FILTER_KEYS = ("force", "year", "pillar", "question_number", "unit")
# White space as str.strip() removes it, as the inside of a regex class that ECMA-262 (the
# OpenAPI document's patterns) and Python read alike: their \s differ (\x1e, \ufeff).
WHITE_SPACE = r"\t\n\x0b\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
ASK_FIELDS = ("question", "k", "history", "filters")
TURN_FIELDS = ("question", "passage_ids")


@dataclass(frozen=True)
class Turn:
    """An earlier question of the conversation and the passages it was answered with."""

    question: str
    passage_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class AskRequest:
    question: str
    k: int = DEFAULT_K
    history: tuple[Turn, ...] = ()  # oldest first
    filters: tuple[tuple[str, str | int], ...] = ()  # (key, value) pairs, validated later


def decode_json(data: bytes) -> object:
    """A request body's JSON (UTF-8, -16 or -32), or BadRequest ``bad_body`` saying why not.

    Beyond malformed JSON this refuses what ``json.loads`` accepts but the service cannot
    use: nesting deep enough to exhaust the recursion limit, and strings holding a lone
    UTF-16 surrogate (``"\\ud800"``), which cannot be written back out as UTF-8.
    """
    try:
        payload = json.loads(data)
    except RecursionError:
        raise BadRequest("the JSON body is nested too deeply", "bad_body") from None
    except ValueError:  # not JSON, or not UTF-8/16/32: parse_ask says what a body looks like
        return None
    try:
        json.dumps(payload, ensure_ascii=False).encode("utf-8")
    except RecursionError:
        raise BadRequest("the JSON body is nested too deeply", "bad_body") from None
    except UnicodeEncodeError:
        raise BadRequest(
            "the JSON body holds a string that is not valid Unicode (a lone surrogate such "
            "as \\ud800)",
            "bad_body",
        ) from None
    return payload


class TurnBody(BaseModel):
    """An earlier question of the conversation and the passages it was answered with."""

    model_config = ConfigDict(extra="forbid")
    question: str = Field(max_length=MAX_QUESTION_CHARS)
    passage_ids: list[str] = Field(default_factory=list, max_length=MAX_HISTORY_IDS)


class FiltersBody(BaseModel):
    """Only passages matching every filter given; names match whatever their case."""

    model_config = ConfigDict(extra="forbid")

    force: str | None = Field(None, min_length=1, examples=["Lancashire"])
    year: str | int | None = Field(
        None, description='a cycle as reports print it: 2018, "2018" or "2021/22"'
    )
    pillar: str | None = Field(None, min_length=1, examples=["Effectiveness"])
    question_number: int | None = Field(None, description="a framework question number")
    unit: str | None = Field(None, min_length=1, description="a unit key such as q2")


class AskBody(BaseModel):
    """The body of POST /api/ask."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(
        min_length=1,
        max_length=MAX_QUESTION_CHARS,
        pattern=f"[^{WHITE_SPACE}]",
        description="at most 1,000 characters as sent, not only white space",
    )
    k: int = Field(DEFAULT_K, ge=MIN_K, le=MAX_K, description="how many passages (3 and 3.0 alike)")
    history: list[TurnBody] | None = Field(
        None, max_length=MAX_HISTORY, description="earlier turns, oldest first"
    )
    filters: FiltersBody | None = None

    @model_validator(mode="before")
    @classmethod
    def _checked(cls, payload: Any) -> dict:
        """Our checks, in order, with our error codes; returns the body normalised."""
        if not isinstance(payload, dict):
            raise BadRequest(
                'the body must be a JSON object such as {"question": "...", "k": 5}', "bad_body"
            )
        unknown = sorted(set(payload) - set(ASK_FIELDS), key=str)
        if unknown:
            raise BadRequest(
                f"unknown field {', '.join(map(repr, unknown))}: send {', '.join(ASK_FIELDS)}",
                "unknown_field",
            )
        question = payload.get("question")
        if question is None:
            raise BadQuestion('"question" is missing: send {"question": "your question"}')
        if not isinstance(question, str):
            raise BadQuestion('"question" must be a string')
        if len(question) > MAX_QUESTION_CHARS:  # as sent, spaces included: the declared limit
            raise BadQuestion(
                f'"question" is {len(question)} characters long; the limit is {MAX_QUESTION_CHARS}'
            )
        question = question.strip()
        if not question:
            raise BadQuestion('"question" is empty: type a question')
        k = whole_number(payload.get("k", DEFAULT_K))
        if k is None or not MIN_K <= k <= MAX_K:
            raise BadRequest(f'"k" must be a whole number from {MIN_K} to {MAX_K}', "bad_k")
        turns = _history(payload.get("history"))
        filters = _filters(payload.get("filters"))
        return {
            "question": question,
            "k": k,
            "history": [{"question": t.question, "passage_ids": list(t.passage_ids)} for t in turns]
            or None,
            "filters": dict(filters) or None,
        }


def whole_number(value: object) -> int | None:
    """``value`` as an int when it is a whole number, as JSON Schema's "integer" counts them
    (3 and 3.0 alike; not true, not 3.5), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def parse_ask(payload: object) -> AskRequest:
    """An AskRequest from a decoded JSON body, or BadRequest/BadQuestion saying what is wrong."""
    body = AskBody.model_validate(payload)
    return AskRequest(
        question=body.question,
        k=body.k,
        history=tuple(Turn(t.question, tuple(t.passage_ids)) for t in body.history or ()),
        filters=tuple(
            (key, value)
            for key, value in (body.filters.model_dump() if body.filters else {}).items()
            if value is not None
        ),
    )


def _history(value: object) -> tuple[Turn, ...]:
    if value is None:
        return ()
    shape = '[{"question": "...", "passage_ids": ["..."]}, ...]'
    if not isinstance(value, list):
        raise BadRequest(f'"history" must be a list of earlier turns: {shape}', "bad_history")
    if len(value) > MAX_HISTORY:
        raise BadRequest(f'"history" holds at most {MAX_HISTORY} turns', "bad_history")
    turns = []
    for number, item in enumerate(value, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise BadRequest(
                f'"history" turn {number} needs a "question" string: {shape}', "bad_history"
            )
        unknown = sorted(set(item) - set(TURN_FIELDS), key=str)
        if unknown:
            raise BadRequest(
                f'"history" turn {number}: unknown field {", ".join(map(repr, unknown))}: '
                f"send {', '.join(TURN_FIELDS)}",
                "bad_history",
            )
        ids = item.get("passage_ids", [])
        if (
            not isinstance(ids, list)
            or len(ids) > MAX_HISTORY_IDS
            or not all(isinstance(i, str) for i in ids)
        ):
            raise BadRequest(
                f'"history" turn {number}: "passage_ids" must be a list of at most '
                f"{MAX_HISTORY_IDS} passage id strings",
                "bad_history",
            )
        if len(item["question"]) > MAX_QUESTION_CHARS:
            raise BadRequest(
                f'"history" turn {number}: "question" is {len(item["question"])} characters '
                f"long; the limit is {MAX_QUESTION_CHARS}, as for a question",
                "bad_history",
            )
        turns.append(Turn(item["question"], tuple(ids)))
    return tuple(turns)


def _filters(value: object) -> tuple[tuple[str, str | int], ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise BadRequest(
            '"filters" must be an object such as {"force": "Lancashire", "question_number": 2}',
            "bad_filter",
        )
    unknown = sorted(set(value) - set(FILTER_KEYS))
    if unknown:
        raise BadRequest(
            f"unknown filter {', '.join(map(repr, unknown))}: use {', '.join(FILTER_KEYS)}",
            "bad_filter",
        )
    pairs: list[tuple[str, str | int]] = []
    for key in FILTER_KEYS:
        if key not in value or value[key] is None:
            continue
        item = value[key]
        if key == "question_number":
            item = whole_number(item)
            if item is None:
                raise BadRequest('filter "question_number" must be a whole number', "bad_filter")
        elif key == "year" and whole_number(item) is not None:
            item = str(whole_number(item))  # 2018, 2018.0 and "2018" are the same cycle
        elif not isinstance(item, str) or not item.strip():
            raise BadRequest(f'filter "{key}" must be a non-empty string', "bad_filter")
        pairs.append((key, item.strip() if isinstance(item, str) else item))
    return tuple(pairs)

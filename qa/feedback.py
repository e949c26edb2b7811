"""Validate a reader's verdict on an answer (POST /api/feedback), with messages that say
what to fix. ``FeedbackBody`` is the validator and the request's OpenAPI schema, as
qa.request.AskBody is for /api/ask."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from common.errors import BadRequest
from qa.request import MAX_K, MAX_QUESTION_CHARS, WHITE_SPACE

MAX_ANSWER_CHARS = 5000  # the direct answer as shown (a table's text is the longest)
MAX_NOTE_CHARS = 1000
MAX_ID_CHARS = 200
FEEDBACK_FIELDS = ("question", "passage_ids", "answer", "verdict", "note")
VERDICTS = ("right", "wrong")


def _text(payload: dict, key: str, limit: int, required: bool = False) -> str | None:
    value = payload.get(key)
    if value is None:
        if required:
            raise BadRequest(f'"{key}" is missing', "bad_feedback")
        return None
    if not isinstance(value, str):
        raise BadRequest(f'"{key}" must be a string', "bad_feedback")
    if len(value) > limit:
        raise BadRequest(
            f'"{key}" is {len(value):,} characters long; the limit is {limit:,}', "bad_feedback"
        )
    value = value.strip()
    if required and not value:
        raise BadRequest(f'"{key}" is empty', "bad_feedback")
    return value or None


class FeedbackBody(BaseModel):
    """The body of POST /api/feedback: what the reader was shown, and their verdict."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(
        min_length=1,
        max_length=MAX_QUESTION_CHARS,
        pattern=f"[^{WHITE_SPACE}]",
        description="the question as asked",
    )
    passage_ids: list[Annotated[str, Field(min_length=1, max_length=MAX_ID_CHARS)]] = Field(
        default_factory=list,
        max_length=MAX_K,
        description="the ids of the passages the answer showed, in order",
    )
    answer: str | None = Field(
        None, max_length=MAX_ANSWER_CHARS, description="the direct answer's text as shown"
    )
    verdict: Literal["right", "wrong"]
    note: str | None = Field(
        None, max_length=MAX_NOTE_CHARS, description="what the reader says is right or wrong"
    )

    @model_validator(mode="before")
    @classmethod
    def _checked(cls, payload: Any) -> dict:
        if not isinstance(payload, dict):
            raise BadRequest(
                'the body must be a JSON object such as {"question": "...", "verdict": "wrong"}',
                "bad_body",
            )
        unknown = sorted(set(payload) - set(FEEDBACK_FIELDS), key=str)
        if unknown:
            raise BadRequest(
                f"unknown field {', '.join(map(repr, unknown))}: send {', '.join(FEEDBACK_FIELDS)}",
                "unknown_field",
            )
        question = _text(payload, "question", MAX_QUESTION_CHARS, required=True)
        verdict = payload.get("verdict")
        if verdict not in VERDICTS:
            raise BadRequest('"verdict" must be "right" or "wrong"', "bad_feedback")
        ids = payload.get("passage_ids", [])
        if (
            not isinstance(ids, list)
            or len(ids) > MAX_K
            or not all(isinstance(i, str) and 0 < len(i) <= MAX_ID_CHARS for i in ids)
        ):
            raise BadRequest(
                f'"passage_ids" must be a list of at most {MAX_K} passage ids (strings of 1 to '
                f"{MAX_ID_CHARS} characters)",
                "bad_feedback",
            )
        return {
            "question": question,
            "passage_ids": ids,
            "answer": _text(payload, "answer", MAX_ANSWER_CHARS),
            "verdict": verdict,
            "note": _text(payload, "note", MAX_NOTE_CHARS),
        }

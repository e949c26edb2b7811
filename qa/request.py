"""Validate what a caller sends to /api/ask, with messages that say what to fix."""

from __future__ import annotations

from dataclasses import dataclass

from corpus.errors import BadQuestion, BadRequest

MAX_QUESTION_CHARS = 1000
MIN_K, MAX_K, DEFAULT_K = 1, 20, 5


@dataclass(frozen=True)
class AskRequest:
    question: str
    k: int = DEFAULT_K


def parse_ask(payload: object) -> AskRequest:
    """An AskRequest from a decoded JSON body, or BadRequest/BadQuestion saying what is wrong."""
    if not isinstance(payload, dict):
        raise BadRequest(
            'the body must be a JSON object such as {"question": "...", "k": 5}', "bad_body"
        )
    question = payload.get("question")
    if question is None:
        raise BadQuestion('"question" is missing: send {"question": "your question"}')
    if not isinstance(question, str):
        raise BadQuestion('"question" must be a string')
    question = question.strip()
    if not question:
        raise BadQuestion('"question" is empty: type a question')
    if len(question) > MAX_QUESTION_CHARS:
        raise BadQuestion(
            f'"question" is {len(question)} characters long; the limit is {MAX_QUESTION_CHARS}'
        )
    k = payload.get("k", DEFAULT_K)
    if isinstance(k, bool) or not isinstance(k, int) or not MIN_K <= k <= MAX_K:
        raise BadRequest(f'"k" must be a whole number from {MIN_K} to {MAX_K}', "bad_k")
    return AskRequest(question=question, k=k)

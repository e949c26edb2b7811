"""The sentences to mark on a passage page: spans passed in its link (``?span=12-80``)."""

from __future__ import annotations

import re

MAX_SPANS = 4
_SPAN = re.compile(r"(\d{1,7})-(\d{1,7})")


def parse_spans(value: str | None, length: int) -> tuple[tuple[int, int], ...]:
    """``[start, end)`` spans from '12-80' or '12-80,95-140' (Python string indices, as the
    API's ``highlights``); anything malformed or outside the text is left out, not an error,
    so an old or edited link still opens the passage."""
    spans: list[tuple[int, int]] = []
    for part in (value or "").split(",")[:MAX_SPANS]:
        match = _SPAN.fullmatch(part.strip())
        if not match:
            continue
        start, end = int(match.group(1)), int(match.group(2))
        if 0 <= start < end <= length:
            spans.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def segments(text: str, spans: tuple[tuple[int, int], ...]) -> list[tuple[str, bool]]:
    """The text cut into (piece, marked) pieces, in order."""
    out: list[tuple[str, bool]] = []
    at = 0
    for start, end in spans:
        if start > at:
            out.append((text[at:start], False))
        out.append((text[start:end], True))
        at = end
    if at < len(text) or not out:
        out.append((text[at:], False))
    return out


def span_arg(spans) -> str | None:
    """The ``span`` link argument for spans, or None when there are none."""
    parts = [f"{int(s)}-{int(e)}" for s, e in spans or () if int(e) > int(s)]
    return ",".join(parts) or None

"""Filters on force, year, pillar, question and unit: which passages a question may return."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from common.errors import BadRequest
from corpus.records import Passage
from index.passages import PassageStore

KEYS = ("force", "year", "pillar", "question_number", "unit")


class Filters:
    """The filterable fields of every passage of one index, as arrays."""

    def __init__(self, passages: Sequence[Passage]) -> None:
        self._columns = {key: _column(passages, key) for key in KEYS}
        self.values = {
            key: sorted({v for v in column if v != ""}, key=str)
            for key, column in self._columns.items()
        }

    def mask(self, filters: tuple[tuple[str, str | int], ...]) -> np.ndarray | None:
        """Boolean mask of the passages matching every filter; None when there are none.

        A value that no indexed report has is a BadRequest naming it and the values that
        exist (names match whatever their case)."""
        if not filters:
            return None
        mask = None
        for key, wanted in filters:
            known = self.values[key]
            if isinstance(wanted, str):
                match = next((v for v in known if str(v).lower() == wanted.lower()), None)
            else:
                match = wanted if wanted in known else None
            if match is None:
                raise BadRequest(
                    f"no indexed report has {key} {wanted!r}; known values: "
                    + ", ".join(str(v) for v in known),
                    "bad_filter",
                )
            matches = self._columns[key] == match
            mask = matches if mask is None else mask & matches
        return mask.astype(bool)


def _column(passages: Sequence[Passage], key: str) -> np.ndarray:
    """One field of every passage ("" for None): a stored build's column, read as it is."""
    if isinstance(passages, PassageStore):
        column = passages.column(key)
    else:
        column = np.array([getattr(p, key) for p in passages], dtype=object)
    column[[value is None for value in column]] = ""
    return column

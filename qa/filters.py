"""Filters on force, year, pillar, question and unit: which passages a question may return."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from common.errors import BadRequest
from corpus.records import Passage
from index.passages import NONE, NUMBERS, PassageStore

KEYS = ("force", "year", "pillar", "question_number", "unit")


class Filters:
    """The filterable fields of every passage of one index, read off the passages' codes
    (``PassageStore.codes``, as the retriever's report masks are): a filter compares one
    integer over every passage, and no column of 100,000 strings is made at load."""

    def __init__(self, passages: Sequence[Passage]) -> None:
        store = passages if isinstance(passages, PassageStore) else PassageStore.of(passages)
        self._codes: dict[str, np.ndarray] = {}
        self._code: dict[str, dict[str | int, int]] = {}  # each value's code, by key
        self._named: dict[str, dict[str, str | int]] = {}  # lower-cased -> value, by key
        self.values: dict[str, list[str | int]] = {}
        for key in KEYS:
            codes, strings = store.codes(key)
            present = [c for c in np.unique(codes).tolist() if c != NONE]
            if key in NUMBERS:  # a number field's codes are the numbers themselves
                code = {c: c for c in present}
            else:  # one strings table serves every field: a value is a code in this column
                code = {strings[c]: c for c in present if strings[c] != ""}
            self._codes[key] = codes
            self._code[key] = code
            self.values[key] = sorted(code, key=str)
            named: dict[str, str | int] = {}
            for value in self.values[key]:  # the first in this order wins, as it always has
                named.setdefault(str(value).lower(), value)
            self._named[key] = named

    def mask(self, filters: tuple[tuple[str, str | int], ...]) -> np.ndarray | None:
        """Boolean mask of the passages matching every filter; None when there are none.

        A value that no indexed report has is a BadRequest naming it and the values that
        exist (names match whatever their case)."""
        if not filters:
            return None
        mask = None
        for key, wanted in filters:
            if isinstance(wanted, str):
                match = self._named[key].get(wanted.lower())
            else:
                match = wanted if wanted in self._code[key] else None
            if match is None:
                raise BadRequest(
                    f"no indexed report has {key} {wanted!r}; known values: "
                    + ", ".join(str(v) for v in self.values[key]),
                    "bad_filter",
                )
            matches = self._codes[key] == self._code[key][match]
            mask = matches if mask is None else mask & matches
        return mask

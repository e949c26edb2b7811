"""The passages of a build, stored and held in columns rather than as one object each.

At 100,000 passages, one ``Passage`` object each cost about 90 MB and 2.3 s to build at
every start-up (measured). The store keeps instead:

    passages/text.z         every passage's text, UTF-8, one after another (verbatim),
                            zlib-compressed in blocks of BLOCK passages, one after another
    passages/blocks.npy     (blocks + 1,) int64: block b is bytes [b]:[b + 1] of text.z
    passages/ids.bin        every passage's id, UTF-8, one after another
    passages/offsets.npy    (passages + 1, 2) int64: passage i's text is bytes
                            [i, 0]:[i + 1, 0] of the texts uncompressed, its id
                            [i, 1]:[i + 1, 1] of ids.bin
    passages/fields.npy     (passages, fields) int32: each other field of each passage, a
                            number, or for a text field its row in the strings table
                            (NONE for None)
    passages/strings.json   {"fields": [...], "strings": [...]}: the column order of
                            fields.npy and the strings many passages share (force,
                            report, question, section, ...), each once

``PassageStore`` is a sequence of typed ``Passage`` records, each made when asked for, so
callers that want a few passages keep working with the records; callers that look at one
field of every passage (filters, scope, grades) read its column instead.

The texts are most of the store (42 MB at 100,000 passages). A question reads about 30
passages, so they are kept compressed in small blocks, each decompressed when a passage
of it is read (about 15 us; the last few blocks are kept): blocks of 8 passages held the
shipped report's texts in 2.3 times less memory, the synthetic benchmark corpus's in 2.2.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from typing import overload

import numpy as np

from common.errors import IndexNotReady
from corpus.records import Passage

FOLDER = "passages"
TEXT_FILE = f"{FOLDER}/text.z"
BLOCKS_FILE = f"{FOLDER}/blocks.npy"
IDS_FILE = f"{FOLDER}/ids.bin"
OFFSETS_FILE = f"{FOLDER}/offsets.npy"
FIELDS_FILE = f"{FOLDER}/fields.npy"
STRINGS_FILE = f"{FOLDER}/strings.json"
FILES = (TEXT_FILE, BLOCKS_FILE, IDS_FILE, OFFSETS_FILE, FIELDS_FILE, STRINGS_FILE)
BLOCK = 8  # passages a compressed block of texts holds
KEPT_BLOCKS = 16  # decompressed blocks kept for the next reads

NONE = np.iinfo(np.int32).min  # a field that is None
NUMBERS = ("question_number", "paragraph", "page")  # int fields, stored as themselves
# Every other field but the two each passage has its own of (id, text), in record order.
COLUMNS = tuple(f.name for f in fields(Passage) if f.name not in ("id", "text"))


class PassagesUnreadable(ValueError):
    """Stored passages that are not what the store writes."""


class PassageStore(Sequence[Passage]):
    """The passages of one build, by row, made into ``Passage`` records when asked for."""

    def __init__(
        self,
        text: bytes,
        blocks: np.ndarray,
        ids: bytes,
        offsets: np.ndarray,
        table: np.ndarray,
        strings: list[str],
    ) -> None:
        """``text``: the compressed blocks of texts, ``blocks`` where each starts."""
        if offsets.ndim != 2 or offsets.shape[1] != 2 or offsets.dtype != np.int64:
            raise PassagesUnreadable("the offsets are not a (passages + 1, 2) int64 array")
        count = len(offsets) - 1
        if table.dtype != np.int32 or table.shape != (count, len(COLUMNS)):
            raise PassagesUnreadable(f"the fields are not a ({count}, {len(COLUMNS)}) array")
        if count < 0 or offsets[0].any() or (np.diff(offsets, axis=0) < 0).any():
            raise PassagesUnreadable("the offsets do not go forward from 0")
        if offsets[-1, 1] != len(ids):
            raise PassagesUnreadable("the offsets do not end where the ids do")
        if blocks.dtype != np.int64 or blocks.shape != (-(-count // BLOCK) + 1,):
            raise PassagesUnreadable("the text blocks are not one (blocks + 1,) int64 array")
        if blocks[0] != 0 or blocks[-1] != len(text) or (np.diff(blocks) < 0).any():
            raise PassagesUnreadable("the text blocks do not cover the texts in order")
        for at, name in enumerate(COLUMNS):
            column = table[:, at]
            if name not in NUMBERS and len(column):
                given = column[column != NONE]
                if len(given) and (given.min() < 0 or given.max() >= len(strings)):
                    raise PassagesUnreadable(f"the {name} column names strings that are not there")
        self._text = text
        self._blocks = blocks
        self._ids = ids
        self._offsets = offsets
        self._table = table
        self._strings = strings
        self._at = {name: at for at, name in enumerate(COLUMNS)}
        self._block = lru_cache(maxsize=KEPT_BLOCKS)(self._decompress)

    @classmethod
    def of(cls, passages: Sequence[Passage]) -> PassageStore:
        """The store of these passages (what a build writes)."""
        strings: dict[str, int] = {}
        table = np.empty((len(passages), len(COLUMNS)), dtype=np.int32)
        text, ids = bytearray(), bytearray()
        offsets = np.zeros((len(passages) + 1, 2), dtype=np.int64)
        compressed, blocks = bytearray(), [0]  # the texts' blocks, and where each starts
        for row, p in enumerate(passages):
            for at, name in enumerate(COLUMNS):
                value = getattr(p, name)
                if value is None:
                    table[row, at] = NONE
                elif name in NUMBERS:
                    table[row, at] = value
                else:
                    table[row, at] = strings.setdefault(value, len(strings))
            text += p.text.encode("utf-8")
            ids += p.id.encode("utf-8")
            offsets[row + 1] = (len(text), len(ids))
        for start in range(0, len(passages), BLOCK):
            end = min(start + BLOCK, len(passages))
            compressed += zlib.compress(bytes(text[offsets[start, 0] : offsets[end, 0]]))
            blocks.append(len(compressed))
        return cls(
            bytes(compressed), np.array(blocks, dtype=np.int64), bytes(ids), offsets, table,
            list(strings),
        )  # fmt: skip

    def save(self, folder: Path) -> None:
        """Write the store's files into a build folder."""
        (folder / FOLDER).mkdir(exist_ok=True)
        (folder / TEXT_FILE).write_bytes(self._text)
        np.save(folder / BLOCKS_FILE, self._blocks)
        (folder / IDS_FILE).write_bytes(self._ids)
        np.save(folder / OFFSETS_FILE, self._offsets)
        np.save(folder / FIELDS_FILE, self._table)
        strings = {"fields": list(COLUMNS), "strings": self._strings}
        (folder / STRINGS_FILE).write_text(json.dumps(strings, ensure_ascii=False), "utf-8")

    @classmethod
    def from_stored(
        cls,
        text: bytes,
        blocks: np.ndarray,
        ids: bytes,
        offsets: np.ndarray,
        table: np.ndarray,
        strings: bytes,
    ) -> PassageStore:
        """The store from a build's files (PassagesUnreadable when they are not what
        ``save`` writes)."""
        try:
            listed = json.loads(strings)
        except ValueError as exc:
            raise PassagesUnreadable(f"{STRINGS_FILE} is not JSON ({exc})") from None
        if not isinstance(listed, dict) or listed.get("fields") != list(COLUMNS):
            raise PassagesUnreadable(f"{STRINGS_FILE} does not name the fields {COLUMNS}")
        names = listed.get("strings")
        if not isinstance(names, list) or not all(isinstance(s, str) for s in names):
            raise PassagesUnreadable(f"{STRINGS_FILE} does not list strings")
        return cls(text, blocks, ids, offsets, table, names)

    @classmethod
    def read(cls, folder: Path) -> PassageStore:
        """The store a build folder holds, read without the manifest's checks (for tools;
        serving loads it through index/load.py)."""
        return cls.from_stored(
            (folder / TEXT_FILE).read_bytes(),
            np.load(folder / BLOCKS_FILE, allow_pickle=False),
            (folder / IDS_FILE).read_bytes(),
            np.load(folder / OFFSETS_FILE, allow_pickle=False),
            np.load(folder / FIELDS_FILE, allow_pickle=False),
            (folder / STRINGS_FILE).read_bytes(),
        )

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, row: int) -> Passage: ...
    @overload
    def __getitem__(self, row: slice) -> list[Passage]: ...
    def __getitem__(self, row: int | slice) -> Passage | list[Passage]:
        if isinstance(row, slice):
            return [self._passage(r) for r in range(*row.indices(len(self)))]
        row = int(row)
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError("passage row out of range")
        return self._passage(row)

    def __iter__(self) -> Iterator[Passage]:
        return (self._passage(row) for row in range(len(self)))

    def _passage(self, row: int) -> Passage:
        id_start, id_end = self._offsets[row : row + 2, 1].tolist()
        values = {}
        for name, value in zip(COLUMNS, self._table[row].tolist(), strict=True):
            if value == NONE:
                values[name] = None
            elif name in NUMBERS:
                values[name] = value
            else:
                values[name] = self._strings[value]
        return Passage(id=self._ids[id_start:id_end].decode("utf-8"), text=self.text(row), **values)

    def text(self, row: int) -> str:
        """Passage ``row``'s text, without making its record."""
        start, end = self._offsets[row : row + 2, 0].tolist()
        block = row // BLOCK
        first = int(self._offsets[block * BLOCK, 0])
        try:
            return self._block(block)[start - first : end - first].decode("utf-8")
        except UnicodeDecodeError:
            raise _damaged(block) from None

    def _decompress(self, block: int) -> bytes:
        """The texts of block ``block``, uncompressed (checked against their length)."""
        rows = self._offsets[block * BLOCK : min((block + 1) * BLOCK, len(self)) + 1, 0]
        start, end = self._blocks[block : block + 2].tolist()
        try:
            texts = zlib.decompress(self._text[start:end])
        except zlib.error:
            raise _damaged(block) from None
        if len(texts) != rows[-1] - rows[0]:
            raise _damaged(block)
        return texts

    def ids(self) -> list[str]:
        """Every passage's id, by row."""
        ids, ends = self._ids, self._offsets[:, 1].tolist()
        return [ids[a:b].decode("utf-8") for a, b in zip(ends, ends[1:], strict=False)]

    def column(self, name: str) -> np.ndarray:
        """One field of every passage, by row: an object array (None where the field is)."""
        codes = self._table[:, self._at[name]]
        if name in NUMBERS:
            out = codes.astype(object)
        else:
            table = np.array([*self._strings, None], dtype=object)
            out = table[np.where(codes == NONE, len(self._strings), codes)]
        out[codes == NONE] = None
        return out

    def codes(self, name: str) -> tuple[np.ndarray, list[str]]:
        """One text field of every passage as rows into a table of its values (NONE for
        None), with that table: compare numbers, not strings, over every passage. A number
        field's codes are its numbers (NONE for None)."""
        return self._table[:, self._at[name]], self._strings

    def rows_by_id(self) -> RowsById:
        """The row of each passage id, looked up without a dict of every id."""
        return RowsById(self)

    def rows_by_unit(self) -> dict[tuple[str, str], list[int]]:
        """The rows of each unit's passages, in order, by (report id, unit key)."""
        out: dict[tuple[str, str], list[int]] = {}
        keys = zip(self.column("report").tolist(), self.column("unit").tolist(), strict=True)
        for row, key in enumerate(keys):
            out.setdefault(key, []).append(row)
        return out

    def id_of(self, row: int) -> str:
        """Passage ``row``'s id, without making its record."""
        start, end = self._offsets[row : row + 2, 1].tolist()
        return self._ids[start:end].decode("utf-8")

    @property
    def nbytes(self) -> int:
        """Roughly the memory the store holds."""
        arrays = self._blocks.nbytes + self._offsets.nbytes + self._table.nbytes
        return len(self._text) + len(self._ids) + arrays


def _damaged(block: int) -> IndexNotReady:
    """The error for a block of texts that does not decompress to what it held: the build's
    files changed after they were checked (``flask --app app index verify`` says which)."""
    return IndexNotReady(
        f"the texts of passages {block * BLOCK} to {(block + 1) * BLOCK - 1} are damaged: "
        "run `make index` (or `flask --app app index rebuild`) to build the index again"
    )


class RowsById(Mapping[str, int]):
    """Passage id -> row over a store: a sorted array of the ids' hashes (8 bytes a
    passage) instead of a dict of 100,000 strings (about 17 MB); a hit is confirmed
    against the stored id, so a hash shared by two ids finds the right one."""

    def __init__(self, store: PassageStore) -> None:
        self._store = store
        ids, ends = store._ids, store._offsets[:, 1].tolist()
        hashes = np.fromiter(
            (hash(ids[a:b]) for a, b in zip(ends, ends[1:], strict=False)),
            dtype=np.int64,
            count=len(store),
        )  # of the UTF-8 bytes: no string made per passage
        self._order = np.argsort(hashes, kind="stable")
        self._hashes = hashes[self._order]

    def __getitem__(self, passage_id: str) -> int:
        if isinstance(passage_id, str):
            key = hash(passage_id.encode("utf-8"))
            at = int(np.searchsorted(self._hashes, key))
            while at < len(self._hashes) and self._hashes[at] == key:
                row = int(self._order[at])
                if self._store.id_of(row) == passage_id:
                    return row
                at += 1
        raise KeyError(passage_id)

    def __len__(self) -> int:
        return len(self._store)

    def __iter__(self) -> Iterator[str]:
        return iter(self._store.ids())

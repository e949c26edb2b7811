"""How far a PDF's streams expand, measured before the PDF reader expands any: the check that
refuses compression bombs.

Each object (``N G obj``) is read as a PDF parser reads it: names with ``#xx`` escapes,
strings with nested brackets and escapes, comments, nested dictionaries and arrays,
references. A dictionary followed by ``stream`` is a stream, and its ``/Filter`` (or ``/F``,
a name or an array, directly or by reference to another object) says how pdfminer will
decode it; the decoders that can expand (Flate, LZW, ASCII85, ASCIIHex, RunLength) are run
here, chained as declared, against one running limit for the whole file. A stream whose
dictionary cannot be read, or whose filter cannot be resolved, is tried as Flate, so damage
or an unusual layout cannot hide a bomb.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

_OBJ = re.compile(rb"(\d{1,10})\s+(\d{1,5})\s+obj(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])")
_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\r|\n)")
_WHITE = b"\x00\t\n\x0c\r "
_DELIMITERS = b"()<>[]{}/%"
_REGULAR = re.compile(rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]+")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
MAX_TOKENS = 100_000  # in one object: more is not a dictionary worth reading for its filter
CHUNK = 65536

FLATE = ("FlateDecode", "Fl")
LZW = ("LZWDecode", "LZW")
ASCII85 = ("ASCII85Decode", "A85")
ASCIIHEX = ("ASCIIHexDecode", "AHx")
RUNLENGTH = ("RunLengthDecode", "RL")


class Name(str):
    """A PDF name (``/FlateDecode``), told apart from a string."""


@dataclass(frozen=True)
class Ref:
    number: int
    generation: int


class Unreadable(Exception):
    """The bytes at a position are not one whole PDF object."""


class TooLarge(Exception):
    """The streams expand past the limit."""


def expanded_size(data: bytes, limit: int) -> int:
    """How many bytes the file's streams expand to, at most ``limit`` + 1 (TooLarge is not
    raised: the caller says what the limit means)."""
    objects, streams = _read_objects(data)
    counter = _Counter(limit)
    covered = set()
    try:
        for start, dictionary in streams:
            covered.add(start)
            # pdfminer reads /F before /Filter; a file with both is decoded both ways here
            for key in ("F", "Filter"):
                if key in dictionary or (key == "Filter" and "F" not in dictionary):
                    filters = _filters(dictionary.get(key), objects)
                    flate = [Name("FlateDecode")]
                    _decode(data, start, filters if filters is not None else flate, counter)
        for match in _STREAM.finditer(data):  # streams no readable dictionary introduced
            if match.end() not in covered:
                _decode(data, match.end(), [Name("FlateDecode")], counter)
    except TooLarge:
        pass
    return counter.total


def _read_objects(data: bytes) -> tuple[dict[Ref, object], list[tuple[int, dict]]]:
    """Every object that can be read (by number, the last one of each number wins, as in an
    updated file), and where each stream's data starts with its dictionary."""
    objects: dict[Ref, object] = {}
    streams: list[tuple[int, dict]] = []
    at = 0
    while match := _OBJ.search(data, at):
        ref = Ref(int(match.group(1)), int(match.group(2)))
        try:
            value, end = _Reader(data, match.end()).read()
        except Unreadable:
            at = match.end()
            continue
        objects[ref] = value
        end = _skip(data, end)
        if isinstance(value, dict) and data.startswith(b"stream", end):
            stream = _STREAM.match(data, end)
            if stream is not None:
                streams.append((stream.end(), value))
                at = stream.end()
                continue
        at = max(end, match.end())
    return objects, streams


def _filters(value: object, objects: dict[Ref, object]) -> list[Name] | None:
    """A stream's filters, in order, from its /Filter (or /F) entry; None when they cannot be
    told (a reference to an object not read here, or not a name)."""
    value = _resolve(value, objects)
    if value is _MISSING:
        return None
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        item = _resolve(item, objects)
        if item is _MISSING:
            return None
        if isinstance(item, Name):
            names.append(item)
        else:
            return None
    return names


_MISSING = object()


def _resolve(value: object, objects: dict[Ref, object]) -> object:
    seen = set()
    while isinstance(value, Ref):
        if value in seen or value not in objects:
            return _MISSING
        seen.add(value)
        value = objects[value]
    return value


class _Counter:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.total = 0

    def room(self) -> int:
        return self.limit - self.total + 1

    def add(self, count: int) -> None:
        self.total += count
        if self.total > self.limit:
            raise TooLarge


def _decode(data: bytes, start: int, filters: list[Name], counter: _Counter) -> None:
    """Run the stream's expanding filters in turn, counting every byte they make."""
    end = data.find(b"endstream", start)
    chunks: Iterator[bytes] = iter([data[start : end if end >= 0 else len(data)]])
    for name in filters:
        if name in FLATE:
            chunks = _inflate(chunks, counter)
        elif name in LZW:
            chunks = _unlzw(chunks, counter)
        elif name in ASCII85:
            chunks = _once(chunks, _ascii85, counter)
        elif name in ASCIIHEX:
            chunks = _once(chunks, _asciihex, counter)
        elif name in RUNLENGTH:
            chunks = _once(chunks, _runlength, counter)
        else:  # images and the like: pdfminer does not expand them
            break
    for _ in chunks:
        pass


def _inflate(chunks: Iterator[bytes], counter: _Counter) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    try:
        for chunk in chunks:
            for at in range(0, len(chunk), CHUNK):
                out = inflater.decompress(chunk[at : at + CHUNK], counter.room())
                counter.add(len(out))
                yield out
                while inflater.unconsumed_tail:
                    out = inflater.decompress(inflater.unconsumed_tail, counter.room())
                    counter.add(len(out))
                    yield out
                if inflater.eof:
                    return
    except zlib.error:  # damaged: pdfminer keeps what came out before the damage
        return


def _unlzw(chunks: Iterator[bytes], counter: _Counter) -> Iterator[bytes]:
    from pdfminer.lzw import LZWDecoder

    try:
        for out in LZWDecoder(io.BytesIO(b"".join(chunks))).run():
            counter.add(len(out))
            yield out
    except Exception:  # damaged: as above
        return


def _once(chunks: Iterator[bytes], decoder, counter: _Counter) -> Iterator[bytes]:
    out = decoder(b"".join(chunks), counter.room())
    counter.add(len(out))
    yield out


def _ascii85(data: bytes, room: int) -> bytes:
    from pdfminer.ascii85 import ascii85decode

    end = data.find(b"~>")
    try:
        return ascii85decode(data[: end + 2] if end >= 0 else data)[:room]
    except Exception:
        return b""


def _asciihex(data: bytes, room: int) -> bytes:
    from pdfminer.ascii85 import asciihexdecode

    try:
        return asciihexdecode(data)[:room]
    except Exception:
        return b""


def _runlength(data: bytes, room: int) -> bytes:
    """RunLengthDecode, stopping once ``room`` bytes are made."""
    out = bytearray()
    at = 0
    while at < len(data) and len(out) < room:
        length = data[at]
        if length == 128:
            break
        if length < 128:
            out += data[at + 1 : at + 2 + length]
            at += 2 + length
        else:
            out += data[at + 1 : at + 2] * (257 - length)
            at += 2
    return bytes(out[:room])


def _skip(data: bytes, at: int) -> int:
    """Past white space and comments."""
    while at < len(data):
        byte = data[at]
        if byte in _WHITE:
            at += 1
        elif byte == 0x25:  # % a comment, to the end of the line
            while at < len(data) and data[at] not in b"\r\n":
                at += 1
        else:
            break
    return at


class _Reader:
    """One PDF object from a position, read with a stack (no recursion, however deep)."""

    def __init__(self, data: bytes, at: int) -> None:
        self.data = data
        self.at = at

    def read(self) -> tuple[object, int]:
        """The object, and where it ends."""
        value = self._value()
        if type(value) is int:  # or the start of a reference, N G R
            end = self.at
            try:
                generation, keyword = self._token(), self._token()
            except Unreadable:
                generation = keyword = None
            if type(generation) is int and keyword == b"R":
                return Ref(value, generation), self.at
            self.at = end
        return value, self.at

    def _value(self) -> object:
        stack: list[list] = [[]]
        for _ in range(MAX_TOKENS):
            token = self._token()
            if token == b"<<" or token == b"[":
                stack.append([token])
                continue
            if token == b">>" or token == b"]":
                if len(stack) < 2:
                    raise Unreadable
                items = stack.pop()
                opened = items.pop(0)
                if (opened == b"<<") != (token == b">>"):
                    raise Unreadable
                value = _dictionary(items) if token == b">>" else items
            elif token == b"R":
                top = stack[-1]
                if len(top) < 2 or not all(type(v) is int for v in top[-2:]):
                    raise Unreadable
                generation, number = top.pop(), top.pop()
                value = Ref(number, generation)
            else:
                value = token
            stack[-1].append(value)
            if len(stack) == 1:
                return value
        raise Unreadable

    def _token(self) -> object:
        self.at = _skip(self.data, self.at)
        at, data = self.at, self.data
        if at >= len(data):
            raise Unreadable
        byte = data[at]
        if data.startswith(b"<<", at) or data.startswith(b">>", at):
            self.at = at + 2
            return data[at : at + 2]
        if byte in b"[]":
            self.at = at + 1
            return data[at : at + 1]
        if byte == 0x2F:  # /Name
            match = _REGULAR.match(data, at + 1)
            raw = match.group() if match else b""
            self.at = at + 1 + len(raw)
            return Name(
                _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw).decode("latin-1")
            )
        if byte == 0x28:  # (a string), with nested brackets and backslash escapes
            depth, at = 1, at + 1
            while at < len(data) and depth:
                if data[at] == 0x5C:
                    at += 2
                    continue
                depth += {0x28: 1, 0x29: -1}.get(data[at], 0)
                at += 1
            if depth:
                raise Unreadable
            self.at = at
            return b"(string)"
        if byte == 0x3C:  # <hex string>
            end = data.find(b">", at)
            if end < 0:
                raise Unreadable
            self.at = end + 1
            return b"<hex>"
        match = _REGULAR.match(data, at)
        if match is None:  # ) > { } alone: not an object
            raise Unreadable
        self.at = match.end()
        word = match.group()
        if word in (b"R", b"true", b"false", b"null"):
            return {b"true": True, b"false": False, b"null": None}.get(word, word)
        if word.isdigit() or (word[:1] in b"+-" and word[1:].isdigit()):
            return int(word)
        if word in (b"endobj", b"stream", b"obj"):
            raise Unreadable  # the object ended before it was whole
        return word  # a real number or another keyword: its value does not matter here


def _dictionary(items: list) -> dict:
    if len(items) % 2:
        raise Unreadable
    out = {}
    for key, value in zip(items[::2], items[1::2], strict=True):
        if not isinstance(key, Name):
            raise Unreadable
        out[str(key)] = value
    return out

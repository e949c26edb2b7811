"""Hostile report files, made here: PDFs that loop or expand, pages nested deep. Each must be
refused within seconds (the parse budget, corpus/parser.py) and leave the reader usable."""

from __future__ import annotations

import functools
import zlib

BOMB_BYTES = 300 * 1024 * 1024  # what a bomb's stream expands to (the limit is 200 MB)


def pdf(objects: dict[int, bytes], root: int = 1, version: bytes = b"1.4") -> bytes:
    """A PDF of these objects (number -> body) with an xref table and a trailer."""
    out = b"%PDF-" + version + b"\n"
    offsets = {}
    for number, body in sorted(objects.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    size = max(objects) + 1
    xref = b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        xref += b"%010d 00000 n \n" % offsets.get(number, 0)
    start = len(out)
    trailer = b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
    return out + xref + trailer % (size, root, start)


def self_reference() -> bytes:
    """The issue's file: an object that is a reference to itself, the document's root."""
    return pdf({1: b"1 0 R"})


def reference_loop() -> bytes:
    return pdf({1: b"2 0 R", 2: b"1 0 R"})


def page_tree_loop() -> bytes:
    """A page tree whose node is its own child."""
    return pdf(
        {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"}
    )


@functools.cache
def _bomb() -> bytes:
    return zlib.compress(b"\0" * BOMB_BYTES, 9)  # 300 MB in some 300 KB


def _bomb_stream(dictionary: bytes, data: bytes | None = None) -> bytes:
    data = _bomb() if data is None else data
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _with_page(stream: bytes) -> bytes:
    return pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            4: stream,
        }
    )


def padded_bomb() -> bytes:
    """A 300 MB stream whose /FlateDecode sits 600 bytes before the word stream."""
    padding = b"/Padding (" + b"x" * 600 + b")"
    return _with_page(_bomb_stream(b"/Filter /FlateDecode " + padding))


def escaped_name_bomb() -> bytes:
    """The filter's name spelt with a #xx escape, as PDF names may be."""
    return _with_page(_bomb_stream(b"/Filter /Fl#61teDecode"))


def indirect_filter_bomb() -> bytes:
    """The filter given by reference to another object."""
    body = _with_page(_bomb_stream(b"/Filter 5 0 R"))
    return body.replace(b"xref\n", b"5 0 obj\n/FlateDecode\nendobj\nxref\n", 1)


def hex_wrapped_bomb() -> bytes:
    """Inflated after an ASCIIHex decode: the raw bytes are not zlib at all."""
    data = _bomb().hex().encode() + b">"
    return _with_page(_bomb_stream(b"/Filter [/ASCIIHexDecode /FlateDecode]", data))


def nested_arrays(depth: int = 100_000) -> bytes:
    return pdf({1: b"<< /Type /Catalog /Pages 2 0 R /X " + b"[" * depth + b"]" * depth + b" >>"})


def nested_dictionaries(depth: int = 100_000) -> bytes:
    return pdf({1: b"<< /Type /Catalog /X " + b"<< /A " * depth + b"1" + b" >>" * depth + b" >>"})


def nested_html(tag: bytes = b"div", depth: int = 100_000) -> bytes:
    return b"<html><body>" + b"<%s>" % tag * depth + b"Testshire PEEL 2018"


def misnested_html(count: int = 50_000) -> bytes:
    """Formatting elements closed in the wrong order, over and over."""
    return b"<html><body><p>Testshire PEEL 2018" + b"<b><i>x</b></i>" * count


PDFS = {
    "self-reference.pdf": self_reference,
    "reference-loop.pdf": reference_loop,
    "page-tree-loop.pdf": page_tree_loop,
    "padded-bomb.pdf": padded_bomb,
    "escaped-name-bomb.pdf": escaped_name_bomb,
    "indirect-filter-bomb.pdf": indirect_filter_bomb,
    "hex-wrapped-bomb.pdf": hex_wrapped_bomb,
    "nested-arrays.pdf": nested_arrays,
    "nested-dictionaries.pdf": nested_dictionaries,
}
PAGES = {
    "nested-divs.html": nested_html,
    "nested-tables.html": lambda: nested_html(b"table><tr><td", 30_000),
    "nested-bold.html": lambda: nested_html(b"b"),
    "misnested.html": misnested_html,
}

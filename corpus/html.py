"""The text of a saved web page: headings, paragraphs, list items and table rows, one
block a line with a blank line between (the shape of a copied page), navigation, page
header and footer, forms and cookie banners dropped. Read with selectolax (lexbor)."""

from __future__ import annotations

import codecs
import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from common.errors import ReportParseError
from corpus.document import Document

_DROP_TAGS = {
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "button", "svg", "iframe", "object", "embed", "select", "input", "textarea", "head",
    "dialog", "canvas", "video", "audio", "img", "picture", "map",
}  # fmt: skip
_DROP_ROLES = {"navigation", "banner", "contentinfo", "search", "dialog", "alertdialog"}
_DROP_NAMES = re.compile(
    r"cookie|consent|skip-link|skiplink|breadcrumb|site-header|site-footer|govuk-header"
    r"|govuk-footer|share-|social|print-link",
    re.IGNORECASE,
)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_LISTS = {"ul", "ol", "dl"}
_INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark",
    "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
    "br", "-text", "font", "del", "ins", "label",
}  # fmt: skip
_CHARSET = re.compile(rb"""<meta[^>]{0,200}charset\s*=\s*["']?([A-Za-z0-9_-]{1,40})""", re.I)
MAX_BLOCKS = 200_000
# Parsing time grows with the square of the nesting depth (lexbor keeps a stack of open
# elements): 20,000 nested <div>s take a second, 100,000 take a minute and a half. Real
# report pages nest a few dozen deep.
MAX_DEPTH = 1000
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]{0,30})\b[^<>]{0,2000}?(/?)>")
# Elements whose end tag may be left out, and elements that never have one.
_NOT_COUNTED = {
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot",
    "colgroup", "caption", "rb", "rt", "rp", "html", "head", "body", "area", "base", "br",
    "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
}  # fmt: skip


def looks_like_html(data: bytes) -> bool:
    """True when the bytes open like a web page (whatever the file is called)."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in data[:4096].lower():
        return True
    return head.startswith(b"<") and any(t in head for t in (b"<head", b"<body", b"<html"))


def decode_html(data: bytes) -> str:
    """The page's characters: UTF-8, else the charset its meta tag names, else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    match = _CHARSET.search(data[:4096])
    if match:
        try:
            return data.decode(codecs.lookup(match.group(1).decode("ascii")).name, "replace")
        except LookupError:
            pass
    return data.decode("cp1252", "replace")


def html_document(data: bytes, path: str) -> Document:
    """The report text of a saved web page, with its heading levels."""
    text = decode_html(data)
    _refuse_deep_nesting(text, path)
    page = LexborHTMLParser(text)
    root = (
        page.css_first("main")
        or page.css_first("[role=main]")
        or page.css_first("article")
        or page.body
    )
    if root is None:
        raise ReportParseError(path, 1, "a web page with no body: no report text in it")
    blocks: list[tuple[str, int | None]] = []
    title = page.css_first("h1")
    if root.tag != "body" and title is not None and root.css_first("h1") is None:
        # The page's title ("Lancashire PEEL 2018") can sit in a banner above <main>.
        _add(blocks, _inline(title), 1)
    try:
        _walk(root, blocks)
    except RecursionError:
        raise ReportParseError(
            path, 1, "a web page nested too deeply to read (malformed HTML)"
        ) from None
    if not blocks:
        raise ReportParseError(path, 1, "a web page with no text in its main content")
    lines: list[str] = []
    headings: dict[int, int] = {}
    for text, level in blocks:
        if lines and text.startswith("  • ") and lines[-2].startswith("  • "):
            lines.pop()  # items of one list stand on consecutive lines, as in a copied page
        if level is not None:
            headings[len(lines) + 1] = level
        lines += [text, ""]
    return Document(path, "\n".join(lines), format="html", headings=headings)


def _refuse_deep_nesting(text: str, path: str) -> None:
    depth = 0
    for match in _TAG.finditer(text):
        closing, tag, self_closing = match.groups()
        if self_closing or tag.lower() in _NOT_COUNTED:
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        if depth > MAX_DEPTH:
            line = text.count("\n", 0, match.start()) + 1
            raise ReportParseError(
                path,
                line,
                f"a web page nested more than {MAX_DEPTH} elements deep (malformed HTML)",
            )


def _dropped(node: LexborNode) -> bool:
    if node.tag in _DROP_TAGS:
        return True
    attrs = node.attributes
    if (attrs.get("role") or "").lower() in _DROP_ROLES or "hidden" in attrs:
        return True
    if (attrs.get("aria-hidden") or "").lower() == "true":
        return True
    names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
    return bool(names.strip()) and bool(_DROP_NAMES.search(names))


def _inline(node: LexborNode) -> str:
    """The text of an element, its inline children included, white space collapsed."""
    parts: list[str] = []
    _collect(node, parts)
    return " ".join("".join(parts).split())


def _collect(node: LexborNode, parts: list[str]) -> None:
    child = node.child
    while child is not None:
        tag = child.tag
        if tag == "-text":
            parts.append(child.text(deep=False) or "")
        elif tag == "br":
            parts.append(" ")
        elif tag in _LISTS or _dropped(child) or tag in ("-comment",):
            pass
        else:
            if tag not in _INLINE:
                parts.append(" ")
            _collect(child, parts)
            if tag not in _INLINE:
                parts.append(" ")
        child = child.next


def _walk(node: LexborNode, blocks: list[tuple[str, int | None]]) -> None:
    if len(blocks) > MAX_BLOCKS or _dropped(node):
        return
    tag = node.tag
    if tag in _HEADINGS:
        _add(blocks, _inline(node), _HEADINGS[tag])
    elif tag in ("p", "pre", "dt", "dd", "figcaption", "caption", "summary"):
        _add(blocks, _inline(node))
    elif tag == "li":
        text = _inline(node)
        if text:
            _add(blocks, f"  • {text}")
        for child in _children(node):
            if child.tag in _LISTS:
                _walk(child, blocks)
    elif tag == "tr":
        cells = [_inline(c) for c in _children(node) if c.tag in ("td", "th")]
        _add(blocks, " | ".join(c for c in cells if c))
    else:  # a container: inline runs between its blocks are paragraphs of their own
        run: list[str] = []
        for child in _children(node):
            if child.tag in _INLINE or child.tag == "-text":
                if child.tag == "-text":
                    run.append(child.text(deep=False) or "")
                elif not _dropped(child):
                    run.append(_inline(child) if child.tag != "br" else " ")
                continue
            _add(blocks, " ".join("".join(run).split()))
            run = []
            _walk(child, blocks)
        _add(blocks, " ".join("".join(run).split()))


def _children(node: LexborNode):
    child = node.child
    while child is not None:
        if child.tag != "-comment":
            yield child
        child = child.next


def _add(blocks: list[tuple[str, int | None]], text: str, level: int | None = None) -> None:
    if text.strip():  # list items keep their indent, as in a copied page
        blocks.append((text.rstrip() if text.startswith("  • ") else text.strip(), level))

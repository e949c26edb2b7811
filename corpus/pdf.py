"""The text of a PDF report: one paragraph (a pdfminer text box) a line, a blank line
between, each line's page kept for citations; headings from the PDF's outline, or from a
font larger than the body text, or bold and short. Read with pdfminer.six (MIT).

Hostile files are refused before or while reading: encrypted PDFs, PDFs without text
(scans), damaged or truncated files, and compressed streams that would expand past
``MAX_EXPANDED_BYTES`` (a zip bomb).
"""

from __future__ import annotations

import functools
import io
import re
from collections import Counter
from dataclasses import dataclass

from common.budget import checkpoint
from common.errors import ReportParseError
from corpus.document import Document
from corpus.pdfstreams import expanded_size

MAX_PAGES = 1000
MAX_EXPANDED_BYTES = 200 * 1024 * 1024  # all streams together, once expanded
_BULLET = re.compile(r"^(?:•|\(cid:127\)|\uf0b7|\uf0a7|▪|●|◦|‣)\s*")
_BARE_BULLET = re.compile(r"^(?:•|\(cid:127\)|\uf0b7|\uf0a7|▪|●|◦|‣)$")
_PAGE_NUMBER = re.compile(r"^(?:Page )?\d{1,4}(?: of \d{1,4})?$")
MARGIN = 0.08  # share of the page height at top and bottom where running heads sit


@dataclass
class _Box:
    page: int
    top: float
    bottom: float
    left: float
    text: str
    size: float
    bold: bool
    chars: int
    in_margin: bool


def looks_like_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:1024]


def pdf_document(data: bytes, path: str) -> Document:
    """The report text of a PDF, with pages and heading levels."""
    _refuse_bombs(data, path)
    checkpoint()
    try:
        boxes, outline = _read_boxes(data, path)
    except ReportParseError:
        raise
    except _ReferenceLoop as loop:
        raise ReportParseError(
            path,
            1,
            f"the PDF is damaged: its object {loop.args[0]} is a reference that leads back to "
            "itself, which would send a PDF reader round in a loop",
        ) from None
    except MemoryError:
        raise ReportParseError(path, 1, "the PDF needs more memory to read than allowed") from None
    except Exception as exc:  # pdfminer raises many kinds on a damaged file
        raise ReportParseError(
            path, 1, f"the PDF is damaged or truncated and cannot be read ({type(exc).__name__})"
        ) from None
    boxes = _without_running_heads(boxes)
    if not any(b.text for b in boxes):
        raise ReportParseError(
            path,
            1,
            "the PDF has no text to read (a scanned or image-only PDF?): add a PDF with text, "
            "or the report's web page",
        )
    levels = _heading_levels(boxes, outline)
    lines: list[str] = []
    pages: dict[int, int] = {}
    headings: dict[int, int] = {}
    for box, level in zip(boxes, levels, strict=True):
        if lines and box.text.startswith("  • ") and lines[-2].startswith("  • "):
            lines.pop()  # items of one list stand on consecutive lines, as on a web page
        number = len(lines) + 1
        pages[number] = box.page
        if level is not None:
            headings[number] = level
        lines += [box.text, ""]
    return Document(path, "\n".join(lines), format="pdf", pages=pages, headings=headings)


def _refuse_bombs(data: bytes, path: str) -> None:
    """Expand every stream as pdfminer would, with a running limit, before pdfminer expands
    any (corpus/pdfstreams.py)."""
    if expanded_size(data, MAX_EXPANDED_BYTES) > MAX_EXPANDED_BYTES:
        raise ReportParseError(
            path,
            1,
            f"the PDF's compressed streams expand to more than "
            f"{MAX_EXPANDED_BYTES // (1024 * 1024)} MB: refused as a possible zip bomb",
        )


def _read_boxes(data: bytes, path: str) -> tuple[list[_Box], dict[str, int]]:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams, LTChar, LTTextContainer
    from pdfminer.pdfdocument import PDFNoOutlines
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    parser = PDFParser(io.BytesIO(data))
    try:
        document = _document_type()(parser)
    except Exception as exc:
        if "Encrypt" in type(exc).__name__ or "Password" in type(exc).__name__:
            raise ReportParseError(path, 1, _ENCRYPTED) from None
        raise
    if document.encryption is not None:
        raise ReportParseError(path, 1, _ENCRYPTED)
    outline: dict[str, int] = {}
    try:
        for level, title, *_ in document.get_outlines():
            if isinstance(title, str):
                outline.setdefault(" ".join(title.split()).lower(), int(level))
    except PDFNoOutlines:
        pass
    except Exception:  # an outline that cannot be read is only a lost hint
        outline = {}
    checkpoint()  # the document is open; each page is a step of its own
    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=LAParams())
    interpreter = PDFPageInterpreter(manager, device)
    boxes: list[_Box] = []
    for number, page in enumerate(PDFPage.create_pages(document), start=1):
        if number > MAX_PAGES:
            raise ReportParseError(path, 1, f"the PDF has more than {MAX_PAGES} pages")
        checkpoint()
        interpreter.process_page(page)
        layout = device.get_result()
        height = max(layout.height, 1.0)
        found: list[_Box] = []
        bullets: list[tuple[float, float]] = []
        for element in layout:
            if not isinstance(element, LTTextContainer):
                continue
            chars = list(_chars(element, LTChar))
            raw = element.get_text()
            if _BARE_BULLET.match(raw.strip()):  # a list's glyph, set apart from its item
                bullets.append((element.y1, element.x1))
                continue
            text = _paragraph(raw)
            if not text:
                continue
            size = sum(c.size for c in chars) / len(chars) if chars else 0.0
            bold = bool(chars) and all("bold" in c.fontname.lower() for c in chars)
            margin = element.y1 > height * (1 - MARGIN) or element.y0 < height * MARGIN
            found.append(
                _Box(
                    number, element.y1, element.y0, element.x0, text, size, bold, len(chars), margin
                )
            )
        for top, right in bullets:
            item = min(
                (b for b in found if b.left >= right - 1 and abs(b.top - top) <= max(b.size, 6)),
                key=lambda b: (abs(b.top - top), b.left),
                default=None,
            )
            if item is not None and not item.text.startswith("  • "):
                item.text = f"  • {item.text}"
        found.sort(key=lambda b: (-round(b.top), b.left))
        boxes.extend(_join_wrapped(found))
    return boxes, outline


class _ReferenceLoop(Exception):
    """An object that is only a reference, leading back to itself (``1 0 obj 1 0 R endobj``)."""


@functools.cache
def _document_type() -> type:
    """pdfminer's PDFDocument, except that an object that is only a reference to another is
    followed here, so that a loop of them is damage instead of an endless loop (pdfminer
    follows such a chain for as long as it goes)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdftypes import PDFObjRef

    class Document(PDFDocument):
        def getobj(self, objid: int) -> object:
            seen = {objid}
            obj = super().getobj(objid)
            while isinstance(obj, PDFObjRef):
                if obj.objid in seen:
                    raise _ReferenceLoop(objid)
                seen.add(obj.objid)
                obj = super().getobj(obj.objid)
            return obj

    return Document


_ENCRYPTED = "the PDF is encrypted: save or print an unencrypted copy, or add the report's web page"


def _paragraph(raw: str) -> str:
    """A text box's lines joined into one paragraph; a bullet glyph becomes '  • '."""
    lines = [ln.strip() for ln in raw.split("\n") if ln.strip()]
    text = ""
    for line in lines:
        if text.endswith("-") and len(text) > 1 and text[-2].isalpha() and line[:1].islower():
            text += line
        else:
            text = f"{text} {line}" if text else line
    text = " ".join(text.split())
    if _BULLET.match(text):
        rest = _BULLET.sub("", text, count=1)
        return f"  • {rest}" if rest else ""
    return text


def _without_running_heads(boxes: list[_Box]) -> list[_Box]:
    """Drop page numbers and the lines repeated in the margins of most pages."""
    pages = len({b.page for b in boxes})
    repeated = Counter(b.text for b in boxes if b.in_margin)
    return [
        b
        for b in boxes
        if not (b.in_margin and _PAGE_NUMBER.match(b.text))
        and not (b.in_margin and pages >= 3 and repeated[b.text] > pages // 2)
    ]


def _heading_levels(boxes: list[_Box], outline: dict[str, int]) -> list[int | None]:
    sizes = Counter()
    for b in boxes:
        sizes[round(b.size, 1)] += b.chars
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    larger = sorted({round(b.size, 1) for b in boxes if b.size >= body + 1.5}, reverse=True)
    levels: list[int | None] = []
    for b in boxes:
        words = len(b.text.split())
        key = " ".join(b.text.split()).lower()
        if key in outline:
            levels.append(outline[key])
        elif round(b.size, 1) in larger and words <= 25 and not b.text.startswith("  • "):
            levels.append(larger.index(round(b.size, 1)) + 1)
        elif b.bold and words <= 16 and not b.text.endswith(".") and not b.text.startswith("  •"):
            levels.append(len(larger) + 1)
        else:
            levels.append(None)
    return levels


def _chars(element, char_type):
    """Every character of a layout element, however deeply it is nested."""
    stack = [element]
    while stack:
        item = stack.pop()
        if isinstance(item, char_type):
            yield item
        elif hasattr(item, "__iter__"):
            stack.extend(item)


def _join_wrapped(boxes: list[_Box]) -> list[_Box]:
    """Join a box to the one above it when it only continues it: a line of a list item set
    apart from the item's first line by the bullet's hanging indent (pdfminer groups lines
    into one box only when they align)."""
    out: list[_Box] = []
    for box in boxes:
        above = out[-1] if out else None
        if (
            above is not None
            and not box.text.startswith("  • ")
            and not above.text.endswith((".", ":", ";", "!", "?"))
            and abs(above.size - box.size) < 0.5
            and above.bold == box.bold
            and 0 <= above.bottom - box.top <= 0.5 * max(box.size, 1.0)
            and box.left >= above.left
        ):
            above.text = f"{above.text} {box.text}"
            above.bottom, above.chars = box.bottom, above.chars + box.chars
            continue
        out.append(box)
    return out
